"""``open``: a probing question answered in free text, graded against a rubric of ideas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from engine.kinds.base import (
    Answer,
    InputSpec,
    Kind,
    QuestionBase,
    Strict,
    Text,
    one_text,
    register,
)
from engine.rubric import Concept as KeywordConcept
from engine.rubric import grade_open
from engine.verdict import Details, Verdict, invalid

IdeaId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=40)]
Sentence = Annotated[str, Field(min_length=12, max_length=400)]


class Concept(Strict):
    """One key idea of a keyword rubric with the phrasings that earn it."""

    label: Text
    phrases: list[Text] = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)


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


class OpenDetails(Details):
    """What an open verdict adds: the rubric's ideas covered and missed, and the model answer."""

    covered: list[str] = []
    missing: list[str] = []
    model_answer: str | None = None


class TextInput(InputSpec):
    type: Literal["text"] = "text"


def grade(question: OpenQuestion, answer: Answer) -> Verdict:
    text = one_text(answer)
    if text is None:
        return invalid("expected-text", "answer with one piece of text")
    rubric = [KeywordConcept(c.label, c.phrases, c.weight) for c in question.rubric]
    verdict = grade_open(text, rubric, pass_score=question.pass_score)
    verdict.details = OpenDetails(
        **(verdict.details.model_dump() if verdict.details else {}),
        model_answer=question.model_answer,
    )
    return verdict


KIND = register(
    Kind(
        name="open",
        question=OpenQuestion,
        details=OpenDetails,
        input=TextInput,
        grade=grade,
        describe_input=lambda q: TextInput(),
        answer_text=lambda q: q.model_answer,
        quick_ms=45_000,
        interview_minutes=5,
        self_rated=True,
        label="Open answer",
    )
)
