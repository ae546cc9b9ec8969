"""Pool: one CPU-bound task run three ways on multiprocessing.Pool(2).

The task is a small pure-Python loop over an integer, about a millisecond of
work. ITEMS of them run on a pool of two processes: with `apply`, one at a
time; with `apply_async` for all of them, then `get` on each; and with
`map`. Two controls run beside them: the same tasks on one process and on
two processes with no pool (what the machine's cores give, with nothing
sent between processes), and `apply` of an empty task (one round trip to a
worker and back, with no work in it). Each way runs REPEATS times, in turns;
the table keeps the fastest run of each.

Then the comparison for the Rust port: a tiny task (`x * x`) over
SMALL_ITEMS integers with `Pool.map`, fastest of REPEATS runs, once with
`map`'s own chunksize (none given: it cuts the list into 4 chunks per
worker, as the Rust Pool's `map` does too) and once with chunksize=1 (one
task per item: the cost of a hand-off, item by item).

Writes its table to pool.md beside this file, and prints it.

Usage: python3 pool.py                 (the table and the comparison)
       python3 pool.py --compare-only  (only the comparison line, for examples/pool.rs)
"""

import multiprocessing
import os
import pathlib
import sys
import time

ITEMS = 200
WORK = 20_000  # loop steps per task: about a millisecond of CPython
SMALL_ITEMS = 100_000
REPEATS = 3


# ANCHOR: task
def task(n):
    """A millisecond or so of pure-Python arithmetic: CPU only."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def tiny(x):
    return x * x
# ANCHOR_END: task


# ANCHOR: three_ways
def one_at_a_time(pool):
    return [pool.apply(task, (WORK,)) for _ in range(ITEMS)]


def all_async_then_get(pool):
    pending = [pool.apply_async(task, (WORK,)) for _ in range(ITEMS)]
    return [r.get() for r in pending]


def with_map(pool):
    return pool.map(task, [WORK] * ITEMS)
# ANCHOR_END: three_ways


# The controls: the same tasks on processes with no pool (what the cores
# give when nothing is sent between processes), and `apply` with an empty
# task (what one round trip to a worker costs, with no work in it).
def run_share(share, answers):
    answers.put(sum(task(WORK) for _ in range(share)))


def no_pool(processes):
    answers = multiprocessing.SimpleQueue()
    share = ITEMS // processes
    children = [multiprocessing.Process(target=run_share, args=(share, answers))
                for _ in range(processes)]
    for child in children:
        child.start()
    totals = [answers.get() for _ in children]
    for child in children:
        child.join()
    return [sum(totals) // ITEMS] * ITEMS  # the same sum as the ways above


def empty(_):
    return 0


def empty_round_trips(pool):
    [pool.apply(empty, (0,)) for _ in range(ITEMS)]
    return [task(0)] * ITEMS  # not compared: no work was done


def best_of(run, pool):
    """The fastest wall time of REPEATS runs, in seconds, and the answer."""
    times, answers = [], set()
    for _ in range(REPEATS):
        start = time.perf_counter()
        answers.add(sum(run(pool)))
        times.append(time.perf_counter() - start)
    assert len(answers) == 1, answers
    return min(times), answers.pop()


# ANCHOR: compare
def compare(pool, chunksize=None):
    """Pool.map of the tiny task over SMALL_ITEMS integers: fastest of REPEATS."""
    xs = list(range(SMALL_ITEMS))
    expected = sum(x * x for x in xs)
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        got = pool.map(tiny, xs, chunksize)
        best = min(best, time.perf_counter() - start)
        assert sum(got) == expected
    return best
# ANCHOR_END: compare


def compare_line(pool):
    return (f"CPython multiprocessing.Pool(2).map over {SMALL_ITEMS:,} items "
            f"(no chunksize given: {SMALL_ITEMS // 8:,} items per chunk): "
            f"{compare(pool):.4f} s")


def table(pool):
    ways = {
        "one process, no pool": lambda _pool: no_pool(1),
        "two processes, no pool, half the tasks each": lambda _pool: no_pool(2),
        "`apply`, one at a time": one_at_a_time,
        "`apply_async` for all, then `get`": all_async_then_get,
        "`map`": with_map,
        "`apply` of an empty task, one at a time": empty_round_trips,
    }
    times = {how: [] for how in ways}
    answers = set()
    # Round after round of every way, so that a slow moment of the machine
    # hits all the ways alike; each keeps its fastest run.
    for _ in range(REPEATS):
        for how, run in ways.items():
            start = time.perf_counter()
            answer = sum(run(pool))
            times[how].append(time.perf_counter() - start)
            if run is not empty_round_trips:
                answers.add(answer)
    assert len(answers) == 1, f"the ways disagree: {answers}"
    one_task = min(timeit_task() for _ in range(REPEATS))

    lines = [
        f"Written by `python3 examples/python/pool.py`: {ITEMS} "
        f"tasks of {WORK:,} loop steps each ({one_task * 1e3:.2f} ms each in "
        f"the main process) on `multiprocessing.Pool(2)`; each time is the "
        f"fastest of {REPEATS} runs, taken in turns.",
        "",
        "| way | wall time | per task |",
        "|---|---:|---:|",
    ]
    for how in ways:
        best = min(times[how])
        lines.append(f"| {how} | {best:.3f} s | {best / ITEMS * 1e3:.2f} ms |")
    lines += [
        "",
        compare_line(pool) + ".",
        "",
        f"The same with chunksize=1 (one task per item): "
        f"{compare(pool, 1):.3f} s.",
    ]
    return "\n".join(lines) + "\n"


def timeit_task():
    start = time.perf_counter()
    task(WORK)
    return time.perf_counter() - start


if __name__ == "__main__":
    # "fork" (Linux's default before Python 3.14) starts a child fastest;
    # pinned so that the measurement does not depend on the Python version.
    multiprocessing.set_start_method("fork")
    with multiprocessing.Pool(2) as pool:
        if sys.argv[1:] == ["--compare-only"]:
            print(compare_line(pool))
        else:
            md = table(pool)
            pathlib.Path(__file__).with_name("pool.md").write_text(md)
            print(md, end="")
