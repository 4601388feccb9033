"""The zygote: a warm process with NumPy imported that forks one sandboxed child per submission.

It talks to the service over a SOCK_SEQPACKET socket: small JSON messages, with file descriptors
attached to ``run``. The submission itself never passes through the zygote's memory (children
inherit that memory): the service hands over a memfd holding the request and the two pipes the
child writes its results and its output to, and reads them itself. The zygote forks, confines
(see :mod:`.isolate`), enforces the wall-time limit, kills whole process trees and reports how
each child ended. The confined child is the run's harness (:mod:`.harness`), which forks the
worker that loads the submission.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import os
import selectors
import shutil
import signal
import socket
import stat
import sys
import tempfile
import time
from typing import Any

from . import harness, isolate, probe, tree

ISOLATION_FAILED = 71
RELAY_GRACE_S = 2.0


class Job:
    """One running child."""

    def __init__(self, request_id: int, pid: int, slot: int, limits: dict[str, Any]) -> None:
        self.id, self.pid, self.slot = request_id, pid, slot
        self.started = time.monotonic()
        self.deadline = self.started + float(limits["wall_seconds"])
        self.killed: str | None = None
        self.pidfd = os.pidfd_open(pid)
        self.workdir = ""


def _mountpoint() -> tuple[str, bool]:
    """An empty directory to mount each child's private root on (only ever mounted inside the
    child's own mount namespace, so every zygote of this uid can share it); returns the path and
    whether it is this zygote's own to remove."""
    path = os.path.join(tempfile.gettempdir(), f"descent-sandbox-{os.geteuid()}")
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o755)
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid():
        return path, False
    return tempfile.mkdtemp(prefix="descent-sandbox-"), True


