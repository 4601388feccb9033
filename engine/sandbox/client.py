"""The service's side of the sandbox: start the zygote, submit runs, collect results.

One :class:`Sandbox` owns one zygote process of one runtime (NumPy, or NumPy with PyTorch).
``run`` is thread-safe; at most ``workers`` runs execute at once, shared fairly between clients
(:mod:`.fair`: a client holds at most ``per_client`` runners), and at most ``queue`` more wait —
beyond that, beyond a client's share of the queue, and after ``queue_timeout``,
:class:`SandboxBusy` is raised instead of letting requests hang. The client of a run is the one
set with :func:`on_behalf_of` around the call (the service sets the learner or the address). Results
are parsed as they arrive, under a byte, frame and item budget; a run that breaks it is killed.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import json
import logging
import os
import selectors
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.sandbox.fair import FairGate, QueueFull
from engine.sandbox.limits import IsolationReport, Limits
from engine.sandbox.runtime.protocol import FrameReader, OverBudget, ProtocolError, pack, write_all
from engine.sandbox.runtimes import RUNTIMES, get_runtime
from engine.sandbox.spawn import spawn

log = logging.getLogger("descent.sandbox")
UID_BASE = 1_900_000_000
MAX_SLOTS = 64
MAX_FRAMES = 10_000
MAX_HEADER = (
    1 << 20
)  # a harness frame: a checked reply tree (the worker's was ≤ 64 KiB) and a few fields
# what the harness reports of the worker's prints: ≤ 128 KiB kept per run, ≤ 6 bytes of JSON each
MAX_OUTPUT_FRAMES_BYTES = 1 << 20
MAX_ITEMS = 200_000  # JSON containers across one run's frames: each is a Python object here
LONG_RUN_S = 1.0  # a run this old gives its runner to the queue (see fair.py)
_client: contextvars.ContextVar[str | None] = contextvars.ContextVar("sandbox_client", default=None)


@contextlib.contextmanager
def on_behalf_of(key: str | None) -> Iterator[None]:
    """Run the sandboxed work inside this block on behalf of ``key`` (``"user:7"``,
    ``"ip:203.0.113.5"``); ``None`` is the service's own work, which no per-client cap limits.

    >>> with on_behalf_of("ip:192.0.2.1"):
    ...     current_client()
    'ip:192.0.2.1'
    """
    token = _client.set(key)
    try:
        yield
    finally:
        _client.reset(token)


def current_client() -> str | None:
    """The client that sandboxed work runs for here (see :func:`on_behalf_of`)."""
    return _client.get()


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
    """How one run ended, with the frames its harness wrote (parsed under the run's budget)."""

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
        per_client: int | None = None,
    ) -> None:
        self.workers = min(MAX_SLOTS, workers or max(1, os.cpu_count() or 1))
        # a classroom submits in bursts: dozens may wait a few runs (≈10 ms each) for a runner
        self.queue = max(32, self.workers * 16) if queue is None else queue
        self.queue_timeout = queue_timeout
        # one client never holds every runner: half of them at most (one of two)
        self.per_client = per_client or max(1, self.workers // 2)
        # long runs set aside keep running: room for a few per runner, within the uid range
        self.aside = min(MAX_SLOTS - self.workers, max(8, 4 * self.workers))
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
        self.gate = FairGate(
            slots=self.workers, per_client=self.per_client, waiting=self.queue, aside=self.aside
        )
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

    def stats(self) -> dict[str, int]:
        """The pool now: runners, how many are busy, runs set aside, runs queued, and the
        queue's capacity."""
        return {"runners": self.workers, "queue_capacity": self.queue, **self.gate.snapshot()}

    def _spawn(self) -> None:
        self._hello.clear()
        self._report = None
        config = {
            "slots": self.workers + self.aside,
            "uid_base": self.uid_base,
            "disable": list(self.disable),
        }
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
        who = current_client()
        try:
            granted = self.gate.acquire(who, self.queue_timeout)
        except QueueFull as full:
            message = (
                "this client's code runners and queue are all in use"
                if full.who == "client"
                else "every code runner is busy"
            )
            raise SandboxBusy(message, self._retry_after()) from None
        if not granted:
            raise SandboxBusy("timed out waiting for a code runner", self._retry_after())
        aside, started = [False], time.monotonic()
        try:
            return self._execute(request, blob, limits or self.limits, aside)
        finally:
            self.gate.release(who, aside=aside[0], seconds=time.monotonic() - started)

    def _retry_after(self) -> int:
        return max(1, int(self.limits.wall_seconds))

    def _execute(
        self, request: dict[str, Any], blob: bytes, limits: Limits, aside: list[bool]
    ) -> RunResult:
        header = dict(
            request,
            max_elements=limits.max_elements,
            result_bytes=limits.result_bytes,
            output_bytes=limits.output_bytes,
        )
        memfd = os.memfd_create("descent-request", os.MFD_CLOEXEC)
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        try:
            write_all(memfd, pack(header, blob))
            job_id, waiter = self._submit(limits, [memfd, res_w, out_w])
        finally:
            for fd in (memfd, res_w, out_w):
                os.close(fd)
        reader = FrameReader(
            max_bytes=limits.result_bytes + (1 << 20) + MAX_OUTPUT_FRAMES_BYTES,
            max_header=MAX_HEADER,
            max_frames=MAX_FRAMES,
            max_items=MAX_ITEMS,
        )
        try:
            frames, complete, output_bytes = self._collect(
                job_id, waiter, res_r, out_r, limits, reader, aside
            )
        finally:
            os.close(res_r)
            os.close(out_r)
        report = waiter.report
        if "error" in report:
            raise SandboxError(str(report["error"]))
        return RunResult(
            frames=frames,
            complete=complete,
            exit_code=report.get("exit_code"),
            signal=report.get("signal"),
            killed=report.get("killed"),
            cpu_seconds=float(report.get("cpu_seconds", 0.0)),
            wall_seconds=float(report.get("wall_seconds", 0.0)),
            output_bytes=output_bytes,
            result_bytes=reader.total,
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
        self,
        job_id: int,
        waiter: _Waiter,
        res_r: int,
        out_r: int,
        limits: Limits,
        reader: FrameReader,
        aside: list[bool],
    ) -> tuple[list[tuple[dict[str, Any], bytes]], bool, int]:
        """Parse results and count output until both pipes close and the zygote reported; a
        run whose results break the reader's budget, or whose output passes its limit, is
        killed and read no further; a run older than ``LONG_RUN_S`` is set aside (its runner
        goes to the queue). Returns the frames, whether the stream ended cleanly, and the
        output's size."""
        frames: list[tuple[dict[str, Any], bytes]] = []
        output_bytes, killed, broken = 0, False, False
        started = time.monotonic()
        deadline = started + limits.wall_seconds + 10
        with selectors.DefaultSelector() as sel:
            sel.register(res_r, selectors.EVENT_READ, "res")
            sel.register(out_r, selectors.EVENT_READ, "out")
            while sel.get_map() and time.monotonic() < deadline:
                wait = 0.05 if waiter.event.is_set() else 1.0
                if not aside[0]:
                    long_in = started + LONG_RUN_S - time.monotonic()
                    if long_in <= 0:
                        aside[0] = self.gate.set_aside()
                        started, long_in = time.monotonic(), LONG_RUN_S  # pool full: retry
                    wait = min(wait, long_in)
                events = sel.select(wait)
                if not events and waiter.event.is_set():
                    break  # reported and nothing left to read: stray writers cannot exist
                over = ""
                for key, _ in events:
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fd)
                    elif key.data == "out":
                        output_bytes += len(chunk)
                        over = over or ("output" if output_bytes > limits.output_bytes else "")
                    else:
                        try:
                            frames += reader.feed(chunk)
                        except OverBudget as exc:
                            over, broken = ("result" if exc.what == "bytes" else "flood"), True
                        except ProtocolError:
                            over, broken = "unreadable", True
                if over and not killed:
                    killed = True
                    self._kill(job_id, over)
                    fd = res_r if over != "output" else out_r
                    if fd in sel.get_map():
                        sel.unregister(fd)
        if not waiter.event.wait(max(0.0, deadline - time.monotonic())):
            self._pending.pop(job_id, None)
            self._restart()
            waiter.report = {"error": "the sandbox process stopped answering"}
        return frames, not broken and reader.pending == 0, output_bytes

    def _restart(self) -> None:
        log.error("restarting the code sandbox")
        with self._lock:
            if self._proc is not None:
                self._proc.kill()
        self.close()
