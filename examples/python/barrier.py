"""Threads meeting at a threading.Barrier, round after round.

1. Three threads meet at one barrier three rounds running. wait() returns
   each thread's arrival index: 0 for the first to arrive, 2 for the last.
   Nobody leaves a round before all three have arrived.
2. A barrier for three that only two reach: the one whose wait(timeout)
   runs out breaks the barrier, and every wait fails with
   BrokenBarrierError, the other waiter's and any later one's, until
   reset().
"""

import threading
import time

# ANCHOR: rounds
barrier = threading.Barrier(3)
arrived = {1: [], 2: [], 3: []}  # who has arrived in each round
log = []  # (round, name, index, how many had arrived when it left)


def runner(name, delay):
    for round in range(1, 4):
        time.sleep(delay)  # choreography: a arrives first, c last
        arrived[round].append(name)
        index = barrier.wait()  # waits until all three have arrived
        log.append((round, name, index, len(arrived[round])))


threads = [threading.Thread(target=runner, args=(name, delay))
           for name, delay in [("a", 0.0), ("b", 0.05), ("c", 0.1)]]
for t in threads:
    t.start()
for t in threads:
    t.join()
for round in range(1, 4):
    left = sorted((name, index) for r, name, index, _ in log if r == round)
    seen = {n for r, _, _, n in log if r == round}
    print(f"round {round}: arrival indices {left}, arrived when each left: {seen}")
# ANCHOR_END: rounds

# ANCHOR: broken
barrier = threading.Barrier(3)  # three parties; only two will come
outcomes = {}


def patient():
    try:
        outcomes["patient"] = barrier.wait()
    except threading.BrokenBarrierError:
        outcomes["patient"] = "BrokenBarrierError"


t = threading.Thread(target=patient)
t.start()
while barrier.n_waiting < 1:  # until the patient thread waits
    time.sleep(0.01)
try:
    barrier.wait(timeout=0.1)  # the third party never comes
except threading.BrokenBarrierError:
    print("wait(timeout=0.1): BrokenBarrierError; broken:", barrier.broken)
t.join()
print("the other waiter got:", outcomes["patient"])
try:
    barrier.wait()  # a late arrival
except threading.BrokenBarrierError:
    print("a later wait() fails at once: BrokenBarrierError")
barrier.reset()
print("after reset(): broken:", barrier.broken,
      "n_waiting:", barrier.n_waiting, "parties:", barrier.parties)
# ANCHOR_END: broken
