"""Inside the sandboxed child: load the submission, run every case, stream the outputs back.

Everything written here is plain data (see :mod:`.protocol`); the service decides pass or fail.
A submission can of course tamper with this module while it runs — that only changes what it
reports about itself, never how the service judges it.
"""

from __future__ import annotations

import builtins
import sys
import time
import traceback
from typing import Any

import numpy as np

from .drivers import Requirement, drive, setup
from .protocol import BlobWriter, decode_input, encode_output, pack, write_all

SUBMISSION_FILE = "submission.py"
MAX_MESSAGE = 300


def _send(fd: int, header: dict[str, Any], blob: bytes = b"") -> None:
    write_all(fd, pack(header, blob))


def _line_of(exc: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == SUBMISSION_FILE]
    return frames[-1].lineno if frames else None


def _describe(exc: BaseException) -> dict[str, Any]:
    try:
        message = str(exc)[:MAX_MESSAGE]
    except Exception:
        message = "<unprintable message>"
    described = {"type": type(exc).__name__[:80], "message": message, "line": _line_of(exc)}
    if isinstance(exc, Requirement):
        described["requirement"] = str(exc.code)[:40]
    return described


def _arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, list | tuple):
        return [a for v in value for a in _arrays(v)]
    return []


def _load(fd: int, source: str, name: str) -> Any:
    try:
        code = compile(source, SUBMISSION_FILE, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        msg = getattr(exc, "msg", str(exc))
        _send(fd, {"ev": "load-error", "kind": "syntax", "line": line, "message": msg[:300]})
        return None
    namespace: dict[str, Any] = {"__name__": "submission", "__builtins__": builtins}
    try:
        # The one place where submitted code runs, by design: only in the forked child after
        # rlimits, namespaces, the unprivileged uid and seccomp are in place; never in the
        # server process, and formulas never reach it (the math engine has its own parser).
        exec(code, namespace)
    except BaseException as exc:
        _send(fd, {"ev": "load-error", "kind": "exception", **_describe(exc)})
        return None
    fn = namespace.get(name)
    if fn is None:
        _send(fd, {"ev": "load-error", "kind": "missing"})
        return None
    if not callable(fn):
        _send(fd, {"ev": "load-error", "kind": "not-callable", "type": type(fn).__name__[:80]})
        return None
    return fn


def _run_case(fd: int, fn: Any, index: int, case: dict[str, Any], blob: bytes, limit: int) -> float:
    case = dict(case, args=[decode_input(a, blob) for a in case.get("args", [])])
    case["kwargs"] = {k: decode_input(v, blob) for k, v in case.get("kwargs", {}).items()}
    if "params" in case:
        case["params"] = decode_input(case["params"], blob)
    inputs = _arrays(case["args"]) + _arrays(list(case["kwargs"].values()))
    pristine = [a.copy() for a in inputs]
    _send(fd, {"ev": "start", "case": index})
    started = time.perf_counter()
    try:
        result = drive(fn, case)
    except BaseException as exc:
        spent = time.perf_counter() - started
        _send(fd, {"ev": "error", "case": index, "seconds": spent, **_describe(exc)})
        return spent
    spent = time.perf_counter() - started
    mutated = [
        i
        for i, (a, b) in enumerate(zip(inputs, pristine, strict=True))
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
    ]
    out = BlobWriter()
    try:
        tree = encode_output(result, out, limit)
    except BaseException as exc:
        _send(fd, {"ev": "error", "case": index, "seconds": spent, **_describe(exc)})
        return spent
    _send(
        fd,
        {"ev": "result", "case": index, "value": tree, "mutated": mutated, "seconds": spent},
        out.blob(),
    )
    return spent


def run(request: dict[str, Any], blob: bytes, fd: int) -> None:
    """Judge-side protocol of one child: load, run each case, report, finish with ``done``."""
    sys.setrecursionlimit(2000)
    if request.get("setup"):
        setup(request["setup"])  # before the submission exists: it cannot interfere
    started = time.perf_counter()
    fn = _load(fd, request["source"], request["function"])
    load_seconds = time.perf_counter() - started
    user_seconds = load_seconds
    if fn is not None:
        limit = int(request.get("max_elements", 1 << 20))
        for index, case in enumerate(request["cases"]):
            user_seconds += _run_case(fd, fn, index, case, blob, limit)
    _send(fd, {"ev": "done", "user_seconds": user_seconds})
