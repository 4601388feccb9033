"""Grading of choice and numeric answers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.verdict import Feedback, Verdict, invalid

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
MAX_NUMBER_CHARS = 64


@dataclass(frozen=True)
class Choice:
    id: str
    correct: bool
    explanation: str


def grade_choice(selected: Sequence[str], options: Sequence[Choice], *, multiple: bool) -> Verdict:
    """Exact set match; every chosen option and every missed right one is explained."""
    known = {o.id: o for o in options}
    chosen = list(dict.fromkeys(selected))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        return invalid(
            "unknown-option", f"unknown option {unknown[0]!r}; choose from " + ", ".join(known)
        )
    if not chosen:
        return invalid("no-option", "choose at least one option")
    if len(chosen) > 1 and not multiple:
        return invalid("one-option", "this question takes exactly one option")
    right = {o.id for o in options if o.correct}
    hits = right & set(chosen)
    feedback = [
        Feedback("right-option" if known[s].correct else "wrong-option", known[s].explanation)
        for s in chosen
    ]
    feedback += [Feedback("missed-option", known[i].explanation) for i in sorted(right - hits)]
    if set(chosen) == right:
        return Verdict("correct", 1.0, feedback, {"options": _explained(options)})
    wrong = len(set(chosen) - right)
    score = max(0.0, (len(hits) - wrong) / len(right)) if multiple else 0.0
    status = "partial" if score > 0 else "incorrect"
    return Verdict(status, score, feedback, {"options": _explained(options)})


def _explained(options: Sequence[Choice]) -> list[dict[str, object]]:
    return [{"id": o.id, "correct": o.correct, "explanation": o.explanation} for o in options]


def parse_number(text: str) -> float | None:
    """Parse ``2.5``, ``-1e-3``, ``5/2``, ``40%`` or ``1,000``; None when it is not a number."""
    text = text.strip().replace(" ", "").replace("−", "-")
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    percent = text.endswith("%")
    text = text.removesuffix("%")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    if "/" in text:
        num, _, den = text.partition("/")
        if not (_NUMBER.match(num) and _NUMBER.match(den)):
            return None
        try:
            value = float(Fraction(num) / Fraction(den))
        except (ZeroDivisionError, ValueError, OverflowError):
            return None
    elif _NUMBER.match(text):
        value = float(text)
    else:
        return None
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


def within(value: float, target: float, *, abs_tol: float, rel_tol: float) -> bool:
    return abs(value - target) <= max(abs_tol, rel_tol * abs(target))


def grade_numeric(
    answer: str, target: float, *, abs_tol: float, rel_tol: float, explanation: str
) -> Verdict:
    """Accept a number within ``max(abs_tol, rel_tol·|target|)`` of the target."""
    value = parse_number(answer)
    if value is None:
        return invalid(
            "not-a-number", f"{answer[:40]!r} is not a number; write e.g. 2.5, -1e-3 or 5/2"
        )
    details = {"answer": target, "explanation": explanation}
    if within(value, target, abs_tol=abs_tol, rel_tol=rel_tol):
        return Verdict("correct", 1.0, [Feedback("correct", explanation)], details)
    feedback = [
        Feedback("wrong-value", f"{value:g} is not within tolerance of the expected value.")
    ]
    if target and within(-value, target, abs_tol=abs_tol, rel_tol=rel_tol):
        feedback.append(Feedback("wrong-sign", "The magnitude is right but the sign is not."))
    elif target and value:
        for factor, name in ((2, "2"), (0.5, "1/2"), (100, "100"), (0.01, "1/100")):
            if within(value, target * factor, abs_tol=abs_tol, rel_tol=rel_tol):
                feedback.append(Feedback("factor", f"Your value is {name} × the expected one."))
                break
    feedback.append(Feedback("explanation", explanation))
    return Verdict("incorrect", 0.0, feedback, details)
