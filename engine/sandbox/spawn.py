"""Start a zygote: a fresh ``python -I -S`` with a minimal environment and NumPy imported (and,
for the PyTorch runtime, torch through the runtime's ``torch_drivers`` module).

The runtime package is loaded from its folder under a neutral name, so the zygote (and every
child forked from it) never imports the service's own packages.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import numpy as np

from engine.sandbox.runtimes import NUMPY, Runtime

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
ZYGOTE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
BOOT = """
import importlib.util, json, sys
config = json.loads(sys.argv[1])
sys.path.extend(config["path"])
import numpy, numpy.linalg, numpy.random, numpy.fft, math, json, traceback, ctypes
spec = importlib.util.spec_from_file_location(
    "descent_sandbox", config["runtime"] + "/__init__.py",
    submodule_search_locations=[config["runtime"]])
package = importlib.util.module_from_spec(spec)
sys.modules["descent_sandbox"] = package
spec.loader.exec_module(package)
for name in config["preload"]:
    importlib.import_module("descent_sandbox." + name)
from descent_sandbox import zygote
zygote.main(config["fd"], config)
"""


def visible_paths(runtime: Runtime = NUMPY) -> tuple[list[str], list[str]]:
    """Folders a child may read (stdlib, the runtime's packages: NumPy, torch) and
    site-packages folders to hide inside them."""
    stdlib = os.path.dirname(os.__file__)
    expose = [stdlib, *runtime.package_dirs()]
    dynload = sysconfig.get_config_var("DESTSHARED")
    if dynload and os.path.isdir(dynload):
        expose.append(dynload)
    candidates = {
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
        os.path.join(stdlib, "site-packages"),
        os.path.join(stdlib, "dist-packages"),
    }
    mask = sorted(
        c for c in candidates if os.path.isdir(c) and any(c.startswith(e + os.sep) for e in expose)
    )
    return sorted(set(expose)), mask


def spawn(
    config: dict[str, Any], runtime: Runtime = NUMPY
) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start a zygote of ``runtime`` with ``config`` (slots, uid_base, disable); return it and
    its socket."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    expose, mask = visible_paths(runtime)
    packages = [os.path.dirname(d) for d in runtime.package_dirs() if not d.endswith(".libs")]
    full = dict(
        config,
        fd=child.fileno(),
        runtime=str(RUNTIME_DIR),
        preload=list(runtime.preload),
        expose=expose,
        mask=mask,
        path=list(dict.fromkeys([os.path.dirname(os.path.dirname(np.__file__)), *packages])),
    )
    proc = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", BOOT, json.dumps(full)],
        env=ZYGOTE_ENV,
        cwd="/",
        stdin=subprocess.DEVNULL,
        pass_fds=[child.fileno()],
        start_new_session=True,
    )
    child.close()
    return proc, parent
