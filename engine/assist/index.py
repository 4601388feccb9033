"""BM25 over passages of study material, blended with a per-topic BM25 so that everyday
questions land on the right topic even when no single passage shares many words with them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from engine.assist.analyze import terms

QUESTION = "question"  # passages of this kind are practice questions, not answers
K1, B = 1.2, 0.75  # the usual BM25 constants; passages are a sentence to a paragraph long
TOPIC_WEIGHT = 0.35  # share of a passage's score that comes from how well its topic matches
PAGE_BOOST = 1.25  # passages of the page the learner is on (``topic=``) rank a little higher
MIN_RELATIVE = 0.35  # answers scoring below this fraction of the best one are noise
MAX_ANSWERS, MAX_QUESTIONS = 5, 5


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
    knows."""

    answers: list[Hit] = field(default_factory=list)
    questions: list[Hit] = field(default_factory=list)
    terms: tuple[str, ...] = ()

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
    ...     Passage("adam", "step", "step-1", "Step 1", "Epsilon keeps the division safe."),
    ... ])
    >>> [h.passage.topic for h in index.search("what does eps do in adam").answers]
    ['adam']
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
        self._question_of = np.array([p.question or "" for p in self.passages])
        self._topics = _bm25(self._topic_docs(docs, position))

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
        topic_scores = _normalised(self._topics.get_scores(list(query)))
        passage_scores = _normalised(self._passages.get_scores(list(query)))
        blended = (1 - TOPIC_WEIGHT) * passage_scores + TOPIC_WEIGHT * topic_scores[self._topic_of]
        blended[passage_scores == 0] = 0.0  # the topic alone never makes a passage relevant
        if topic in self.topic_ids:
            blended[self._topic_of == self.topic_ids.index(topic)] *= PAGE_BOOST
        visible = self._public
        if unlocked:
            visible = visible | np.isin(self._question_of, list(unlocked))
        return np.where(visible, blended, 0.0)

    def search(
        self, question: str, *, topic: str | None = None, unlocked: Collection[str] = ()
    ) -> Result:
        """Answers and practice questions for ``question``; empty when no term is known.

        ``topic`` favours one topic's passages (the page the learner is on); ``unlocked`` are
        question ids whose private passages (model answers) this learner may see.
        """
        query = self.known_terms(question)
        if not query:
            return Result()
        scores = self.scores(query, topic=topic, unlocked=unlocked)
        answers = self._best(np.where(self._is_question, 0.0, scores), MAX_ANSWERS)
        questions = self._best(np.where(self._is_question, scores, 0.0), MAX_QUESTIONS)
        return Result(answers=answers, questions=questions, terms=query)

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
