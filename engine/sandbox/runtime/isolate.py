"""Confine the calling process (a freshly forked child) before it runs a submission.

Layers, applied in this order: new mount, network, IPC and UTS namespaces; a private root made
of read-only bind mounts of the Python standard library and NumPy only, plus an empty size-limited
``/tmp`` as the working directory (no ``/proc``, no ``/dev``, no service files); resource limits;
an unprivileged uid/gid (root only) or no capabilities (inside a user namespace); no_new_privs;
a seccomp filter; a scrubbed environment. The PID namespace is created by the zygote because it
applies to the children of the caller.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from typing import Any

from . import seccomp

LIBC = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
SYS_PIVOT_ROOT, SYS_CAPSET = 155, 126
CLEAN_ENV = {"HOME": "/tmp", "LANG": "C.UTF-8", "PATH": "/nonexistent"}
RO = MS_RDONLY | MS_NOSUID | MS_NODEV


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(LIBC.unshare(flags), "unshare")


def setns(fd: int, nstype: int) -> None:
    _check(LIBC.setns(fd, nstype), "setns")


def mount(src: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    enc = [None if v is None else v.encode() for v in (src, target, fstype)]
    _check(LIBC.mount(enc[0], enc[1], enc[2], flags, data.encode() or None), f"mount {target}")


def prctl(option: int, value: int) -> None:
    _check(LIBC.prctl(option, value, 0, 0, 0), "prctl")


def enter_user_namespace() -> None:
    """Become root of a new user namespace mapped to the current (unprivileged) uid."""
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER)
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {gid} 1")


def private_root(mountpoint: str, expose: list[str], mask: list[str], scratch: str) -> None:
    """Pivot into a tmpfs holding only read-only ``expose`` paths and an empty ``/tmp``.

    ``mask`` folders (site-packages under the standard library) are covered by empty
    read-only tmpfs mounts so that installed packages — the service's own included — stay out.
    Everything is mounted shallowest first, the scratch ``/tmp`` included: a package installed
    under ``/tmp`` (a virtual environment there) is bound on top of the scratch space instead
    of being hidden by it.
    """
    unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", mountpoint, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    kinds = {path: "expose" for path in expose} | {path: "mask" for path in mask}
    kinds["/tmp"] = "scratch"
    for path in sorted(kinds, key=lambda p: (p.count("/"), p)):
        target = mountpoint + path
        os.makedirs(target, mode=0o755, exist_ok=True)
        if kinds[path] == "scratch":
            mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, scratch)
        elif kinds[path] == "mask":
            mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
        else:
            mount(path, target, None, MS_BIND)
            mount(None, target, None, MS_REMOUNT | MS_BIND | RO)
    for path in mask:
        mount(None, mountpoint + path, None, MS_REMOUNT | RO)
    os.chdir(mountpoint)
    _check(LIBC.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(LIBC.umount2(b".", MNT_DETACH), "umount old root")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | RO)
    os.chdir("/tmp")


def set_limits(limits: dict[str, int]) -> None:
    """Apply resource limits; CPU gets a hard limit one second above the soft one."""
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    for name, key in (
        ("RLIMIT_AS", "memory_bytes"),
        ("RLIMIT_NPROC", "processes"),
        ("RLIMIT_NOFILE", "open_files"),
        ("RLIMIT_FSIZE", "file_bytes"),
    ):
        value = int(limits[key])
        resource.setrlimit(getattr(resource, name), (value, value))
    for name in ("RLIMIT_CORE", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE"):
        resource.setrlimit(getattr(resource, name), (0, 0))


def drop_privileges(uid: int) -> None:
    """Switch to ``uid``/``uid`` with no supplementary groups; capabilities go with root."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("uid switch did not take effect")


def drop_capabilities() -> None:
    """Clear every capability (used inside a user namespace, where only uid 0 is mapped)."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(LIBC.syscall(SYS_CAPSET, header, data), "capset")


def apply(plan: dict[str, Any], uid: int, limits: dict[str, int], workdir: str) -> None:
    """Apply every layer of ``plan`` to the calling process; raises if any of them fails."""
    if plan["namespaces"]:
        scratch = f"size={int(limits['scratch_bytes'])},mode=0700"
        if plan["separate_uid"]:
            scratch += f",uid={uid},gid={uid}"
        private_root(plan["mountpoint"], plan["expose"], plan["mask"], scratch)
    else:
        os.chdir(workdir)
    set_limits(limits)
    if plan["separate_uid"]:
        drop_privileges(uid)
    elif plan["user_namespace"]:
        drop_capabilities()
    prctl(PR_SET_DUMPABLE, 0)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the credential change cleared it
    if plan["seccomp"]:
        seccomp.install(LIBC)
    else:
        prctl(seccomp.PR_SET_NO_NEW_PRIVS, 1)
    os.environ.clear()
    os.environ.update(CLEAN_ENV)
