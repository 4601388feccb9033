"""Indexed sums and products at parse time: what ``\\sum_{i=1}^{n} body`` means.

The summand's dependence on the index decides: entries of vectors indexed by ``i`` (``y_i``,
``x_i`` a row of ``X``, ``(X beta)_i``) run over their dimension, which must agree with the
bounds; a summand without the index is counted once per term (``\\sum_{k=1}^{3} c = 3c``); any
range other than the full one is that range and is evaluated as such. A full-range sum of
entries is rewritten as the elementwise ``sum(...)`` it equals, so that it prints, proves and
diagnoses like one; every other sum stays an :class:`~engine.expr.ast.IndexSum`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from engine.expr import ast as A
from engine.expr.errors import ExprError, LimitError, ShapeError
from engine.expr.names import ELEMENTWISE
from engine.expr.printer import to_ascii
from engine.expr.shapes import Shape, describe, infer

# An index-dependent summand is evaluated term by term: bounded so that a sum over 10^9 terms
# is refused at once (a summand without the index is counted, never looped).
MAX_SUM_TERMS = 1000
MAX_NESTED_TERMS = 2_500  # nested sums with numbers as bounds: terms in all
Bound = tuple[str | None, Fraction]  # (dimension name or None, constant): n - 1 is ("n", -1)


@dataclass
class SumContext:
    """What a sum is resolved against: declared shapes, dimension names, whole-number names."""

    shapes: dict[str, Shape]
    dims: set[str]
    integers: set[str]
    strict: bool
    text: str
    notes: list[str] = field(default_factory=list)
    sizes: dict[str, str | None] = field(default_factory=dict)

    def error(self, message: str, pos: int, kind: type[ExprError] = ExprError) -> ExprError:
        return kind(f"{message} at {pos}", pos, self.text)


@dataclass
class OpenSum:
    """A sum being parsed: its operator, index, written bounds and where it starts."""

    op: str
    index: str
    lower: A.Node | None
    upper: A.Node | None
    pos: int
    scalar_entries: bool = False  # y_i of an undeclared (scalar) y was seen


def _bound(node: A.Node, dims: set[str]) -> Bound | None:
    """``n``, ``n - 1``, ``3`` as (dimension, constant); None for anything else."""
    match node:
        case A.Num(value=v) if v.denominator == 1:
            return None, v
        case A.Neg(arg=A.Num(value=v)) if v.denominator == 1:
            return None, -v
        case A.Name(name=name) if name in dims:
            return name, Fraction(0)
        case A.Bin(op="+" | "-", left=A.Name(name=name), right=A.Num(value=v)) if name in dims:
            return name, v if node.op == "+" else -v
    return None


_BIG = Fraction(10) ** 30


def constant(node: A.Node) -> Fraction | None:
    """The value of a bound written with numbers only (``10^9``, ``2*5 - 1``), else None."""
    match node:
        case A.Num(value=v):
            return v
        case A.Neg(arg=arg):
            inner = constant(arg)
            return None if inner is None else -inner
        case A.Bin(op=op, left=left, right=right):
            a, b = constant(left), constant(right)
            if a is None or b is None:
                return None
            if op == "^":
                if b.denominator != 1 or abs(b) > 64 or (a == 0 and b < 0):
                    return None
                value = a ** int(b)
            elif op == "/":
                if not b:
                    return None
                value = a / b
            else:
                value = {"+": a + b, "-": a - b}.get(op, a * b)
            return value if abs(value) <= _BIG else None
    return None


def _literal(node: A.Node) -> A.Node:
    value = constant(node)
    if value is None or isinstance(node, A.Num):
        return node
    return A.Num(value, str(value))


def _entry_dims(body: A.Node, index: str, shapes: dict[str, Shape]) -> list[tuple[str, A.Node]]:
    """The dimension each entry picked by ``index`` runs over, with the entry."""
    found: list[tuple[str, A.Node]] = []
    for node in A.walk(body):
        if isinstance(node, A.Entry) and index in node.indices:
            shape = infer(node.arg, shapes)
            position = node.indices.index(index)
            if len(node.indices) == 2:
                dim = shape[position]
            elif shape[1] == 1:
                dim = shape[0]  # a vector's entry, or a matrix's row
            else:
                dim = shape[1] if shape[0] == 1 else shape[0]
            if dim != 1:
                found.append((str(dim), node))
    return found


def _inner_terms(body: A.Node) -> int:
    """The number of terms of the sums inside ``body`` whose bounds are numbers (nested ones
    multiply), so that ``\\sum_{i=1}^{1000}\\sum_{j=1}^{1000}`` is refused at once."""
    most = 1
    for node in A.walk(body):
        match node:
            case A.IndexSum(lower=A.Num(value=low), upper=A.Num(value=high), body=inner):
                most = max(most, int(high - low + 1) * _inner_terms(inner))
    return most


def _uses_value(body: A.Node, index: str) -> bool:
    return any(isinstance(n, A.Name) and n.name == index for n in A.walk(body))


def _count(lower: A.Node, upper: A.Node) -> A.Node:
    """The number of terms from ``lower`` to ``upper``, as simply as it can be written."""
    if isinstance(lower, A.Num) and isinstance(upper, A.Num):
        value = max(upper.value - lower.value + 1, Fraction(0))
        return A.Num(value, str(value))
    if lower == A.Num(Fraction(1), "1"):
        return upper
    if isinstance(lower, A.Num) and lower.value == 1:
        return upper
    return A.Bin("+", A.Bin("-", upper, lower), A.Num(Fraction(1), "1"))


def _describe_entry(node: A.Node) -> str:
    return to_ascii(node.arg) if isinstance(node, A.Entry) else to_ascii(node)


def _size(ctx: SumContext, s: OpenSum, upper: A.Node, dim: str | None) -> A.Node:
    """An undeclared letter as the upper bound of a sum of entries is their size: in
    ``\\frac{1}{m}\\sum_{i=1}^{m} y_i`` with ``y`` an n-vector, m is n."""
    if not (isinstance(upper, A.Name) and upper.name in ctx.sizes and dim is not None):
        return upper
    known = ctx.sizes[upper.name]
    if known not in (None, dim):
        raise ctx.error(f"{upper.name} bounds sums over {known} and over {dim} terms", s.pos)
    ctx.sizes[upper.name] = dim
    return A.Name(dim)


def _check_bounds(ctx: SumContext, s: OpenSum, lower: A.Node, upper: A.Node) -> None:
    """Bounds must be whole numbers: literals, dimension names, or whole-number variables."""
    for bound in (lower, upper):
        for name in A.free_names(bound):
            if name in ctx.dims or name in ctx.integers or not ctx.strict:
                continue
            raise ctx.error(
                f"the bound {name} of this sum is not a whole number (only sizes such as "
                f"{', '.join(sorted(ctx.dims)) or 'n'} or numbers can bound a sum here): "
                "write the sum in closed form",
                s.pos,
            )
        if any(isinstance(n, A.Name) and n.name == "infinity" for n in A.walk(bound)):
            raise ctx.error("a sum to infinity (a series) is not read: write its value", s.pos)


def _check_range(
    ctx: SumContext, s: OpenSum, dim: str, entry: A.Node, lower: A.Node, upper: A.Node, base: int
) -> bool:
    """Is the range the entries' full range? Raise when it runs past them."""
    low, high = _bound(lower, ctx.dims), _bound(upper, ctx.dims)
    what = f"{_describe_entry(entry)} has {dim} entries"
    if low is not None and low[0] is None and low[1] < base:
        raise ctx.error(f"the index {s.index} starts at {low[1]} but {what}", s.pos, ShapeError)
    if high is not None and high[0] is not None:
        if high[0] != dim:
            raise ctx.error(f"the index {s.index} runs to {high[0]} but {what}", s.pos, ShapeError)
        if high[1] > base - 1:
            last = f"{dim} + {high[1] - base + 1}" if high[1] - base + 1 else dim
            raise ctx.error(
                f"the index {s.index} takes {last} values but {what}", s.pos, ShapeError
            )
    return (
        low is not None
        and high is not None
        and low == (None, Fraction(base))
        and high == (dim, Fraction(base - 1))
    )


