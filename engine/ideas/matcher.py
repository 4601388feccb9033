"""Match the clauses of an answer against a rubric of ideas and misconceptions.

Each clause (and each pair of neighbouring clauses) is compared with every sentence of the
rubric: an idea's claim and paraphrases, a misconception's claim and paraphrases. Similarity
blends the embedding model's cosine with lexical recall; direction comes from
:mod:`engine.ideas.polarity`, and from :mod:`engine.ideas.formulas` when both write a formula
over the same variables (words cannot tell "p − y" from "y − p"). A clause covers an idea when it is close to one of the idea's
sentences, points the same way, and is no closer to that idea's misconceptions; it contradicts
the idea when it is close but points the other way; it asserts a misconception when it is
closer to the misconception (pointing its way) than to the idea.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from engine.ideas import formulas, lexical, model, polarity
from engine.ideas.segment import Span, sentences, units
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
    # pairs of words for things a confused answer swaps ("norm" and "value" clipping): a clause
    # that says of one what an idea says of the other points the other way
    contrasts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Tuning:
    """The matcher's knobs, chosen on the development set by ``python -m tests.bench.ideas_tune``
    (never on the held-out answers, which ``python -m tests.bench.ideas_bench`` measures)."""

    blend: float = 0.4  # share of the embedding cosine in a similarity; the rest is lexical
    cover: float = 0.39  # similarity from which a clause covers an idea
    contradict: float = 0.7  # … contradicts it (pointing the other way)
    assert_: float = 0.7  # … asserts a misconception
    margin: float = 0.1  # how much closer to a misconception than to any idea asserts it
    rival: float = 0.05  # how much closer to an idea than to its misconceptions covers it
    min_terms: int = 2  # content terms a unit needs to cover an idea ("Smooth L1" does not)
    min_claim: int = 3  # words a clause needs to deny an idea or assert a misconception
    floor: float = 0.25  # below this nothing is looked at twice
    verbatim: float = 0.85  # a misconception said this closely is asserted, qualifier or not
    both: float = 0.5  # a misconception said this closely is asserted when the same clause …
    both_oppose: float = 0.35  # … points away from its idea at least this closely
    both_margin: float = 0.05  # … and is this much closer to it than to any idea
    formulas: bool = True  # compare the formulas a clause writes (engine.ideas.formulas)


TUNING = Tuning()


@dataclass
class Prepared:
    """A rubric ready to match: its sentences, embedded once, with their owners."""

    rubric: Rubric
    texts: list[str]  # as compared: shorthand spelled out
    owner: list[tuple[str, int]]  # ("idea" | "mis", index)
    anchors: list[str]  # each sentence's item's own claim (its first sentence)
    vectors: NDArray[np.float32]
    bags: list[frozenset[str]]
    # per misconception: its words that no idea uses (what it says that a right answer does not)
    distinctive: list[frozenset[str]]
    contrasts: polarity.Pairs = ()
    # per idea and misconception: the formulas its sentences write, read once
    formulas: dict[Key, tuple[formulas.Formula, ...]] = field(default_factory=dict)


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
    raw, texts = texts, [expand(t) for t in texts]
    first = {key: texts[owner.index(key)] for key in dict.fromkeys(owner)}
    anchors = [first[key] for key in owner]
    bags = [lexical.bag(t) for t in texts]
    idea_words = frozenset().union(*(b for b, o in zip(bags, owner, strict=True) if o[0] == "idea"))
    distinctive = [
        frozenset().union(*(b for b, o in zip(bags, owner, strict=True) if o == ("mis", j)))
        - idea_words
        for j in range(len(rubric.misconceptions))
    ]
    contrasts = polarity.contrast_stems(rubric.contrasts)
    vectors = model.embed(texts)
    written: dict[Key, tuple[formulas.Formula, ...]] = {}
    for key, text in zip(owner, raw, strict=True):
        written[key] = tuple(dict.fromkeys(written.get(key, ()) + formulas.formulas(text)))
    return Prepared(rubric, texts, owner, anchors, vectors, bags, distinctive, contrasts, written)


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


BETA = 1.0  # recall and precision weigh the same
Key = tuple[str, int]  # ("idea" | "mis", index in the rubric)


@dataclass
class UnitScores:
    """One unit of the answer: its best agreeing and opposing similarity to each rubric item."""

    span: Span
    words: frozenset[str]  # its lexical bag
    single: bool  # one clause (a pair of clauses or a sentence may cover, never deny)
    agree: dict[Key, float]
    oppose: dict[Key, float]
    # … pointing the other way by a negation or an antonym, not only by naming the other of a
    # contrasted pair (for a single clause)
    denies: dict[Key, float] = field(default_factory=dict)
    # the items one of whose formulas its sentence writes ("2^n" for "there are 2^n masks")
    writes: frozenset[Key] = frozenset()


def _similarities(prepared: Prepared, texts: list[str], blend: float) -> NDArray[np.float64]:
    vectors = model.embed(texts)
    cosine = vectors @ prepared.vectors.T
    said = [lexical.bag(t) for t in texts]
    lex = np.array([[lexical.overlap(b, s, BETA) for b in prepared.bags] for s in said])
    return blend * cosine + (1 - blend) * lex


def score(answer: str, rubric: Rubric, tuning: Tuning = TUNING) -> list[UnitScores]:
    """Compare every unit of ``answer`` with every sentence of ``rubric``."""
    prepared = prepare(rubric)
    spans = units(answer)
    if not spans or not prepared.texts:
        return []
    texts = [expand(s.text) for s in spans]
    sims = _similarities(prepared, texts, tuning.blend)
    read = _carried(answer, spans, texts, polarity.kind_pairs() + prepared.contrasts)
    ways: dict[tuple[int, int, bool], int] = {}  # (unit, sentence, contrasts) -> agreement
    # Formulas are read in the unit's whole sentence ("(XᵀX − λI)⁻¹Xᵀy, subtracting λ …"), so
    # what they say is the same for every unit of one sentence: compared once per sentence.
    with_formulas = tuning.formulas and any(prepared.formulas.values())
    whole = {s.sentence: s.text for s in sentences(answer)} if with_formulas else {}
    relations: dict[tuple[int, Key], formulas.Relation | None] = {}
    written: dict[int, frozenset[Key]] = {}

    def said(u: int, key: Key) -> formulas.Relation | None:
        """How the formulas of the unit's sentence relate to those of the item's sentences: the
        same as one of them, else the opposite of one, else different from one (None: nothing
        to compare)."""
        at = (spans[u].sentence, key)
        if at not in relations:
            relations[at] = formulas.compare(prepared.formulas[key], whole[at[0]])
        return relations[at]

    def writes(u: int) -> frozenset[Key]:
        """The items one of whose formulas the unit's sentence writes."""
        at = spans[u].sentence
        if at not in written:
            text = whole[at]
            written[at] = frozenset(
                key
                for key, mine in prepared.formulas.items()
                if mine and formulas.shares(mine, text)
            )
        return written[at]

    def way(u: int, k: int, contrasts: bool = True) -> int:
        contrasts = contrasts or not prepared.contrasts  # without any, both readings are one
        if (u, k, contrasts) not in ways:
            ways[u, k, contrasts] = polarity.agreement(
                prepared.texts[k],
                read[u],
                prepared.anchors[k],
                prepared.contrasts if contrasts else (),
            )
            if with_formulas:
                ways[u, k, contrasts] = _formulas_say(
                    ways[u, k, contrasts], said(u, prepared.owner[k])
                )
        return ways[u, k, contrasts]

    out = []
    for u, (row, span) in enumerate(zip(sims, spans, strict=True)):
        agree: dict[Key, float] = {}
        oppose: dict[Key, float] = {}
        denies: dict[Key, float] = {}
        for k in map(int, np.flatnonzero(row >= tuning.floor)):
            key, value = prepared.owner[k], float(row[k])
            # several clauses agree only if none of them, close to the sentence, points away
            # (a clause about the other of a contrasted pair does not deny a comparison of both:
            # "norm clipping keeps it, while value clipping gives a different one")
            denied = any(
                sims[p, k] >= tuning.floor and way(p, k, contrasts=False) < 0 for p in span.parts
            )
            direction = 0 if denied else way(u, k)
            if direction == 0:
                continue
            side = agree if direction > 0 else oppose
            if value > side.get(key, 0.0):
                side[key] = value
            if direction < 0 and not span.parts and way(u, k, contrasts=False) < 0:
                denies[key] = max(denies.get(key, 0.0), value)
        bag = lexical.bag(texts[u])
        shown = writes(u) if with_formulas else frozenset()
        out.append(UnitScores(span, bag, not span.parts, agree, oppose, denies, shown))
    return out


