"""The process tree of one run: relay → init (PID 1 of a fresh PID namespace) → worker.

The zygote never changes namespaces itself (inside a user namespace it could not switch back).
Its child creates the PID namespace and stays outside as a relay; the relay's child is the
namespace's init, which reaps orphans; the submission runs in init's child, PID 2, because an
init ignores signals it has no handler for (SIGXCPU included). When the worker ends, init exits
and the kernel kills everything left in the namespace, double-forked daemons included. Exit
statuses travel up unchanged; death by signal ``s`` becomes exit status 128 + s.
"""

from __future__ import annotations

import os
import signal
from typing import NoReturn

from . import isolate

SIGNALLED = 128
STDIO = (0, 1, 2, 3)


def _exit_like(status: int) -> NoReturn:
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else SIGNALLED - code)


def _close_stdio() -> None:
    """Drop the pipes so the service sees end-of-file as soon as the worker is gone."""
    for fd in STDIO:
        os.close(fd)


def enter_pid_namespace(own_user_namespace: bool) -> None:
    """Fork into a new PID namespace; returns in the child (its PID 1), the caller relays.

    Without root, the run first gets a user namespace of its own, so that its process limit
    is its own too. The relay answers SIGTERM by killing init and waiting: init's exit waits
    for the namespace to empty, so the zygote hears of the end only when nothing is left.
    """
    if own_user_namespace:
        isolate.enter_user_namespace()
    isolate.unshare(isolate.CLONE_NEWPID)
    pid = os.fork()
    if pid == 0:
        isolate.prctl(isolate.PR_SET_PDEATHSIG, signal.SIGKILL)  # relay gone: namespace gone
        return
    signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
    _close_stdio()
    _exit_like(os.waitpid(pid, 0)[1])


def become_init() -> None:
    """Fork the worker (returns in it); the caller stays as init, reaping until it ends."""
    worker = os.fork()
    if worker == 0:
        return
    _close_stdio()
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == worker:
            _exit_like(status)
