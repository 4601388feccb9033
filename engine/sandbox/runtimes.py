"""The interpreters a submission can run in: NumPy only, or NumPy with PyTorch.

Each runtime gets a zygote of its own, so the NumPy zygote never loads torch: the packages its
children may read, the runtime modules its zygote imports before forking (``torch_drivers``
imports torch), and limits sized for it. Nothing here imports an optional package; a runtime
whose package is missing is reported unavailable with the reason.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

from engine.sandbox.limits import MIB, Limits

_find_spec = importlib.util.find_spec  # one seam for tests that pretend a package is missing

TORCH_VERSION = "2.13.0"
# torch's shared libraries map ~0.65 GiB of address space at import, before any tensor exists;
# the limit leaves the same headroom as the NumPy runtime's 1 GiB gives NumPy, and more.
TORCH_LIMITS = Limits(memory_bytes=2048 * MIB, cpu_seconds=3, wall_seconds=6.0)


@dataclass(frozen=True)
class Runtime:
    """One kind of zygote."""

    name: str
    label: str
    requires: tuple[str, ...]  # importable packages it cannot work without
    readable: tuple[str, ...]  # packages a child may read (their folders, read-only)
    preload: tuple[str, ...]  # runtime modules the zygote imports before it forks
    limits: Limits
    install: str = ""

    def unavailable(self) -> str | None:
        """Why this runtime cannot run here (a missing package), or None."""
        missing = [p for p in self.requires if _find_spec(p) is None]
        if not missing:
            return None
        return f"{self.label} is not installed on this server" + (
            f" ({self.install})" if self.install else ""
        )

    def package_dirs(self) -> list[str]:
        """Folders of the readable packages that are installed (found without importing them)."""
        found = []
        for name in self.readable:
            spec = _find_spec(name)
            for location in (spec.submodule_search_locations or []) if spec else []:
                found.append(location)
                if os.path.isdir(location + ".libs"):  # vendored shared libraries (numpy.libs)
                    found.append(location + ".libs")
        return found


NUMPY = Runtime("numpy", "NumPy", ("numpy",), ("numpy",), (), Limits())
TORCH = Runtime(
    "torch",
    "PyTorch",
    ("numpy", "torch"),
    ("numpy", "torch", "torchgen"),
    ("torch_drivers",),
    TORCH_LIMITS,
    install=f"install the CPU build: pip install 'descent[torch]' or pip install torch=={TORCH_VERSION}",
)
RUNTIMES: dict[str, Runtime] = {r.name: r for r in (NUMPY, TORCH)}


def get_runtime(name: str) -> Runtime:
    """Look a runtime up by name (``numpy`` or ``torch``)."""
    try:
        return RUNTIMES[name]
    except KeyError:
        raise ValueError(f"unknown code runtime {name!r}; use one of {sorted(RUNTIMES)}") from None


def unavailable(name: str) -> str | None:
    """Why runtime ``name`` cannot run on this server, or None when it can."""
    return get_runtime(name).unavailable()
