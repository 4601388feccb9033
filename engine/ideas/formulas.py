"""Formulas inside prose: whether a clause writes the same formula as a rubric sentence.

Words cannot tell "the gradient is p − y" from "the gradient is y − p", or
"(XᵀX + λI)⁻¹Xᵀy" from "(XᵀX − λI)⁻¹Xᵀy": both have the same words, stems and nearly the same
embedding. So the formulas of both texts are cut out of the prose, read by the expression
engine's own parser (never ``eval``), and compared by value at random points. Two formulas are
compared only when they use the same variables (at least two of them), so a clause that writes
another quantity ("the loss is −log p") is not held against a sentence about the gradient.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from engine.expr import ast as A
from engine.expr.errors import ExprError
from engine.expr.evaluate import Env, evaluate
from engine.expr.front import parse

Relation = Literal["same", "opposite", "differs"]

# Words that are part of a formula, not of the prose around it.
_MATH_WORDS = frozenset(
    [
        "log",
        "ln",
        "exp",
        "max",
        "min",
        "sqrt",
        "sign",
        "sgn",
        "abs",
        "tanh",
        "sigmoid",
        "softmax",
        "relu",
        "sum",
        "mean",
        "log1p",
        "softplus",
        "eps",
        "epsilon",
        "lambda",
        "beta",
        "eta",
        "theta",
        "sigma",
        "alpha",
        "gamma",
        "delta",
        "mu",
        "rho",
        "tau",
        "hat",
    ]
)
# A word of prose: two or more ASCII letters that are not a formula's word.
_WORD = re.compile(r"(?<![\w^])[A-Za-z]{2,}(?![\w(])|(?<![\w^])[A-Za-z]{2,}(?=\()")
_SEPARATORS = re.compile(r"[,;:!?→⇒⟹↔≈∝~<>≤≥≠≪≫]|\.(?=\s|$)|\s[aAI]\s|\s--\s|\s[–—]\s")
_OPERATOR = re.compile(r"[-−+*/^·×⁻ᵀ²³√Σ∑]")
_INDEX = re.compile(r"_(?:[ijkntc]|\{[ijkntc]\})$")
_SAMPLES = 12
# A sentence of an honest answer writes a handful of formulas; a hostile one may write
# thousands, and each is compared with every formula of the rubric.
MAX_FRAGMENTS = 24
MAX_FORMULAS = 48


class Formula(NamedTuple):
    variables: frozenset[str]
    uses: tuple[str, ...]  # every occurrence of a variable, sorted
    size: int  # nodes in its tree
    values: tuple[float, ...]  # at fixed random points


_LATEX = re.compile(r"\$([^$]+)\$")


def _fragments(text: str) -> list[str]:
    """The stretches of ``text`` that could be formulas: its LaTeX (between dollars), and what
    lies between prose words and separators elsewhere."""
    out = [m.group(1) for m in _LATEX.finditer(text)]
    for chunk in _SEPARATORS.split(_LATEX.sub(" , ", text)):
        start = 0
        pieces = []
        for m in _WORD.finditer(chunk):
            if m.group(0).lower() not in _MATH_WORDS:
                pieces.append(chunk[start : m.start()])
                start = m.end()
        pieces.append(chunk[start:])
        out += [_trimmed(p) for p in pieces]
    return [p for p in out if len(p) >= 3 and _OPERATOR.search(p)]


def prose(text: str) -> bool:
    """Whether ``text`` has a word of prose, not only a formula ("√v̂ + ε", "p_k − y_k").

    >>> prose("√v̂ + ε"), prose("so the step is η·m̂/(√v̂ + ε)")
    (False, True)
    """
    return any(m.group(0).lower() not in _MATH_WORDS for m in _WORD.finditer(text))


def _trimmed(text: str) -> str:
    """``text`` without surrounding spaces and quotes, and without the brackets it opens or
    closes but does not match (the prose's own parentheses)."""
    text = text.strip(" '\"`[]{}×·*/=+")
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].strip()
    while text.endswith("(") or text.endswith("="):
        text = text[:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# Subscripts typed as Unicode ("pᵢ"), and Greek letters run together with other letters ("λI",
# "ηβv"), which the parser would read as one name.
_SUBSCRIPTS = str.maketrans({"ᵢ": "_i", "ⱼ": "_j", "ₖ": "_k", "ₙ": "_n", "ₜ": "_t", "ₓ": "_x"})
_GREEK_RUN = re.compile(r"(?<=[α-ωΑ-Ω])(?=[α-ωΑ-ΩA-Za-z])|(?<=[A-Za-z])(?=[α-ω])")


def _parsed(fragment: str) -> A.Node | None:
    if not _balanced(fragment):
        return None
    # hats and bars ("v̂", "x̄") are marks on a name, not part of it
    fragment = "".join(
        c for c in unicodedata.normalize("NFD", fragment) if not unicodedata.combining(c)
    )
    fragment = _GREEK_RUN.sub(" ", unicodedata.normalize("NFC", fragment).translate(_SUBSCRIPTS))
    try:
        return parse(fragment, strict=False).node
    except (ExprError, ValueError, RecursionError):
        return None


def _values(name: str) -> NDArray[np.float64]:
    """A variable's values at the sample points: the same for a name wherever it is written,
    inside (0, 1), where probabilities, rates and logarithms are all defined."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return rng.uniform(0.15, 0.85, (_SAMPLES, 1, 1))


def _formula(node: A.Node, plain: dict[str, str], env: Env) -> Formula | None:
    variables = frozenset(plain[n] for n in A.free_names(node))
    kinds = {type(n) for n in A.walk(node)}
    if not variables or A.Bin not in kinds or kinds & {A.Cmp, A.Logic, A.Piecewise}:
        return None
    try:
        result = evaluate(node, env)
    except Exception:  # an unsupported construct: no evidence either way
        return None
    if result.shape != (_SAMPLES, 1, 1) or not np.all(np.isfinite(result)):
        return None
    uses = tuple(sorted(plain[n.name] for n in A.walk(node) if isinstance(n, A.Name)))
    return Formula(variables, uses, A.size(node), tuple(float(x) for x in result.ravel()))


@lru_cache(maxsize=1024)
def _read(fragment: str) -> tuple[Formula, ...]:
    """The fragment's formula, then the formulas inside it (for ``η·m̂/(√v̂ + ε)``: ``√v̂ + ε``
    and the rest), each with its variables (a summation-style index dropped: ``p_k`` is
    ``p``), each as often as it occurs, and its values at the sample points. Empty when the
    fragment is no formula with a variable."""
    node = _parsed(fragment)
    if node is None and "=" in fragment:  # "P(y | x) = p^y (1 − p)^(1 − y)": its right side
        node = _parsed(fragment.rsplit("=", 1)[1])
    if node is None:
        return ()
    names = sorted(A.free_names(node))
    plain = {n: _INDEX.sub("", n) for n in names}
    if len(set(plain.values())) != len(names):
        plain = {n: n for n in names}  # s_j − s_y: keep them apart
    env = Env({name: _values(plain[name]) for name in names}, {}, _SAMPLES)
    whole = _formula(node, plain, env)
    if whole is None:
        return ()
    inner = (
        _formula(n, plain, env)
        for n in A.walk(node)
        if n is not node and isinstance(n, A.Bin | A.Call)
    )
    return (whole, *(f for f in inner if f is not None and len(f.variables) > 1))


@lru_cache(maxsize=1024)
def formulas(text: str, inner: bool = False) -> tuple[Formula, ...]:
    """The formulas ``text`` writes (with ``inner``, and the formulas inside them), each as its
    variables and its values at the sample points."""
    found = (
        f
        for fragment in _fragments(text)[:MAX_FRAGMENTS]
        for f in _read(fragment)[: None if inner else 1]
    )
    return tuple(dict.fromkeys(found))[:MAX_FORMULAS]  # each once: "p − y" ten times is one


def _relation(a: tuple[float, ...], b: tuple[float, ...]) -> Relation:
    x, y = np.array(a), np.array(b)
    if np.any(np.abs(y) < 1e-12) or np.any(np.abs(x) < 1e-12):
        return "same" if np.allclose(x, y, rtol=1e-6, atol=1e-9) else "differs"
    ratio = x / y
    if np.allclose(ratio, ratio[0], rtol=1e-6):
        return "same" if ratio[0] > 0 else "opposite"  # equal up to a positive factor, or flipped
    return "differs"


@lru_cache(maxsize=4096)
def relation(claim: str, other: str) -> Relation | None:
    """How the formulas of ``other`` relate to those of ``claim`` over the same variables: the
    same (up to a positive factor), opposite in sign, or different though made of the same
    parts: the same variables, each as often, in a tree of the same size ("p^(1−y)(1−p)^y"
    against "p^y(1−p)^(1−y)"). None when neither text has such a formula: a factor such as
    "p^q" is not held against "(1 − p^q)/q", nor the loss "|r| − β/2" against the gradient
    "r/β".

    >>> relation("The gradient is p_k − y_k.", "so it is p − y for each class")
    'same'
    >>> relation("The gradient is p_k − y_k.", "Differentiating gives y_k − p_k")
    'opposite'
    >>> relation("(XᵀX + λI)⁻¹Xᵀy", "the closed form becomes (XᵀX − λI)⁻¹Xᵀy")
    'differs'
    >>> relation("The gradient is p − y.", "The loss is large.") is None
    True
    """
    return compare(formulas(claim), other)


def compare(mine: tuple[Formula, ...], other: str) -> Relation | None:
    """:func:`relation` for formulas already read (a rubric item's, read once per rubric)."""
    whole = formulas(other)
    found: set[Relation] = set()
    for a in mine:
        for b in formulas(other, inner=True):
            if a.variables == b.variables and len(a.variables) > 1:
                outcome = _relation(a.values, b.values)
                if outcome == "same" and b not in whole:
                    continue  # a right part ("ε/K") does not make a wrong whole right
                if outcome != "differs" or (a.uses, a.size) == (b.uses, b.size):
                    found.add(outcome)
    for outcome in ("same", "opposite", "differs"):
        if outcome in found:
            return outcome
    return None


@lru_cache(maxsize=4096)
def writes(claim: str, other: str) -> bool:
    """Whether ``other`` writes one of ``claim``'s formulas, even of one variable ("2^n").

    >>> writes("With n units there are $2^n$ masks.", "so there are 2^n such sub-networks")
    True
    >>> writes("With n units there are $2^n$ masks.", "there are n^2 of them")
    False
    """
    return shares(formulas(claim), other)


def shares(mine: tuple[Formula, ...], other: str) -> bool:
    """:func:`writes` for formulas already read."""
    return any(
        a.variables == b.variables and _relation(a.values, b.values) == "same"
        for a in mine
        for b in formulas(other)
    )
