"""Ask Descent: find the passages of our own material that answer a learner's question.

Pure: the caller hands in plain :class:`Passage` objects (the content side builds them from the
loaded modules) and gets ranked hits back. Lexical BM25 (``bm25s``) over terms that fold Greek
letters and LaTeX into words, stem, drop fillers and add subject concepts (``weight decay`` and
``L2 penalty`` meet, so do ``log loss`` and ``BCE``).
"""

from engine.assist.analyze import terms
from engine.assist.demos import DEMO, DemoRef, rank_demos
from engine.assist.index import QUESTION, AssistIndex, Hit, Passage, Result
from engine.assist.synonyms import OUTSIDE_NAMES

__all__ = [
    "DEMO",
    "OUTSIDE_NAMES",
    "QUESTION",
    "AssistIndex",
    "DemoRef",
    "Hit",
    "Passage",
    "Result",
    "rank_demos",
    "terms",
]