class Zygote:
    def __init__(self, sock: socket.socket, config: dict[str, Any]) -> None:
        self.sock, self.config = sock, config
        self.free = list(range(int(config["slots"])))
        self.jobs: dict[int, Job] = {}
        self.selector = selectors.DefaultSelector()
        self.mountpoint, self.own_mountpoint = _mountpoint()
        self.pidns = False
        self.plan: dict[str, Any] = {}

    def probe(self) -> dict[str, bool]:
        """Find out which isolation layers this kernel and these privileges allow."""
        found = probe.probe(self.config, self.mountpoint)
        self.plan, self.pidns = found.plan, found.pidns
        return found.layers

    # -- running children -------------------------------------------------------------------
    def start(self, message: dict[str, Any], fds: list[int]) -> None:
        request_id, limits = int(message["id"]), message["limits"]
        request_fd, result_fd, output_fd = fds
        if not self.free:
            self._send({"op": "exit", "id": request_id, "error": "no free slot"})
            for fd in fds:
                os.close(fd)
            return
        slot = self.free.pop(0)
        uid = int(self.config["uid_base"]) + slot
        workdir = "" if self.plan["namespaces"] else self._workdir(uid)
        try:
            pid = self._fork(request_fd, result_fd, output_fd, uid, limits, workdir)
        except OSError as exc:
            self.free.append(slot)
            self._send({"op": "exit", "id": request_id, "error": f"fork failed: {exc}"})
            return
        finally:
            for fd in fds:
                os.close(fd)
        job = Job(request_id, pid, slot, limits)
        job.workdir = workdir
        self.jobs[request_id] = job
        self.selector.register(job.pidfd, selectors.EVENT_READ, job)

    def _fork(self, *args: Any) -> int:
        """Fork the child of one run; in the child this never returns."""
        pid = os.fork()
        if pid == 0:
            self._child(*args)
        return pid

    def _workdir(self, uid: int) -> str:
        path = tempfile.mkdtemp(prefix="descent-run-")
        os.chown(path, uid, uid) if self.plan["separate_uid"] else None
        return path

    def _child(
        self,
        request_fd: int,
        result_fd: int,
        output_fd: int,
        uid: int,
        limits: dict[str, Any],
        workdir: str,
    ) -> None:
        try:
            os.setsid()
            null_r, null_w = os.pipe()
            os.close(null_w)
            # Move the sources above every target first, so no dup2 clobbers a later source.
            sources = [
                fcntl.fcntl(fd, fcntl.F_DUPFD, 64)
                for fd in (null_r, output_fd, result_fd, request_fd)
            ]
            for target, fd in enumerate((sources[0], sources[1], *sources[1:])):
                os.dup2(fd, target)
            os.closerange(len(sources) + 1, 1 << 16)
            if self.pidns:
                tree.enter_pid_namespace(self.plan["user_namespace"])
            isolate.apply(self.plan, uid, limits, workdir)
        except BaseException as exc:  # never fall back into the zygote's own code
            print(f"sandbox: isolation failed: {exc}", file=sys.stderr)
            os._exit(ISOLATION_FAILED)
        try:
            harness.run(harness.RESULT_FD, harness.REQUEST_FD)  # PID 1 of the run's namespace
        finally:
            os._exit(ISOLATION_FAILED)

    def kill(self, job: Job, reason: str) -> None:
        """End a run: via its relay (which waits until the PID namespace is empty), else hard."""
        if job.killed is None:
            job.killed = reason
            job.deadline = time.monotonic() + RELAY_GRACE_S
            if self.pidns:
                with contextlib.suppress(OSError):
                    os.kill(job.pid, signal.SIGTERM)
                return
        with contextlib.suppress(OSError):  # the relay and init share its process group
            os.killpg(job.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(job.pid, signal.SIGKILL)

    def finish(self, job: Job) -> None:
        self.selector.unregister(job.pidfd)
        os.close(job.pidfd)
        _, status, usage = os.wait4(job.pid, 0)
        if not self.pidns:
            self._sweep(job)
        self.free.append(job.slot)
        self.free.sort()
        del self.jobs[job.id]
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if self.pidns and code is not None and code > tree.SIGNALLED:
            signum = code - tree.SIGNALLED  # relayed by the namespace's init
            code = None
        self._send(
            {
                "op": "exit",
                "id": job.id,
                "exit_code": code,
                "signal": signum,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "wall_seconds": time.monotonic() - job.started,
                "max_rss_kb": usage.ru_maxrss,
                "killed": job.killed,
            }
        )

    def _sweep(self, job: Job) -> None:
        """Without a PID namespace: kill the process group, then everything the uid still runs."""
        with contextlib.suppress(OSError):
            os.killpg(job.pid, signal.SIGKILL)
        if self.plan["separate_uid"]:
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    try:
                        isolate.drop_privileges(int(self.config["uid_base"]) + job.slot)
                        os.kill(-1, signal.SIGKILL)
                    finally:
                        os._exit(0)
                os.waitpid(pid, 0)
        if job.workdir:
            shutil.rmtree(job.workdir, ignore_errors=True)

    # -- the loop ---------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        self.sock.send(json.dumps(message).encode())

    def serve(self) -> None:
        self.selector.register(self.sock, selectors.EVENT_READ, None)
        gc.freeze()  # keep the heap shared with the children (copy-on-write stays cheap)
        while True:
            now = time.monotonic()
            timeout = min((j.deadline for j in self.jobs.values()), default=now + 60) - now
            for key, _ in self.selector.select(max(timeout, 0)):
                if key.data is None:
                    if not self._control():
                        return
                elif key.data.id in self.jobs:
                    self.finish(key.data)
            now = time.monotonic()
            for job in list(self.jobs.values()):
                if now >= job.deadline:
                    self.kill(job, "wall")  # a second time (relay unresponsive): hard kill

    def _control(self) -> bool:
        message, fds, _, _ = socket.recv_fds(self.sock, 65536, 3)
        if not message:
            return False
        request = json.loads(message)
        if request["op"] == "run" and len(fds) == 3:
            self.start(request, fds)
        elif request["op"] == "kill" and request["id"] in self.jobs:
            self.kill(self.jobs[request["id"]], str(request.get("reason", "killed")))
        else:
            for fd in fds:
                os.close(fd)
        return True

    def shutdown(self) -> None:
        for job in list(self.jobs.values()):
            self.kill(job, "shutdown")
        if self.own_mountpoint:
            shutil.rmtree(self.mountpoint, ignore_errors=True)


def main(control_fd: int, config: dict[str, Any]) -> None:
    """Entry point of the zygote process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=control_fd)
    zygote = Zygote(sock, config)
    try:
        layers = zygote.probe()
        zygote._send({"op": "hello", "pid": os.getpid(), "layers": layers})
        zygote.serve()
    finally:
        zygote.shutdown()
