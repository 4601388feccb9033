"""The expression tree built by the parser (our own nodes: nothing is ever evaluated as code)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


def walk(node: Node) -> Iterator[Node]:
    """Yield every node of the tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def names_in(node: Node) -> set[str]:
    return {n.name for n in walk(node) if isinstance(n, Name)}


def size(node: Node) -> int:
    return sum(1 for _ in walk(node))
