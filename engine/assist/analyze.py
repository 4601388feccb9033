"""Text to index terms: Greek and LaTeX folded to words, stemmed, fillers dropped, concepts added.

The same function reads our material and a learner's question, so "β₁", "\\beta_1" and "beta1"
meet, and so do "log loss" and "binary cross-entropy" (through the concept token ``~bce``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from engine.assist.synonyms import CONCEPTS, OUTSIDE, STOPWORDS
from engine.textnorm import GREEK, stem

CONCEPT_PREFIX = "~"
# LaTeX commands and layout words that fold() leaves behind as plain words but mean nothing.
_LATEX_COMMANDS = """
    frac tfrac dfrac left right quad qquad mathbf mathrm mathcal mathbb operatorname text textbf
    textrm cdot cdots ldots dots top le ge leq geq ne neq in mid begin end cases big bigl bigr
    limits displaystyle boldsymbol bm hat tilde bar odot otimes times prime lvert rvert vert
    langle rangle forall infty tfrac overline underbrace underset overset arg
"""
_LATEX_NOISE = frozenset(_LATEX_COMMANDS.split())
# LaTeX read aloud: what a formula "says" in the words a learner would use.
_LATEX_WORDS = (
    (re.compile(r"\^\s*\{?\s*2\s*\}?"), " squared "),
    (re.compile(r"\\sqrt"), " square root "),
    (re.compile(r"\\(?:\||lVert|rVert)|‖"), " norm "),
    (re.compile(r"\\nabla|∇"), " gradient "),
    (re.compile(r"\\mathbb\{E\}"), " expectation "),
    (re.compile(r"\\mathbb\{1\}"), " indicator "),
)
_GREEK_INDEX = re.compile(
    r"\b(alpha|beta|gamma|delta|epsilon|eta|theta|lambda|mu|rho|sigma|tau)"
    r"\s*_?\s*\{?\s*(\d)(?:\s*\})?(?![\d.])"
)
_WORD = re.compile(r"[a-z0-9]+")
_PLACEHOLDER = re.compile(r"\[\[[^\]]*\]\]")  # values drawn per variant: "[[lr]]"
MAX_CACHED_WORDS = 65_536


_SPELLED = str.maketrans({ch: f" {name} " for ch, name in GREEK.items()})


@lru_cache(maxsize=MAX_CACHED_WORDS)
def _stem(word: str) -> str:
    return stem(word)


def _fold(text: str) -> str:
    """engine.textnorm.fold, table-driven: indexing folds every passage at start-up."""
    text = text.translate(_SPELLED).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("n't", "nt").replace("’", "'")


def words(text: str) -> list[str]:
    """Folded words of ``text`` (lower case, Greek spelled out, LaTeX read aloud), unstemmed.

    >>> words(r"Adam's $\\beta_1$ and β₂, with $\\|g\\|^2$")
    ['adam', 's', 'beta1', 'and', 'beta2', 'with', 'norm', 'g', 'norm', 'squared']
    """
    text = _PLACEHOLDER.sub(" ", text)
    for pattern, spoken in _LATEX_WORDS:
        text = pattern.sub(spoken, text)
    folded = _GREEK_INDEX.sub(r"\1\2", _fold(text))
    return _WORD.findall(folded)


Phrases = dict[str, list[tuple[tuple[str, ...], str]]]


def _compile_concepts(table: dict[str, tuple[str, ...]] = CONCEPTS) -> Phrases:
    by_first: Phrases = {}
    for concept, phrases in table.items():
        for phrase in phrases:
            stems = tuple(_stem(w) for w in words(phrase))
            if stems:
                by_first.setdefault(stems[0], []).append((stems, concept))
    for candidates in by_first.values():
        candidates.sort(key=lambda item: -len(item[0]))
    return by_first


_PHRASES = _compile_concepts()
_OUTSIDE = _compile_concepts(OUTSIDE)


def _spans(stems: list[str], phrases: Phrases) -> list[tuple[str, int, int]]:
    """(concept, start, end) for every phrase occurrence; overlaps of one concept count once."""
    found: list[tuple[str, int, int]] = []
    covered_until: dict[str, int] = {}
    for i, first in enumerate(stems):
        for phrase, concept in phrases.get(first, ()):
            end = i + len(phrase)
            if tuple(stems[i:end]) == phrase and covered_until.get(concept, -1) <= i:
                found.append((concept, i, end))
                covered_until[concept] = end
    return found


def _concepts(stems: list[str]) -> list[str]:
    """Concept tokens for every phrase occurrence; overlapping matches of one concept count once."""
    return [CONCEPT_PREFIX + concept for concept, _, _ in _spans(stems, _PHRASES)]


def terms(text: str) -> list[str]:
    """Index terms of ``text``: stems of its content words, then a token per concept mentioned.

    >>> terms("What does the epsilon in Adam do?")
    ['epsilon', 'adam', '~epsilon', '~adam']
    >>> terms("log loss"), terms("BCE")
    (['log', 'loss', '~bce'], ['bce', '~bce'])
    """
    raw = words(text)
    stems = [_stem(w) for w in raw]
    plain = [
        s
        for w, s in zip(raw, stems, strict=True)
        if len(w) > 1 and w not in STOPWORDS and w not in _LATEX_NOISE
    ]
    return plain + _concepts(stems)


def outside_subjects(text: str) -> tuple[str, ...]:
    """The neighbouring subjects (``OUTSIDE``) that ``text`` mentions.

    >>> outside_subjects("Transformers are trained with AdamW and warmup")
    ('transformers',)
    """
    stems = [_stem(w) for w in words(text)]
    return tuple(dict.fromkeys(concept for concept, _, _ in _spans(stems, _OUTSIDE)))


def outside(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The neighbouring subjects the material does not teach that ``text`` names, and the index
    terms of the rest of it (the outside phrases taken out: "gradient" in "gradient boosting"
    is not the material's gradient).

    >>> outside("what is gradient boosting in XGBoost")
    (('trees',), [])
    >>> outside("why warm up the lr when training a transformer")[0]
    ('transformers',)
    """
    raw = words(text)
    away = _spans([_stem(w) for w in raw], _OUTSIDE)
    if not away:
        return (), terms(text)
    taken = {i for _, start, end in away for i in range(start, end)}
    rest = " ".join(w for i, w in enumerate(raw) if i not in taken)
    return tuple(dict.fromkeys(concept for concept, _, _ in away)), terms(rest)
