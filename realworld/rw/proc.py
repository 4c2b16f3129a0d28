"""Run one command in its own process group and account its CPU time exactly.

Several modes build at once (one thread each), so RUSAGE_CHILDREN, which sums
every child of this process, would mix their CPU times; os.wait4 returns the
usage of that one child and of every descendant it waited for (make's
compilers, all threads included).
"""
import os
import signal
import subprocess
import threading
import time

_groups = set()  # process groups running now, ended by kill_all on SIGINT/SIGTERM
_lock = threading.Lock()


def kill_all():
    with _lock:
        for g in list(_groups):
            try:
                os.killpg(g, signal.SIGKILL)
            except OSError:
                pass


def run(cmd, cwd, env, stdout, stderr=subprocess.STDOUT, timeout=None):
    """Returns (status or "timeout", wall s, cpu s); status 127 if cmd cannot start."""
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=stdout, stderr=stderr,
                             start_new_session=True)
    except OSError as e:
        if hasattr(stdout, "write"):
            stdout.write("cannot run: %s\n" % e)
        return 127, 0.0, 0.0
    with _lock:
        _groups.add(p.pid)
    timed_out = []

    def expire():
        timed_out.append(True)
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the whole group we started, nothing else
        except OSError:
            pass
    timer = threading.Timer(timeout, expire) if timeout else None
    if timer:
        timer.start()
    try:
        _, wstatus, ru = os.wait4(p.pid, 0)
    finally:
        if timer:
            timer.cancel()
        with _lock:
            _groups.discard(p.pid)
    p.returncode = os.waitstatus_to_exitcode(wstatus)  # so Popen does not wait again
    wall = time.perf_counter() - t0
    cpu = ru.ru_utime + ru.ru_stime
    return ("timeout" if timed_out else p.returncode), wall, cpu
