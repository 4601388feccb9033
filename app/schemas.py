"""Response and request schemas of the public API (separate from ORM and content models)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from app.services.auth import PASSWORD_RULES, password_problems
from engine.constants import Domain, SelfRating, Status
from engine.kinds import Kind as QuestionKind
from engine.kinds import RichText, kind_names, kinds
from engine.verdict import Verdict

T = TypeVar("T")
if TYPE_CHECKING:
    Kind = str
else:  # the registered kinds
    Kind = Literal[kind_names()]


def _utc(moment: datetime) -> datetime:
    # Times are stored in UTC and SQLite hands them back naive; RFC 3339 needs the offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_at(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where ``value`` (a request body as parsed from JSON) holds a lone surrogate, or None."""
    if isinstance(value, str):
        return path if LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if LONE_SURROGATE.search(name):
                return (*path, "(a key)")
            found = _surrogate_at(item, (*path, name))
            if found is not None:
                return found
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _surrogate_at(item, (*path, str(i)))
            if found is not None:
                return found
    return None


def _without_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD (rows stored before they were
    refused still serialize)."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


class TextInput(BaseModel):
    """A request body whose text is valid Unicode: a lone surrogate (``"\\ud800"`` in JSON)
    could neither be stored as UTF-8 nor sent back, so it is refused with a 422."""

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any) -> Any:
        where = _surrogate_at(data)
        if where is not None:
            field = ".".join(where) or "the body"
            raise ValueError(
                f"{field} contains a lone surrogate (half of a UTF-16 pair, such as \\ud800),"
                " which is not valid Unicode text — send well-formed UTF-8"
            )
        return data


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


class Availability(BaseModel):
    """Whether this server can grade a question (PyTorch questions need PyTorch installed)."""

    available: bool = Field(
        default=True, description="False when this server cannot grade answers to it."
    )
    unavailable_reason: str | None = Field(
        default=None,
        description="Why it cannot be answered on this server and what to install"
        " (e.g. `pip install torch==2.13.0`); null when it can.",
    )


class QuestionSummary(Availability):
    id: str
    topic: str
    kind: Kind
    title: str
    difficulty: int


class TopicSummary(BaseModel):
    id: str
    title: str
    summary: RichText
    sources: list[SourceRead]
    prerequisites: list[str]
    question_count: int
    question_counts: dict[str, int] = Field(description="Number of questions of each kind.")


class InsightRead(RichText):
    references: list[str] = Field(default=[], description="Where the claim comes from.")


class TopicRead(TopicSummary):
    learning_steps: list[RichText]
    insights: list[InsightRead]
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
    has_solution: bool = Field(
        default=False,
        description="A worked solution exists: shown after a right answer, or on a give-up.",
    )
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


class AttemptCreate(TextInput):
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


class SolutionStepRead(BaseModel):
    math: str = Field(default="", description="A line of maths as LaTeX (bare).")
    mathml: str | None = Field(default=None, description="The same line as display MathML.")
    text: RichText | None = None


class SolutionRead(BaseModel):
    """A worked solution: served after a right answer or a give-up, never before."""

    steps: list[SolutionStepRead]
    code: str | None = None
    notes: RichText


class GiveUpRead(BaseModel):
    question: str
    solution: SolutionRead
    attempt: int | None = Field(
        default=None, description="The failed attempt stored for a signed-in learner."
    )


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
    solution: SolutionRead | None = Field(
        default=None, description="The worked solution, once the answer is right."
    )


