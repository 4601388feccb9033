"""Pydantic schema of a topic module and of every question kind.

Content is data: every model forbids unknown fields so that a typo in YAML is an error that
points at its ``file:line`` instead of a silently ignored key.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Domain = Literal["real", "positive", "nonnegative", "unit", "binary", "sign", "onehot", "integer"]
SelfRating = Literal["again", "hard", "good", "easy"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Formula(Strict):
    """A named formula of a module; ``latex`` is bare LaTeX (no ``$``)."""

    name: Text
    latex: Text
    caption: str = ""


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


class QuestionBase(Strict):
    id: Id
    title: str = ""
    prompt: Text
    hints: list[Text] = []
    difficulty: Literal[1, 2, 3] = 2
    checks: list[Check] = []
    figure: DemoFigure | None = None


class Concept(Strict):
    """One key idea of a rubric with the phrasings that earn it."""

    label: Text
    phrases: list[Text] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)


IdeaId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=40)]
Sentence = Annotated[str, Field(min_length=12, max_length=400)]


class Idea(Strict):
    """One claim a strong answer makes, as a full sentence, with paraphrases in other words."""

    id: IdeaId
    label: Annotated[str, Field(min_length=3, max_length=80)] = Field(
        description="A short name shown to the learner; must not give the idea away."
    )
    claim: Sentence
    paraphrases: list[Sentence] = Field(min_length=2, max_length=6)
    weight: float = Field(default=1.0, gt=0, le=3)
    required: bool = True
    follow_up: Sentence = Field(
        description="What an interviewer asks when this idea is missing; also the learner's hint."
    )


class Misconception(Strict):
    """A wrong claim a candidate is likely to make, and the correction shown when it is made."""

    claim: Sentence
    paraphrases: list[Sentence] = Field(default=[], max_length=4)
    correction: Sentence
    about: IdeaId | None = Field(
        default=None, description="The idea this claim contradicts, when there is one."
    )


class OpenQuestion(QuestionBase):
    """A probing question answered in free text, graded against a rubric of ideas."""

    kind: Literal["open"] = "open"
    model_answer: Text
    rubric: list[Concept] = []
    pass_score: float = Field(default=0.7, gt=0, le=1)
    ideas: list[Idea] = Field(default=[], max_length=8)
    misconceptions: list[Misconception] = Field(default=[], max_length=8)

    @model_validator(mode="after")
    def _ideas_consistent(self) -> OpenQuestion:
        ids = [i.id for i in self.ideas]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"idea ids must be unique; repeated: {', '.join(repeated)}")
        if self.ideas and not any(i.required for i in self.ideas):
            raise ValueError("mark at least one idea `required: true`")
        unknown = sorted({m.about for m in self.misconceptions if m.about and m.about not in ids})
        if unknown:
            raise ValueError(f"misconception `about` names unknown idea(s): {', '.join(unknown)}")
        if not self.ideas and not self.rubric:
            raise ValueError("an open question needs `ideas` (and `misconceptions`)")
        return self


class Option(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+$")]
    text: Text
    correct: bool = False
    explanation: Text


class ChoiceQuestion(QuestionBase):
    """Pick one (or, with ``multiple``, several) of the options."""

    kind: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2)
    multiple: bool = False

    @model_validator(mode="after")
    def _consistent_options(self) -> ChoiceQuestion:
        ids = [o.id for o in self.options]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"option ids must be unique; repeated: {', '.join(duplicates)}")
        n_correct = sum(o.correct for o in self.options)
        if n_correct == 0:
            raise ValueError("mark at least one option `correct: true`")
        if n_correct > 1 and not self.multiple:
            raise ValueError(f"{n_correct} options are correct; set `multiple: true` or keep one")
        return self


class Tolerance(Strict):
    abs: float = Field(default=1e-6, ge=0)
    rel: float = Field(default=1e-3, ge=0)


class Parameter(Strict):
    """A value drawn per variant: on the grid low, low+step, …, high, or from ``choices``;
    a list of ``size`` values when size is set."""

    low: float = 0.0
    high: float = 1.0
    step: float = Field(default=1.0, gt=0)
    size: int | None = Field(default=None, ge=1, le=10)
    choices: list[float] = []

    @model_validator(mode="after")
    def _range(self) -> Parameter:
        if not self.choices and self.high <= self.low:
            raise ValueError(f"high ({self.high}) must be above low ({self.low})")
        return self


class AnswerFrom(Strict):
    """The answer of a randomised question: a named reference function of the drawn values."""

    function: str
    args: list[str | float] = Field(min_length=1)

    @model_validator(mode="after")
    def _known(self) -> AnswerFrom:
        from engine.variants import FUNCTIONS

        if self.function not in FUNCTIONS:
            raise ValueError(
                f"unknown function {self.function!r}; use one of {', '.join(sorted(FUNCTIONS))}"
            )
        return self


PLACEHOLDER = re.compile(r"\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]")


class NumericQuestion(QuestionBase):
    """Answer with one number, accepted within an absolute or relative tolerance.

    A randomised variant declares ``parameters`` and ``answer_from`` instead of ``answer``; its
    texts show drawn values with ``[[name]]`` (and ``[[answer]]`` in the explanation).
    """

    kind: Literal["numeric"] = "numeric"
    answer: float | None = None
    parameters: dict[str, Parameter] = {}
    answer_from: AnswerFrom | None = None
    tolerance: Tolerance = Tolerance()
    explanation: Text

    @model_validator(mode="after")
    def _answer_or_recipe(self) -> NumericQuestion:
        if (self.answer is None) == (self.answer_from is None):
            raise ValueError("give exactly one of `answer` or `answer_from` (with `parameters`)")
        if self.answer_from is None:
            if self.parameters:
                raise ValueError("`parameters` need `answer_from` to compute the answer")
            return self
        unknown = [
            a for a in self.answer_from.args if isinstance(a, str) and a not in self.parameters
        ]
        texts = [self.prompt, self.explanation, *self.hints]
        unknown += [
            n
            for t in texts
            for n in PLACEHOLDER.findall(t)
            if n not in self.parameters and n != "answer"
        ]
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(sorted(set(unknown)))}; declared: "
                f"{', '.join(sorted(self.parameters)) or 'none'}"
            )
        return self


class Variable(Strict):
    """A symbol of a formula: its shape (dimension names) and the set its values come from."""

    shape: list[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]] = Field(
        default=[], max_length=2
    )
    domain: Domain = "real"


class Mistake(Strict):
    """A known wrong answer and the feedback it deserves."""

    answer: Text
    message: Text
    code: str = "known-mistake"


class FormulaTarget(QuestionBase):
    variables: dict[str, Variable] = {}
    expected: str | None = None
    derivative_of: str | None = None
    wrt: str | None = None
    syntax: Literal["auto", "ascii", "latex"] = "auto"
    mistakes: list[Mistake] = []

    @model_validator(mode="after")
    def _one_target(self) -> FormulaTarget:
        has_expected = self.expected is not None
        has_derivative = self.derivative_of is not None
        if has_expected == has_derivative:
            raise ValueError("give exactly one target: `expected`, or `derivative_of` with `wrt`")
        if has_derivative and not self.wrt:
            raise ValueError("`derivative_of` needs `wrt`: the variable to differentiate by")
        if self.wrt and not has_derivative:
            raise ValueError("`wrt` only makes sense together with `derivative_of`")
        return self


class ExpressionQuestion(FormulaTarget):
    """Type one formula; graded by equivalence with the target."""

    kind: Literal["expression"] = "expression"


class DerivationQuestion(FormulaTarget):
    """Type several lines, each equivalent to the target; the first wrong line is named."""

    kind: Literal["derivation"] = "derivation"
    min_lines: int = Field(default=2, ge=1)


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


Question = Annotated[
    OpenQuestion
    | ChoiceQuestion
    | NumericQuestion
    | ExpressionQuestion
    | DerivationQuestion
    | CodeQuestion,
    Field(discriminator="kind"),
]
QUESTION_KINDS: tuple[str, ...] = ("open", "choice", "numeric", "expression", "derivation", "code")


class QuestionBank(Strict):
    """Extra questions for a module kept in a file of their own (e.g. its derivations)."""

    topic: Id
    questions: list[Question] = Field(min_length=1)


class Module(Strict):
    """A topic module: study material plus the questions that practise it."""

    id: Id
    title: Text
    summary: Text
    sources: list[str] = Field(min_length=1)
    prerequisites: list[Id] = []
    learning_steps: list[Text] = Field(min_length=1)
    insights: list[Text] = []
    formulas: list[Formula] = []
    demos: list[Id] = []
    questions: list[Question] = []
