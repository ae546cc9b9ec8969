"""A module-level global, changed by a thread and by child processes.

A thread shares the program's memory: its change is the parent's change.
A child process has memory of its own. With "fork" (Linux's default before
Python 3.14) it starts as a copy of the parent; with "spawn" (the default
on Windows and macOS) it starts a fresh interpreter that imports this file
again, so the globals start from scratch. Either way, what the child
changes stays in the child.
"""

import multiprocessing
import threading

# ANCHOR: globals
counter = 0  # module-level globals, one set per process
visitors = []


def visit(who):
    global counter
    counter += 1
    visitors.append(who)


def show(where):
    # flush: the child processes write to the same output as the parent,
    # and each line must be out before the next process writes
    print(f"{where:<26} counter = {counter}, visitors = {visitors}", flush=True)
# ANCHOR_END: globals


# ANCHOR: child
def child(who):
    show(f"{who} child, at start")
    visit(f"{who} child")
    show(f"{who} child, after")
# ANCHOR_END: child


# ANCHOR: main
if __name__ == "__main__":  # a "spawn" child imports this file: not for it
    show("parent, at start")

    t = threading.Thread(target=visit, args=("thread",))
    t.start()
    t.join()
    show("parent, after the thread")

    for method in ("fork", "spawn"):
        ctx = multiprocessing.get_context(method)
        p = ctx.Process(target=child, args=(method,))
        p.start()
        p.join()
        show(f"parent, after {method}")
# ANCHOR_END: main
