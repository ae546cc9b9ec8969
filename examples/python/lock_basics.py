"""What threading.Lock promises, shown one behaviour at a time.

Each line of output is one fact the Rust Lock keeps (see the Lock chapter).
"""

import threading
import time

lock = threading.Lock()

print("new lock locked():", lock.locked())
print("acquire(False) on a free lock:", lock.acquire(False))
print("acquire(False) on a held lock:", lock.acquire(False))

started = time.monotonic()
got = lock.acquire(timeout=0.05)
print(f"acquire(timeout=0.05) on a held lock: {got} after >= 0.05 s:",
      time.monotonic() - started >= 0.05)

# Not owned: another thread may release a lock this thread acquired.
releaser = threading.Thread(target=lock.release)
releaser.start()
releaser.join()
print("released by another thread, locked():", lock.locked())

try:
    lock.release()
except RuntimeError as err:
    print("release of an unlocked lock raises RuntimeError:", err)

with lock:
    print("inside `with lock:` locked():", lock.locked())
print("after the block locked():", lock.locked())

try:
    with lock:
        raise ValueError("boom")
except ValueError:
    pass
print("after an exception in the block locked():", lock.locked())