_FOLDABLE_CALLS = ELEMENTWISE | {"log", "root", "max", "min", "clip", "binomial", "indicator"}


def _fold(body: A.Node, index: str, dim: str, shapes: dict[str, Shape]) -> A.Node | None:
    """``y_i * log(p_i)`` as the vector expression ``y * log(p)``, when that is what it is."""

    def go(node: A.Node) -> A.Node | None:
        match node:
            case A.Entry(arg=arg, indices=(i,)) if i == index:
                return arg if infer(arg, shapes) == (dim, 1) else None
            case A.Entry() | A.IndexSum():
                return node if index not in _mentions(node) else None
            case A.Name(name=name) if name == index:
                return None
            case A.Call(func=func, args=args):
                new = [go(a) for a in args]
                if any(n is None for n in new):
                    return None
                if func not in _FOLDABLE_CALLS and new != list(args):
                    return None
                return A.Call(func, tuple(n for n in new if n is not None))
            case A.Transpose(arg=arg):
                inner = go(arg)
                return None if inner is None or inner != arg else node
            case A.Bin(op=op, left=left, right=right):
                a, b = go(left), go(right)
                if a is None or b is None or (op == "@" and (a, b) != (left, right)):
                    return None
                return A.Bin(op, a, b)
            case A.Neg(arg=arg):
                inner = go(arg)
                return None if inner is None else A.Neg(inner)
            case A.Piecewise(pieces=pieces):
                out = [(go(v), go(c)) for v, c in pieces]
                if any(v is None or c is None for v, c in out):
                    return None
                return A.Piecewise(tuple((v, c) for v, c in out if v is not None and c is not None))
            case A.Cmp(op=op, left=left, right=right):
                a, b = go(left), go(right)
                return None if a is None or b is None else A.Cmp(op, a, b)
            case A.Logic(op=op, args=args):
                new = [go(a) for a in args]
                return None if any(n is None for n in new) else A.Logic(op, tuple(new))  # type: ignore[arg-type]
        return node

    folded = go(body)
    if folded is None:
        return None
    try:
        return folded if infer(folded, shapes) == (dim, 1) else None
    except ShapeError:
        return None


