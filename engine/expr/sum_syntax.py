"""The syntax of sums and entries: ``\\sum_{i=1}^{n}``, ``sum(i=1..n, …)``, ``y_i``, ``y[i]``,
``x^{(i)}``, ``(X beta)_i``; what a sum means is decided in :mod:`engine.expr.sums`."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

from engine.expr import ast as A
from engine.expr.lexer import Token
from engine.expr.sums import OpenSum, close_sum

if TYPE_CHECKING:
    from engine.expr.parser import Parser


def summation(p: Parser) -> A.Node:
    """``\\sum_{i=1}^{n} body`` (either order of the bounds) or ``\\prod``."""
    token = p.next()
    index, lower, upper = "", None, None
    pair = re.fullmatch(r"\s*([A-Za-z])\s*,\s*([A-Za-z])\s*", token.sub or "")
    if pair and token.sup is None:  # \sum_{i,j}: over every i and every j
        first, second = pair.groups()
        return p.sum_body(
            OpenSum(token.value, first, None, None, token.pos),
            OpenSum(token.value, second, None, None, token.pos),
        )
    p.upper_from_index = None
    if token.sub is not None:
        index, lower = p.sum_index(token.sub, token.sub_pos, token)
    if p.upper_from_index is not None and token.sup is None:
        upper = p.upper_from_index.parse()
    if token.sup is not None:
        upper = p.sub_parser(token.sup, token.sup_pos).parse()
        if not index:
            raise p.error(f"give the index of \\{token.value} (\\sum_{{i=1}}^{{n}})", token)
    if not index:
        # a bare \sum: the sum of every entry of its argument, as sum(...)
        p.enter()
        body = p.parse_mul()
        p.depth -= 1
        if token.value != "sum":
            raise p.error("give the index and bounds of \\prod", token)
        return A.Call("sum", (body,))
    return p.sum_body(OpenSum(token.value, index, lower, upper, token.pos))


def sum_index(p: Parser, raw: str, offset: int, token: Token) -> tuple[str, A.Node | None]:
    """``i``, ``i=1``, ``k = 0`` → the index and the lower bound (None if not written);
    ``i \\in [n]`` is ``i=1`` to ``n`` (the upper bound is kept for :meth:`summation`)."""
    member = re.fullmatch(r"\s*([A-Za-z])\s*\\in\s*\[\s*(.+?)\s*\]\s*", raw)
    if member:
        p.upper_from_index = p.sub_parser(member.group(2), offset + member.start(2))
        return member.group(1), A.Num(Fraction(1), "1")
    name, equals, rest = raw.partition("=")
    index = name.strip()
    if not (len(index) == 1 and index.isalpha()) or (equals and not rest.strip()):
        raise p.error(f"cannot read the summation index in {raw!r}", token)
    if not equals:
        return index, None
    start = offset + raw.index("=") + 1
    return index, p.sub_parser(rest, start).parse()


def sum_body(p: Parser, *open_sums: OpenSum, whole: bool = False) -> A.Node:
    """Parse the summand of one sum (or of nested ones, outermost first) and close them: the
    product that follows ``\\sum``, or (``whole``) all of ``sum(i=1..n, …)``'s argument."""
    p.sums.extend(open_sums)
    p.enter()
    try:
        node = p.parse_or() if whole else p.parse_mul()
    finally:
        p.depth -= 1
        del p.sums[len(p.sums) - len(open_sums) :]
    for open_sum in reversed(open_sums):
        node = close_sum(p.sum_context(), open_sum, node)
    return node


def ascii_sum(p: Parser, op: str, token: Token) -> A.Node:
    """``sum(i=1..n, body)`` and ``prod(i=1..n, body)``."""
    p.expect("LP", f"'(' after {op}")
    index = p.expect("ID", "the index").value
    if len(index) != 1:
        raise p.error(f"the index of {op} must be one letter, not {index!r}", token)
    p.expect("CMP", "'=' after the index")
    lower = p.parse_add()
    p.expect("RANGE", "'..' between the bounds")
    upper = p.parse_add()
    p.expect("COMMA", "',' before the summand")
    saved, p.bar_depth = p.bar_depth, 0
    node = p.sum_body(OpenSum(op, index, lower, upper, token.pos), whole=True)
    p.bar_depth = saved
    p.expect("RP", f"')' to close {op}(")
    return node


def superscript_index(p: Parser) -> str | None:
    """``^{(i)}`` or ``^(i)`` with ``i`` the index of an enclosing sum (consumed)."""
    kinds = [p.peek(j).kind for j in range(5)]
    for pattern in (["LC", "LP", "ID", "RP", "RC"], ["LP", "ID", "RP"]):
        if kinds[: len(pattern)] == pattern:
            name = p.peek(pattern.index("ID")).value
            if name in p.active_indices():
                p.k += len(pattern)
                return name
    return None


def bracket_index(p: Parser) -> tuple[str, ...] | None:
    """``y[i]`` or ``A[i, j]`` with indices of enclosing sums (consumed)."""
    active = p.active_indices()
    kinds = [p.peek(j).kind for j in range(5)]
    index: tuple[str, ...]
    if kinds[:3] == ["LB", "ID", "RB"] and p.peek(1).value in active:
        index = (p.peek(1).value,)
    elif kinds == ["LB", "ID", "COMMA", "ID", "RB"] and {
        p.peek(1).value,
        p.peek(3).value,
    } <= set(active):
        index = (p.peek(1).value, p.peek(3).value)
    else:
        return None
    p.k += 2 * len(index) + 1
    return index


def subscript_indices(p: Parser, token: Token) -> tuple[str, ...]:
    active = p.active_indices()
    value = token.value
    if value in active:
        return (value,)
    if len(value) == 2 and value[0] in active and value[1] in active:
        return (value[0], value[1])
    raise p.error(
        f"the subscript {value} after a bracket is not the index of an enclosing sum "
        "(write the entry inside \\sum_{" + value[:1] + "})",
        token,
    )
