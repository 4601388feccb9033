"""Grading of question attempts (storage for signed-in learners comes with accounts)."""

from __future__ import annotations

from app import schemas as s
from app.errors import DescentError
from app.services.catalog import Catalog
from content.grading import NotGradable, grade


class NotImplementedKind(DescentError):
    status, code, title = 501, "kind-not-gradable", "Not gradable"


def attempt(*, catalog: Catalog, question_id: str, submission: s.AttemptCreate) -> s.VerdictRead:
    """Grade a submission to a question and return the verdict with what it reveals."""
    question = catalog.question_model(question_id)
    try:
        verdict = grade(question, submission.answer)
    except NotGradable as exc:
        raise NotImplementedKind(str(exc)) from None
    return s.VerdictRead(
        question=question_id,
        kind=question.kind,
        self_rating=submission.self_rating,
        **verdict.to_dict(),
    )
