"""The harness: the trusted half of a run, inside the sandbox, that never loads submitted code.

It runs in the confined child — as PID 1 of the run's PID namespace when there is one, where
no process of the namespace can signal it — and forks the worker (:mod:`.worker`) before it
reads the request, so the worker inherits none of it. Then, in lockstep, it sends the source,
and one case at a time: it copies that case's inputs into memory shared with the worker, asks
for the case, and reads exactly one reply, under a byte and frame budget. Only the harness
writes to the service (fd 3), in case order, and only what it established itself: which case a
reply answers (the first case without one is the one that was running when a run stops),
whether the inputs came back changed (it compares the shared memory with its own copy), the
forbidden operations the worker's traps reported, how long the call took, and how the worker
ended (from its wait status and resource usage, never from an exit code the worker chose). A
frame out of order, unreadable or over budget is the worker breaking the protocol: it is
killed, and the case fails.

What the worker prints goes to two pipes of the harness's own (its stdout and stderr), drained
in the same wait loop as its replies, so a full pipe never blocks either side: the first bytes
of each stream are kept per step (loading, or one case), the rest only counted, and the harness
reports them in an ``output`` frame of its own before the step's reply — text, never frames, so
nothing printed can pass for a result. Past the run's output limit the worker is killed.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import json
import mmap
import os
import re
import resource
import select
import signal
import time
from typing import Any, NoReturn

import numpy as np

from . import isolate, worker  # imported here: the sandbox cannot read this folder
from .protocol import (
    INPUT_DTYPES,
    PREFIX,
    FrameReader,
    OverBudget,
    ProtocolError,
    checked_output,
    clean_text,
    input_arrays,
    pack,
    read_exact,
    write_all,
)

RESULT_FD, REQUEST_FD = 3, 4
WORKER_REPLY_FD, WORKER_ORDER_FD = 3, 4
MAX_REQUEST_BYTES = 64 << 20
MAX_REPLY_HEADER = 64 << 10
MAX_FRAMES_PER_STEP = 16  # the reply and a few trap records; more is a flood
MAX_OPS = 8
POLL_S = 0.05  # how often orphans are reaped while waiting
FINISH_GRACE_S = 0.5
MAX_STEP_OUTPUT = 4096  # bytes kept of each stream in one step (loading, or one case)
MAX_RUN_OUTPUT = 128 << 10  # bytes kept over the whole run; beyond, printed output is counted
OUTPUT_CHUNK = 1 << 16
MAX_SETTLE_READS = 32  # reads per stream once a step has ended (what is left in the pipe)
STREAMS = ("stdout", "stderr")
OP_NAME = re.compile(r"[a-z][a-z0-9_]*::[A-Za-z0-9_.]{1,80}")
LOAD_KINDS = ("syntax", "exception", "missing", "not-callable")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Broken(Exception):
    """The worker broke the protocol; ``reason`` is ``unreadable``, ``flood`` or ``result``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Gone(Exception):
    """The worker ended before it replied."""


def _arrays(node: Any) -> list[dict[str, Any]]:
    """Every array node anywhere in an encoded value (specs and dicts included)."""
    if isinstance(node, dict):
        if node.get("t") == "arr":
            return [node]
        return [a for v in node.values() for a in _arrays(v)]
    if isinstance(node, list):
        return [a for v in node for a in _arrays(v)]
    return []