def _formulas_say(direction: int, found: formulas.Relation | None) -> int:
    """``direction`` corrected by the formulas both texts write over the same variables: a
    formula of opposite sign points the other way ("y − p" against "p − y"), and a different
    one neither agrees nor denies ("(XᵀX − λI)⁻¹" is not "(XᵀX + λI)⁻¹", nor its negation)."""
    if found == "opposite":
        return -direction
    if found == "differs":
        return 0
    return direction


# A clause that goes on about the thing its predecessor named: "…, which pushes it into flat
# minima", "it then settles …".
_DEPENDENT = re.compile(r"^(?:it|its|it's|they|their|this|these|that|which|who)\b", re.IGNORECASE)
_RELATIVE_GAP = re.compile(r"\bwhich\b", re.IGNORECASE)


def _carried(answer: str, spans: list[Span], texts: list[str], pairs: polarity.Pairs) -> list[str]:
    """Each unit's text as its direction is read: a single clause that refers back ("which
    pushes it into flat minima") or resumes after a parenthesis ("Ridge (L2) sets weights to
    zero"), and names neither of a pair of things that what it continues names one of ("Adam
    …"), is read with that name in front ("Adam pushes it into flat minima"). Sentence
    embeddings cannot see who does what; this keeps the subject."""
    out = list(texts)
    for u in range(1, len(spans)):
        span, before = spans[u], spans[u - 1]
        if span.parts or before.parts or span.sentence != before.sentence:
            continue
        gap = answer[before.end : span.start]
        first = u - 1
        if ")" in gap and "(" not in gap:  # back to the clause the parenthesis interrupted
            while (
                first > 0
                and spans[first - 1].sentence == span.sentence
                and "(" not in answer[spans[first - 1].end : spans[first].start]
            ):
                first -= 1
            first = max(first - 1, 0)
        elif not ("(" in gap or _DEPENDENT.match(span.text) or _RELATIVE_GAP.search(gap)):
            continue
        mine = polarity.stems_of(out[u])
        theirs = polarity.words(" ".join(out[first:u]))
        names = []
        for pair in pairs:
            if mine & set(pair):
                continue
            word = polarity.named(theirs, pair)
            if word is not None:
                names.append(word)
        if names:
            out[u] = " ".join(names) + " " + out[u]
    return out


