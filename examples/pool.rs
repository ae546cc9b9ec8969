//! Pool: the task of `examples/python/pool.py` run three ways on
//! `syncbook::Pool::new(2)`, then `Pool::map` against rayon and a plain loop.
//!
//! First the same three ways as the Python program: `ITEMS` tasks of `WORK`
//! loop steps each, with `apply` one at a time, with `apply_async` for all
//! then `get` on each, and with `map`; each the fastest of `REPEATS` runs,
//! taken in turns. Then the comparison on `SMALL_ITEMS` items, for two
//! tasks: the tiniest (`x * x`), where only the cost of handing out the
//! items and collecting the results shows, and a small one (`task` with
//! `SMALL_WORK` loop steps, a few hundred nanoseconds); with `Pool::map`,
//! with rayon on a pool of 2 threads, and with a plain loop on this thread;
//! and CPython's `multiprocessing.Pool(2).map` on the tiniest, from a fresh
//! run of `python3 examples/python/pool.py --compare-only` when python3 is
//! there. Each comparison time is the median of `COMPARE_RUNS` runs, taken
//! in turns after one untimed run of each.
//!
//! Writes its tables to `examples/pool.md` and a bar chart of the
//! comparison to `examples/pool.svg`, and prints the tables. Measure a
//! release build: a debug build prints its tables but writes nothing.
//!
//! ```text
//! cargo run --release --example pool
//! ```

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use plotters::prelude::*;
use rayon::prelude::*;
use syncbook::Pool;

#[path = "../benches/report/aim.rs"]
mod aim;
use aim::Aim;
#[path = "../benches/report/thousands.rs"]
mod thousands;
use thousands::thousands;

const ITEMS: usize = 200; // pool.py's ITEMS
const WORK: u64 = 20_000; // pool.py's WORK
const SMALL_ITEMS: u64 = 100_000; // pool.py's SMALL_ITEMS
const SMALL_WORK: u64 = 200; // loop steps of the small task
const REPEATS: usize = 3;
const COMPARE_RUNS: usize = 101;

// ANCHOR: task
fn task(n: u64) -> u64 {
    let mut total = 0;
    for i in 0..n {
        total += i * i % 7;
    }
    total
}

fn tiny(x: u64) -> u64 {
    x * x
}
// ANCHOR_END: task

// ANCHOR: three_ways
fn one_at_a_time(pool: &Pool) -> Vec<u64> {
    (0..ITEMS)
        .map(|_| pool.apply(|| task(black_box(WORK))).unwrap())
        .collect()
}

fn all_async_then_get(pool: &Pool) -> Vec<u64> {
    let pending: Vec<_> = (0..ITEMS)
        .map(|_| pool.apply_async(|| task(black_box(WORK))))
        .collect();
    pending.into_iter().map(|r| r.get().unwrap()).collect()
}

fn with_map(pool: &Pool) -> Vec<u64> {
    pool.map(|n| task(black_box(n)), vec![WORK; ITEMS]).unwrap()
}
// ANCHOR_END: three_ways

// ANCHOR: compare
fn pool_map(pool: &Pool, f: fn(u64) -> u64) -> Vec<u64> {
    pool.map(f, 0..SMALL_ITEMS).unwrap()
}

fn rayon_map(threads: &rayon::ThreadPool, f: fn(u64) -> u64) -> Vec<u64> {
    threads.install(|| (0..SMALL_ITEMS).into_par_iter().map(f).collect())
}

fn sequential(f: fn(u64) -> u64) -> Vec<u64> {
    (0..SMALL_ITEMS).map(f).collect()
}
// ANCHOR_END: compare

fn small(x: u64) -> u64 {
    task(SMALL_WORK + x % 2)
}

/// Runs each of `ways` `REPEATS` times, in turns; the fastest time of each.
fn best_of(ways: &mut [&mut dyn FnMut() -> Vec<u64>]) -> Vec<Duration> {
    let times = timed(ways, REPEATS);
    times.into_iter().map(|t| t[0]).collect()
}

/// Runs each of `ways` once untimed, then `COMPARE_RUNS` times; the
/// median time of each. Not in turns, as `best_of`, but one way after the
/// other, with a pause between: the threads of one pool spin a little
/// after their work before they sleep, and on two cores they would slow
/// the next pool down, rayon's as much as ours.
/// With each median, the page faults per run (where the system counts
/// them for us: Linux), over the same runs.
fn median_of(ways: &mut [&mut dyn FnMut() -> Vec<u64>]) -> Vec<(Duration, Option<f64>)> {
    let mut medians = Vec::new();
    let mut answers = Vec::new();
    for way in ways.iter_mut() {
        std::thread::sleep(Duration::from_millis(50));
        answers.push(way().iter().sum::<u64>());
        let before = minor_faults();
        let times = timed(&mut [&mut **way], COMPARE_RUNS);
        let faults = before
            .zip(minor_faults())
            .map(|(before, after)| (after - before) as f64 / COMPARE_RUNS as f64);
        medians.push((times[0][COMPARE_RUNS / 2], faults));
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "the ways disagree: {answers:?}"
    );
    medians
}

