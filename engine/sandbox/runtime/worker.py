"""The worker: the one process that loads and calls the submission.

It is forked by the harness (:mod:`.harness`) before the harness has read the request, so it
never holds an input it was not asked about. It has exactly two channels besides its output:
it reads orders from the harness (fd 4: the source to load, then one case at a time, whose
inputs the harness has just put into the shared mapping) and writes raw return values back
(fd 3). Nothing it writes is believed: the harness counts its replies, checks their form,
reads the inputs back from shared memory itself, and takes the exit reason from the wait
status. A submission that writes frames of its own only replaces its return values (or breaks
the protocol, which fails the case). What it prints goes to the harness's pipes (fds 1 and 2):
stdout is line-buffered, and both streams are flushed before each reply, so what a step printed
arrives before the step's reply (and a line printed before an endless loop is not lost).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import sys
import traceback
from typing import Any

import numpy as np

from .drivers import Requirement, drive, setup
from .protocol import (
    PREFIX,
    BlobWriter,
    clean_text,
    decode_input,
    encode_output,
    pack,
    write_all,
)

SUBMISSION_FILE = "submission.py"
MAX_MESSAGE = 300
REPLY_FD, ORDER_FD = 3, 4


_seq = 0  # the number of the order being answered: every reply carries it back
_streams: tuple[Any, ...] = ()  # sys.stdout and sys.stderr as they were before the submission


def _flush() -> None:
    for stream in _streams:
        with contextlib.suppress(BaseException):  # closed or broken: its output is its own
            stream.flush()


def _send(header: dict[str, Any], blob: bytes = b"") -> None:
    _flush()  # what this step printed reaches the harness before its reply
    write_all(REPLY_FD, pack(dict(header, seq=_seq), blob))


def _line_of(exc: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SUBMISSION_FILE]
    return frames[-1].lineno if frames else None


def describe(exc: BaseException) -> dict[str, Any]:
    """An exception as plain data (type, message, line of the submission, broken rule)."""
    try:
        message = clean_text(exc, MAX_MESSAGE)
    except Exception:
        message = "<unprintable message>"
    described: dict[str, Any] = {"type": clean_text(type(exc).__name__, 80), "message": message}
    described["line"] = _line_of(exc)
    if isinstance(exc, Requirement):
        described["requirement"] = clean_text(exc.code, 40)
    return described


def _load(source: str, name: str) -> Any:
    try:
        code = compile(source, SUBMISSION_FILE, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        _send({"ev": "load-error", "kind": "syntax", "line": line, "message": clean_text(msg)})
        return None
    namespace: dict[str, Any] = {"__name__": "submission", "__builtins__": builtins}
    try:
        # The one place where submitted code runs, by design: only in this worker, after
        # rlimits, namespaces, the unprivileged uid and seccomp are in place; never in the
        # harness or the server, and formulas never reach it (the math engine has its own parser).
        exec(code, namespace)
    except BaseException as exc:
        _send({"ev": "load-error", "kind": "exception", **describe(exc)})
        return None
    fn = namespace.get(name)
    if fn is None:
        _send({"ev": "load-error", "kind": "missing"})
        return None
    if not callable(fn):
        _send(
            {"ev": "load-error", "kind": "not-callable", "type": clean_text(type(fn).__name__, 80)}
        )
        return None
    _send({"ev": "loaded"})
    return fn


def _arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, list | tuple):
        return [a for v in value for a in _arrays(v)]
    return []


def _run_case(fn: Any, case: dict[str, Any], shared: Any, limit: int) -> None:
    """Call the submission on one case; reply with its raw result, or with the exception —
    whatever raised it (a submission that patched NumPy can break the decoding too)."""
    try:
        _call(fn, case, shared, limit)
    except BaseException as exc:
        _send({"ev": "error", **describe(exc)})


def _call(fn: Any, case: dict[str, Any], shared: Any, limit: int) -> None:
    case = dict(case, args=[decode_input(a, shared, shared=True) for a in case.get("args", [])])
    case["kwargs"] = {
        k: decode_input(v, shared, shared=True) for k, v in case.get("kwargs", {}).items()
    }
    if "params" in case:
        case["params"] = decode_input(case["params"], shared)
    inputs = _arrays(case["args"]) + _arrays(list(case["kwargs"].values()))
    shapes = [a.shape for a in inputs]
    result = drive(fn, case)
    # The harness reads the inputs' bytes back itself; a reshaped array object only shows here.
    reshaped = [
        i for i, (a, shape) in enumerate(zip(inputs, shapes, strict=True)) if a.shape != shape
    ]
    out = BlobWriter()
    tree = encode_output(result, out, limit)
    _send({"ev": "result", "value": tree, "reshaped": reshaped}, out.blob())


_orders = bytearray()  # what has been read from the harness and not parsed yet


def _order() -> dict[str, Any] | None:
    """The next order: read in as few system calls as it takes (the harness writes each order
    whole), parsed as JSON — the harness is trusted."""
    global _seq
    while True:
        if len(_orders) >= PREFIX.size:
            n_head, _ = PREFIX.unpack_from(_orders)
            if len(_orders) >= PREFIX.size + n_head:
                header = json.loads(bytes(_orders[PREFIX.size : PREFIX.size + n_head]))
                del _orders[: PREFIX.size + n_head]
                _seq = int(header.get("seq", 0))
                return dict(header)
        chunk = os.read(ORDER_FD, 1 << 16)
        if not chunk:
            return None
        _orders.extend(chunk)


def main(shared: Any) -> None:
    """Load what the harness sends, then run each case it asks for until it hangs up."""
    global _streams
    sys.setrecursionlimit(2000)
    _streams = tuple(s for s in (sys.stdout, sys.stderr) if s is not None)
    for stream in _streams:
        with contextlib.suppress(Exception):
            stream.reconfigure(line_buffering=True)
    load = _order()
    if load is None:
        return
    if load.get("setup"):
        setup(load["setup"])  # before the submission exists (e.g. traps on forbidden calls)
    fn = _load(load["source"], load["function"])
    if fn is None:
        return
    limit = int(load.get("max_elements", 1 << 20))
    while (case := _order()) is not None:
        _run_case(fn, case, shared, limit)
