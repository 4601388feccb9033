"""Run submitted code in a confined child process forked from a warm zygote.

Public API: :class:`Sandbox` (``start``, ``run``, ``close``), :class:`Limits`,
:class:`IsolationReport`, the errors :class:`SandboxBusy`, :class:`SandboxDisabled`,
:class:`RuntimeUnavailable` and :class:`SandboxError`, the runtimes (:data:`RUNTIMES`,
:func:`runtime_unavailable`), the process-wide :func:`default_sandbox` of each runtime, and
:func:`on_behalf_of`, which names the client runs are made for (for the fair share of runners).
"""

from __future__ import annotations

import atexit
import threading

from engine.sandbox.client import (
    RunResult,
    RuntimeUnavailable,
    Sandbox,
    SandboxBusy,
    SandboxDisabled,
    SandboxError,
    current_client,
    on_behalf_of,
)
from engine.sandbox.limits import LAYER_NAMES, IsolationReport, Limits
from engine.sandbox.runtimes import RUNTIMES, get_runtime
from engine.sandbox.runtimes import unavailable as runtime_unavailable

_default: Sandbox | None = None  # the NumPy runtime's (a module attribute tests can swap)
_others: dict[str, Sandbox] = {}
_default_lock = threading.Lock()


def default_sandbox(runtime: str = "numpy") -> Sandbox:
    """Return the process-wide sandbox of ``runtime`` (created on first use, stopped at exit)."""
    global _default
    get_runtime(runtime)
    with _default_lock:
        box = _default if runtime == "numpy" else _others.get(runtime)
        if box is None:
            box = Sandbox(runtime=runtime)
            atexit.register(box.close)
            if runtime == "numpy":
                _default = box
            else:
                _others[runtime] = box
        return box


__all__ = [
    "LAYER_NAMES",
    "RUNTIMES",
    "IsolationReport",
    "Limits",
    "RunResult",
    "RuntimeUnavailable",
    "Sandbox",
    "SandboxBusy",
    "SandboxDisabled",
    "SandboxError",
    "current_client",
    "default_sandbox",
    "get_runtime",
    "on_behalf_of",
    "runtime_unavailable",
]
