# ANCHOR: whole
"""A pool of worker threads fed by a queue.Queue, with task_done() and join().

1. Three workers square numbers from a queue; join() waits for every job.
2. join() counts puts, not gets: it waits for a job taken but unfinished.
3. Misuse: task_done() too often, put_nowait() when full, get() timing out.
4. join() again, with nothing unfinished, returns at once.
"""

import queue
import threading
import time

# ANCHOR: pool
jobs = queue.Queue()
results = queue.Queue()


def worker():
    while True:
        n = jobs.get()  # waits while there is no job
        time.sleep(0.01)  # the work takes a while
        results.put(n * n)
        jobs.task_done()  # one put is now dealt with


for _ in range(3):  # daemon: they die with the program, still in get()
    threading.Thread(target=worker, daemon=True).start()
for n in range(1, 11):
    jobs.put(n)
jobs.join()  # returns once all 10 jobs are done, not just taken
squares = sorted(results.get() for _ in range(results.qsize()))  # any order
print(f"10 jobs, 3 workers, results: {squares}, sum: {sum(squares)}")
# ANCHOR_END: pool

# ANCHOR: join_counts_puts
q = queue.Queue()  # q.unfinished_tasks: what join() waits on (not in the docs)
# Choreography only, so that every run prints the same thing:
taken = threading.Event()
go = threading.Event()
finished = []


def slow_worker():
    job = q.get()
    taken.set()  # the queue is empty now...
    go.wait()  # ...but the job is still in progress
    time.sleep(0.1)  # the slow part
    finished.append(job)
    q.task_done()


threading.Thread(target=slow_worker).start()
q.put("slow job")
taken.wait()
print(f"job taken: queue empty: {q.empty()}, qsize: {q.qsize()}, unfinished"
      f" tasks: {q.unfinished_tasks}, jobs finished: {len(finished)}")
go.set()
q.join()  # waits for the task_done(), not for the get()
print(f"after join: jobs finished: {len(finished)},"
      f" unfinished tasks: {q.unfinished_tasks}")
# ANCHOR_END: join_counts_puts

# ANCHOR: misuse
q = queue.Queue()
q.put("a")
q.get()
q.task_done()  # one put, one task_done: nothing is unfinished
try:
    q.task_done()  # one more task_done() than put()
except ValueError as err:
    print("task_done once too often: ValueError:", err)

bounded = queue.Queue(maxsize=1)
bounded.put("first")
item = "second"
try:
    bounded.put_nowait(item)
except queue.Full:
    print("put_nowait on a full queue: queue.Full")
    print(f"  the caller still has {item!r},"
          f" the queue holds {bounded.qsize()} item: {bounded.get()!r}")

began = time.monotonic()
try:
    q.get(timeout=0.1)
except queue.Empty:
    print("get(timeout=0.1) on an empty queue: queue.Empty;"
          f" it waited >= 0.1 s: {time.monotonic() - began >= 0.1}")
# ANCHOR_END: misuse

# ANCHOR: join_again
jobs.join()  # nothing unfinished since the first join: returns at once
print("join again: returns at once, unfinished tasks:", jobs.unfinished_tasks)
queue.Queue().join()  # nothing ever put, no worker at all: returns at once
print("join on a queue nothing was put on: returns at once")
# ANCHOR_END: join_again
# ANCHOR_END: whole
