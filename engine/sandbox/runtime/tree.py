"""The process tree of one run: relay → harness (PID 1 of a fresh PID namespace) → worker.

The zygote never changes namespaces itself (inside a user namespace it could not switch back).
Its child creates the PID namespace and stays outside as a relay; the relay's child is the
namespace's init: the trusted harness, which reaps orphans and which no process of the
namespace can signal (an init receives only signals it has a handler for, and it has none).
The submission runs in the harness's child, the worker (PID 2). When the harness exits, the
kernel kills everything left in the namespace, double-forked daemons included. Exit statuses
travel up unchanged; death by signal ``s`` becomes exit status 128 + s.
"""

from __future__ import annotations

import os
import signal
from typing import NoReturn

from . import isolate

SIGNALLED = 128
STDIO = (0, 1, 2, 3, 4)  # stdin, output, results, request


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
