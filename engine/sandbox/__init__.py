"""Run submitted code in a confined child process forked from a warm zygote.

Public API: :class:`Sandbox` (``start``, ``run``, ``close``), :class:`Limits`,
:class:`IsolationReport`, the errors :class:`SandboxBusy`, :class:`SandboxDisabled` and
:class:`SandboxError`, and the process-wide :func:`default_sandbox`.
"""

from __future__ import annotations

import atexit
import threading

from engine.sandbox.client import (
    RunResult,
    Sandbox,
    SandboxBusy,
    SandboxDisabled,
    SandboxError,
)
from engine.sandbox.limits import LAYER_NAMES, IsolationReport, Limits

_default: Sandbox | None = None
_default_lock = threading.Lock()


def default_sandbox() -> Sandbox:
    """Return the process-wide sandbox (created on first use, stopped at exit)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Sandbox()
            atexit.register(_default.close)
        return _default


__all__ = [
    "LAYER_NAMES",
    "IsolationReport",
    "Limits",
    "RunResult",
    "Sandbox",
    "SandboxBusy",
    "SandboxDisabled",
    "SandboxError",
    "default_sandbox",
]
