"""The GIL, measured: one CPU-bound job on 1, 2 and 4 threads, then processes.

The job counts the primes below N by trial division, in pure Python. It is
cut into blocks of BLOCK numbers, dealt out in turn (worker 0 takes blocks
0, W, 2W, ...; worker 1 takes 1, W + 1, ...), so every worker gets about the
same work. Each setting runs REPEATS times, in turns; the table keeps the
fastest run of each.

Writes its table to gil.md beside this file, and prints it. With --quick,
each setting runs once (`cargo xtask measure --quick`).

Usage: python3 gil.py [--quick]
"""

import multiprocessing
import os
import pathlib
import sys
import threading
import time

N = 400_000
BLOCK = 1_000
WORKERS = (1, 2, 4)
REPEATS = 4


# ANCHOR: job
def is_prime(k):
    if k < 2:
        return False
    d = 2
    while d * d <= k:
        if k % d == 0:
            return False
        d += 1
    return True


def count_primes(worker, workers):
    """Counts the primes in this worker's blocks: pure Python, CPU only."""
    found = 0
    for start in range(worker * BLOCK, N, workers * BLOCK):
        for k in range(start, min(start + BLOCK, N)):
            if is_prime(k):
                found += 1
    return found
# ANCHOR_END: job


# ANCHOR: threads
def with_threads(workers):
    counts = [0] * workers  # shared memory: each thread fills in its slot

    def work(i):
        counts[i] = count_primes(i, workers)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)
# ANCHOR_END: threads


# ANCHOR: processes
def work_in_process(i, workers, results):
    # A global or a list would stay in this process: send the count back.
    results.put(count_primes(i, workers))


def with_processes(workers):
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=work_in_process, args=(i, workers, results))
             for i in range(workers)]
    for p in procs:
        p.start()
    total = sum(results.get() for _ in procs)  # one count from each
    for p in procs:
        p.join()
    return total
# ANCHOR_END: processes


def table():
    runs = {"threads": with_threads, "processes": with_processes}
    times = {}  # (how, workers): the wall times of its runs, in seconds
    answers = set()
    # Round after round of every setting, so that a slow moment of the
    # machine hits all the settings alike; each keeps its fastest run.
    for _ in range(REPEATS):
        for workers in WORKERS:
            for how, run in runs.items():
                start = time.perf_counter()
                answers.add(run(workers))
                seconds = time.perf_counter() - start
                times.setdefault((how, workers), []).append(seconds)
    assert len(answers) == 1, f"the workers disagree: {answers}"

    rows = []
    for workers in WORKERS:
        row = [str(workers)]
        for how in runs:
            best, one = min(times[how, workers]), min(times[how, 1])
            row += [f"{best:.2f} s", f"{one / best:.2f}x"]
        rows.append(row)

    lines = [
        f"Written by `python3 examples/python/gil.py`: counting "
        f"the {answers.pop()} primes below {N:,} by trial division; each "
        f"time is the fastest of {REPEATS} runs, taken in turns.",
        "",
        "| workers | threads: wall time | speed-up | processes: wall time | speed-up |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    # "fork" (Linux's default before Python 3.14) starts a child fastest;
    # pinned so that the measurement does not depend on the Python version.
    multiprocessing.set_start_method("fork")
    if sys.argv[1:] == ["--quick"]:
        REPEATS = 1
    md = table()
    pathlib.Path(__file__).with_name("gil.md").write_text(md)
    print(md, end="")
