# ANCHOR: whole
"""The end of file on a multiprocessing.Pipe, and the copy that hides it.

A child process gets one end of a Pipe, sends two messages and exits. The
parent calls recv() three times: two messages, and then? The child is gone,
so the third recv() should raise EOFError. It does only once *every* copy
of the child's end is closed, and the parent holds one: Pipe() opened both
ends in the parent, and starting the child gave the child a copy of its
end; the parent's own stays open until the parent closes it.

1. The forgotten copy: the third recv() waits for ever (shown in a daemon
   thread, given up on after 2 s). Closing the copy, late, wakes it.
2. The fix: close the parent's copy right after start(). Then poll() is
   True at the end of file, recv() raises EOFError at once, and send()
   raises BrokenPipeError: nobody is left to read.

The same with any start method ("fork", "spawn", "forkserver").
"""

import multiprocessing
import threading


# ANCHOR: child
def child(conn):
    conn.send("one")
    conn.send("two")
    # The function returns, the child process exits, and every file it had
    # open is closed: its copy of the pipe's end too.
# ANCHOR_END: child


# ANCHOR: forgotten
def recv_into(conn, results):
    """The third recv(), run in a thread: what it returned, or raised."""
    try:
        results.append(conn.recv())
    except EOFError as e:
        results.append(repr(e))


def forgotten_copy():
    parent_conn, child_conn = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(child_conn,))
    p.start()
    # BUG: the parent keeps its own copy of child_conn open.
    print("recv():", parent_conn.recv())
    print("recv():", parent_conn.recv())
    p.join()
    print("the child has exited, exit code", p.exitcode)

    # The third recv() would never return, so it runs in a daemon thread
    # (one the program need not wait for at exit), given up on after 2 s.
    results = []
    t = threading.Thread(target=recv_into, args=(parent_conn, results), daemon=True)
    t.start()
    t.join(timeout=2)
    print("third recv(), 2 s later: still waiting:", t.is_alive())

    # Whoever holds a copy of the child's end might still send on it:
    # the parent does. Closing that last copy is the end of file.
    child_conn.close()
    t.join()
    print("after child_conn.close(), the waiting recv() raised", results[0])
# ANCHOR_END: forgotten


# ANCHOR: fix
def closed_copy():
    parent_conn, child_conn = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(child_conn,))
    p.start()
    child_conn.close()  # THE FIX: the child has its own copy; drop ours
    print("recv():", parent_conn.recv())
    print("recv():", parent_conn.recv())
    p.join()
    # poll() means "recv() would not wait": true at the end of file too.
    print("poll():", parent_conn.poll())
    try:
        parent_conn.recv()
    except EOFError as e:
        print("third recv() raised", repr(e))
    try:
        parent_conn.send("three")
    except OSError as e:  # BrokenPipeError is a kind of OSError
        print("send() raised", type(e).__name__ + ":", e)
# ANCHOR_END: fix


if __name__ == "__main__":  # a "spawn" child imports this file: not for it
    print("1. the parent forgets to close its copy of the child's end")
    forgotten_copy()
    print("2. the parent closes it right after start()")
    closed_copy()
# ANCHOR_END: whole
