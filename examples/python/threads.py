"""A threading.Thread's life: start, join, results, exceptions, names, daemons.

Each part runs its thread to the end (join) before the next part starts, so
the output is the same on every run.
"""

import threading
import time


# ANCHOR: start_join
def square(x, results):
    # A Thread throws its target's return value away, so the result has to
    # go somewhere the main thread can see it: here, a shared list.
    results.append(x * x)


def start_and_join():
    results = []
    t = threading.Thread(target=square, args=(7, results))
    t.start()  # the thread runs square(7, results) from now on
    print("join() returned", t.join())  # waits for it; always None
    print("the result, from the shared list:", results)
# ANCHOR_END: start_join


# ANCHOR: exception
def fail():
    raise ValueError("bad input")


def exception_in_a_thread():
    # An exception that escapes a thread's target goes to threading.excepthook
    # (by default: a traceback on stderr), never to the thread that joins it.
    threading.excepthook = lambda args: print(
        f"excepthook: thread {args.thread.name!r} raised {args.exc_value!r}")
    t = threading.Thread(target=fail, name="failer")
    t.start()
    print("join() returned", t.join(), "all the same")
# ANCHOR_END: exception


# ANCHOR: names
def names():
    def hello():
        print("hello from", threading.current_thread().name)

    t = threading.Thread(target=hello, name="greeter")
    t.start()
    t.join()
    print("and this is", threading.current_thread().name)
# ANCHOR_END: names


# ANCHOR: daemon
def daemon():
    def forever():
        while True:
            time.sleep(0.01)

    # A daemon thread is not waited for: when the main thread ends, the
    # interpreter exits and the daemon thread simply stops.
    d = threading.Thread(target=forever, daemon=True)
    d.start()
    print("daemon thread alive as the program ends:", d.is_alive())
# ANCHOR_END: daemon


if __name__ == "__main__":
    start_and_join()
    exception_in_a_thread()
    names()
    daemon()  # last: the program ends with this thread still running
