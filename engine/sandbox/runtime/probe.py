"""Find out, once at start-up, which isolation layers this kernel and these privileges allow.

Each layer is tried for real in a throw-away child; the zygote then applies exactly the layers
that worked to every child, and a child in which a planned layer fails never runs any code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import isolate, seccomp


@dataclass
class Probe:
    plan: dict[str, Any] = field(default_factory=dict)
    pidns: bool = False
    layers: dict[str, bool] = field(default_factory=dict)


def probe(config: dict[str, Any], mountpoint: str) -> Probe:
    """Try every layer; return the plan for children and the report for the service."""
    disabled = set(config.get("disable", []))
    root = os.geteuid() == 0
    userns = False
    if not root and "user-namespace" not in disabled:
        try:
            isolate.enter_user_namespace()
            userns = True
        except OSError:
            pass
    found = Probe(
        plan={
            "namespaces": False,
            "separate_uid": False,
            "user_namespace": userns,
            "seccomp": False,
            "mountpoint": mountpoint,
            "expose": config["expose"],
            "mask": config["mask"],
        }
    )
    wanted = {
        "pidns": (root or userns) and "pid-namespace" not in disabled,
        "namespaces": (root or userns) and "mount-namespace" not in disabled,
        "separate_uid": root and "separate-uid" not in disabled,
        "seccomp": seccomp.supported() and "seccomp" not in disabled,
    }
    works = _probe_child(found.plan, int(config["uid_base"]), wanted)
    found.pidns = bool(wanted.pop("pidns") and works.get("pidns"))
    found.plan.update({k: bool(wanted[k] and works.get(k)) for k in wanted})
    found.layers = _layers(found, root, userns)
    return found


def _layers(found: Probe, root: bool, userns: bool) -> dict[str, bool]:
    """The report the service logs: every layer, on or off."""
    layers = {
        "rlimits": True,
        "clean-environment": True,
        "scratch-directory": True,
        "no-new-privileges": True,
        "separate-uid": found.plan["separate_uid"],
        "pid-namespace": found.pidns,
        "mount-namespace": found.plan["namespaces"],
        "network-namespace": found.plan["namespaces"],
        "seccomp": found.plan["seccomp"],
    }
    if not root:  # root needs no user namespace; without root it replaces the uid switch
        layers["user-namespace"] = userns
    return layers


def _enter_pid_namespace(own_user_namespace: bool) -> bool:
    """Like :func:`tree.enter_pid_namespace`; the caller waits, the child reports as PID 1."""
    try:
        if own_user_namespace:
            isolate.enter_user_namespace()
        isolate.unshare(isolate.CLONE_NEWPID)
        pid = os.fork()
    except OSError as exc:
        print(f"sandbox probe: pid namespace unavailable: {exc}", file=sys.stderr)
        return False
    if pid != 0:
        os.waitpid(pid, 0)
        os._exit(0)
    return os.getpid() == 1


def _probe_child(plan: dict[str, Any], uid: int, wanted: dict[str, bool]) -> dict[str, bool]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        attempts: dict[str, Callable[[], object]] = {
            "namespaces": lambda: isolate.private_root(
                plan["mountpoint"], plan["expose"], plan["mask"], "size=64k"
            ),
            "separate_uid": lambda: isolate.drop_privileges(uid),
            "seccomp": lambda: seccomp.install(isolate.LIBC),
        }
        works: dict[str, bool] = {}
        if wanted["pidns"]:
            works["pidns"] = _enter_pid_namespace(plan["user_namespace"])
        for layer, attempt in attempts.items():
            if not wanted[layer]:
                continue
            try:
                attempt()
                works[layer] = True
            except Exception as exc:
                works[layer] = False
                print(f"sandbox probe: {layer} unavailable: {exc}", file=sys.stderr)
        os.write(write_end, json.dumps(works).encode())
        os._exit(0)
    os.close(write_end)
    data = b"".join(iter(lambda: os.read(read_end, 4096), b""))
    os.close(read_end)
    os.waitpid(pid, 0)
    out: dict[str, bool] = json.loads(data or b"{}")
    return out
