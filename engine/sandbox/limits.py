"""Resource limits of one sandboxed run and the report of active isolation layers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one submission may use; every limit ends the run (and its whole process tree)."""

    cpu_seconds: int = 2
    wall_seconds: float = 5.0
    memory_bytes: int = 1024 * MIB
    processes: int = 8
    open_files: int = 64
    file_bytes: int = 1 * MIB
    scratch_bytes: int = 8 * MIB
    output_bytes: int = 1 * MIB
    result_bytes: int = 32 * MIB
    max_elements: int = 1 << 20

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


LAYER_NAMES = {
    "rlimits": "resource limits (CPU, memory, processes, files, output)",
    "clean-environment": "scrubbed environment",
    "scratch-directory": "empty scratch directory as cwd",
    "no-new-privileges": "no_new_privs",
    "separate-uid": "unprivileged uid per slot",
    "user-namespace": "user namespace",
    "pid-namespace": "PID namespace (whole tree killed)",
    "mount-namespace": "mount namespace (read-only stdlib + NumPy only, private /tmp)",
    "network-namespace": "network namespace (no interfaces)",
    "seccomp": "seccomp filter (no sockets, exec, ptrace, mounts, namespaces)",
}


@dataclass
class IsolationReport:
    """Which layers the sandbox could switch on here, and whether it runs code at all."""

    layers: dict[str, bool] = field(default_factory=dict)
    error: str = ""

    @property
    def enabled(self) -> bool:
        confined = self.layers.get("separate-uid") or self.layers.get("mount-namespace")
        return not self.error and bool(confined)

    @property
    def active(self) -> list[str]:
        return [name for name, on in self.layers.items() if on]

    @property
    def inactive(self) -> list[str]:
        return [name for name, on in self.layers.items() if not on]

    def reason(self) -> str:
        """Why code execution is disabled (empty when it is enabled)."""
        if self.error:
            return self.error
        if not self.enabled:
            return (
                "neither namespaces nor a separate uid are available to confine submitted code"
                " (run as root, or allow unprivileged user namespaces)"
            )
        return ""

    def summary(self) -> str:
        on = ", ".join(self.active) or "none"
        off = ", ".join(self.inactive) or "none"
        return f"active: {on}; off: {off}"
