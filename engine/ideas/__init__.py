"""Grade a free-text answer on its ideas: which ideas of a rubric it makes, which it denies, and
which known misconceptions it asserts.

Public API: :class:`Rubric`, :class:`IdeaSpec`, :class:`MisconceptionSpec` describe a rubric;
:func:`grade_ideas` grades an answer against one; :func:`is_keyword_list` tells a bare list of
terms from sentences. Pure computation: no web, no database, no network (the embedding model
ships inside an installed package).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from engine.constants import Status
from engine.ideas.keywords import is_keyword_list
from engine.ideas.matcher import (
    TUNING,
    IdeaSpec,
    Match,
    MisconceptionSpec,
    Rubric,
    Tuning,
    match,
    prepare,
)

DEFAULT_PASS_SCORE = 0.7
# What an asserted misconception or a denied idea costs, as a share of the whole score.
WRONG_CLAIM_PENALTY = 0.25
# With anything wrong asserted, the rest earns at most this much.
CAP_WHEN_WRONG = 0.5
IdeaStatus = Literal["covered", "missing", "contradicted"]

__all__ = [
    "IdeaOutcome",
    "IdeaResult",
    "IdeaSpec",
    "MisconceptionOutcome",
    "MisconceptionSpec",
    "Rubric",
    "Tuning",
    "grade_ideas",
    "is_keyword_list",
    "prepare",
]


@dataclass(frozen=True)
class IdeaOutcome:
    idea: IdeaSpec
    status: IdeaStatus
    quote: str | None = None  # the learner's words that covered or denied it
    start: int | None = None  # where the quote is in the answer
    end: int | None = None


@dataclass(frozen=True)
class MisconceptionOutcome:
    misconception: MisconceptionSpec
    quote: str
    start: int
    end: int


@dataclass
class IdeaResult:
    status: Status
    score: float
    ideas: list[IdeaOutcome] = field(default_factory=list)
    misconceptions: list[MisconceptionOutcome] = field(default_factory=list)
    keyword_list: bool = False
    empty: bool = False

    @property
    def wrong_claims(self) -> int:
        return len(self.misconceptions) + sum(o.status == "contradicted" for o in self.ideas)


def _outcomes(rubric: Rubric, found: Match) -> list[IdeaOutcome]:
    out = []
    for i, idea in enumerate(rubric.ideas):
        cover, deny = found.covered.get(i), found.contradicted.get(i)
        if deny is not None and (cover is None or deny.score > cover.score) and deny.span:
            out.append(
                IdeaOutcome(idea, "contradicted", deny.span.text, deny.span.start, deny.span.end)
            )
        elif cover is not None and cover.span:
            out.append(
                IdeaOutcome(idea, "covered", cover.span.text, cover.span.start, cover.span.end)
            )
        else:
            out.append(IdeaOutcome(idea, "missing"))
    return out


def _status(rubric: Rubric, result: IdeaResult, pass_score: float) -> tuple[Status, float]:
    total = sum(i.weight for i in rubric.ideas) or 1.0
    coverage = sum(o.idea.weight for o in result.ideas if o.status == "covered") / total
    if result.wrong_claims:
        score = max(0.0, coverage - WRONG_CLAIM_PENALTY * result.wrong_claims)
        return "incorrect", min(score, CAP_WHEN_WRONG)
    required = [o for o in result.ideas if o.idea.required]
    if all(o.status == "covered" for o in required) and coverage >= pass_score:
        return "correct", coverage
    return ("partial" if coverage > 0 else "incorrect"), coverage


def grade_ideas(
    answer: str,
    rubric: Rubric,
    *,
    pass_score: float = DEFAULT_PASS_SCORE,
    tuning: Tuning = TUNING,
) -> IdeaResult:
    """Grade ``answer`` against ``rubric``.

    ``correct`` needs every required idea covered, a weighted coverage of at least
    ``pass_score``, and nothing wrong asserted; ``partial`` covers some ideas; ``incorrect``
    covers none, or asserts a misconception or denies an idea (then the rest earns at most
    partial credit). A bare list of terms is never correct.

    >>> rubric = Rubric((
    ...     IdeaSpec("limit", "The large-delta limit", (
    ...         "With a large delta Huber behaves like squared error.",
    ...         "A big threshold turns Huber into mean squared error.")),
    ... ))
    >>> grade_ideas("If delta is big, Huber is basically mean squared error.", rubric).status
    'correct'
    >>> grade_ideas("With a large delta Huber does not behave like squared error.", rubric).status
    'incorrect'
    """
    if not answer.strip():
        outcomes = [IdeaOutcome(i, "missing") for i in rubric.ideas]
        return IdeaResult("incorrect", 0.0, outcomes, empty=True)
    if is_keyword_list(answer):
        outcomes = [IdeaOutcome(i, "missing") for i in rubric.ideas]
        return IdeaResult("incorrect", 0.0, outcomes, keyword_list=True)
    return judge(rubric, match(answer, rubric, tuning), pass_score)


def judge(rubric: Rubric, found: Match, pass_score: float = DEFAULT_PASS_SCORE) -> IdeaResult:
    """The verdict on what the matcher found."""
    result = IdeaResult("incorrect", 0.0, _outcomes(rubric, found))
    for j, evidence in sorted(found.asserted.items()):
        if evidence.span is not None:
            mis = rubric.misconceptions[j]
            span = evidence.span
            result.misconceptions.append(MisconceptionOutcome(mis, span.text, span.start, span.end))
    result.status, result.score = _status(rubric, result, pass_score)
    return result


__all__ += ["DEFAULT_PASS_SCORE", "TUNING", "IdeaStatus"]