def _mentions(node: A.Node) -> set[str]:
    out: set[str] = set()
    for n in A.walk(node):
        if isinstance(n, A.Entry):
            out.update(n.indices)
        elif isinstance(n, A.Name):
            out.add(n.name)
    return out


def close_sum(ctx: SumContext, s: OpenSum, body: A.Node) -> A.Node:
    """The node a parsed ``\\sum``/``\\prod`` stands for (see the module docstring)."""
    try:
        found = _entry_dims(body, s.index, ctx.shapes)
    except ShapeError as exc:
        raise ctx.error(exc.message, s.pos, ShapeError) from None
    dims = {dim for dim, _ in found}
    if len(dims) > 1:
        listing = " and ".join(
            f"{_describe_entry(e)} ({dim} entries)" for dim, e in dict(found).items()
        )
        raise ctx.error(f"the index {s.index} runs over {listing}", s.pos, ShapeError)
    dim = next(iter(dims), None)
    if s.op == "vector":
        return _close_vector(ctx, s, body, dim)
    entry = found[0][1] if found else None
    depends = bool(found) or _uses_value(body, s.index)
    lower, upper = s.lower, s.upper
    if lower is None and upper is None:
        if dim is None:
            if s.scalar_entries and s.op == "sum" and not depends:
                return A.Call("sum", (body,))  # nothing declared: every name is a scalar
            raise ctx.error(
                f"give the bounds of the index {s.index} (\\{s.op}_{{{s.index}=1}}^{{n}}): "
                "nothing in the summand tells how many terms there are",
                s.pos,
            )
        lower, upper = A.Num(Fraction(1), "1"), A.Name(dim)
    elif upper is None:
        if dim is None:
            raise ctx.error(f"give the upper bound of the index {s.index}", s.pos)
        assert lower is not None
        upper = A.Bin("-", A.Name(dim), A.Num(Fraction(1), "1")) if lower == _ZERO else A.Name(dim)
    elif lower is None:
        lower = A.Num(Fraction(1), "1")
    assert lower is not None and upper is not None
    lower, upper = _literal(lower), _literal(upper)
    upper = _size(ctx, s, upper, dim)
    _check_bounds(ctx, s, lower, upper)
    base = 0 if isinstance(lower, A.Num) and lower.value == 0 else 1
    full = False
    if dim is not None and entry is not None:
        full = _check_range(ctx, s, dim, entry, lower, upper, base)
    if not depends:
        count = _count(lower, upper)
        how = "added" if s.op == "sum" else "multiplied"
        ctx.notes.append(
            f"the summand does not depend on {s.index}: it is {how} once per term "
            f"({to_ascii(count)} terms)"
        )
        if s.op == "sum":
            return A.Bin("*", count, body)
        return A.Bin("^", body, count)
    if isinstance(lower, A.Num) and isinstance(upper, A.Num):
        inner = _inner_terms(body)
        terms = (upper.value - lower.value + 1) * inner
        limit = MAX_SUM_TERMS if inner == 1 else MAX_NESTED_TERMS
        if terms > limit:
            raise ctx.error(
                f"a {s.op} of {terms} terms is too long to evaluate (limit {limit}): "
                "write it in closed form",
                s.pos,
                LimitError,
            )
    if full and s.op == "sum" and dim is not None:
        folded = _fold(body, s.index, dim, ctx.shapes)
        if folded is not None:
            return A.Call("sum", (folded,))
    return A.IndexSum(s.op, s.index, lower, upper, body, base)


