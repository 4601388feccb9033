"""The service's side of the sandbox: start the zygote, submit runs, collect results.

One :class:`Sandbox` owns one zygote process of one runtime (NumPy, or NumPy with PyTorch). ``run`` is thread-safe; at most ``workers`` runs
execute at once and at most ``queue`` more wait — beyond that, and after ``queue_timeout``,
:class:`SandboxBusy` is raised at once instead of letting requests hang.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import selectors
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from engine.sandbox.limits import IsolationReport, Limits
from engine.sandbox.runtime.protocol import pack, split_frames, write_all
from engine.sandbox.runtimes import RUNTIMES, get_runtime
from engine.sandbox.spawn import spawn

log = logging.getLogger("descent.sandbox")
UID_BASE = 1_900_000_000
MAX_SLOTS = 64
MAX_FRAMES = 10_000


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the submission)."""


class SandboxBusy(SandboxError):
    """Every worker is busy and the queue is full; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SandboxDisabled(SandboxError):
    """Code execution is switched off because submitted code could not be confined."""


class RuntimeUnavailable(SandboxDisabled):
    """The runtime a question needs (PyTorch) is not installed on this server."""


@dataclass
class RunResult:
    """How one run ended, with the frames the child wrote (untrusted, already split)."""

    frames: list[tuple[dict[str, Any], bytes]]
    complete: bool
    exit_code: int | None
    signal: int | None
    killed: str | None
    cpu_seconds: float
    wall_seconds: float
    output_bytes: int
    result_bytes: int
    limits: Limits = field(default_factory=Limits)


class _Waiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.report: dict[str, Any] = {}


class Sandbox:
    """A pool of sandboxed runs served by one warm zygote of ``runtime``."""

    def __init__(
        self,
        *,
        runtime: str = "numpy",
        workers: int | None = None,
        queue: int | None = None,
        queue_timeout: float = 10.0,
        limits: Limits | None = None,
        uid_base: int | None = None,
        disable: tuple[str, ...] = (),
    ) -> None:
        self.workers = min(MAX_SLOTS, workers or max(1, os.cpu_count() or 1))
        # a classroom submits in bursts: dozens may wait a few runs (≈10 ms each) for a runner
        self.queue = max(32, self.workers * 16) if queue is None else queue
        self.queue_timeout = queue_timeout
        self.runtime = get_runtime(runtime)
        self.limits = limits or self.runtime.limits
        # Each service process, and each runtime in it, gets its own uids, so no two zygotes
        # share process budgets (or kill each other's children when sweeping a uid).
        offset = list(RUNTIMES).index(runtime) * MAX_SLOTS
        self.uid_base = (
            UID_BASE + (os.getpid() % 1_000_000) * MAX_SLOTS * len(RUNTIMES) + offset
            if uid_base is None
            else uid_base
        )
        self.disable = disable
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._slots = threading.Semaphore(self.workers)
        self._admitted = 0
        self._ids = itertools.count(1)
        self._pending: dict[int, _Waiter] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._report: IsolationReport | None = None
        self._hello = threading.Event()

    # -- life cycle -----------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> IsolationReport:
        """Start the zygote if needed and return the isolation report (idempotent)."""
        missing = self.runtime.unavailable()
        if missing:
            self._report = IsolationReport(error=missing)
            return self._report
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._spawn()
        if not self._hello.wait(timeout):
            self._report = IsolationReport(error="the sandbox did not start in time")
        assert self._report is not None
        return self._report

    @property
    def report(self) -> IsolationReport | None:
        return self._report

    def _spawn(self) -> None:
        self._hello.clear()
        self._report = None
        config = {"slots": self.workers, "uid_base": self.uid_base, "disable": list(self.disable)}
        self._proc, self._sock = spawn(config, self.runtime)
        threading.Thread(
            target=self._read_loop, args=(self._sock,), daemon=True, name="sandbox-reader"
        ).start()

    def _read_loop(self, sock: socket.socket) -> None:
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            message = json.loads(data)
            if message["op"] == "hello":
                self._report = IsolationReport(layers=message["layers"])
                self._hello.set()
            elif message["op"] == "exit":
                waiter = self._pending.pop(int(message["id"]), None)
                if waiter:
                    waiter.report = message
                    waiter.event.set()
        if not self._hello.is_set():
            self._report = IsolationReport(error="the sandbox process failed to start")
            self._hello.set()
        for waiter in list(self._pending.values()):
            waiter.report = {"error": "the sandbox process stopped"}
            waiter.event.set()

    def close(self) -> None:
        """Stop the zygote (running children are killed with it)."""
        with self._lock:
            if self._sock is not None:
                with contextlib.suppress(OSError):  # wakes the reader thread, EOF for the zygote
                    self._sock.shutdown(socket.SHUT_RDWR)
                self._sock.close()
                self._sock = None
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
                self._proc = None

    # -- runs -------------------------------------------------------------------------------
    def run(self, request: dict[str, Any], blob: bytes, limits: Limits | None = None) -> RunResult:
        """Run ``request`` (source, function, cases) in a fresh confined child."""
        missing = self.runtime.unavailable()
        if missing:
            raise RuntimeUnavailable(missing)
        report = self.start()
        if not report.enabled:
            raise SandboxDisabled(report.reason())
        with self._lock:
            if self._admitted >= self.workers + self.queue:
                raise SandboxBusy("every code runner is busy", self._retry_after())
            self._admitted += 1
        try:
            if not self._slots.acquire(timeout=self.queue_timeout):
                raise SandboxBusy("timed out waiting for a code runner", self._retry_after())
            try:
                return self._execute(request, blob, limits or self.limits)
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._admitted -= 1

    def _retry_after(self) -> int:
        return max(1, int(self.limits.wall_seconds))

    def _execute(self, request: dict[str, Any], blob: bytes, limits: Limits) -> RunResult:
        header = dict(request, max_elements=limits.max_elements)
        memfd = os.memfd_create("descent-request", os.MFD_CLOEXEC)
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        try:
            write_all(memfd, pack(header, blob))
            job_id, waiter = self._submit(limits, [memfd, res_w, out_w])
        finally:
            for fd in (memfd, res_w, out_w):
                os.close(fd)
        try:
            data, output_bytes = self._collect(job_id, waiter, res_r, out_r, limits)
        finally:
            os.close(res_r)
            os.close(out_r)
        report = waiter.report
        if "error" in report:
            raise SandboxError(str(report["error"]))
        frames, complete = split_frames(bytes(data), MAX_FRAMES)
        return RunResult(
            frames=frames,
            complete=complete,
            exit_code=report.get("exit_code"),
            signal=report.get("signal"),
            killed=report.get("killed"),
            cpu_seconds=float(report.get("cpu_seconds", 0.0)),
            wall_seconds=float(report.get("wall_seconds", 0.0)),
            output_bytes=output_bytes,
            result_bytes=len(data),
            limits=limits,
        )

    def _submit(self, limits: Limits, fds: list[int]) -> tuple[int, _Waiter]:
        job_id, waiter = next(self._ids), _Waiter()
        self._pending[job_id] = waiter
        message = json.dumps({"op": "run", "id": job_id, "limits": limits.as_dict()}).encode()
        try:
            with self._send_lock:
                assert self._sock is not None
                socket.send_fds(self._sock, [message], fds)
        except (OSError, AssertionError) as exc:
            self._pending.pop(job_id, None)
            self._restart()
            raise SandboxError(f"could not reach the sandbox process: {exc}") from None
        return job_id, waiter

    def _kill(self, job_id: int, reason: str) -> None:
        message = json.dumps({"op": "kill", "id": job_id, "reason": reason}).encode()
        try:
            with self._send_lock:
                if self._sock is not None:
                    self._sock.send(message)
        except OSError:
            pass

    def _collect(
        self, job_id: int, waiter: _Waiter, res_r: int, out_r: int, limits: Limits
    ) -> tuple[bytearray, int]:
        """Read results and count output until both pipes close and the zygote reported."""
        data, output_bytes, killed = bytearray(), 0, False
        deadline = time.monotonic() + limits.wall_seconds + 10
        with selectors.DefaultSelector() as sel:
            sel.register(res_r, selectors.EVENT_READ, "res")
            sel.register(out_r, selectors.EVENT_READ, "out")
            while sel.get_map() and time.monotonic() < deadline:
                wait = 0.05 if waiter.event.is_set() else 1.0
                events = sel.select(wait)
                if not events and waiter.event.is_set():
                    break  # reported and nothing left to read: stray writers cannot exist
                for key, _ in events:
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fd)
                    elif key.data == "res":
                        data += chunk
                    else:
                        output_bytes += len(chunk)
                over = (
                    "result"
                    if len(data) > limits.result_bytes
                    else ("output" if output_bytes > limits.output_bytes else "")
                )
                if over and not killed:
                    killed = True
                    self._kill(job_id, over)
                    fd = res_r if over == "result" else out_r
                    if fd in sel.get_map():
                        sel.unregister(fd)
        if not waiter.event.wait(max(0.0, deadline - time.monotonic())):
            self._pending.pop(job_id, None)
            self._restart()
            waiter.report = {"error": "the sandbox process stopped answering"}
        return data[: limits.result_bytes], output_bytes

    def _restart(self) -> None:
        log.error("restarting the code sandbox")
        with self._lock:
            if self._proc is not None:
                self._proc.kill()
        self.close()