class Harness:
    def __init__(self, result_fd: int, request_fd: int) -> None:
        self.cpu_at_start = _cpu()
        self.result_fd, self.request_fd = result_fd, request_fd
        prefix = os.pread(request_fd, PREFIX.size, 0)
        n_head, n_blob = PREFIX.unpack(prefix)
        if n_head + n_blob > MAX_REQUEST_BYTES:
            raise ValueError("request too large")
        self.sizes = (n_head, n_blob)
        self.shared = mmap.mmap(-1, max(n_blob, 1))
        self.worker = self.order_fd = self.reply = 0
        self.pidfd: int | None = None
        self.last_ops: list[str] = []
        self.seq = -1
        self.status: dict[str, Any] | None = None
        self.user_seconds = 0.0
        self.pending: list[tuple[dict[str, Any], bytes]] = []
        self.outputs: dict[int, str] = {}  # the harness's end of the worker's stdout, stderr
        self.kept = {name: bytearray() for name in STREAMS}
        self.counted = dict.fromkeys(STREAMS, 0)
        self.output_total, self.output_limit = 0, 1 << 20
        self.output_room = MAX_RUN_OUTPUT
        self.step_case: int | None = None  # the step being run: None while loading

    # -- the worker ----------------------------------------------------------------------------
    def fork_worker(self) -> None:
        order_r, order_w = os.pipe()
        reply_r, reply_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                _become_worker(order_r, reply_w, out_w, err_w, self.shared)
            finally:
                _die()
        for fd in (order_r, reply_w, out_w, err_w):
            os.close(fd)
        self.worker, self.order_fd, self.reply = pid, order_w, reply_r
        self.outputs = {out_r: "stdout", err_r: "stderr"}
        with contextlib.suppress(OSError):
            self.pidfd = os.pidfd_open(pid)
        self.poller = select.poll()
        for fd in (reply_r, out_r, err_r):
            os.set_blocking(fd, False)
            self.poller.register(fd, select.POLLIN)
        if self.pidfd is not None:
            self.poller.register(self.pidfd, select.POLLIN)

    def reap(self) -> None:
        """Collect every ended child (orphans of the worker come to PID 1); note the worker's
        status when it is among them."""
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.worker:
                self.status = {
                    "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                    "cpu": usage.ru_utime + usage.ru_stime,
                    "max_rss_kb": usage.ru_maxrss,
                }

    def kill_worker(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.worker, signal.SIGKILL)

    def _read(self, reader: FrameReader) -> None:
        """Wait for the worker's next bytes; raises :class:`Gone` once it has ended and
        everything it wrote has been read."""
        while True:
            ready = [fd for fd, _ in self.poller.poll(POLL_S * 1000)]
            for fd in ready:
                if fd in self.outputs:
                    self._drain(fd, 1)
            if not ready or self.pidfd in ready:
                self.reap()  # orphans, and the worker itself once it has ended
            if self.reply in ready or self.status is not None:
                try:
                    chunk = os.read(self.reply, 1 << 16)
                except BlockingIOError:
                    chunk = None
                if chunk:
                    self.pending += reader.feed(chunk)
                    return
                if chunk == b"" or self.status is not None:
                    raise Gone

    def step(self, reader: FrameReader) -> tuple[list[str], dict[str, Any], bytes]:
        """The trap records and the one reply of one step (loading, or one case); a reply must
        carry the number of the order it answers."""
        ops: list[str] = []
        seen = 0
        while True:
            while self.pending:
                header, blob = self.pending.pop(0)
                seen += 1
                if seen > MAX_FRAMES_PER_STEP:
                    raise Broken("flood")
                if header.get("ev") != "op":
                    if self.pending or header.get("seq") != self.seq:  # one reply per order
                        raise Broken("unreadable")
                    return ops, header, blob
                name = header.get("op")
                label = name if isinstance(name, str) and OP_NAME.fullmatch(name) else "?"
                if len(ops) < MAX_OPS and label not in ops:
                    ops.append(label)
            try:
                self._read(reader)
            except Gone:
                self.last_ops = ops
                raise
            except OverBudget as exc:
                raise Broken("result" if exc.what == "bytes" else "flood") from None
            except ProtocolError:
                raise Broken("unreadable") from None

    # -- what the worker prints ----------------------------------------------------------------
    def _drain(self, fd: int, reads: int) -> None:
        """Read what the worker wrote to one of its streams (at most ``reads`` chunks, without
        blocking): keep the first bytes of the step, count the rest; past the run's output
        limit, the worker is killed (``output``)."""
        name = self.outputs[fd]
        for _ in range(reads):
            try:
                chunk = os.read(fd, OUTPUT_CHUNK)
            except BlockingIOError:
                return
            if not chunk:  # every writer has gone: stop watching it
                self.poller.unregister(fd)
                del self.outputs[fd]
                os.close(fd)
                return
            self.output_total += len(chunk)
            self.counted[name] += len(chunk)
            kept = self.kept[name]
            room = min(MAX_STEP_OUTPUT - len(kept), self.output_room)
            if room > 0:
                kept += chunk[:room]
                self.output_room -= min(room, len(chunk))
            if self.output_total > self.output_limit:
                raise Broken("output")

    def send_output(self) -> None:
        """Report what the step that just ended printed (nothing when it printed nothing): what
        is still in the pipes is read first (bounded — a writer may still be running); raises
        :class:`Broken` (``output``), once it is reported, when that passed the run's limit."""
        over: Broken | None = None
        try:
            for fd in list(self.outputs):
                self._drain(fd, MAX_SETTLE_READS)
        except Broken as exc:
            over = exc
        if any(self.counted.values()):
            frame: dict[str, Any] = {"ev": "output"}
            if self.step_case is not None:
                frame["case"] = self.step_case
            for name in STREAMS:
                kept, dropped = bytes(self.kept[name]), self.counted[name] - len(self.kept[name])
                # a cut character at the end of what was kept is left out, not replaced
                decoder = codecs.getincrementaldecoder("utf-8")("replace")
                frame[name] = decoder.decode(kept, final=dropped == 0)
                frame[f"{name}_dropped"] = dropped
            self.send(frame)
        for name in STREAMS:
            self.kept[name].clear()
            self.counted[name] = 0
        if over is not None:
            raise over

    # -- the service ---------------------------------------------------------------------------
    def send(self, header: dict[str, Any], blob: bytes = b"") -> None:
        write_all(self.result_fd, pack(header, blob))

    def order(self, header: dict[str, Any]) -> None:
        self.seq = int.from_bytes(os.urandom(6), "big")
        try:
            write_all(self.order_fd, pack(dict(header, seq=self.seq)))
        except BrokenPipeError:
            raise Gone from None

    def read_request(self) -> tuple[dict[str, Any], bytes]:
        n_head, n_blob = self.sizes
        os.lseek(self.request_fd, PREFIX.size, os.SEEK_SET)
        head = read_exact(self.request_fd, n_head)
        blob = read_exact(self.request_fd, n_blob) if n_blob else b""
        os.close(self.request_fd)
        if head is None or blob is None:
            raise ValueError("truncated request")
        request: dict[str, Any] = json.loads(head)
        return request, blob

    def serve(self) -> None:
        """Drive the worker through loading and every case, forwarding checked replies."""
        request, blob = self.read_request()
        self.output_limit = int(request.get("output_bytes", 1 << 20))
        limit = int(request.get("result_bytes", 32 << 20))
        reader = FrameReader(
            max_bytes=limit + (1 << 20), max_header=MAX_REPLY_HEADER, max_frames=1 << 16
        )
        self.order(
            {
                "source": request["source"],
                "function": request["function"],
                "setup": request.get("setup"),
                "max_elements": request.get("max_elements", 1 << 20),
            }
        )
        started = time.monotonic()
        try:
            ops, header, _ = self.step(reader)
        finally:
            self.user_seconds += time.monotonic() - started
        self.send_output()
        self.send(_load_reply(header, ops))
        if header.get("ev") != "loaded" or ops:
            return
        pristine = memoryview(blob)
        for index, case in enumerate(request["cases"]):
            for node in _arrays(case):  # this case's inputs, fresh from the pristine copy
                off, end = node["off"], node["off"] + node["len"]
                self.shared[off:end] = pristine[off:end]
            self.step_case = index
            started = time.monotonic()
            try:
                self.order({"ev": "case", **case})
                ops, header, data = self.step(reader)
            finally:
                spent = time.monotonic() - started
                self.user_seconds += spent
            self.send_output()
            self.send(*_case_reply(index, case, ops, header, data, blob, self.shared, spent))

    def finish(self, killed: str | None) -> NoReturn:
        """Hang up on the worker, wait for it (briefly), report how it ended, and exit."""
        with contextlib.suppress(OSError):
            os.close(self.order_fd)
        deadline = time.monotonic() + FINISH_GRACE_S
        while self.status is None:
            self.reap()
            if self.status is not None:
                break
            if time.monotonic() > deadline:
                self.kill_worker()
                deadline = float("inf")
            if self.pidfd is not None:
                select.select([self.pidfd], [], [], POLL_S)
            else:
                time.sleep(0.005)
        self.send(
            {
                "ev": "done",
                "worker": self.status,
                "killed": killed,
                "user_seconds": self.user_seconds,
                "harness_cpu": _cpu() - self.cpu_at_start,  # its own work, isolation excluded
                "ops": self.last_ops,
            }
        )
        os._exit(0)


