"""The candy machine: a threading.BoundedSemaphore whose value is the candies.

The tray has 5 slots and starts full. A buyer takes a candy with
acquire(blocking=False), or leaves without one if the tray is empty. The
refiller puts one back with release(); a refill into a full tray raises
ValueError, and the tray keeps its 5 candies.
"""

import threading

SLOTS = 5

# Its value is the candies in the tray. tray._value is a CPython internal,
# read here only to print the count.
tray = threading.BoundedSemaphore(SLOTS)


def buyer(n):
    took = tray.acquire(blocking=False)  # never waits for the refiller
    if took:
        print(f"buyer {n} takes a candy: {took} (tray: {tray._value})")
    else:
        print(f"buyer {n} finds the tray empty: {took} (tray: {tray._value})")


def refill():
    try:
        tray.release()
        print(f"refill: tray {tray._value}")
    except ValueError as err:
        print(f"refill into a full tray: ValueError: {err}"
              f" (tray still {tray._value})")


def step(target, *args):
    """Runs one buyer or refill in its own thread, and waits for it: one at a
    time, so the output is the same on every run."""
    t = threading.Thread(target=target, args=args)
    t.start()
    t.join()


if __name__ == "__main__":
    print(f"a new machine, tray: {tray._value} of {SLOTS}")
    for n in range(1, SLOTS + 2):  # one buyer more than there are candies
        step(buyer, n)
    for _ in range(SLOTS):
        step(refill)
    step(refill)  # one refill too many
