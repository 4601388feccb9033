"""Response and request schemas of the public API (separate from ORM and content models)."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")
Kind = Literal["open", "choice", "numeric", "expression", "derivation", "code"]


class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Total number of matching items (not only this page).")


class RichText(BaseModel):
    text: str = Field(description="As written, with LaTeX in $…$.")
    html: str = Field(description="Rendered HTML; maths as MathML.")


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


class TextInput(BaseModel):
    type: Literal["text"] = "text"


class OptionRead(BaseModel):
    id: str
    text: RichText


class ChoiceInput(BaseModel):
    type: Literal["choice"] = "choice"
    multiple: bool
    options: list[OptionRead]


class NumberInput(BaseModel):
    type: Literal["number"] = "number"


class VariableRead(BaseModel):
    shape: list[str]
    domain: str


class ExpressionInput(BaseModel):
    type: Literal["expression"] = "expression"
    syntax: str
    variables: dict[str, VariableRead]


class DerivationInput(BaseModel):
    type: Literal["derivation"] = "derivation"
    syntax: str
    variables: dict[str, VariableRead]
    min_lines: int


class CodeExampleRead(BaseModel):
    call: str
    result: str


class CodeInput(BaseModel):
    type: Literal["code"] = "code"
    function: str
    signature: str
    starter: str
    examples: list[CodeExampleRead]


InputSpec = Annotated[
    TextInput | ChoiceInput | NumberInput | ExpressionInput | DerivationInput | CodeInput,
    Field(discriminator="type"),
]


class QuestionRead(QuestionSummary):
    prompt: RichText
    hint_count: int
    input: InputSpec = Field(description="What the answer looks like; never the answer itself.")


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


SelfRating = Literal["again", "hard", "good", "easy"]


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


class FeedbackRead(BaseModel):
    code: str
    message: str


class OptionResult(BaseModel):
    id: str
    correct: bool
    explanation: str


class VerdictRead(BaseModel):
    """The graded result; answer material (model answer, explanations) appears only here."""

    question: str | None = None
    kind: str | None = None
    status: Literal["correct", "partial", "incorrect", "invalid", "error"]
    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: list[FeedbackRead]
    self_rating: SelfRating | None = None
    covered: list[str] | None = None
    missing: list[str] | None = None
    model_answer: str | None = None
    options: list[OptionResult] | None = None
    answer: float | None = None
    explanation: str | None = None
    interpreted_as: dict[str, Any] | None = None
    error: dict[str, Any] | None = Field(default=None, description="Where the input could not be read.")
    steps: list[dict[str, Any]] | None = None
    cases: list[dict[str, Any]] | None = None
