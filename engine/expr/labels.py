"""Equations and labels: ``dL/dw = 2(w - 1)``, ``L(w) = (w - 1)^2``, ``2(w+1) = 2w + 2``.

A line is split at its top-level ``=`` signs. A first part that is a label — a name (``L``,
``g_t``, ``\\hat\\beta``), a name applied to names (``L(w)``, ``J(\\theta)``) or a derivative
(``∂L/∂w``, ``\\nabla_w L``, ``dL/dw``, ``L'(w)``, ``\\frac{d}{dz}[…]``) — is dropped; every
other part is a side of the equation, and every side is graded. Words at the end of a line
("… by the chain rule") are set aside with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from engine.expr.errors import ExprError
from engine.expr.latex import known_command
from engine.expr.names import GREEK, canonical_name, function_name

LabelKind = Literal["gradient", "name"]

_LABEL_FORBIDDEN = re.compile(r"[`#%&~@\"$<>!?]|\^\^")  # TeX catcode tricks, not maths
_LABEL_COMMANDS = {
    "partial", "nabla", "frac", "dfrac", "tfrac", "hat", "widehat", "bar", "tilde", "mathrm",
    "operatorname", "mathcal", "mathbf", "boldsymbol", "bm", "ell", "left", "right", "top",
    "intercal", "prime", "text", "cdot", "varepsilon", "vartheta", "varphi", "mathit", "vec",
    "overline", "widetilde", "mathsf", *GREEK, *(g.capitalize() for g in GREEK),
}  # fmt: skip

_GRADIENT = re.compile(
    r"∂|∇|\\partial|\\nabla|"  # ∂L/∂w, \nabla_w L
    r"\\[dt]?frac\s*\{\s*(\\mathrm\{d\}|d)|"  # \frac{dL}{dw}, \frac{d}{dz}[…]
    r"^\s*d\s*[A-Za-z\\{]?[^=/]*/\s*d\s*[A-Za-z\\]"  # dL/dw, d/dw
)
_DECORATED = (
    r"\\(?:hat|widehat|bar|overline|tilde|widetilde|mathbf|boldsymbol|bm|vec|mathrm|"
    r"operatorname|text|textrm|mathcal|mathit|mathsf)\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z])"
)
_ATOM = rf"(?:{_DECORATED}|\\[A-Za-z]+|[A-Za-z][A-Za-z0-9]*)"
_SUB = r"(?:_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9]+))"
_SUP = r"(?:\^\s*(?:\{[^{}]*\}|\([^()]*\)|\\star|\*))"
_ARGS = r"(?:\\left\s*)?\((?P<args>[^()]*)(?:\\right\s*)?\)"
_PRIMES = r"(?P<primes>(?:'|\^\s*\{?\s*\\prime\s*\}?)*)"
_NAME_LABEL = re.compile(
    rf"\s*(?P<atom>{_ATOM})\s*{_SUB}?\s*{_SUP}?\s*{_SUB}?\s*{_PRIMES}\s*(?:{_ARGS})?\s*"
)
_ARG_LIST = re.compile(r"[\sA-Za-z0-9_{}\\,;^]*")


_EQUATION_SIGN = re.compile(
    r":=|≔|←|≡|\\(?:leftarrow|gets|coloneqq|triangleq|equiv|stackrel\{\w*\}\{=\})(?![A-Za-z])"
)


@dataclass(frozen=True)
class Segment:
    text: str
    offset: int  # where it starts in the line


def split_sides(text: str) -> list[Segment]:
    """The parts of ``text`` between its top-level ``=`` signs (not ``<=``, ``==``, …, and not
    inside brackets or a ``cases`` environment)."""
    depth, cases, start = 0, 0, 0
    parts: list[Segment] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("\\begin{", i):
            cases += 1
        elif text.startswith("\\end{", i):
            cases -= 1
        sign = _EQUATION_SIGN.match(text, i) if depth == 0 and cases == 0 else None
        if sign:  # := , ← , \leftarrow , \gets : an update or a definition reads like =
            parts.append(Segment(text[start:i], start))
            i = start = sign.end()
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0 and cases == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if (not before or before not in "<>!=") and after != "=":
                parts.append(Segment(text[start:i], start))
                start = i + 1
        i += 1
    parts.append(Segment(text[start:], start))
    return parts


_TEX_TRICKS = re.compile(r"[`#\"$@]|\^\^")


def check_label_text(segment: Segment, whole: str, *, label: bool = True) -> None:
    """Refuse TeX tricks before an ``=``: a label (or the first side of an equation) must read
    as maths."""
    commands = set(re.findall(r"\\([A-Za-z]+)", segment.text))
    unknown = {c for c in commands - _LABEL_COMMANDS if not known_command(c)}
    forbidden = _LABEL_FORBIDDEN if label else _TEX_TRICKS
    if forbidden.search(segment.text) or unknown:
        raise ExprError(
            "the part before '=' does not read as a label such as dL/dw or "
            "\\frac{\\partial L}{\\partial w}: remove it",
            0,
            whole,
        )


def label_kind(segment: str, declared: set[str]) -> LabelKind | None:
    """Is ``segment`` a label, and of which kind? None when it is a side of an equation.

    >>> label_kind(r"\\frac{\\partial L}{\\partial w}", set()), label_kind("L(w)", set())
    ('gradient', 'name')
    >>> label_kind("2(w + 1)", set()) is None, label_kind("p(1 - p)", {"p"}) is None
    (True, True)
    """
    text = segment.strip()
    if not text:
        return "name"  # "= 2w - 2": a continuation line
    if _GRADIENT.search(text):
        return "gradient"
    match = _NAME_LABEL.fullmatch(text)
    if match is None:
        return None
    if match.group("primes"):
        return "gradient"  # L'(w), \sigma'(z)
    args = match.group("args")
    if args is None:
        return "name"
    if not _ARG_LIST.fullmatch(args):
        return None  # an expression in the parentheses: p(1 - p) is a product
    name = re.sub(
        r"^\\(?:operatorname|mathrm|text|textrm)\s*\{([^{}]*)\}$", r"\1", match.group("atom")
    )
    name = canonical_name(name.lstrip("\\").replace(" ", ""))
    if function_name(name) or name in declared:
        return None  # sigma(z) = …, or a declared variable times a bracket
    return "name"


_PROSE_STARTS = frozenset(
    [
        "by",
        "using",
        "use",
        "from",
        "since",
        "because",
        "via",
        "with",
        "where",
        "which",
        "so",
        "as",
        "for",
        "applying",
        "apply",
        "after",
        "hence",
        "thus",
        "then",
        "therefore",
        "here",
        "giving",
        "gives",
        "and",
    ]
)
_TRAILING = re.compile(
    r"(?P<words>(?:\\(?:text|textrm|mbox|mathrm)\s*\{[^{}]*\}\s*)+"
    r"|[A-Za-z]+(?:[\s,]+[A-Za-z]+)+)\s*\.?\s*$"
)


def strip_trailing_words(text: str, declared: set[str]) -> tuple[str, str | None]:
    """``2(w - 1) by the chain rule`` → the formula and the words set aside (as spaces, so
    positions still point into what was typed). Only a run of plain words that starts with a
    word of prose ("by", "using", "since", …) is set aside.

    >>> strip_trailing_words("2(w - 1) by the chain rule", set())[1]
    "the words at the end ('by the chain rule') are not read"
    """
    match = _TRAILING.search(text)
    if match is None:
        return text, None
    raw, start = match.group("words"), match.start("words")
    if raw.startswith("\\"):
        words = re.sub(r"\\[A-Za-z]+\s*\{([^{}]*)\}", r" \1 ", raw).split()
        cut = start
    else:
        first = next(
            (m for m in re.finditer(r"[A-Za-z]+", raw) if m.group(0).lower() in _PROSE_STARTS),
            None,
        )
        if first is None:
            return text, None
        words, cut = raw[first.start() :].split(), start + first.start()
    words = [w.strip(",.;:").lower() for w in words if w.strip(",.;:")]
    if len(words) < 2 or words[0] not in _PROSE_STARTS or any(w in declared for w in words):
        return text, None
    if cut == 0 or not all(re.fullmatch(r"[a-z'-]+", w) for w in words):
        return text, None
    kept = text[:cut].rstrip(" ,;:")
    shown = " ".join(words)
    return kept + " " * (len(text) - len(kept)), f"the words at the end ('{shown}') are not read"
