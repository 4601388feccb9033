"""The first wave's open-answer grader, kept as the benchmark's baseline: a rubric of key
concepts, each earned by one of its phrases found in a clause without a negation just before it.

Its rubrics are in ``ideas/keyword_rubrics.yaml`` (they left the content when idea rubrics
replaced them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine.constants import Status
from engine.textnorm import NEGATION_WINDOW, NEGATIONS, SCOPE_BREAKERS, clauses, stem, tokens
from engine.verdict import Details, Feedback, Verdict

DEFAULT_PASS_SCORE = 0.7
_NEGATION_STEMS = frozenset(stem(w) for w in NEGATIONS)
_BREAKER_STEMS = frozenset(stem(w) for w in SCOPE_BREAKERS)


class KeywordDetails(Details):
    covered: list[str] = []
    missing: list[str] = []


@dataclass(frozen=True)
class Concept:
    """A key idea: a label shown to the learner, the phrasings that earn it, a weight."""

    label: str
    phrases: Sequence[str]
    weight: float = 1.0


def _find(phrase: list[str], clause: list[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(clause) - n + 1) if clause[i : i + n] == phrase]


def _negated(clause: list[str], start: int, phrase: list[str]) -> bool:
    if phrase and phrase[0] in _NEGATION_STEMS:
        return False  # the phrasing itself is negative ("not differentiable")
    for token in reversed(clause[max(0, start - NEGATION_WINDOW) : start]):
        if token in _BREAKER_STEMS:
            return False
        if token in _NEGATION_STEMS:
            return True
    return False


def concept_present(concept: Concept, answer_clauses: list[list[str]]) -> bool:
    """True if some phrasing occurs in some clause without a negation just before it."""
    for phrasing in concept.phrases:
        phrase = tokens(phrasing)
        if not phrase:
            continue
        for clause in answer_clauses:
            if any(not _negated(clause, i, phrase) for i in _find(phrase, clause)):
                return True
    return False


def grade_open(
    answer: str, rubric: Sequence[Concept], *, pass_score: float = DEFAULT_PASS_SCORE
) -> Verdict:
    """Score = covered weight / total weight; correct at ``pass_score`` or more.

    >>> rubric = [Concept("Huber loss", ["huber"]), Concept("outliers", ["outlier"])]
    >>> grade_open("Use Huber: outliers then pull linearly.", rubric).score
    1.0
    >>> grade_open("I would not use Huber.", rubric).score
    0.0
    """
    if not answer.strip():
        return Verdict(
            "incorrect",
            0.0,
            [Feedback("empty", "The answer is empty.")],
            KeywordDetails(missing=[c.label for c in rubric]),
        )
    answer_clauses = clauses(answer)
    covered = [c for c in rubric if concept_present(c, answer_clauses)]
    missing = [c for c in rubric if c not in covered]
    total = sum(c.weight for c in rubric)
    score = sum(c.weight for c in covered) / total if total else 0.0
    status: Status = "correct" if score >= pass_score else ("partial" if covered else "incorrect")
    feedback = [Feedback("covered", f"You covered: {c.label}.") for c in covered]
    feedback += [Feedback("missing", f"Missing: {c.label}.") for c in missing]
    details = KeywordDetails(covered=[c.label for c in covered], missing=[c.label for c in missing])
    return Verdict(status, score, feedback, details)


RUBRICS = Path(__file__).resolve().parent / "ideas" / "keyword_rubrics.yaml"


@cache
def _rubrics() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RUBRICS.read_text(encoding="utf-8"))
    return data


def keyword_grader(question: Any, text: str) -> tuple[str, bool]:
    """The baseline's status for ``text`` as an answer to ``question`` (it never names lists)."""
    entry = _rubrics()[question.id]
    rubric = [Concept(c["label"], c["phrases"], c["weight"]) for c in entry["concepts"]]
    return grade_open(text, rubric, pass_score=entry["pass_score"]).status, False
