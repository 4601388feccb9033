"""Cut an answer into the pieces it asserts: sentences, then clauses, each with its place in
the text so feedback can quote the learner's own words."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# A sentence ends at . ! ? (not inside a number such as 1.345 or an abbreviation such as e.g.),
# at a semicolon, at a line break, and before a bullet.
_SENTENCE_END = re.compile(
    r"(?<!\d)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)[.!?]+(?=\s|$)|;|\n+|(?=\s[•▪◦‣*-]\s)"
)
# Inside a sentence, a clause ends where a contrast or a new reason begins.
# ("X, and Y" is cut too, and so is "X and with/for/when Y": each side is a claim of its own. A
# neighbouring pair of clauses is compared as well, so a claim cut in two is still found.)
_CLAUSE_BREAK = re.compile(
    r",?\s+(?:but|whereas|while|although|though|however|yet|unlike|instead)\s+"
    r"|,\s+(?:so|because|since|which|and\s+so|and|or)\s+"
    r"|\s+(?:and|or)\s+(?=(?:with|for|when|if|once|then|so|it|this|that|they|its)\b)"
    r"|,\s+(?=(?:not|rather\s+than|instead\s+of)\b)"  # "A, not B": B is denied on its own
    r"|:\s+|\s+[-–—]\s+|\(|\)",
    re.IGNORECASE,
)
MIN_CHARS = 3


@dataclass(frozen=True)
class Span:
    """A piece of the answer: ``text`` is ``answer[start:end]``."""

    start: int
    end: int
    text: str
    sentence: int  # index of the sentence it belongs to
    parts: tuple[int, ...] = ()  # for a pair or a sentence: the indices of its clauses


# An operand of a formula: a one-letter name (with its index), a number, a closing bracket.
_OPERAND_BEFORE = re.compile(r"(?:(?<![\w])[^\W\d](?:_\w+)?|\d|[)\]}])$")
_OPERAND_AFTER = re.compile(r"^(?:[^\W\d]{1,2}(?:_\w+)?(?![^\W\d])|\d|[(\[{])")


_WINDOW = 40


def _is_minus(text: str, match: re.Match[str]) -> bool:
    """Whether a spaced hyphen is a minus sign ("p - y"), not a dash or a bullet."""
    cut = match.group(0) or text[match.start() : match.start() + 3]  # a bullet's lookahead
    after = match.start() + len(cut)
    return (  # a window either side: an operand is short, and a long answer stays linear
        cut.strip() == "-"
        and bool(_OPERAND_BEFORE.search(text[max(0, match.start() - _WINDOW) : match.start()]))
        and bool(_OPERAND_AFTER.match(text[after : after + _WINDOW].lstrip()))
    )


def _call_brackets(text: str) -> frozenset[int]:
    """Where the brackets of a formula's call or grouping are ("sigmoid(z)", "e^(z − c)",
    "(1 − p)^y"): written against a name, a power or another bracket, they hold part of a
    formula, not a remark in parentheses."""
    out: set[int] = set()
    opened: list[tuple[int, bool]] = []
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append((i, i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_^)]}'")))
        elif ch == ")" and opened:
            start, call = opened.pop()
            if call or text[i + 1 : i + 2] in ("^", "²", "ᵀ", "⁻", "(", "_"):
                out |= {start, i}
    return frozenset(out)


def _pieces(text: str, pattern: re.Pattern[str], offset: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    calls = _call_brackets(text) if "(" in text else frozenset()
    for match in pattern.finditer(text):
        if _is_minus(text, match) or (match.group(0).strip() in "()" and match.start() in calls):
            continue
        out.append((offset + start, offset + match.start()))
        start = match.end()
    out.append((offset + start, offset + len(text)))
    return out


def _trimmed(answer: str, start: int, end: int) -> tuple[int, int]:
    piece = answer[start:end]
    lead = len(piece) - len(piece.lstrip(" \t•▪◦‣*-,.:;"))
    trail = len(piece) - len(piece.rstrip(" \t,.:;"))
    return start + lead, end - trail


def sentences(answer: str) -> list[Span]:
    """The answer's sentences (and lines, and bullet points), in order."""
    out: list[Span] = []
    for start, end in _pieces(answer, _SENTENCE_END, 0):
        start, end = _trimmed(answer, start, end)
        if end - start >= MIN_CHARS:
            out.append(Span(start, end, answer[start:end], len(out)))
    return out


def clauses(answer: str) -> list[Span]:
    """The answer's clauses: each sentence cut where a contrast or a new reason begins."""
    out: list[Span] = []
    for sentence in sentences(answer):
        for start, end in _pieces(sentence.text, _CLAUSE_BREAK, sentence.start):
            start, end = _trimmed(answer, start, end)
            if end - start >= MIN_CHARS:
                out.append(Span(start, end, answer[start:end], sentence.sentence))
    return out


def units(answer: str) -> list[Span]:
    """What is compared with the rubric: every clause, every pair of neighbouring clauses of one
    sentence (a claim often runs over two: "it clips the gradient, so outliers are bounded"),
    and every sentence of three clauses or more.

    >>> [u.text for u in units("Big delta acts like MSE, whereas small delta acts like MAE.")][:2]
    ['Big delta acts like MSE', 'small delta acts like MAE']
    """
    parts = clauses(answer)
    pairs = [
        Span(a.start, b.end, answer[a.start : b.end], a.sentence, (i, i + 1))
        for i, (a, b) in enumerate(itertools.pairwise(parts))
        if a.sentence == b.sentence
    ]
    whole = []
    for s in sentences(answer):
        inside = tuple(i for i, p in enumerate(parts) if p.sentence == s.sentence)
        if len(inside) > 2:
            whole.append(Span(s.start, s.end, s.text, s.sentence, inside))
    return parts + pairs + whole
