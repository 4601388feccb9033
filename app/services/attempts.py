"""Grading of question attempts (storing them for signed-in learners is `learners`' job)."""

from __future__ import annotations

from app import schemas as s
from app.ops.bounded import graded
from content.schema import Question
from engine.kinds import get_kind, grade


def attempt(
    *, question: Question, submission: s.AttemptCreate, timeout: float | None = None
) -> s.VerdictBase:
    """Grade a submission to a question (within ``timeout`` seconds unless its kind is bounded
    by the sandbox) and return the verdict with what it reveals."""
    kind = get_kind(question.kind)
    verdict = graded(
        lambda: grade(question, submission.answer, variant=submission.variant),
        kind=question.kind,
        timeout=None if kind.sandboxed else timeout,
    )
    return s.verdict_read(
        verdict, kind=question.kind, question=question.id, self_rating=submission.self_rating
    )
