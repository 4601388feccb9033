"""``code``: a Python function judged in the sandbox against its exercise's reference."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from engine.judge import CodeDetails, UnknownExercise, get_exercise, judge
from engine.kinds.base import (
    Answer,
    InputSpec,
    Kind,
    NotGradable,
    QuestionBase,
    Strict,
    Text,
    one_text,
    register,
)
from engine.sandbox import default_sandbox, get_runtime, runtime_unavailable
from engine.verdict import Verdict, invalid

Runtime = Literal["numpy", "torch"]


class CodeExample(Strict):
    call: Text
    result: Text


class CodeQuestion(QuestionBase):
    """Implement a named function in Python/NumPy; judged in the sandbox."""

    kind: Literal["code"] = "code"
    function: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    exercise: str | None = Field(
        default=None, description="Judge registry name (default: function)"
    )
    signature: Text
    starter: Text
    examples: list[CodeExample] = []

    @property
    def exercise_name(self) -> str:
        return self.exercise or self.function


class CodeExampleRead(BaseModel):
    call: str
    result: str


class CodeInput(InputSpec):
    type: Literal["code"] = "code"
    function: str
    signature: str
    starter: str
    examples: list[CodeExampleRead]
    runtime: Runtime = Field(
        default="numpy", description="What the code runs with: NumPy, or PyTorch and NumPy."
    )
    available: bool = Field(default=True, description="False when this server cannot run it.")
    unavailable_reason: str | None = Field(
        default=None, description="Why it cannot run here (e.g. PyTorch is not installed)."
    )


def runtime(question: CodeQuestion) -> Runtime:
    """What the submission runs with; ``numpy`` when the exercise is unknown (its self-checks
    then say so)."""
    try:
        return get_exercise(question.exercise_name).runtime
    except UnknownExercise:
        return "numpy"


def grade(question: CodeQuestion, answer: Answer) -> Verdict:
    """Judge the source of one function. SandboxBusy and SandboxDisabled (RuntimeUnavailable
    when PyTorch is needed and missing) propagate: the code cannot run now."""
    source = one_text(answer)
    if source is None:
        return invalid("expected-source", "answer with the Python source of one function")
    try:
        return judge(exercise=question.exercise_name, function=question.function, source=source)
    except UnknownExercise as exc:
        raise NotGradable(str(exc.args[0])) from None


def unavailable(question: CodeQuestion) -> str | None:
    return runtime_unavailable(runtime(question))


def checks_skipped(question: CodeQuestion) -> str | None:
    """Why this question's self-checks cannot run on this machine, or None."""
    name = runtime(question)
    missing = runtime_unavailable(name)
    if missing:
        return f"{get_runtime(name).label} questions' checks skipped: {missing}"
    report = default_sandbox(name).start()
    if not report.enabled:
        return f"code questions' checks skipped: code execution is disabled ({report.reason()})"
    return None


def solution_problem(question: CodeQuestion) -> str | None:
    """Why the worked solution is wrong: its reference code must pass every case itself."""
    if question.solution is None or not question.solution.code:
        return "a worked solution of a code question includes its reference `code`"
    verdict = grade(question, question.solution.code)
    if verdict.correct:
        return None
    return "the solution's code fails its own cases: " + "; ".join(
        f.message for f in verdict.feedback[:2]
    )


def describe_input(question: CodeQuestion) -> CodeInput:
    missing = unavailable(question)
    return CodeInput(
        function=question.function,
        signature=question.signature,
        starter=question.starter,
        examples=[CodeExampleRead(call=e.call, result=e.result) for e in question.examples],
        runtime=runtime(question),
        available=missing is None,
        unavailable_reason=missing,
    )


KIND = register(
    Kind(
        name="code",
        question=CodeQuestion,
        details=CodeDetails,
        input=CodeInput,
        grade=grade,
        describe_input=describe_input,
        unavailable=unavailable,
        checks_skipped=checks_skipped,
        solution_problem=solution_problem,
        quick_ms=120_000,
        interview_minutes=10,
        sandboxed=True,
        label="Code",
    )
)
