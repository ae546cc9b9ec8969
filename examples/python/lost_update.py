"""Lost updates on a multiprocessing.Value, and the fix.

`counter.value += 1` is a locked read, then a separately locked write: the
getter and the setter of `.value` each take the Value's lock (an RLock in
CPython) on their own. Another process can write in between, and its update
is lost. `with counter.get_lock():` holds the lock across both, so none is.

Usage: python3 lost_update.py [N]   (N increments per process, default 100_000)
"""

import sys
from multiprocessing import Process, Value

PROCESSES = 2
RACY_ROUNDS = 3


def add_racy(counter, n):
    for _ in range(n):
        counter.value += 1  # read (locked), then write (locked): not atomic


def add_locked(counter, n):
    for _ in range(n):
        with counter.get_lock():  # one hold of the lock for read and write
            counter.value += 1


def run(worker, n):
    """Runs PROCESSES processes of `worker` on a fresh counter; its total."""
    counter = Value("i", 0)
    procs = [Process(target=worker, args=(counter, n)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return counter.value


def report(label, n, total):
    expected = PROCESSES * n
    print(f"{label:<9} expected {expected}  got {total}  lost {expected - total}")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"{PROCESSES} processes x {n} increments of one Value('i', 0)")
    for i in range(1, RACY_ROUNDS + 1):
        report(f"racy #{i}", n, run(add_racy, n))
    report("locked", n, run(add_locked, n))
