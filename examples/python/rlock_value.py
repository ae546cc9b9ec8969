"""Why multiprocessing.Value guards itself with an RLock.

Reading or writing `v.value` takes the Value's lock. So inside
`with v.get_lock():` the thread takes that lock a second time. An RLock
lets its owner do that; a plain Lock does not, so the same code deadlocks.
The last part shows the RLock rules on a threading.RLock.
"""

import multiprocessing
import threading
from multiprocessing import Value


def in_other_thread(fn):
    """Runs fn() in a new thread, waits for it, and returns what it returned."""
    result = []
    t = threading.Thread(target=lambda: result.append(fn()))
    t.start()
    t.join()
    return result[0]


def add_one(v):
    with v.get_lock():  # first hold of the lock
        v.value += 1  # the getter and the setter each take it again


def value_with_rlock():
    v = Value("i", 0)
    print("Value('i', 0).get_lock() is a", type(v.get_lock()).__name__,
          "from", type(v.get_lock()).__module__)
    add_one(v)
    print("with get_lock(): value += 1 under the RLock, value:", v.value)


def value_with_plain_lock():
    v = Value("i", 0, lock=multiprocessing.Lock())
    print("Value('i', 0, lock=Lock()).get_lock() is a", type(v.get_lock()).__name__)
    # The same add_one, in a daemon thread so that the deadlock cannot keep
    # the program from exiting: the `.value` getter waits for the Lock that
    # this very thread already holds, and nobody will ever release it.
    t = threading.Thread(target=add_one, args=(v,), daemon=True)
    t.start()
    t.join(timeout=1)
    print("with get_lock(): value += 1 under a plain Lock, still waiting after 1 s:",
          t.is_alive())


def rlock_rules():
    lock = threading.RLock()
    print("owner acquire():", lock.acquire())
    print("owner acquire() again:", lock.acquire())
    print("owner _is_owned():", lock._is_owned())
    print("other thread _is_owned():", in_other_thread(lock._is_owned))
    print("owner _recursion_count():", lock._recursion_count())
    print("other thread _recursion_count():", in_other_thread(lock._recursion_count))

    def release_from_other_thread():
        try:
            lock.release()
        except RuntimeError as err:
            return err
        return "no error"

    print("other thread release() raises RuntimeError:",
          in_other_thread(release_from_other_thread))

    def try_acquire():
        got = lock.acquire(timeout=0.1)
        if got:
            lock.release()
        return got

    lock.release()
    print("after 1 of 2 releases, other thread acquire(timeout=0.1):",
          in_other_thread(try_acquire))
    lock.release()
    print("after 2 of 2 releases, other thread acquire(timeout=0.1):",
          in_other_thread(try_acquire))


if __name__ == "__main__":
    value_with_rlock()
    value_with_plain_lock()
    rlock_rules()
