"""Grading of question attempts (storage for signed-in learners comes with accounts)."""

from __future__ import annotations

from app import schemas as s
from app.errors import DescentError, ServiceUnavailable
from app.ops.bounded import graded
from app.services.catalog import Catalog
from content.grading import NotGradable, grade
from engine.sandbox import RuntimeUnavailable, SandboxBusy, SandboxDisabled

DISABLED_RETRY_AFTER_S = 3600
SANDBOXED_KINDS = frozenset({"code"})  # bounded by the sandbox itself, not a thread pool


class NotImplementedKind(DescentError):
    status, code, title = 501, "kind-not-gradable", "Not gradable"


class CodeRunnersBusy(ServiceUnavailable):
    code, title = "code-runners-busy", "Code runners busy"


class CodeExecutionDisabled(ServiceUnavailable):
    code, title = "code-execution-disabled", "Code execution disabled"


class CodeRuntimeUnavailable(ServiceUnavailable):
    code, title = "code-runtime-unavailable", "Code runtime unavailable"


def attempt(
    *,
    catalog: Catalog,
    question_id: str,
    submission: s.AttemptCreate,
    timeout: float | None = None,
) -> s.VerdictRead:
    """Grade a submission to a question (within ``timeout`` seconds unless it is sandboxed
    code) and return the verdict with what it reveals."""
    question = catalog.question_model(question_id)
    try:
        verdict = graded(
            lambda: grade(question, submission.answer, variant=submission.variant),
            kind=question.kind,
            timeout=None if question.kind in SANDBOXED_KINDS else timeout,
        )
    except NotGradable as exc:
        raise NotImplementedKind(str(exc)) from None
    except SandboxBusy as exc:
        raise CodeRunnersBusy(
            f"every code runner is busy; retry in {exc.retry_after} s",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except RuntimeUnavailable as exc:
        raise CodeRuntimeUnavailable(
            f"this question cannot be answered on this server: {exc}",
            headers={"Retry-After": str(DISABLED_RETRY_AFTER_S)},
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
