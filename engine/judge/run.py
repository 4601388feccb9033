"""Judge one submission: build the cases, run them in the sandbox, compare in this process."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.constants import MAX_SOURCE_BYTES
from engine.judge.core import Case, get_exercise
from engine.judge.policy import refusal
from engine.judge.report import build_verdict
from engine.sandbox import (
    Limits,
    Sandbox,
    SandboxBusy,
    SandboxDisabled,
    SandboxError,
    default_sandbox,
)
from engine.sandbox.runtime.protocol import BlobWriter, encode_input
from engine.verdict import Feedback, Verdict, invalid


def payload(cases: list[Case]) -> tuple[list[dict[str, Any]], bytes]:
    """Encode the cases' inputs for the child: JSON descriptions plus one blob of arrays."""
    writer = BlobWriter()
    out = []
    for case in cases:
        wire = case.wire()
        node: dict[str, Any] = {
            "driver": wire["driver"],
            "args": [encode_input(a, writer) for a in wire["args"]],
            "kwargs": {k: encode_input(v, writer) for k, v in wire["kwargs"].items()},
        }
        if wire["params"] is not None:
            node["params"] = encode_input(wire["params"], writer)
        out.append(node)
    return out, writer.blob()


def judge(
    *,
    exercise: str,
    source: str,
    function: str | None = None,
    seed: int | None = None,
    sandbox: Sandbox | None = None,
    limits: Limits | None = None,
) -> Verdict:
    """Judge ``source`` as an implementation of ``exercise``.

    Raises :class:`~engine.sandbox.SandboxBusy` or :class:`~engine.sandbox.SandboxDisabled`
    (:class:`~engine.sandbox.RuntimeUnavailable` when the exercise needs PyTorch and it is not
    installed) when the code cannot run now (the caller answers 503); any other sandbox
    failure becomes a verdict with status ``error``.

    Examples
    --------
    >>> judge(exercise="mse", source="def mse(a, b):\\n    return ((a - b) ** 2).mean()").status
    'correct'
    """
    ex = get_exercise(exercise)
    name = function or ex.function
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        return invalid(
            "source-too-large",
            f"the source is {size} bytes; the limit is {MAX_SOURCE_BYTES // 1024} KiB",
        )
    if not source.strip():
        return invalid("empty-source", f"write a function `{ex.signature}`")
    refused = refusal(source, ex.runtime)
    if refused is not None:
        message = f"refused before running — {refused.text()}"
        return Verdict("incorrect", 0.0, [Feedback("forbidden-call", message)])
    rng = np.random.default_rng(seed)
    cases = ex.build_cases(rng)
    specs, blob = payload(cases)
    request: dict[str, Any] = {"source": source, "function": name, "cases": specs}
    if ex.setup is not None:
        request["setup"] = dict(ex.setup, seed=int(rng.integers(1 << 31)))
    box = sandbox or default_sandbox(ex.runtime)
    try:
        run = box.run(request, blob, limits)
    except (SandboxBusy, SandboxDisabled):
        raise
    except SandboxError as exc:
        return Verdict("error", 0.0, [Feedback("sandbox-error", f"the judge failed: {exc}")])
    return build_verdict(ex, name, cases, run)
