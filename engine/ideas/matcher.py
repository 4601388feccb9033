"""Match the clauses of an answer against a rubric of ideas and misconceptions.

Each clause (and each pair of neighbouring clauses) is compared with every sentence of the
rubric: an idea's claim and paraphrases, a misconception's claim and paraphrases. Similarity
blends the embedding model's cosine with lexical recall; direction comes from
:mod:`engine.ideas.polarity`. A clause covers an idea when it is close to one of the idea's
sentences, points the same way, and is no closer to that idea's misconceptions; it contradicts
the idea when it is close but points the other way; it asserts a misconception when it is
closer to the misconception (pointing its way) than to the idea.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from engine.ideas import lexical, model, polarity
from engine.ideas.segment import Span, clauses, units
from engine.ideas.shorthand import expand


@dataclass(frozen=True)
class IdeaSpec:
    id: str
    label: str
    sentences: tuple[str, ...]  # the claim first, then its paraphrases
    weight: float = 1.0
    required: bool = True
    follow_up: str = ""


@dataclass(frozen=True)
class MisconceptionSpec:
    sentences: tuple[str, ...]
    correction: str
    about: str | None = None


@dataclass(frozen=True)
class Rubric:
    ideas: tuple[IdeaSpec, ...]
    misconceptions: tuple[MisconceptionSpec, ...] = ()


@dataclass(frozen=True)
class Tuning:
    """The matcher's knobs, chosen on the development set (``python -m tests.bench.ideas_bench``)."""

    blend: float = 0.5  # share of the embedding cosine in a similarity; the rest is lexical
    cover: float = 0.5  # similarity from which a clause covers an idea
    contradict: float = 0.55  # … contradicts it (pointing the other way)
    assert_: float = 0.55  # … asserts a misconception
    margin: float = 0.05  # how much closer to a misconception than to any idea asserts it
    floor: float = 0.3  # below this nothing is looked at twice


TUNING = Tuning()


@dataclass
class Prepared:
    """A rubric ready to match: its sentences, embedded once, with their owners."""

    rubric: Rubric
    texts: list[str]
    owner: list[tuple[str, int]]  # ("idea" | "mis", index)
    vectors: NDArray[np.float32]
    bags: list[frozenset[str]]


@lru_cache(maxsize=512)
def prepare(rubric: Rubric) -> Prepared:
    texts: list[str] = []
    owner: list[tuple[str, int]] = []
    for i, idea in enumerate(rubric.ideas):
        texts += idea.sentences
        owner += [("idea", i)] * len(idea.sentences)
    for j, mis in enumerate(rubric.misconceptions):
        texts += mis.sentences
        owner += [("mis", j)] * len(mis.sentences)
    texts = [expand(t) for t in texts]
    return Prepared(rubric, texts, owner, model.embed(texts), [lexical.bag(t) for t in texts])


@dataclass
class Evidence:
    """The best unit found for one rubric item, and how close it came."""

    score: float = 0.0
    span: Span | None = None


@dataclass
class Match:
    """What an answer's units showed against each idea and misconception."""

    covered: dict[int, Evidence] = field(default_factory=dict)
    nearest: dict[int, Evidence] = field(default_factory=dict)  # best agreeing unit per idea
    contradicted: dict[int, Evidence] = field(default_factory=dict)
    asserted: dict[int, Evidence] = field(default_factory=dict)


Key = tuple[str, int]  # ("idea" | "mis", index in the rubric)


@dataclass
class UnitScores:
    """One unit of the answer: its best agreeing and opposing similarity to each rubric item."""

    span: Span
    single: bool  # one clause (a pair of clauses or a sentence may cover, never deny)
    agree: dict[Key, float]
    oppose: dict[Key, float]


def _similarities(prepared: Prepared, texts: list[str], blend: float) -> NDArray[np.float64]:
    vectors = model.embed(texts)
    cosine = vectors @ prepared.vectors.T
    lex = np.array([[lexical.recall(b, lexical.bag(t)) for b in prepared.bags] for t in texts])
    return blend * cosine + (1 - blend) * lex


def score(answer: str, rubric: Rubric, tuning: Tuning = TUNING) -> list[UnitScores]:
    """Compare every unit of ``answer`` with every sentence of ``rubric``."""
    prepared = prepare(rubric)
    spans = units(answer)
    if not spans or not prepared.texts:
        return []
    single = set(clauses(answer))
    texts = [expand(s.text) for s in spans]
    out = []
    sims = _similarities(prepared, texts, tuning.blend)
    for row, span, text in zip(sims, spans, texts, strict=True):
        agree: dict[Key, float] = {}
        oppose: dict[Key, float] = {}
        for k in np.flatnonzero(row >= tuning.floor):
            key, value = prepared.owner[k], float(row[k])
            way = polarity.agreement(prepared.texts[k], text)
            if way == 0:
                continue
            side = agree if way > 0 else oppose
            if value > side.get(key, 0.0):
                side[key] = value
        out.append(UnitScores(span, span in single, agree, oppose))
    return out


def _keep(found: dict[int, Evidence], index: int, value: float, span: Span) -> None:
    if value > found.get(index, Evidence()).score:
        found[index] = Evidence(value, span)


def decide(scores: list[UnitScores], rubric: Rubric, tuning: Tuning = TUNING) -> Match:
    """Which ideas the units cover or deny, and which misconceptions they assert."""
    result = Match()
    about = {
        j: next((i for i, idea in enumerate(rubric.ideas) if idea.id == m.about), None)
        for j, m in enumerate(rubric.misconceptions)
    }
    for unit in scores:
        mis = {j: v for (kind, j), v in unit.agree.items() if kind == "mis"}
        ideas = {i: v for (kind, i), v in unit.agree.items() if kind == "idea"}
        for i, value in ideas.items():
            _keep(result.nearest, i, value, unit.span)
            rival = max((v for j, v in mis.items() if about[j] in (i, None)), default=0.0)
            if value >= tuning.cover and value + tuning.margin > rival:
                _keep(result.covered, i, value, unit.span)
        if not unit.single:
            continue
        best_idea = max(ideas.values(), default=0.0)
        for (kind, i), value in unit.oppose.items():
            if kind == "idea" and value >= tuning.contradict and value > ideas.get(i, 0.0):
                _keep(result.contradicted, i, value, unit.span)
        for j, value in mis.items():
            if value >= tuning.assert_ and value >= best_idea + tuning.margin:
                _keep(result.asserted, j, value, unit.span)
    return result


def match(answer: str, rubric: Rubric, tuning: Tuning = TUNING) -> Match:
    """Compare every unit of ``answer`` with ``rubric`` and decide what it says."""
    return decide(score(answer, rubric, tuning), rubric, tuning)