def _load_reply(header: dict[str, Any], ops: list[str]) -> dict[str, Any]:
    ev = header.get("ev")
    if ev == "loaded":
        return {"ev": "loaded", "ops": ops}
    if ev != "load-error" or header.get("kind") not in LOAD_KINDS:
        raise Broken("unreadable")
    reply = {"ev": "load-error", "kind": header["kind"], "ops": ops}
    reply.update(_exception(header))
    return reply


def _exception(header: dict[str, Any]) -> dict[str, Any]:
    """The fields of an exception report, checked and cut to size."""
    line = header.get("line")
    out: dict[str, Any] = {
        "type": clean_text(header.get("type", ""), 80),
        "message": clean_text(header.get("message", ""), 300),
        "line": line if type(line) is int else None,
    }
    rule = header.get("requirement")
    if isinstance(rule, str):
        out["requirement"] = clean_text(rule, 40)
    return out


def _case_reply(
    index: int,
    case: dict[str, Any],
    ops: list[str],
    header: dict[str, Any],
    data: bytes,
    pristine: bytes,
    shared: mmap.mmap,
    spent: float,
) -> tuple[dict[str, Any], bytes]:
    ev = header.get("ev")
    reply: dict[str, Any] = {"ev": ev, "case": index, "ops": ops, "seconds": spent}
    if ev == "error":
        reply.update(_exception(header))
        return reply, b""
    if ev != "result":
        raise Broken("unreadable")
    try:
        reply["value"] = checked_output(header.get("value"), len(data))
    except (ProtocolError, RecursionError):
        raise Broken("unreadable") from None
    reshaped = header.get("reshaped")
    mutated = set(mutated_inputs(case, pristine, shared))
    if isinstance(reshaped, list):
        mutated.update(i for i in reshaped[:64] if type(i) is int)
    reply["mutated"] = sorted(mutated)
    return reply, data


