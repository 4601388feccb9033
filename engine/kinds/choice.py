"""``choice``: pick one option (or several, with ``multiple``); exact set match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.kinds.base import (
    Answer,
    InputSpec,
    Kind,
    QuestionBase,
    RichText,
    Strict,
    Text,
    register,
    rich,
)
from engine.verdict import Details, Feedback, Verdict, invalid


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


class OptionResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    correct: bool
    explanation: str


class ChoiceDetails(Details):
    """What a choice verdict adds: every option with whether it is right, and why."""

    options: list[OptionResult] = []


class OptionRead(BaseModel):
    id: str
    text: RichText


class ChoiceInput(InputSpec):
    type: Literal["choice"] = "choice"
    multiple: bool
    options: list[OptionRead]


def grade_choice(selected: Sequence[str], options: Sequence[Option], *, multiple: bool) -> Verdict:
    """Exact set match; every chosen option and every missed right one is explained."""
    known = {o.id: o for o in options}
    chosen = list(dict.fromkeys(selected))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        return invalid(
            "unknown-option", f"unknown option {unknown[0]!r}; choose from " + ", ".join(known)
        )
    if not chosen:
        return invalid("no-option", "choose at least one option")
    if len(chosen) > 1 and not multiple:
        return invalid("one-option", "this question takes exactly one option")
    right = {o.id for o in options if o.correct}
    hits = right & set(chosen)
    feedback = [
        Feedback("right-option" if known[s].correct else "wrong-option", known[s].explanation)
        for s in chosen
    ]
    feedback += [Feedback("missed-option", known[i].explanation) for i in sorted(right - hits)]
    details = ChoiceDetails(
        options=[
            OptionResult(id=o.id, correct=o.correct, explanation=o.explanation) for o in options
        ]
    )
    if set(chosen) == right:
        return Verdict("correct", 1.0, feedback, details)
    wrong = len(set(chosen) - right)
    # several right options: credit for each one found, less one for each wrong one chosen
    score = max(0.0, (len(hits) - wrong) / len(right)) if multiple else 0.0
    return Verdict("partial" if score > 0 else "incorrect", score, feedback, details)


def grade(question: ChoiceQuestion, answer: Answer) -> Verdict:
    selected = answer if isinstance(answer, list) else [answer]
    return grade_choice(selected, question.options, multiple=question.multiple)


def describe_input(question: ChoiceQuestion) -> ChoiceInput:
    options = [OptionRead(id=o.id, text=rich(o.text)) for o in question.options]
    return ChoiceInput(multiple=question.multiple, options=options)


def answer_text(question: ChoiceQuestion) -> str:
    return "\n\n".join(
        f"{o.id}) {o.text}{' (correct)' if o.correct else ''}: {o.explanation}"
        for o in question.options
    )


KIND = register(
    Kind(
        name="choice",
        question=ChoiceQuestion,
        details=ChoiceDetails,
        input=ChoiceInput,
        grade=grade,
        describe_input=describe_input,
        answer_text=answer_text,
        quick_ms=8_000,
        interview_minutes=2,
        label="Multiple choice",
    )
)
