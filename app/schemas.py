"""Response and request schemas of the public API (separate from ORM and content models)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, Union

from pydantic import AfterValidator, BaseModel, Field, create_model, model_validator

from app.services.auth import PASSWORD_RULES, password_problems
from engine.constants import Domain, SelfRating, Status
from engine.kinds import Kind as QuestionKind
from engine.kinds import RichText, kind_names, kinds
from engine.verdict import Verdict

T = TypeVar("T")
Kind = Literal[kind_names()]  # type: ignore[valid-type]  # the registered kinds


def _utc(moment: datetime) -> datetime:
    # Times are stored in UTC and SQLite hands them back naive; RFC 3339 needs the offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Total number of matching items (not only this page).")


class SourceRead(BaseModel):
    id: str
    title: str


class FormulaRead(BaseModel):
    name: str
    latex: str
    mathml: str
    caption: RichText


class QuestionSummary(BaseModel):
    id: str
    topic: str
    kind: Kind
    title: str
    difficulty: int
    unavailable: str | None = Field(
        default=None,
        description="Why it cannot be answered on this server (e.g. PyTorch is not installed);"
        " null when it can.",
    )


class TopicSummary(BaseModel):
    id: str
    title: str
    summary: RichText
    sources: list[SourceRead]
    prerequisites: list[str]
    question_count: int
    question_counts: dict[str, int] = Field(description="Number of questions of each kind.")


class TopicRead(TopicSummary):
    learning_steps: list[RichText]
    insights: list[RichText]
    formulas: list[FormulaRead]
    demos: list[str]
    questions: list[QuestionSummary]


def _union(models: tuple[type[BaseModel], ...], discriminator: str) -> Any:
    return Annotated[Union[models], Field(discriminator=discriminator)]  # noqa: UP007


if TYPE_CHECKING:
    from engine.kinds import InputSpec
else:  # what the answer to each registered kind looks like (the kind modules describe it)
    InputSpec = _union(tuple(k.input for k in kinds()), "type")


class QuestionRead(QuestionSummary):
    prompt: RichText
    hint_count: int
    variant: int | None = Field(
        default=None,
        description="Randomised questions: the drawn variant; send it back with the answer.",
    )
    input: InputSpec = Field(description="What the answer looks like; never the answer itself.")
    figure: dict[str, Any] | None = Field(
        default=None, description="A Plotly figure the question shows (rendered by a demo)."
    )


class HintRead(BaseModel):
    question: str
    n: int
    of: int
    hint: RichText


class ContentCounts(BaseModel):
    topics: int
    questions: int
    by_kind: dict[str, int]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "unreachable"]
    content: ContentCounts


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


class AttemptCreate(BaseModel):
    answer: str | list[str] = Field(
        description="Text, a number, a formula or source code; a list for choice ids or derivation lines.",
        examples=["Switch to Huber loss: quadratic near zero, linear for outliers.", ["b"]],
    )
    self_rating: SelfRating | None = Field(
        default=None, description="How it felt (again/hard/good/easy); used by reviews."
    )
    time_taken_ms: int | None = Field(default=None, ge=0, le=86_400_000)
    hints_used: int = Field(default=0, ge=0, le=100)
    variant: int | None = Field(
        default=None, ge=0, le=2**31, description="The variant shown, for randomised questions."
    )


class FeedbackRead(BaseModel):
    code: str
    message: str


class VerdictBase(BaseModel):
    """The graded result; answer material (model answer, explanations) appears only here."""

    question: str | None = None
    kind: str
    attempt: int | None = Field(default=None, description="Id of the stored attempt (signed in)")
    status: Status
    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: list[FeedbackRead]
    self_rating: SelfRating | None = None


def _verdict_model(kind: QuestionKind[Any]) -> type[VerdictBase]:
    name = "".join(part.capitalize() for part in kind.name.split("-"))
    model: type[VerdictBase] = create_model(
        f"{name}Verdict",
        __base__=(VerdictBase, kind.details),
        __doc__=f"The verdict on a {kind.name} answer: common fields and the kind's details.",
        kind=(Literal[kind.name], kind.name),
    )
    return model


VERDICT_MODELS = {k.name: _verdict_model(k) for k in kinds()}
if TYPE_CHECKING:
    VerdictRead = VerdictBase
else:  # one model per kind, told apart by `kind`; each lists exactly the details it adds
    VerdictRead = _union(tuple(VERDICT_MODELS.values()), "kind")


def verdict_read(
    verdict: Verdict,
    *,
    kind: str,
    question: str | None = None,
    self_rating: SelfRating | None = None,
) -> VerdictBase:
    """The API form of an engine verdict for a question of ``kind``."""
    return VERDICT_MODELS[kind](
        question=question, self_rating=self_rating, kind=kind, **verdict.to_dict()
    )


# -- learners ------------------------------------------------------------------------------


class UserCreate(BaseModel):
    username: str = Field(
        pattern=r"^[A-Za-z0-9_.-]{3,32}$", description="3 to 32 letters, digits, '.', '_' or '-'"
    )
    password: str = Field(
        min_length=1,
        max_length=256,
        description="At least 10 characters, letters plus a digit or symbol",
    )

    @model_validator(mode="after")
    def _strong_password(self) -> UserCreate:
        problems = password_problems(self.username, self.password)
        if problems:
            raise ValueError(f"{PASSWORD_RULES}: {'; '.join(problems)}")
        return self


class UserRead(BaseModel):
    id: int
    username: str
    created_at: UtcDatetime


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: UtcDatetime


class AttemptRead(BaseModel):
    id: int
    question: str
    topic: str
    kind: str
    answer: Any
    status: str
    correct: bool
    score: float
    verdict: dict[str, Any]
    time_taken_ms: int | None
    hints_used: int
    self_rating: str | None
    interview: int | None
    created_at: UtcDatetime


class DueCard(BaseModel):
    question: str
    topic: str
    title: str
    kind: str
    due: UtcDatetime
    reps: int
    lapses: int
    retrievability: float


class ReviewCreate(BaseModel):
    rating: SelfRating


class ReviewRead(BaseModel):
    question: str
    rating: SelfRating
    due: UtcDatetime
    reps: int


class TopicProgress(BaseModel):
    topic: str
    title: str
    mastery: float = Field(ge=0, le=1)
    attempts: int
    accuracy: float | None
    answered: int
    questions: int
    due: int


class ProgressRead(BaseModel):
    topics: list[TopicProgress]
    attempts: int
    streak_days: int
    due: int
    weakest: list[str]
    next_topic: str | None


class InterviewCreate(BaseModel):
    topics: list[Annotated[str, Field(max_length=80)]] | None = Field(default=None, max_length=10)
    minutes: int = Field(default=30, ge=5, le=120)


class InterviewAnswer(AttemptCreate):
    question: str = Field(max_length=80)


class InterviewRead(BaseModel):
    id: int
    topics: list[str]
    minutes: int
    questions: list[QuestionSummary]
    answered: list[str]
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    report: dict[str, Any] | None


# -- the formula checker --------------------------------------------------------------------

MAX_BODY_TEXT = 2_000_000  # the engine refuses long input itself, with a clear verdict
Syntax = Literal["auto", "ascii", "latex"]
DimName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$")]
VarName = Annotated[str, Field(max_length=40)]


class VariableIn(BaseModel):
    shape: list[DimName] = Field(
        default=[], max_length=2, description="Dimension names; [] is a scalar"
    )
    domain: Domain = "real"


class ParseRequest(BaseModel):
    text: str = Field(max_length=MAX_BODY_TEXT, examples=["-2/n * X^T (y - X beta)"])
    syntax: Syntax = "auto"
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)


class ParseError(BaseModel):
    message: str
    position: int | None
    excerpt: str


class ParseResult(BaseModel):
    ok: bool
    syntax: str | None = None
    interpreted_as: dict[str, str | None] | None = None
    shape: list[str] | None = None
    error: ParseError | None = None


class MistakeIn(BaseModel):
    answer: str = Field(max_length=2000)
    message: str = Field(max_length=500)


class CheckRequest(BaseModel):
    expected: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    derivative_of: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    wrt: str | None = Field(default=None, max_length=40)
    answer: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    steps: list[Annotated[str, Field(max_length=MAX_BODY_TEXT)]] | None = Field(
        default=None, max_length=100
    )
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)
    syntax: Syntax = "auto"
    mistakes: list[MistakeIn] = Field(default=[], max_length=20)

    @model_validator(mode="after")
    def _one_each(self) -> CheckRequest:
        if (self.expected is None) == (self.derivative_of is None):
            raise ValueError("give exactly one target: `expected`, or `derivative_of` with `wrt`")
        if self.derivative_of is not None and not self.wrt:
            raise ValueError("`derivative_of` needs `wrt`")
        if (self.answer is None) == (self.steps is None):
            raise ValueError("give exactly one of `answer` (one formula) or `steps` (a derivation)")
        return self


# -- Ask Descent ---------------------------------------------------------------------------

ASK_MAX_CHARS = 500


class AskCreate(BaseModel):
    question: str = Field(
        max_length=ASK_MAX_CHARS,
        description="A doubt in your own words; symbols (β, ε) and abbreviations (BCE, lr) work.",
        examples=["why is MAE's gradient constant?"],
    )
    topic: str | None = Field(
        default=None,
        max_length=80,
        description="The topic page you ask from; its passages rank higher.",
    )


class AskAnswer(BaseModel):
    topic: str
    title: str
    anchor: str = Field(description="Element id on the topic page: open /topics/{topic}#{anchor}.")
    kind: str = Field(
        description="summary, step, insight, formula, demo, or answer (your attempted question's answer material)."
    )
    text: str
    html: str
    score: float = Field(description="Relevance in (0, 1.25]; compare within one response only.")


class AskQuestion(BaseModel):
    id: str
    topic: str
    kind: Kind
    title: str
    prompt: RichText


class AskDemo(BaseModel):
    id: str
    title: str


class AskRead(BaseModel):
    answers: list[AskAnswer] = Field(
        default_factory=list, description="Best passages first (at most 5)."
    )
    questions: list[AskQuestion] = Field(
        default_factory=list, description="Practice questions on the same idea."
    )
    demos: list[AskDemo] = Field(default_factory=list, description="Demos that show it.")
    hint: str | None = Field(default=None, description="How to ask, when nothing matched.")


# -- demos ---------------------------------------------------------------------------------


class DemoSummary(BaseModel):
    id: str
    title: str
    description: str
    topics: list[str]
    params: dict[str, Any] = Field(description="JSON schema of the parameters (defaults, bounds).")


class DemoRunRead(BaseModel):
    demo: str
    params: dict[str, Any] = Field(description="The parameters used, defaults filled in.")
    data: dict[str, Any] = Field(description="Plain data behind the figure (non-finite = null).")
    summary: dict[str, Any] = Field(description="The facts the run shows: numbers and sentences.")
    figure: dict[str, Any] = Field(description="A Plotly figure: {data, layout}.")
