"""Judge a trusted Python function in-process, exactly as the service judges a child's output
(same drivers, same wire encoding, same report) — for testing the checks without the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge import get_exercise
from engine.judge.report import build_verdict
from engine.sandbox import RunResult
from engine.sandbox.runtime.drivers import drive
from engine.sandbox.runtime.protocol import BlobWriter, encode_output
from engine.verdict import Verdict


def simulate(name: str, fn: Callable[..., Any], seed: int = 0) -> Verdict:
    exercise = get_exercise(name)
    cases = exercise.build_cases(np.random.default_rng(seed))
    frames: list[tuple[dict[str, Any], bytes]] = []
    for i, case in enumerate(cases):
        frames.append(({"ev": "start", "case": i}, b""))
        try:
            with np.errstate(all="ignore"):
                out = drive(fn, case.wire())
        except Exception as exc:
            frames.append(
                ({"ev": "error", "case": i, "type": type(exc).__name__, "message": str(exc)}, b"")
            )
            continue
        writer = BlobWriter()
        tree = encode_output(out, writer, 1 << 20)
        frames.append(({"ev": "result", "case": i, "value": tree, "mutated": []}, writer.blob()))
    frames.append(({"ev": "done"}, b""))
    run = RunResult(
        frames=frames,
        complete=True,
        exit_code=0,
        signal=None,
        killed=None,
        cpu_seconds=0.0,
        wall_seconds=0.0,
        output_bytes=0,
        result_bytes=0,
    )
    return build_verdict(exercise, name, cases, run)
