"""Normalisation of free text for rubric matching: case, Unicode, Greek names, stemming."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "∇": "nabla",
    "∂": "partial",
    "ŷ": "yhat",
    "Δ": "delta",
    "Σ": "sum",
    "∑": "sum",
    "√": "sqrt",
    "≈": "approx",
    "→": "to",
    "∞": "infinity",
    "≤": "<=",
    "≥": ">=",
}
# Words that flip the meaning of what follows them within a clause.
NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "without",
        "nor",
        "neither",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "wont",
        "wouldnt",
        "shouldnt",
        "avoid",
        "instead",
        "rather",
        "unlike",
        "neednt",
        "lack",
        "lacks",
        "lacking",
    }
)
NEGATION_WINDOW = 3  # a cue negates a phrase starting at most this many tokens later
# Words that end the scope of a negation: "instead of MSE because outliers …" negates MSE only.
SCOPE_BREAKERS = frozenset({"and", "because", "since", "so", "which", "that", "then", "thus", "as"})
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*|[<>=]=?|[+\-*/^]")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]\n]|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b")
_STEMMER = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower-case, map Greek letters and symbols to names, strip accents."""
    text = "".join(f" {GREEK[ch]} " if ch in GREEK else ch for ch in text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("n't", "nt").replace("’", "'")
    text = re.sub(r"(?<=[a-z0-9])-(?=[a-z0-9])", " ", text)  # smooth-l1 -> smooth l1
    return re.sub(r"\\([a-z]+)", r" \1 ", text)  # \delta -> delta


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """Porter2 stem with two repairs: British -ise spellings fold into -ize, and the y→i of
    Porter2 is dropped so that "noisy" and "noise" (or a rubric's "regulari…") meet."""
    word = _BRITISH.sub(r"\1iz\2", word.replace("'", ""))
    stemmed: str = _STEMMER.stemWord(word)  # snowballstemmer is untyped
    return stemmed[:-1] if len(stemmed) > 4 and stemmed.endswith("i") else stemmed


_BRITISH = re.compile(r"^([a-z]{4,})is(e|es|ed|ing|ation|ations|er|ers)$")


def tokens(text: str) -> list[str]:
    """Stemmed tokens of a piece of text (no clause information)."""
    return [stem(t) for t in _TOKEN.findall(fold(text))]


def clauses(text: str) -> list[list[str]]:
    """Split text into clauses, each a list of stemmed tokens."""
    return [ts for part in _CLAUSE_BREAK.split(fold(text)) if (ts := tokens(part))]