def _verdict_model(kind: QuestionKind[Any]) -> type[VerdictBase]:
    name = "".join(part.capitalize() for part in kind.name.split("-"))
    tag: Any = Literal[kind.name]  # a literal made at run time, one per registered kind
    model: type[VerdictBase] = create_model(
        f"{name}Verdict",
        __base__=(VerdictBase, kind.details),  # type: ignore[arg-type]  # pydantic takes several
        __doc__=f"The verdict on a {kind.name} answer: common fields and the kind's details.",
        kind=(tag, kind.name),
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


class UserCreate(TextInput):
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


class SignIn(TextInput):
    """Credentials for ``POST /auth/token``, as an OAuth2 password form or as JSON."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    grant_type: Literal["password"] | None = Field(
        default=None, description="OAuth2 clients send `password`; it may be left out."
    )


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

    @field_validator("answer", "verdict", mode="before")
    @classmethod
    def _servable(cls, value: Any) -> Any:
        return _without_surrogates(value)


class DueCard(Availability):
    question: str
    topic: str
    title: str
    kind: str
    due: UtcDatetime
    reps: int
    lapses: int
    retrievability: float


class ReviewCreate(TextInput):
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


InterviewLevel = Literal["junior", "senior", "staff"]


class InterviewCreate(TextInput):
    topics: list[Annotated[str, Field(max_length=80)]] | None = Field(
        default=None, max_length=10, description="Topic ids (default: your weakest and next)."
    )
    level: InterviewLevel = Field(
        default="senior",
        description="junior: 4 questions, one probe each; senior: 5, up to two probes and"
        " variants; staff: 5, mostly probing questions, a higher bar.",
    )


class InterviewAnswer(TextInput):
    answer: str | list[str] = Field(
        description="The answer to the current turn: text, a formula, code, or lines."
    )
    dont_know: bool = Field(
        default=False, description="Say you don't know (recorded; a simpler probe follows)."
    )
    hints_used: int = Field(default=0, ge=0, le=100, description="Each hint costs points.")
    time_taken_ms: int | None = Field(default=None, ge=0, le=86_400_000)
    seq: int | None = Field(
        default=None,
        ge=0,
        description=(
            "The turn this answers (`seq` of the turn you were asked). With it, the same request "
            "sent again (a lost reply, a double click) returns the first reply instead of "
            "answering the next turn, and an answer meant for another turn is refused (409)."
        ),
    )


class TurnRead(BaseModel):
    """What the interviewer says: a question, a follow-up, or the end."""

    kind: Literal["question", "follow-up", "end"]
    seq: int | None = None
    question_id: str | None = None
    prompt: RichText | None = None
    about: str | None = Field(default=None, description="The idea id a follow-up probes.")
    reason: str | None = Field(
        default=None, description="Why a follow-up: missing, contradicted, dont-know, variant."
    )
    question: QuestionRead | None = Field(
        default=None, description="The question's input (formula, code, …) for the answer box."
    )


class TranscriptEntry(BaseModel):
    seq: int
    kind: Literal["question", "follow-up"]
    question_id: str
    prompt: RichText
    about: str | None = None
    reason: str | None = None
    answer: Any = None
    dont_know: bool = False
    hints_used: int = 0
    status: str | None = None
    score: float | None = None
    verdict: dict[str, Any] | None = Field(
        default=None, description="The whole verdict (after the debrief only)."
    )
    asked_at: UtcDatetime
    answered_at: UtcDatetime | None = None


class InterviewRead(BaseModel):
    id: int
    level: str
    topics: list[str]
    minutes: int
    time_left_s: int
    questions: list[QuestionSummary]
    turn: TurnRead = Field(description="What to answer now (kind `end` once finished).")
    transcript: list[TranscriptEntry]
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    report: dict[str, Any] | None = Field(
        default=None, description="The debrief, once the interview is over."
    )


class ProbeAnswer(TextInput):
    answer: str = Field(max_length=64 * 1024, description="Your answer, in sentences.")


class ProbeRead(BaseModel):
    verdict: VerdictRead
    follow_up: TurnRead | None = Field(
        default=None, description="What an interviewer would ask next; none when it was right."
    )


class InterviewAnswerRead(BaseModel):
    verdict: VerdictRead = Field(description="How the answer went (the model answer waits).")
    next: TurnRead
    time_left_s: int


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


DefinedName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=40)]
Definitions = Annotated[
    dict[DefinedName, Annotated[str, Field(max_length=2000)]],
    Field(
        default={},
        max_length=20,
        description="Names the question defines, in order (`yhat: X beta`): an answer may use"
        " them, and each reads as the formula it stands for.",
    ),
]


class ParseRequest(TextInput):
    text: str = Field(max_length=MAX_BODY_TEXT, examples=["-2/n * X^T (y - X beta)"])
    syntax: Syntax = "auto"
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)
    definitions: Definitions


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


class CheckRequest(TextInput):
    expected: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    derivative_of: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    wrt: str | None = Field(default=None, max_length=40)
    answer: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    steps: list[Annotated[str, Field(max_length=MAX_BODY_TEXT)]] | None = Field(
        default=None, max_length=100
    )
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)
    definitions: Definitions
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


class AskCreate(TextInput):
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


class AskQuestion(Availability):
    id: str
    topic: str
    kind: Kind
    title: str
    prompt: RichText


class AskDemo(BaseModel):
    id: str
    title: str


class AskTopic(BaseModel):
    id: str
    title: str


class AskRead(BaseModel):
    covered: bool = Field(
        default=True,
        description="False when the material does not answer the doubt (it is off the"
        " subject, or about a neighbouring subject such as transformers): then `answers` is"
        " empty and `hint` says so.",
    )
    nearest_topics: list[AskTopic] = Field(
        default_factory=list,
        description="When not covered: the topics that come nearest (at most 3), if any.",
    )
    answers: list[AskAnswer] = Field(
        default_factory=list, description="Best passages first (at most 5)."
    )
    questions: list[AskQuestion] = Field(
        default_factory=list, description="Practice questions on the same idea."
    )
    demos: list[AskDemo] = Field(default_factory=list, description="Demos that show it.")
    hint: str | None = Field(
        default=None, description="When nothing answers: why, and how to ask instead."
    )


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


# -- notebooks -----------------------------------------------------------------------------


class NotebookSummary(BaseModel):
    id: str = Field(description="A topic id, or capstone-regression/-classification/-landscapes.")
    kind: Literal["capstone", "topic"]
    title: str
    description: str
    topics: list[str] = Field(description="The topics it practises.")
    demos: list[str] = Field(description="Demos it follows (their pages offer it for download).")
    questions: list[str] = Field(description="Questions its check cells send to the server.")
    checks: list[str] = Field(description="Capstone checks: POST /notebooks/{id}/checks/{check}.")
    download: str = Field(description="Where to download it (a .ipynb file).")


class _CheckBody(BaseModel):
    model_config = {"extra": "forbid"}  # a misspelt field is a 422, not silently dropped


Seed = Annotated[int, Field(ge=0, le=2**31 - 1, description="The data generator's seed")]
Number = Annotated[float | None, Field(description="null for a value that is NaN or infinite")]
Checkpoints = Annotated[
    list[Annotated[int, Field(ge=1, le=20_000)]],
    Field(min_length=2, max_length=20, description="Step counts, increasing"),
]
RegressionLoss = Literal["MSE", "MAE", "Huber"]
ClassifierLoss = Literal["logistic", "hinge"]
Dataset = Literal["separable", "overlapping"]
Delta = Annotated[float, Field(gt=0, le=50, description="Huber threshold δ")]


class RegressionDataIn(_CheckBody):
    """The regression capstone's data set (the regression-losses demo's generator)."""

    seed: Seed = 0
    n: int = Field(default=100, ge=10, le=500)
    noise: float = Field(default=0.5, ge=0, le=5)
    outlier_fraction: float = Field(default=0.1, ge=0, le=0.45)


class ClassificationDataIn(_CheckBody):
    """The classification capstone's two data sets (the classification-losses demo's)."""

    seed: Seed = 0
    n: int = Field(default=200, ge=20, le=1000)
    far_fraction: float = Field(default=0.2, ge=0, le=0.5)


class LineFit(_CheckBody):
    slope: Number
    intercept: Number


class RegressionFitsCheck(_CheckBody):
    """Your MSE, MAE and Huber(δ) lines on the seeded data."""

    data: RegressionDataIn = RegressionDataIn()
    delta: Delta = 1.0
    fits: dict[RegressionLoss, LineFit] = Field(description="A fitted line per loss")


class DeltaSweepCheck(_CheckBody):
    """Your Huber slope for each δ."""

    data: RegressionDataIn = RegressionDataIn()
    deltas: list[Delta] = Field(min_length=1, max_length=30)
    slopes: list[Number] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _same_length(self) -> DeltaSweepCheck:
        if len(self.deltas) != len(self.slopes):
            raise ValueError(f"{len(self.deltas)} deltas but {len(self.slopes)} slopes")
        return self


class WeightGrowthCheck(_CheckBody):
    """‖(w1, w2)‖ after each checkpoint of plain gradient descent from zero."""

    data: ClassificationDataIn = ClassificationDataIn()
    lr: float = Field(default=0.5, gt=0, le=10)
    checkpoints: Checkpoints
    norms: dict[ClassifierLoss, dict[Dataset, list[Number]]]


class TrainingGradientsCheck(WeightGrowthCheck):
    """‖∇L(w)‖ after each checkpoint of plain gradient descent from zero."""


class BoundariesCheck(_CheckBody):
    """Your fitted (w1, w2, b) per loss and data set (Adam, cosine-annealed rate 0.1)."""

    data: ClassificationDataIn = ClassificationDataIn()
    lam: float = Field(default=1e-3, ge=0, le=1, description="L2 strength of the hinge")
    steps: int = Field(default=500, ge=50, le=5000)
    weights: dict[Literal["logistic", "hinge", "squared"], dict[Dataset, list[Number]]]


class SurfacesCheck(_CheckBody):
    """Mean loss over the grid: one row per intercept, one column per slope."""

    data: RegressionDataIn = RegressionDataIn()
    delta: Delta = 1.0
    slopes: list[float] = Field(min_length=2, max_length=81)
    intercepts: list[float] = Field(min_length=2, max_length=81)
    surfaces: dict[RegressionLoss, list[list[Number]]]


class GradientNormsCheck(_CheckBody):
    """‖∇L‖ at the least-squares fit moved by t along the slope axis, for each offset t."""

    data: RegressionDataIn = RegressionDataIn()
    delta: Delta = 1.0
    offsets: list[Annotated[float, Field(ge=-100, le=100)]] = Field(min_length=2, max_length=20)
    norms: dict[RegressionLoss, list[Number]]


class CheckItemRead(BaseModel):
    name: str
    passed: bool
    message: str
    yours: dict[str, float | None] = Field(description="Your values (null: missing or not finite)")
    reference: dict[str, float | None] = Field(description="The reference's (null: not finite)")


class CheckResultRead(BaseModel):
    """A capstone check: your numbers beside the reference's on the same data, and comments."""

    notebook: str
    check: str
    passed: bool
    score: float = Field(ge=0, le=1)
    summary: str
    items: list[CheckItemRead]
    comments: list[str] = Field(description="What the comparison shows.")
