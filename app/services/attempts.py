"""Grading of question attempts (storage for signed-in learners comes with accounts)."""

from __future__ import annotations

from app import schemas as s
from app.errors import DescentError, ServiceUnavailable
from app.services.catalog import Catalog
from content.grading import NotGradable, grade
from engine.sandbox import SandboxBusy, SandboxDisabled

DISABLED_RETRY_AFTER_S = 3600


class NotImplementedKind(DescentError):
    status, code, title = 501, "kind-not-gradable", "Not gradable"


class CodeRunnersBusy(ServiceUnavailable):
    code, title = "code-runners-busy", "Code runners busy"


class CodeExecutionDisabled(ServiceUnavailable):
    code, title = "code-execution-disabled", "Code execution disabled"


def attempt(*, catalog: Catalog, question_id: str, submission: s.AttemptCreate) -> s.VerdictRead:
    """Grade a submission to a question and return the verdict with what it reveals."""
    question = catalog.question_model(question_id)
    try:
        verdict = grade(question, submission.answer, variant=submission.variant)
    except NotGradable as exc:
        raise NotImplementedKind(str(exc)) from None
    except SandboxBusy as exc:
        raise CodeRunnersBusy(
            f"every code runner is busy; retry in {exc.retry_after} s",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except SandboxDisabled as exc:
        raise CodeExecutionDisabled(
            f"code execution is disabled on this server: {exc}",
            headers={"Retry-After": str(DISABLED_RETRY_AFTER_S)},
        ) from None
    return s.VerdictRead(
        question=question_id,
        kind=question.kind,
        self_rating=submission.self_rating,
        **verdict.to_dict(),
    )
