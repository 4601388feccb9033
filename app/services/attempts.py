"""Grading of question attempts (storing them for signed-in learners is `learners`' job)."""

from __future__ import annotations

from app import schemas as s
from app.ops.bounded import graded
from app.services.solutions import solution_of
from content.schema import Question
from engine.kinds import get_kind, grade
from engine.sandbox import on_behalf_of


def attempt(
    *,
    question: Question,
    submission: s.AttemptCreate,
    timeout: float | None = None,
    client: str | None = None,
) -> s.VerdictBase:
    """Grade a submission to a question (within ``timeout`` seconds unless its kind is bounded
    by the sandbox; code runs on behalf of ``client``, which holds a bounded share of the code
    runners) and return the verdict with what it reveals."""
    kind = get_kind(question.kind)
    with on_behalf_of(client):
        verdict = graded(
            lambda: grade(question, submission.answer, variant=submission.variant),
            kind=question.kind,
            timeout=None if kind.sandboxed else timeout,
        )
    read = s.verdict_read(
        verdict, kind=question.kind, question=question.id, self_rating=submission.self_rating
    )
    if read.correct:  # the worked solution is the reward for a right answer
        read.solution = solution_of(question)
    return read