def mutated_inputs(case: dict[str, Any], pristine: bytes, shared: Any) -> list[int]:
    """Which of the case's argument arrays (in the worker's order) differ after the call from
    what was handed over (NaN equal to NaN, and 0.0 to -0.0, as ``np.array_equal`` has it)."""
    nodes = [a for arg in case.get("args", []) for a in input_arrays(arg)]
    nodes += [a for arg in case.get("kwargs", {}).values() for a in input_arrays(arg)]
    changed = []
    now, then = memoryview(shared), memoryview(pristine)
    for i, node in enumerate(nodes):
        off, length = int(node["off"]), int(node["len"])
        if now[off : off + length] == then[off : off + length]:
            continue
        dtype = INPUT_DTYPES[node["dtype"]]
        count = length // np.dtype(dtype).itemsize
        after: np.ndarray = np.frombuffer(shared, dtype=dtype, count=count, offset=off)
        before: np.ndarray = np.frombuffer(pristine, dtype=dtype, count=count, offset=off)
        floating = np.issubdtype(dtype, np.floating)
        if not (floating and np.array_equal(after, before, equal_nan=True)):
            changed.append(i)
    return changed


def _die(kill: Any = os.kill, getpid: Any = os.getpid) -> NoReturn:
    """End the worker for good: with references taken at import, so that a submission that
    replaced ``os._exit`` cannot make the worker fall back into the harness's code."""
    while True:
        kill(getpid(), signal.SIGKILL)


def _become_worker(order_r: int, reply_w: int, out_w: int, err_w: int, shared: mmap.mmap) -> None:
    """In the forked child: keep only stdin, the two pipes (as fds 4 and 3) and the harness's
    stdout and stderr pipes (as fds 1 and 2) — the service's result channel, its output pipe
    and the request are closed here — then be the worker."""
    isolate.prctl(isolate.PR_SET_PDEATHSIG, signal.SIGKILL)  # no worker without its harness
    # Move the sources above the targets first, so that no dup2 clobbers a later source.
    order, reply, out, err = (
        fcntl.fcntl(fd, fcntl.F_DUPFD, WORKER_ORDER_FD + 1)
        for fd in (order_r, reply_w, out_w, err_w)
    )
    os.dup2(order, WORKER_ORDER_FD)
    os.dup2(reply, WORKER_REPLY_FD)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.closerange(WORKER_ORDER_FD + 1, 1 << 16)
    worker.main(shared)
    os._exit(0)


def run(result_fd: int = RESULT_FD, request_fd: int = REQUEST_FD) -> NoReturn:
    """The harness's life: fork the worker, serve the request, report, exit (never returns)."""
    harness = Harness(result_fd, request_fd)
    harness.send({"ev": "ready"})  # confined and running: from here on, a stop is the worker's
    harness.fork_worker()
    killed = None
    try:
        harness.serve()
    except Gone:
        with contextlib.suppress(Broken):  # what the running step printed before the end
            harness.send_output()
    except Broken as exc:
        killed = exc.reason
        harness.kill_worker()
        with contextlib.suppress(Broken):
            harness.send_output()
    except Exception as exc:  # the harness's own failure: never a verdict on the submission
        harness.kill_worker()
        harness.send({"ev": "failed", "error": clean_text(repr(exc), 200)})
    harness.finish(killed)
