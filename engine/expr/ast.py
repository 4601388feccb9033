"""The expression tree built by the parser (our own nodes: nothing is ever evaluated as code)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from fractions import Fraction


class Node:
    """Base of all nodes; nodes are immutable and hashable."""

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Num(Node):
    value: Fraction
    text: str


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Const(Node):
    name: str  # "pi" or "e"


@dataclass(frozen=True)
class Identity(Node):
    """The identity matrix; its size comes from the context it is used in."""


@dataclass(frozen=True)
class Neg(Node):
    arg: Node

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class Bin(Node):
    """Binary operation: ``+ - * / @ ^`` and ``jux`` (juxtaposition)."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Transpose(Node):
    arg: Node

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Cmp(Node):
    op: str  # < <= > >= == !=
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Logic(Node):
    op: str  # and, or, not
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class TrueCond(Node):
    """The catch-all condition of a piecewise (``True`` / ``otherwise``)."""


@dataclass(frozen=True)
class Piecewise(Node):
    pieces: tuple[tuple[Node, Node], ...]  # (value, condition)

    def children(self) -> tuple[Node, ...]:
        return tuple(n for piece in self.pieces for n in piece)


@dataclass(frozen=True)
class Entry(Node):
    """The entry of ``arg`` at the summation indices: ``y_i`` (a vector's entry), ``x_i`` (row
    i of a matrix, as a column), ``A_{ij}`` (a matrix entry), ``(X beta)_i``."""

    arg: Node
    indices: tuple[str, ...]

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)


@dataclass(frozen=True)
class IndexSum(Node):
    """``\\sum_{index=lower}^{upper} body`` (or ``\\prod``): the body is evaluated at every
    whole index from ``lower`` to ``upper``. ``base`` is the position of a vector's first entry
    (1, or 0 for a range that starts at 0)."""

    op: str  # "sum" or "prod"
    index: str
    lower: Node
    upper: Node
    body: Node
    base: int = 1

    def children(self) -> tuple[Node, ...]:
        return (self.lower, self.upper, self.body)


def walk(node: Node) -> Iterator[Node]:
    """Yield every node of the tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def names_in(node: Node) -> set[str]:
    """Every name in the tree, summation indices included."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


def free_names(node: Node) -> set[str]:
    """The names a value must be given for: summation indices are bound by their sum."""
    if isinstance(node, IndexSum):
        inner = free_names(node.body) - {node.index}
        return inner | free_names(node.lower) | free_names(node.upper)
    if isinstance(node, Name):
        return {node.name}
    out: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, IndexSum):
            out |= free_names(current)
        elif isinstance(current, Name):
            out.add(current.name)
        else:
            stack.extend(current.children())
    return out


def size(node: Node) -> int:
    return sum(1 for _ in walk(node))


def rename(node: Node, names: Mapping[str, str]) -> Node:
    """The tree with every ``Name`` in ``names`` renamed (sums' own indices are left alone)."""
    if isinstance(node, Name):
        return Name(names.get(node.name, node.name))
    if isinstance(node, IndexSum) and node.index in names:
        names = {k: v for k, v in names.items() if k != node.index}
    changes: dict[str, object] = {}
    for f in fields(node):  # type: ignore[arg-type]
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = rename(value, names)
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            changes[f.name] = tuple(rename(v, names) for v in value)
        elif isinstance(value, tuple) and value and isinstance(value[0], tuple):
            changes[f.name] = tuple(tuple(rename(v, names) for v in piece) for piece in value)
    return replace(node, **changes) if changes else node  # type: ignore[type-var]
