"""Question kinds: one module each, registered here; :func:`grade` is the one way to grade.

Adding a kind is one new module in this package that builds a :class:`Kind` and passes it to
:func:`register` (and a module under ``app/web/static/js/kinds/`` for its input, if the generic
text box does not fit). Kinds are listed in the order they registered.
"""

from __future__ import annotations

import importlib
from typing import Any

from engine.constants import MAX_ANSWER_CHARS
from engine.kinds.base import (
    Answer,
    Check,
    DemoFigure,
    InputSpec,
    Kind,
    NotGradable,
    QuestionBase,
    RichText,
    Solution,
    SolutionStep,
    Strict,
    UnknownKind,
    get_kind,
    kind_names,
    kinds,
    register,
    rich,
)
from engine.verdict import Verdict, invalid

# The built-in kinds, in the order pages and counts list them.
BUILT_IN = ("open", "choice", "numeric", "expression", "derivation", "code")
for _module in BUILT_IN:
    importlib.import_module(f"engine.kinds.{_module}")

__all__ = [
    "Answer",
    "Check",
    "DemoFigure",
    "InputSpec",
    "Kind",
    "NotGradable",
    "QuestionBase",
    "RichText",
    "Solution",
    "SolutionStep",
    "Strict",
    "UnknownKind",
    "answer_size",
    "get_kind",
    "grade",
    "instantiate",
    "kind_names",
    "kinds",
    "register",
    "rich",
    "run_check",
]


def answer_size(answer: Answer) -> int:
    return len(answer) if isinstance(answer, str) else sum(len(a) for a in answer)


def instantiate(question: Any, variant: int | None) -> Any:
    """The question as drawn for ``variant`` (randomised kinds); others are returned as is."""
    return get_kind(question.kind).instantiate(question, variant)


def grade(question: QuestionBase, answer: Answer, *, variant: int | None = None) -> Verdict:
    """Grade ``answer`` to ``question`` (drawn for ``variant`` when it is randomised).

    Raises :class:`NotGradable` when this build cannot grade the question, and the sandbox's
    ``SandboxBusy``/``SandboxDisabled`` when code cannot run now.

    >>> from engine.kinds.numeric import NumericQuestion
    >>> q = NumericQuestion(id="half", prompt="1/2?", answer=0.5, explanation="one half")
    >>> grade(q, "1/2").status, grade(q, "0.4").status
    ('correct', 'incorrect')
    """
    kind = get_kind(question.kind)
    size = answer_size(answer)
    if size > MAX_ANSWER_CHARS:
        return invalid(
            "too-long", f"the answer has {size} characters; the limit is {MAX_ANSWER_CHARS}"
        )
    return kind.grade(kind.instantiate(question, variant), answer)


def run_check(question: QuestionBase, check: Check) -> str | None:
    """Why a self-check fails (its answer does not get the declared verdict), or None."""
    answer = check.answer
    if isinstance(answer, str) and "[[answer]]" in answer:  # randomised: variant 0's answer
        drawn = instantiate(question, 0)
        answer = answer.replace("[[answer]]", repr(getattr(drawn, "answer", None)))
    try:
        verdict = grade(question, answer, variant=0)
    except NotGradable as exc:
        return str(exc)
    shown = check.answer if isinstance(check.answer, list) else repr(check.answer[:50])
    if verdict.correct != check.correct:
        return (
            f"check answer {shown} should be {'correct' if check.correct else 'not correct'}"
            f" but got {verdict.status} (score {verdict.score:.2f})"
        )
    if check.status and verdict.status != check.status:
        return f"check answer {shown} should get status {check.status}, got {verdict.status}"
    if check.feedback and check.feedback not in verdict.codes():
        return (
            f"check answer {shown} should get feedback {check.feedback!r},"
            f" got {', '.join(verdict.codes()) or 'none'}"
        )
    return None
