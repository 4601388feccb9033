"""What every question kind shares, and the registry each kind adds itself to.

A kind is one module in this package: its content schema (a :class:`QuestionBase` subclass), its
grader, the typed details its verdicts carry, the description of the input a page must render,
and the few facts the service needs (review and interview timings, whether the learner rates
their own recall, whether a sandbox bounds its grading). Nothing outside the module names a kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.mathtext import render_text
from engine.verdict import Details, Verdict

Answer = str | list[str]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=80)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Content is data: an unknown field is a typo that must point at its line, not vanish."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Check(Strict):
    """A sample answer and the verdict it must get (a question self-test, as in STACK)."""

    answer: str | list[str]
    correct: bool
    status: Literal["correct", "partial", "incorrect", "invalid"] | None = None
    feedback: str | None = Field(
        default=None, description="A feedback code the verdict must carry."
    )
    note: str = ""


class DemoFigure(Strict):
    """A figure drawn by a demo (``POST /api/v1/demos/{demo}``) that the question shows; the
    parameters stay hidden, so a figure can pose a diagnosis ("what is wrong with this run?")."""

    demo: Id
    params: dict[str, Any] = {}


class SolutionStep(Strict):
    """One step of a worked solution: a line of maths (bare LaTeX, shown on its own line), a
    sentence (prose with ``$…$``), or both."""

    math: str = ""
    text: str = ""

    @model_validator(mode="after")
    def _something(self) -> SolutionStep:
        if not (self.math.strip() or self.text.strip()):
            raise ValueError("a step needs `math`, `text` or both")
        return self


class Solution(Strict):
    """A worked solution: never served before the learner answers right or gives up."""

    steps: list[SolutionStep] = Field(default=[], max_length=24)
    code: str | None = Field(
        default=None, description="A commented reference implementation (code questions)."
    )
    notes: Text = Field(description="What to take away: the trap, the stability choice, …")


class QuestionBase(Strict):
    """The fields every question has; a kind's schema adds ``kind: Literal[...]`` and its own."""

    kind: str
    id: Id
    title: str = ""
    prompt: Text
    hints: list[Text] = []
    difficulty: Literal[1, 2, 3] = 2
    checks: list[Check] = []
    figure: DemoFigure | None = None
    solution: Solution | None = None
    probe: Id | None = Field(
        default=None,
        description="A question an interviewer asks next when this one is answered right: a"
        " variant (the batch, L2 added, matrix form) or a why-question.",
    )


class RichText(BaseModel):
    text: str = Field(description="As written, with LaTeX in $…$.")
    html: str = Field(description="Rendered HTML; maths as MathML.")


def rich(text: str) -> RichText:
    return RichText(text=text, html=render_text(text))


class InputSpec(BaseModel):
    """What a page needs to render a kind's input; ``type`` tells the kinds apart. Never the
    answer, nor anything that grades it."""

    type: str


Q = TypeVar("Q", bound=QuestionBase)


def _same(question: Q, variant: int | None) -> Q:
    return question


def _nothing(question: Any) -> str | None:
    return None


def _no_text(question: Any) -> str:
    return ""


@dataclass(frozen=True)
class Kind(Generic[Q]):
    """One question kind and everything the rest of Descent asks about it."""

    name: str
    question: type[Q]
    details: type[Details]
    input: type[InputSpec]
    grade: Callable[[Q, Answer], Verdict]
    describe_input: Callable[[Q], InputSpec]
    # answer material shown after an attempt (and found by Ask Descent once attempted)
    answer_text: Callable[[Q], str] = _no_text
    # a randomised question drawn for a variant (texts filled in, answer computed)
    instantiate: Callable[[Q, int | None], Q] = _same
    # why this server cannot grade the question (e.g. PyTorch missing), or None
    unavailable: Callable[[Q], str | None] = _nothing
    # what is wrong with the question itself (a target that does not parse), or None
    problem: Callable[[Q], str | None] = _nothing
    # why its self-checks cannot run here (e.g. code execution disabled), or None
    checks_skipped: Callable[[Q], str | None] = _nothing
    # what is wrong with its worked solution (the formula it ends with is not the target, its
    # reference code fails its own cases), or None
    solution_problem: Callable[[Q], str | None] = _nothing
    quick_ms: int = 30_000  # reviews: a right answer faster than this counts as easy
    interview_minutes: int = 3  # the time an interview plans for one question of this kind
    self_rated: bool = False  # reviews follow the learner's own rating, not the verdict
    sandboxed: bool = False  # bounded by the code sandbox rather than the grading pool
    label: str = ""  # how a page names the kind ("Open answer", "Formula", …)


_KINDS: dict[str, Kind[Any]] = {}


class NotGradable(Exception):
    """This build cannot grade the question (e.g. its code exercise is not registered)."""


class UnknownKind(KeyError):
    """A question kind that no module registered."""

    def __str__(self) -> str:
        return f"unknown question kind {self.args[0]!r}; known: {', '.join(_KINDS)}"


def register(kind: Kind[Q]) -> Kind[Q]:
    """Add a kind to the registry (a kind module does this once, when it is imported)."""
    if kind.question.model_fields["kind"].default != kind.name:
        raise ValueError(f"{kind.question.__name__}.kind must default to {kind.name!r}")
    if kind.input.model_fields["type"].default is None:
        raise ValueError(f"{kind.input.__name__}.type needs a default")
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind[Any]:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(name) from None


def kinds() -> Iterator[Kind[Any]]:
    """Every registered kind, in registration order."""
    return iter(list(_KINDS.values()))


def kind_names() -> tuple[str, ...]:
    return tuple(_KINDS)


def one_text(answer: Answer) -> str | None:
    """The single piece of text of an answer, or None when it is a list of several."""
    if isinstance(answer, list):
        return answer[0] if len(answer) == 1 else None
    return answer
