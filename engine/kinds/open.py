"""``open``: a probing question answered in free text, graded against a rubric of ideas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engine.constants import SelfRating
from engine.ideas import (
    IdeaOutcome,
    IdeaResult,
    IdeaSpec,
    IdeaStatus,
    MisconceptionSpec,
    Rubric,
    grade_ideas,
)
from engine.ideas.polarity import stems_of
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
from engine.textnorm import stem
from engine.verdict import Details, Feedback, Verdict, invalid

# one word as the ideas write it: "norm", "adam", "crammer"
ContrastWord = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]*$", min_length=2, max_length=30)]
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
    references: list[Annotated[str, Field(min_length=8, max_length=300)]] = Field(
        default=[], description="Sources of the model answer's non-obvious claims."
    )
    pass_score: float = Field(default=0.7, gt=0, le=1)
    ideas: list[Idea] = Field(min_length=2, max_length=8)
    misconceptions: list[Misconception] = Field(min_length=1, max_length=8)
    contrasts: list[tuple[ContrastWord, ContrastWord]] = Field(
        default=[],
        max_length=6,
        description=(
            "Pairs of words naming things a confused answer swaps (`[norm, value]` for norm and "
            "value clipping, `[adam, sgd]`): a clause that says of one what an idea says of the "
            "other is read as pointing the other way. Each word must occur in the rubric, one of "
            "them in an idea."
        ),
    )

    @model_validator(mode="after")
    def _ideas_consistent(self) -> OpenQuestion:
        ids = [i.id for i in self.ideas]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"idea ids must be unique; repeated: {', '.join(repeated)}")
        if not any(i.required for i in self.ideas):
            raise ValueError("mark at least one idea `required: true`")
        unknown = sorted({m.about for m in self.misconceptions if m.about and m.about not in ids})
        if unknown:
            raise ValueError(f"misconception `about` names unknown idea(s): {', '.join(unknown)}")
        in_ideas = frozenset().union(
            *(stems_of(t) for i in self.ideas for t in (i.claim, *i.paraphrases))
        )
        said = in_ideas.union(
            *(stems_of(t) for m in self.misconceptions for t in (m.claim, *m.paraphrases))
        )
        for a, b in self.contrasts:
            sa, sb = stem(a.lower()), stem(b.lower())
            if sa == sb:
                raise ValueError(f"contrast [{a}, {b}] names one word twice; give two things")
            absent = [w for w, s in ((a, sa), (b, sb)) if s not in said]
            if absent or not {sa, sb} & in_ideas:
                raise ValueError(
                    f"contrast [{a}, {b}]: each word must occur in the rubric as written there, "
                    f"and one of them in an idea; not found: {', '.join(absent) or a + ', ' + b}"
                )
        return self


def rubric_of(question: OpenQuestion) -> Rubric:
    """The matcher's view of a question's ideas and misconceptions."""
    ideas = tuple(
        IdeaSpec(
            i.id,
            i.label,
            (i.claim, *i.paraphrases),
            weight=i.weight,
            required=i.required,
            follow_up=i.follow_up,
        )
        for i in question.ideas
    )
    misconceptions = tuple(
        MisconceptionSpec((m.claim, *m.paraphrases), m.correction, m.about)
        for m in question.misconceptions
    )
    contrasts = tuple((a.lower(), b.lower()) for a, b in question.contrasts)
    return Rubric(ideas, misconceptions, contrasts)


class IdeaRead(BaseModel):
    """One idea of the rubric as the verdict shows it: never its claim unless it was denied."""

    model_config = ConfigDict(extra="forbid")

    id: str
    label: str
    required: bool
    status: IdeaStatus
    quote: str | None = Field(
        default=None, description="The learner's words that covered or denied it."
    )
    start: int | None = Field(default=None, description="Where the quote begins in the answer.")
    end: int | None = None
    hint: str | None = Field(default=None, description="A question that leads to a missing idea.")
    correction: str | None = Field(default=None, description="What is true, for a denied idea.")


class MisconceptionRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote: str
    start: int
    end: int
    correction: str
    about: str | None = Field(default=None, description="The idea it gets wrong, if one.")


class OpenDetails(Details):
    """What an open verdict adds: each idea covered, missing or denied (with the learner's own
    words), the misconceptions asserted with their corrections, and the model answer."""

    covered: list[str] = []
    missing: list[str] = []
    contradicted: list[str] = []
    ideas: list[IdeaRead] = []
    misconceptions: list[MisconceptionRead] = []
    keyword_list: bool = False
    suggested_rating: SelfRating | None = Field(
        default=None, description="A self-rating that fits the verdict (the learner decides)."
    )
    model_answer: str | None = None
    references: list[str] = []


class TextInput(InputSpec):
    type: Literal["text"] = "text"


def grade(question: OpenQuestion, answer: Answer) -> Verdict:
    text = one_text(answer)
    if text is None:
        return invalid("expected-text", "answer with one piece of text")
    result = grade_ideas(text, rubric_of(question), pass_score=question.pass_score)
    return verdict_of(result, question)


SUGGESTED: dict[str, SelfRating] = {"correct": "good", "partial": "hard", "incorrect": "again"}
KEYWORD_LIST = (
    "This reads as a list of terms, not an answer. Say in sentences how they connect: what"
    " causes what, in which direction, and when it matters."
)


def _idea_read(outcome: IdeaOutcome) -> IdeaRead:
    idea = outcome.idea
    return IdeaRead(
        id=idea.id,
        label=idea.label,
        required=idea.required,
        status=outcome.status,
        quote=outcome.quote,
        start=outcome.start,
        end=outcome.end,
        hint=idea.follow_up if outcome.status == "missing" else None,
        correction=idea.sentences[0] if outcome.status == "contradicted" else None,
    )


def _feedback(result: IdeaResult) -> list[Feedback]:
    if result.empty:
        return [Feedback("empty", "The answer is empty.")]
    if result.keyword_list:
        return [Feedback("keyword-list", KEYWORD_LIST)]
    out = []
    if result.wrong_claims:
        out.append(
            Feedback(
                "wrong-claim",
                "Part of the answer is wrong (below), so the rest earns at most partial credit.",
            )
        )
    for m in result.misconceptions:
        out.append(Feedback("misconception", f"“{m.quote}” — {m.misconception.correction}"))
    for o in result.ideas:
        label = o.idea.label
        if o.status == "contradicted":
            out.append(Feedback("contradicted", f"“{o.quote}” — not so: {o.idea.sentences[0]}"))
        elif o.status == "covered":
            out.append(Feedback("covered", f"{label}: “{o.quote}”"))
        else:
            out.append(Feedback("missing", f"{label} — {o.idea.follow_up}"))
    return out


def verdict_of(result: IdeaResult, question: OpenQuestion) -> Verdict:
    """The verdict of an idea grading, with the question's model answer."""
    details = OpenDetails(
        covered=[o.idea.label for o in result.ideas if o.status == "covered"],
        missing=[o.idea.label for o in result.ideas if o.status == "missing"],
        contradicted=[o.idea.label for o in result.ideas if o.status == "contradicted"],
        ideas=[_idea_read(o) for o in result.ideas],
        misconceptions=[
            MisconceptionRead(
                quote=m.quote,
                start=m.start,
                end=m.end,
                correction=m.misconception.correction,
                about=m.misconception.about,
            )
            for m in result.misconceptions
        ],
        keyword_list=result.keyword_list,
        suggested_rating=SUGGESTED[result.status],
        model_answer=question.model_answer,
        references=list(question.references),
    )
    return Verdict(result.status, result.score, _feedback(result), details)


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
