"""Handing work between threads with threading.Condition and threading.Event.

1. A one-slot box: the producer waits while it is full, the consumer
   while it is empty, each in a `while` loop around cond.wait().
2. An Event as a start signal for several workers.
3. The lost wake-up: checking the box before taking the lock misses a notify.
4. Event.set() then clear() at once still wakes the threads already waiting.
"""

import threading
import time


def one_slot_handoff():
    cond = threading.Condition()
    box = None  # the one slot: None means empty
    received = []

    def producer():
        nonlocal box
        for item in range(1, 6):
            with cond:
                while box is not None:  # full: wait for the consumer
                    cond.wait()
                box = item
                cond.notify_all()

    def consumer():
        nonlocal box
        for _ in range(5):
            with cond:
                while box is None:  # empty: wait for the producer
                    cond.wait()
                received.append(box)
                box = None
                cond.notify_all()

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("one-slot box, consumer received:", received)


def start_signal():
    start = threading.Event()
    started = []

    def worker(name):
        start.wait()
        started.append(name)

    workers = [threading.Thread(target=worker, args=(f"worker-{i}",)) for i in (1, 2, 3)]
    for w in workers:
        w.start()
    print("workers started before set():", len(started))
    start.set()
    for w in workers:
        w.join()
    print("workers started after set():", sorted(started))


def lost_wakeup():
    cond = threading.Condition()
    box = None
    in_the_gap = threading.Event()  # choreography only, to make the bug
    put_done = threading.Event()  # happen on every run
    result = {}

    def careless_consumer():
        if box is None:  # BUG: checked without holding the lock
            in_the_gap.set()
            put_done.wait()  # the producer puts and notifies right here
            with cond:
                began = time.monotonic()
                result["woken"] = cond.wait(timeout=0.5)
                result["waited"] = time.monotonic() - began

    consumer = threading.Thread(target=careless_consumer)
    consumer.start()
    in_the_gap.wait()
    with cond:
        box = 1
        cond.notify_all()  # nobody is waiting yet: this notify is lost
    put_done.set()
    consumer.join()
    print("notify came before the consumer waited: wait() returned",
          result["woken"], "(timed out) although the box holds", box)
    print("  it waited >= 0.5 s for nothing:", result["waited"] >= 0.5)

    # The fix: check the box while holding the lock, in a loop (wait_for).
    with cond:
        print("checking under the lock instead, wait_for() returns at once:",
              cond.wait_for(lambda: box is not None, timeout=0.5))


def set_then_clear():
    ev = threading.Event()
    returned = []
    waiters = [threading.Thread(target=lambda: returned.append(ev.wait())) for _ in range(2)]
    for w in waiters:
        w.start()
    # Make sure both are really blocked inside ev.wait() before setting it.
    # Event.wait() waits on a Condition, which puts one entry in its
    # _waiters deque per blocked thread (CPython 3.11 internals, read only).
    # active_count() would not do: a thread is alive before it reaches wait().
    while len(ev._cond._waiters) < 2:
        time.sleep(0.001)
    ev.set()
    ev.clear()
    for w in waiters:
        w.join(timeout=1)
    print("Event set() then clear() at once, is_set():", ev.is_set())
    print("  both waiters returned:", returned,
          " still blocked:", [w.is_alive() for w in waiters])


if __name__ == "__main__":
    one_slot_handoff()
    start_signal()
    lost_wakeup()
    set_then_clear()
