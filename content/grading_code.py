"""Grade ``code`` questions: the submission runs in the sandbox and is judged against the
reference implementation of its exercise (see :mod:`engine.judge`)."""

from __future__ import annotations

import logging

from content.grading import Answer, NotGradable, grader
from content.schema import CodeQuestion
from engine.judge import UnknownExercise, judge
from engine.sandbox import default_sandbox
from engine.verdict import Verdict, invalid

log = logging.getLogger("descent")


@grader("code")
def _grade_code(question: CodeQuestion, answer: Answer) -> Verdict:
    """Judge the source of one function; SandboxBusy/SandboxDisabled propagate (HTTP 503)."""
    source = answer if isinstance(answer, str) else answer[0] if len(answer) == 1 else None
    if source is None:
        return invalid("expected-source", "answer with the Python source of one function")
    try:
        return judge(
            exercise=question.exercise or question.function,
            function=question.function,
            source=source,
        )
    except UnknownExercise as exc:
        raise NotGradable(str(exc.args[0])) from None


_warned: list[bool] = []


def code_checks_runnable() -> bool:
    """Whether code can run here; when it cannot, code questions' self-checks are skipped."""
    report = default_sandbox().start()
    if not report.enabled and not _warned:
        _warned.append(True)
        log.warning(
            "code questions' checks skipped: code execution is disabled (%s)", report.reason()
        )
    return report.enabled
