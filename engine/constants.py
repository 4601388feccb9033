"""Closed vocabularies and limits shared across the engine: each is written here once.

Question kinds are not listed here: the kind registry (:mod:`engine.kinds`) is their one source.
"""

from __future__ import annotations

from typing import Literal, get_args

Domain = Literal["real", "positive", "nonnegative", "unit", "binary", "sign", "onehot", "integer"]
DOMAINS: tuple[str, ...] = get_args(Domain)

Status = Literal["correct", "partial", "incorrect", "invalid", "error"]
STATUSES: tuple[str, ...] = get_args(Status)
SelfRating = Literal["again", "hard", "good", "easy"]

# Size limits on what a learner submits. One bound for every answer, so no grader truncates
# silently: longer input is refused with a verdict that says the limit.
MAX_ANSWER_CHARS = 64 * 1024
MAX_FORMULA_CHARS = 2000  # one formula line; parsing is linear but rendering and sampling are not
MAX_NUMBER_CHARS = 64
MAX_SOURCE_BYTES = 64 * 1024  # the source of one code submission
