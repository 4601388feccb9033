"""Lexical evidence: how much of a rubric sentence's content a clause says, in any of the words
the subject uses for it (stems, and one token per concept: "least squares", "MSE" and "L2
loss" meet as ``~mse``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from engine.assist.analyze import CONCEPT_PREFIX, terms

CONCEPT_WEIGHT = 1.5  # naming the idea's concept counts for more than one of its words
# Words too common in this subject to be evidence of any one idea.
GENERIC = frozenset(
    [
        "loss",
        "model",
        "train",
        "training",
        "data",
        "gradient",
        "weight",
        "weights",
        "learning",
        "value",
        "values",
        "step",
        "steps",
        "function",
        "example",
        "examples",
        "error",
        "errors",
        "paramet",
    ]
)


@lru_cache(maxsize=2048)
def bag(text: str) -> frozenset[str]:
    """The content terms of ``text`` (stems and concept tokens)."""
    return frozenset(terms(text))


def weight(term: str) -> float:
    if term.startswith(CONCEPT_PREFIX):
        return CONCEPT_WEIGHT
    return 0.3 if term in GENERIC else 1.0


@lru_cache(maxsize=2048)
def total(claim: frozenset[str]) -> float:
    return sum(weight(t) for t in claim)


def recall(claim: frozenset[str], said: Iterable[str]) -> float:
    """The weighted share of ``claim``'s terms that ``said`` contains (0 to 1)."""
    whole = total(claim)
    if not whole:
        return 0.0
    return sum(weight(t) for t in claim.intersection(said)) / whole


def overlap(claim: frozenset[str], said: frozenset[str], beta: float) -> float:
    """F-beta of ``said`` against ``claim``: recall (how much of the claim is said) weighted
    ``beta`` times as much as precision (how much of what is said belongs to the claim)."""
    common = sum(weight(t) for t in claim & said)
    if not common:
        return 0.0
    r, p = common / total(claim), common / total(said)
    return (1 + beta**2) * p * r / (beta**2 * p + r)
