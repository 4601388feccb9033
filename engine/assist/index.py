"""BM25 over passages of study material, blended with a per-topic BM25 so that everyday
questions land on the right topic even when no single passage shares many words with them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from engine.assist.analyze import CONCEPT_PREFIX, outside, outside_subjects, terms

QUESTION = "question"  # passages of this kind are practice questions, not answers
# BM25 constants, tuned with the others below on tests/bench/ask_bench.py's tables: passages
# run from a formula's caption to a paragraph, and the paragraph is where the "why" lives, so
# length counts against a passage less than usual (b = 0.5, not 0.75).
K1, B = 1.2, 0.5
TOPIC_WEIGHT = 0.5  # share of a passage's score that comes from how well its topic matches
# A topic's summary names every subject of the topic, so it matches many doubts without
# answering any in depth: it ranks a little lower than the step or insight that does.
SUMMARY_WEIGHT = 0.85
PAGE_BOOST = 1.25  # passages of the page the learner is on (``topic=``) rank a little higher
MIN_RELATIVE = 0.35  # answers scoring below this fraction of the best one are noise
MAX_ANSWERS, MAX_QUESTIONS = 5, 5
# The relevance floor (tuned on tests/bench/ask_bench.py's on- and off-topic tables). A doubt is
# "not covered" when the best passage matches too little of what it asks: the share of the
# question's weight (IDF of each word; a word the material never uses, UNKNOWN_WEIGHT) that
# one visible passage matches, each word counted by how much the material is about it (FOCUS:
# a word used FOCUS_COUNT times or more in one topic fully; "transformer", used in passing,
# much less).
FOCUS_COUNT = 8
FOCUS_SHARE = 0.01  # in a small topic (under 800 terms), 1 % of its words is enough
UNKNOWN_WEIGHT = 1.25  # an unknown word weighs 1.25 times a word found in one passage only
FLOOR = 0.17
NEAR = 0.16  # just under the floor: the topics it touches are named as the nearest
# A doubt in a learner's own words ("my updates bounce from wall to wall of a narrow ravine")
# spends most of its weight on words the material never uses; between SUBJECT_FLOOR and the
# floor, it is still answered when it names one of the material's own subjects (see below).
SUBJECT_FLOOR = 0.10
MAX_NEAREST, NEAREST_SHARE = 3, 0.4  # nearest topics: at most 3, each ≥ 40 % of the best
NAME_IDF = 5.0  # a doubt holding every word of a formula's, demo's or topic's name is in scope
NAMED = ("summary", "formula", "demo")  # passages whose keywords are a name
# A doubt that names a neighbouring subject the material does not teach ("what is a
# transformer") is in scope only through one of the material's own subjects: a concept that
# is not general, or a distinctive word (IDF ≥ SUBJECT_IDF) a topic uses SUBJECT_COUNT times.
GENERIC_CONCEPTS = frozenset(
    CONCEPT_PREFIX + c
    for c in ("loss", "gradient", "large", "small", "probability", "metric", "quadratic")
)
SUBJECT_COUNT, SUBJECT_IDF = 6, 3.5


@dataclass(frozen=True, slots=True)
class Passage:
    """One piece of material that can answer a question.

    ``text`` and ``keywords`` are indexed; ``title`` is only shown (labels such as "Learning
    step 3" would match every question about steps). A ``private`` passage is
    answer material of ``question`` and is returned only to learners who attempted it.
    Passages of kind ``"question"`` are practice questions and are returned separately.
    """

    topic: str
    kind: str
    anchor: str
    title: str
    text: str
    keywords: str = ""
    question: str | None = None
    private: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float


@dataclass(frozen=True)
class Result:
    """Answers and practice questions, best first; ``terms`` are the query terms the index
    knows. ``covered`` is False when the question is outside the material (under the floor,
    or about a neighbouring subject): then there are no answers, only ``nearest`` topics (at
    most three, best first), and ``outside`` names the neighbouring subjects it asked about."""

    answers: list[Hit] = field(default_factory=list)
    questions: list[Hit] = field(default_factory=list)
    terms: tuple[str, ...] = ()
    covered: bool = True
    nearest: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    relevance: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.answers and not self.questions


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index(corpus, show_progress=False)
    return retriever


def _normalised(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else scores


class AssistIndex:
    """Search passages by a learner's question.

    >>> index = AssistIndex([
    ...     Passage("mae", "step", "step-1", "Step 1", "The gradient of |r| is its sign."),
    ...     Passage("adam", "step", "step-1", "Step 1", "Epsilon keeps Adam's division safe."),
    ... ])
    >>> [h.passage.topic for h in index.search("what does eps do in adam").answers]
    ['adam']
    >>> index.search("best pizza in Rome").empty  # no word of the material
    True
    """

    def __init__(self, passages: Iterable[Passage]) -> None:
        self.passages: tuple[Passage, ...] = tuple(passages)
        if not self.passages:
            raise ValueError("an index needs at least one passage")
        docs = [terms(f"{p.text}\n{p.keywords}") for p in self.passages]
        self._passages = _bm25(docs)
        self.topic_ids = sorted({p.topic for p in self.passages})
        position = {t: i for i, t in enumerate(self.topic_ids)}
        self._topic_of = np.array([position[p.topic] for p in self.passages])
        self._public = np.array([not p.private for p in self.passages])
        self._is_question = np.array([p.kind == QUESTION for p in self.passages])
        self._weight = np.array(
            [SUMMARY_WEIGHT if p.kind == "summary" else 1.0 for p in self.passages]
        )
        self._question_of = np.array([p.question or "" for p in self.passages])
        self._topics = _bm25(self._topic_docs(docs, position))
        self._idf, self._focus = self._term_weights(docs)
        self._subjects = frozenset(
            t
            for t, idf in self._idf.items()
            if self._count[t] >= SUBJECT_COUNT and idf >= SUBJECT_IDF
        )
        # which neighbouring subjects each passage mentions (in passing: it teaches none)
        self._mentions = [frozenset(outside_subjects(p.text)) for p in self.passages]
        named = (frozenset(terms(p.keywords)) for p in self.passages if p.kind in NAMED)
        self._names = frozenset(
            n for n in named if n and sum(self._idf.get(t, 0.0) for t in n) >= NAME_IDF
        )

    def _term_weights(self, docs: list[list[str]]) -> tuple[dict[str, float], dict[str, float]]:
        """Each term's IDF (over every passage, as BM25 counts it) and focus: how much one topic
        is about it (its largest count in one topic's public passages over FOCUS_COUNT, at most
        1; concepts 1)."""
        n = len(docs)
        df = Counter(t for doc in docs for t in set(doc))
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._unknown = UNKNOWN_WEIGHT * math.log(1 + (n - 0.5) / 1.5)  # as if in one passage
        per_topic: dict[str, Counter[str]] = {}
        for passage, doc in zip(self.passages, docs, strict=True):
            if not passage.private:
                per_topic.setdefault(passage.topic, Counter()).update(doc)
        self._count: Counter[str] = Counter()
        focus = {t: 0.0 for t in df}
        for counts in per_topic.values():
            enough = max(1.0, min(FOCUS_COUNT, FOCUS_SHARE * counts.total()))
            for t, c in counts.items():
                self._count[t] = max(self._count[t], c)
                focus[t] = max(focus[t], min(1.0, c / enough))
        for t in focus:
            if t.startswith(CONCEPT_PREFIX):
                focus[t] = 1.0
        return idf, focus

    def _topic_docs(self, docs: list[list[str]], position: dict[str, int]) -> list[list[str]]:
        topic_docs: list[list[str]] = [[] for _ in self.topic_ids]
        for passage, doc in zip(self.passages, docs, strict=True):
            if not passage.private:
                topic_docs[position[passage.topic]].extend(doc)
        return topic_docs

    def known_terms(self, question: str) -> tuple[str, ...]:
        """The terms of ``question`` that occur somewhere in the material."""
        vocab = self._passages.vocab_dict
        return tuple(t for t in terms(question) if t in vocab)

    def scores(
        self, query: Sequence[str], *, topic: str | None = None, unlocked: Collection[str] = ()
    ) -> np.ndarray:
        """Blended score of every passage: 0 where hidden, at most 1 (``PAGE_BOOST`` on the
        page's topic)."""
        # A topic matches by the words it is about: "transformer", used in passing by a few
        # topics, lifts none of them as "adam" lifts adaptive optimizers.
        topic_scores = _normalised(
            sum(
                (self._focus.get(t, 1.0) * self._topics.get_scores([t]) for t in query),
                np.zeros(len(self.topic_ids)),
            )
        )
        passage_scores = _normalised(self._passages.get_scores(list(query)))
        blended = (1 - TOPIC_WEIGHT) * passage_scores + TOPIC_WEIGHT * topic_scores[self._topic_of]
        blended[passage_scores == 0] = 0.0  # the topic alone never makes a passage relevant
        blended *= self._weight
        if topic in self.topic_ids:
            blended[self._topic_of == self.topic_ids.index(topic)] *= PAGE_BOOST
        return np.where(self._visible(unlocked), blended, 0.0)

    def relevance(self, query: Sequence[str], visible: np.ndarray) -> tuple[float, np.ndarray]:
        """How much of ``query`` (all its terms, known or not) the best visible passage
        matches, in [0, k1 + 1); and that match for every passage."""
        unique = list(dict.fromkeys(query))
        known = [t for t in unique if t in self._idf]
        mass = sum(self._idf[t] for t in known) + self._unknown * (len(unique) - len(known))
        evidence = np.zeros(len(self.passages))
        for t in known:
            evidence += self._focus[t] * self._passages.get_scores([t])
        evidence = np.where(visible, evidence, 0.0)
        return (float(evidence.max(initial=0.0)) / mass if mass else 0.0), evidence

    def _in_scope(self, rest: Sequence[str]) -> bool:
        """Whether what is left of a doubt beside a neighbouring subject is one of ours."""
        return any(
            (t.startswith(CONCEPT_PREFIX) and t in self._idf and t not in GENERIC_CONCEPTS)
            or t in self._subjects
            for t in rest
        )

    def _nearest(self, evidence: np.ndarray) -> tuple[str, ...]:
        """The topics whose passages match most in all (at most MAX_NEAREST, each with at least
        NEAREST_SHARE of the best topic's match)."""
        per_topic = np.bincount(self._topic_of, weights=evidence, minlength=len(self.topic_ids))
        top = float(per_topic.max(initial=0.0))
        order = np.argsort(-per_topic, kind="stable")[:MAX_NEAREST]
        return tuple(
            self.topic_ids[i]
            for i in order
            if per_topic[i] > 0 and per_topic[i] >= NEAREST_SHARE * top
        )

    def _names_one(self, query: Sequence[str]) -> bool:
        """Whether ``query`` holds every word of a formula's, demo's or topic's name."""
        words = set(query)
        return any(name <= words for name in self._names)

    def search(
        self, question: str, *, topic: str | None = None, unlocked: Collection[str] = ()
    ) -> Result:
        """Answers and practice questions for ``question``; empty when no term is known, and
        not covered (no answers, the nearest topics at most) when the material does not
        answer it.

        ``topic`` favours one topic's passages (the page the learner is on); ``unlocked`` are
        question ids whose private passages (model answers) this learner may see.
        """
        query = self.known_terms(question)
        if not query:
            return Result()
        visible = self._visible(unlocked)
        everything = terms(question)
        relevance, evidence = self.relevance(everything, visible)
        away, rest = outside(question)
        if away and not self._in_scope(rest):  # the nearest topics: those that mention it
            mentions = np.array([len(m.intersection(away)) for m in self._mentions], float)
            mentions = np.where(visible, mentions, 0.0)
            return Result(
                terms=query, covered=False, nearest=self._nearest(mentions), outside=away,
                relevance=relevance,
            )  # fmt: skip
        if (
            relevance < FLOOR
            and not self._names_one(everything)
            and not (relevance >= SUBJECT_FLOOR and self._in_scope(everything))
        ):
            nearest = self._nearest(evidence) if relevance >= NEAR else ()
            return Result(terms=query, covered=False, nearest=nearest, relevance=relevance)
        scores = self.scores(query, topic=topic, unlocked=unlocked)
        answers = self._best(np.where(self._is_question, 0.0, scores), MAX_ANSWERS)
        questions = self._best(np.where(self._is_question, scores, 0.0), MAX_QUESTIONS)
        return Result(answers=answers, questions=questions, terms=query, relevance=relevance)

    def _visible(self, unlocked: Collection[str]) -> np.ndarray:
        if not unlocked:
            return self._public
        return self._public | np.isin(self._question_of, list(unlocked))

    def _best(self, scores: np.ndarray, limit: int) -> list[Hit]:
        top = float(scores.max(initial=0.0))
        if top <= 0:
            return []
        count = min(limit, len(scores))
        candidates = np.argpartition(-scores, count - 1)[:count]
        ranked = sorted(candidates, key=lambda i: (-scores[i], i))
        return [
            Hit(self.passages[i], round(float(scores[i]), 4))
            for i in ranked
            if scores[i] >= MIN_RELATIVE * top
        ]