/// The page faults of this process so far that the kernel served without
/// reading a disk (a fresh page of memory, zeroed): field 10 of Linux's
/// `/proc/self/stat`. `None` elsewhere.
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The second field, the program's name in parentheses, may hold spaces.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(7)?.parse().ok()
}

/// Each way's times over `runs` rounds, sorted; checks that they agree.
fn timed(ways: &mut [&mut dyn FnMut() -> Vec<u64>], runs: usize) -> Vec<Vec<Duration>> {
    let mut times = vec![Vec::new(); ways.len()];
    let mut answers = Vec::new();
    for _ in 0..runs {
        for (times, way) in times.iter_mut().zip(ways.iter_mut()) {
            let start = Instant::now();
            let out = way();
            times.push(start.elapsed());
            answers.push(out.iter().sum::<u64>());
        }
    }
    let first_round = &answers[..ways.len()];
    assert!(
        answers.chunks(ways.len()).all(|round| round == first_round)
            && first_round.windows(2).all(|w| w[0] == w[1]),
        "the ways disagree: {answers:?}"
    );
    for t in &mut times {
        t.sort();
    }
    times
}

/// CPython's time for the comparison, from a fresh run of pool.py, or why not.
fn cpython() -> Result<(f64, String), String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/python/pool.py");
    let out = Command::new("python3")
        .args([script, "--compare-only"])
        .output()
        .map_err(|e| format!("python3 not run ({e})"))?;
    if !out.status.success() {
        return Err(format!("python3 pool.py failed ({})", out.status));
    }
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let secs = line
        .rsplit(": ")
        .next()
        .and_then(|t| t.strip_suffix(" s"))
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| format!("cannot read pool.py's line {line:?}"))?;
    let version = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    Ok((secs, version))
}

/// One comparison: its name, and each implementation's name, seconds and
/// page faults per run.
struct Comparison {
    task: String,
    rows: Vec<(String, f64, Option<f64>)>,
}

fn report() -> (String, Vec<Comparison>) {
    let pool = Pool::new(2);
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();

    let ways = best_of(&mut [
        &mut || one_at_a_time(&pool),
        &mut || all_async_then_get(&pool),
        &mut || with_map(&pool),
    ]);
    let names = [
        "`apply`, one at a time",
        "`apply_async` for all, then `get`",
        "`map`",
    ];
    let mut rows = String::new();
    for (name, time) in names.iter().zip(&ways) {
        let secs = time.as_secs_f64();
        let per_task = secs / ITEMS as f64 * 1e6;
        writeln!(rows, "| {name} | {:.2} ms | {per_task:.1} µs |", secs * 1e3).unwrap();
    }

    let implementations = [
        "`syncbook::Pool::new(2).map`",
        "rayon, 2 threads",
        "plain loop, 1 thread",
    ];
    let mut comparisons = Vec::new();
    for (name, f) in [
        ("`x * x`", tiny as fn(u64) -> u64),
        (&*format!("`task({SMALL_WORK})`"), small),
    ] {
        let times = median_of(&mut [
            &mut || pool_map(&pool, f),
            &mut || rayon_map(&threads, f),
            &mut || sequential(f),
        ]);
        comparisons.push(Comparison {
            task: name.to_string(),
            rows: implementations
                .iter()
                .zip(&times)
                .map(|(name, (t, faults))| (name.to_string(), t.as_secs_f64(), *faults))
                .collect(),
        });
    }
    let python_note = match cpython() {
        Ok((secs, version)) => {
            comparisons[0].rows.push((
                "CPython `multiprocessing.Pool(2).map`".to_string(),
                secs,
                None,
            ));
            format!(
                "The CPython row is a fresh run of `python3 examples/python/pool.py \
                 --compare-only` ({version}; the fastest of its 3 runs; `map`'s own \
                 chunksize, 12,500)."
            )
        }
        Err(why) => format!("No CPython row: {why}."),
    };
    let mut compare_rows = String::new();
    for comparison in &comparisons {
        let rayon = comparison.rows[1].1;
        for (name, secs, faults) in &comparison.rows {
            let faults = faults.map_or("–".to_string(), |f| format!("{f:.0}"));
            writeln!(
                compare_rows,
                "| {} | {name} | {:.3} ms | {:.2}x | {faults} |",
                comparison.task,
                secs * 1e3,
                secs / rayon
            )
            .unwrap();
        }
    }

    // The crate's aim for `map` on the tiny task.
    let tiny = &comparisons[0];
    let aim = Aim {
        function: &format!("`Pool::map` on {}", tiny.task),
        baseline: "rayon",
        at_most: 1.2,
    }
    .verdict(tiny.rows[0].1 / tiny.rows[1].1);
    let md = format!(
        "Written by `cargo run --release --example pool`: {ITEMS} tasks of {} loop \
         steps each on `syncbook::Pool::new(2)` (one task on this thread: \
         {:.1} µs); each time is the fastest of {REPEATS} runs, taken in turns.\n\
         \n\
         | way | wall time | per task |\n\
         |---|---:|---:|\n\
         {rows}\n\
         {} items, results collected into a `Vec`: each time is the median of \
         {COMPARE_RUNS} runs, one implementation after the other. `task({SMALL_WORK})` on one item \
         takes {:.2} µs on this thread.\n\
         \n\
         | task | implementation | wall time | ratio to rayon | page faults per run |\n\
         |---|---|---:|---:|---:|\n\
         {compare_rows}\n\
         {aim}\n\
         \n\
         {python_note} A page fault is the kernel handing the process a \
         fresh page of memory (4 KiB), zeroed, on its first touch; the count is \
         the process's own (`/proc/self/stat`), over the timed runs of each row.\n",
        thousands(WORK),
        one_task(WORK).as_secs_f64() * 1e6,
        thousands(SMALL_ITEMS),
        one_task(SMALL_WORK).as_secs_f64() * 1e6,
    );
    (md, comparisons)
}