_ZERO = A.Num(Fraction(0), "0")


def _close_vector(ctx: SumContext, s: OpenSum, body: A.Node, dim: str | None) -> A.Node:
    """A free index (``\\partial L / \\partial z_j = p_j - y_j``): the vector whose j-th entry is
    the formula at j, written as the vector expression it equals where there is one."""
    if dim is None:
        raise ctx.error(f"the index {s.index} picks no entry of a vector", s.pos)
    for bound, full in ((s.lower, Fraction(1)), (s.upper, None)):
        if bound is None:
            continue
        if full is not None and constant(bound) != full:
            raise ctx.error(f"a vector's entries run from 1, not from {to_ascii(bound)}", s.pos)
        if full is None and bound != A.Name(dim):
            raise ctx.error(f"the index {s.index} runs over {dim} entries", s.pos, ShapeError)
    try:
        shape = infer(body, ctx.shapes)
    except ShapeError as exc:
        raise ctx.error(exc.message, s.pos, ShapeError) from None
    if shape != (1, 1):
        raise ctx.error(
            f"each entry (at {s.index}) must be a number, not {describe(shape)}", s.pos, ShapeError
        )
    note = f"the free index {s.index}: your answer is the vector of its {dim} entries"
    if note not in ctx.notes:
        ctx.notes.append(note)
    folded = _fold(body, s.index, dim, ctx.shapes)
    one = A.Num(Fraction(1), "1")
    return folded if folded is not None else A.IndexSum("vector", s.index, one, A.Name(dim), body)


__all__ = ["MAX_SUM_TERMS", "OpenSum", "SumContext", "close_sum"]