def _word_count(text: str) -> int:
    return sum(w[0].isalnum() for w in polarity.words(text))


def _keep(found: dict[int, Evidence], index: int, value: float, span: Span) -> None:
    if value > found.get(index, Evidence()).score:
        found[index] = Evidence(value, span)


def _around(scores: list[UnitScores]) -> dict[int, dict[int, float]]:
    """For each single clause: the best agreeing score to each idea of any unit that holds it
    (itself, a pair, its sentence): "for one-hot labels … so CE is the KL divergence" qualifies
    its second clause, which alone would read as the misconception "CE is always KL"."""
    out: dict[int, dict[int, float]] = {}
    for u, unit in enumerate(scores):
        for c in unit.span.parts or (u,):
            best = out.setdefault(c, {})
            for (kind, i), value in unit.agree.items():
                if kind == "idea" and value > best.get(i, 0.0):
                    best[i] = value
    return out


def _writes_idea_not(unit: UnitScores, idea: int | None, mis: int) -> bool:
    """Whether the unit's sentence writes a formula of the idea and none of the misconception."""
    return ("idea", idea) in unit.writes and ("mis", mis) not in unit.writes


def decide(scores: list[UnitScores], rubric: Rubric, tuning: Tuning = TUNING) -> Match:
    """Which ideas the units cover or deny, and which misconceptions they assert.

    A clause asserts a misconception only if it is closer to it than to any idea (itself or
    read with its neighbours) and, when the misconception says something no idea says ("…for
    any targets"), the clause says that too: a right claim stated without its qualifier is not
    the wrong one."""
    result = Match()
    distinctive = prepare(rubric).distinctive
    about = {
        j: next((i for i, idea in enumerate(rubric.ideas) if idea.id == m.about), None)
        for j, m in enumerate(rubric.misconceptions)
    }
    around = _around(scores)
    for u, unit in enumerate(scores):
        mis = {j: v for (kind, j), v in unit.agree.items() if kind == "mis"}
        ideas = {i: v for (kind, i), v in unit.agree.items() if kind == "idea"}
        enough = len(unit.words) >= tuning.min_terms
        for i, value in ideas.items():
            _keep(result.nearest, i, value, unit.span)
            rival = max(
                (
                    v
                    for j, v in mis.items()
                    if about[j] in (i, None) and not _writes_idea_not(unit, i, j)
                ),
                default=0.0,
            )
            if value >= tuning.cover and value >= rival + tuning.rival and enough:
                _keep(result.covered, i, value, unit.span)
        if (
            not unit.single
            or _word_count(unit.span.text) < tuning.min_claim
            or not formulas.prose(unit.span.text)
        ):
            # a label ("PR-AUC:"), a formula cut out of its sentence ("√v̂ + ε") or a pair of
            # clauses asserts nothing on its own
            continue
        context = around.get(u, {})
        best_idea = max(context.values(), default=0.0)
        for (kind, i), value in unit.oppose.items():
            # a clause that denies one wording of an idea and says another is not a denial
            if (
                kind == "idea"
                and value >= tuning.contradict
                and value > context.get(i, 0.0) + tuning.rival
            ):
                _keep(result.contradicted, i, value, unit.span)
        for j, value in mis.items():
            own = distinctive[j]
            if own and not own & unit.words and value < tuning.verbatim:
                continue
            if _writes_idea_not(unit, about[j], j):
                continue  # it writes the idea's formula, not the wrong claim's ("2^n", not "n")
            if value >= tuning.assert_ and value >= best_idea + tuning.margin:
                _keep(result.asserted, j, value, unit.span)
                continue
            target = about[j]
            if target is None:
                continue
            # both readings agree: close to the wrong claim, and close to the idea it is about
            # but denying it by a negation or an antonym ("it up-weights the easy examples");
            # naming the other of a contrasted pair is not enough ("logistic loss is smooth" is
            # not "hinge loss is never zero", however near the wrong claim that mentions both)
            away = unit.denies.get(("idea", target), 0.0)
            if (
                value >= tuning.both
                and away >= tuning.both_oppose
                and value >= best_idea + tuning.both_margin
            ):
                _keep(result.asserted, j, value, unit.span)
    return result


def match(answer: str, rubric: Rubric, tuning: Tuning = TUNING) -> Match:
    """Compare every unit of ``answer`` with ``rubric`` and decide what it says."""
    return decide(score(answer, rubric, tuning), rubric, tuning)