/// The fastest of 100 runs of one task of `work` steps on this thread.
fn one_task(work: u64) -> Duration {
    (0..100)
        .map(|_| {
            let start = Instant::now();
            black_box(task(black_box(work)));
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Bar charts of the comparisons, one beside the other: wall time in ms,
/// on a log scale.
fn chart(path: &str, comparisons: &[Comparison]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (980, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, comparisons.len()));
    for (panel, comparison) in panels.iter().zip(comparisons) {
        let ms: Vec<f64> = comparison.rows.iter().map(|(_, s, _)| s * 1e3).collect();
        // Whole decades, so that the grid lines fall on 0.1, 1, 10, ...
        let decade = |x: f64, round: fn(f64) -> f64| 10f64.powf(round(x.log10()));
        let lo = decade(
            ms.iter().copied().fold(f64::MAX, f64::min) / 2.0,
            f64::floor,
        );
        let hi = decade(ms.iter().copied().fold(0.0, f64::max) * 4.0, f64::ceil);
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!(
                    "{} over {} items, 2 workers",
                    comparison.task.replace('`', ""),
                    thousands(SMALL_ITEMS)
                ),
                ("sans-serif", 18),
            )
            .margin(15)
            .x_label_area_size(10)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..ms.len() as f64 - 0.5, (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .x_labels(0)
            .y_desc("wall time, ms (log scale)")
            .draw()?;
        chart.draw_series(ms.iter().enumerate().map(|(i, &t)| {
            let x = i as f64;
            Rectangle::new([(x - 0.3, lo), (x + 0.3, t)], BLUE.mix(0.6).filled())
        }))?;
        for (i, ((name, _, _), &t)) in comparison.rows.iter().zip(&ms).enumerate() {
            let x = i as f64 - 0.45;
            let short = name
                .replace('`', "")
                .replace("syncbook::", "")
                .replace("multiprocessing.", "")
                .replace(", 1 thread", "")
                .replace(", 2 threads", "");
            chart.draw_series([
                Text::new(short, (x, t * 1.9), ("sans-serif", 12)),
                Text::new(format!("{t:.3} ms"), (x, t * 1.4), ("sans-serif", 12)),
            ])?;
        }
    }
    root.present()?;
    Ok(())
}

fn main() {
    let (md, comparisons) = report();
    print!("{md}");
    if cfg!(debug_assertions) {
        eprintln!("(a debug build: examples/pool.md and pool.svg not written; use --release)");
    } else {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
        std::fs::write(format!("{dir}/pool.md"), &md).expect("cannot write examples/pool.md");
        chart(&format!("{dir}/pool.svg"), &comparisons).expect("cannot write examples/pool.svg");
    }
}
