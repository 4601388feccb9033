"""Grade a derivation: every line is an expression for the target, each checked on its own.

A derivation may start from the loss: lines written before the first line labelled as a
derivative (``∂L/∂w = …``, ``\\nabla_w L = …``, ``dL/dw = …``, ``L'(w) = …``) are checked as equal
to the loss, and that line and every later one as equal to the gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from engine.expr.front import Parsed
from engine.expr.grade import (
    DerivationDetails,
    FormulaDetails,
    LineResult,
    Prepared,
    Problem,
    check_parsed,
    prepare,
    read_line,
)
from engine.verdict import Feedback, Verdict

MAX_STEPS = 30
# A derivation whose last line is right after a wrong one: half the share of right lines, plus
# this much for reaching the answer.
REACHED_ANSWER_CREDIT = 0.25


def _first_gradient_line(read: Sequence[Parsed | Verdict]) -> int:
    """Index of the first line labelled as a derivative (0 when none is)."""
    for i, item in enumerate(read):
        if isinstance(item, Parsed) and item.label_kind == "gradient":
            return i
    return 0


def _grade_lines(lines: list[str], problem: Problem, prepared: Prepared) -> list[LineResult]:
    read = [read_line(line, problem, prepared) for line in lines]
    start = _first_gradient_line(read) if prepared.loss_target is not None else 0
    steps = []
    for i, (line, item) in enumerate(zip(lines, read, strict=True)):
        against: Literal["loss", "target"] = "loss" if i < start else "target"
        if isinstance(item, Verdict):
            verdict = item
        else:
            target = prepared.loss_target if against == "loss" else prepared.target
            assert target is not None
            verdict = check_parsed(item, target, prepared.known if against == "target" else [])
        shown = verdict.details if isinstance(verdict.details, FormulaDetails) else None
        steps.append(
            LineResult(
                line=i + 1,
                text=line,
                status=verdict.status,
                feedback=verdict.feedback,
                checked_against=against,
                **(shown.model_dump(exclude_none=True) if shown else {}),
            )
        )
    return steps


def grade_derivation(lines: Sequence[str], problem: Problem, *, min_lines: int = 1) -> Verdict:
    """Every line must equal the target (or, before the first derivative line, the loss); the
    first line that does not is named. A correct last line after a wrong middle line is
    ``partial``.

    >>> p = Problem.build(derivative_of="(w - 1)^2", wrt="w")
    >>> grade_derivation(["L = (w - 1)^2", "dL/dw = 2(w - 1)"], p).status
    'correct'
    """
    prepared = prepare(problem)
    lines = [line for line in lines if line.strip()]
    if not lines:
        return Verdict("invalid", 0.0, [Feedback("empty", "write at least one line")])
    if len(lines) > MAX_STEPS:
        return Verdict("invalid", 0.0, [Feedback("too-long", f"at most {MAX_STEPS} lines")])
    steps = _grade_lines(lines, problem, prepared)
    details = DerivationDetails(steps=steps)
    good = [s.status == "correct" for s in steps]
    first_bad = next((s for s in steps if s.status != "correct"), None)
    feedback: list[Feedback] = []
    if first_bad is None:
        if len(lines) < min_lines:
            feedback.append(
                Feedback("too-few-lines", f"show at least {min_lines} lines of working")
            )
            return Verdict("partial", 0.5, feedback, details)
        return Verdict("correct", 1.0, [Feedback("equivalent", "Every line is correct.")], details)
    reason = first_bad.feedback[-1].message if first_bad.feedback else ""
    what = "the loss" if first_bad.checked_against == "loss" else "the target"
    feedback.append(
        Feedback(
            "first-wrong-line",
            f"line {first_bad.line} is not equivalent to {what}: {reason}",
        )
    )
    # what was wrong with that line (sign, chain-rule, …), so it can be named and checked
    feedback += [
        Feedback(f.code, f"line {first_bad.line}: {f.message}") for f in first_bad.feedback[:-1]
    ]
    share = 0.5 * sum(good) / len(good)
    if good[-1]:
        return Verdict("partial", share + REACHED_ANSWER_CREDIT, feedback, details)
    return Verdict("incorrect", share, feedback, details)
