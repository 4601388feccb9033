"""Grade ``code`` questions: the submission runs in the sandbox and is judged against the
reference implementation of its exercise (see :mod:`engine.judge`)."""

from __future__ import annotations

import logging

from content.grading import Answer, NotGradable, grader
from content.schema import CodeQuestion, Question
from engine.judge import UnknownExercise, get_exercise, judge
from engine.sandbox import default_sandbox, get_runtime, runtime_unavailable
from engine.verdict import Verdict, invalid

log = logging.getLogger("descent")


@grader("code")
def _grade_code(question: CodeQuestion, answer: Answer) -> Verdict:
    """Judge the source of one function; SandboxBusy/SandboxDisabled (RuntimeUnavailable when
    it needs PyTorch and PyTorch is missing) propagate (HTTP 503)."""
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


def code_runtime(question: Question) -> str | None:
    """The runtime a code question's submission runs in (``numpy``, ``torch``); None for other
    kinds, ``numpy`` when its exercise is unknown (its checks then report that)."""
    if not isinstance(question, CodeQuestion):
        return None
    try:
        return get_exercise(question.exercise or question.function).runtime
    except UnknownExercise:
        return "numpy"


def unavailable_reason(question: Question) -> str | None:
    """Why a question cannot be answered on this server (its runtime is missing), or None."""
    runtime = code_runtime(question)
    return runtime_unavailable(runtime) if runtime else None


_warned: set[str] = set()


def _warn_once(key: str, message: str, *args: object) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message, *args)


def code_checks_runnable(question: Question | None = None) -> bool:
    """Whether ``question``'s code (NumPy code by default) can run here; when it cannot, its
    self-checks are skipped, with one warning per reason."""
    runtime = (code_runtime(question) if question is not None else None) or "numpy"
    missing = runtime_unavailable(runtime)
    if missing:
        label = get_runtime(runtime).label
        _warn_once(runtime, "%s questions' checks skipped: %s", label, missing)
        return False
    report = default_sandbox(runtime).start()
    if not report.enabled:
        _warn_once(
            "disabled",
            "code questions' checks skipped: code execution is disabled (%s)",
            report.reason(),
        )
    return report.enabled
