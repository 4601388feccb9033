"""Static shape inference: every node is a scalar, a column vector, a row vector or a matrix.

Shapes are pairs of dimension names (``1`` for a unit axis); vectors are columns, so ``u^T v``
is a scalar and ``u v^T`` an outer product. Errors say both sides: "cannot add an n-vector and a
p-vector".
"""

from __future__ import annotations

from engine.expr import ast as A
from engine.expr.errors import ShapeError, TransposeError
from engine.expr.names import ELEMENTWISE

Dim = str | int
Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)
ANY_SQUARE: Shape = ("*", "*")  # the identity matrix, sized by its context
REDUCTIONS = {"sum", "mean", "norm", "trace"}


def describe(shape: Shape) -> str:
    rows, cols = shape
    if shape == SCALAR:
        return "a scalar"
    if shape == ANY_SQUARE:
        return "the identity matrix"
    if cols == 1:
        return f"{_article(rows)} {rows}-vector"
    if rows == 1:
        return f"a row vector of length {cols} (a transposed vector)"
    return f"{_article(rows)} {rows}×{cols} matrix"


def mismatch(message: str, *shapes: Shape, hint: bool = False) -> ShapeError:
    """The error for shapes that do not fit: a transpose mistake when a transpose would chain
    the product or a row vector (a transposed vector) is involved, else a plain shape error."""
    rows = any(shape != SCALAR and shape[0] == 1 for shape in shapes)
    return (TransposeError if hint or rows else ShapeError)(message)


def _article(dim: Dim) -> str:
    return "an" if str(dim)[0] in "aefhilmnorsx8" else "a"


def from_declared(dims: tuple[str, ...]) -> Shape:
    if len(dims) == 0:
        return SCALAR
    if len(dims) == 1:
        return (dims[0], 1)
    return (dims[0], dims[1])


def is_scalar(shape: Shape) -> bool:
    return shape == SCALAR


def _square(shape: Shape) -> bool:
    return shape[0] == shape[1] and shape != SCALAR


def _broadcast(a: Shape, b: Shape, what: str) -> Shape:
    if a == b or is_scalar(b):
        return a
    if is_scalar(a):
        return b
    if a == ANY_SQUARE and _square(b):
        return b
    if b == ANY_SQUARE and _square(a):
        return a
    raise mismatch(f"cannot {what} {describe(a)} and {describe(b)}", a, b)


def _matmul(a: Shape, b: Shape) -> Shape:
    if a == ANY_SQUARE:
        return b
    if b == ANY_SQUARE:
        return a
    if a[1] == b[0]:
        return (a[0], b[1])
    hint = ""
    if a[0] == b[0]:
        hint = " — did you forget a transpose on the left factor?"
    elif a[1] == b[1]:
        hint = " — did you forget a transpose on the right factor?"
    raise mismatch(
        f"cannot multiply {describe(a)} by {describe(b)}: inner sizes {a[1]} and {b[0]} differ{hint}",
        a,
        b,
        hint=bool(hint),
    )


def _product(op: str, a: Shape, b: Shape) -> Shape:
    if is_scalar(a):
        return b
    if is_scalar(b):
        return a
    if op == "@":
        return _matmul(a, b)
    if op == "jux" and (a[1] == b[0] or ANY_SQUARE in (a, b)):
        return _matmul(a, b)
    if a == b:
        return a
    return _matmul(a, b)


def infer(node: A.Node, shapes: dict[str, Shape]) -> Shape:
    """Return the shape of ``node`` given the shapes of names (missing names are scalars)."""
    match node:
        case A.Num() | A.Const() | A.TrueCond():
            return SCALAR
        case A.Name(name=name):
            return shapes.get(name, SCALAR)
        case A.Identity():
            return ANY_SQUARE
        case A.Neg(arg=arg):
            return infer(arg, shapes)
        case A.Transpose(arg=arg):
            rows, cols = infer(arg, shapes)
            return (cols, rows)
        case A.Bin(op=op, left=left, right=right):
            return _binary(op, infer(left, shapes), infer(right, shapes), right)
        case A.Call(func=func, args=args):
            return _call(func, [infer(a, shapes) for a in args])
        case A.Cmp(left=left, right=right):
            return _broadcast(infer(left, shapes), infer(right, shapes), "compare")
        case A.Logic(args=args):
            result = SCALAR
            for arg in args:
                result = _broadcast(result, infer(arg, shapes), "combine conditions on")
            return result
        case A.Piecewise(pieces=pieces):
            result = SCALAR
            for value, cond in pieces:
                result = _broadcast(result, infer(value, shapes), "use in one piecewise")
                result = _broadcast(result, infer(cond, shapes), "use in one piecewise")
            return result
    raise TypeError(f"no shape rule for {node!r}")


def _binary(op: str, a: Shape, b: Shape, right: A.Node) -> Shape:
    if op in "+-":
        return _broadcast(a, b, "add" if op == "+" else "subtract")
    if op in ("*", "@", "jux"):
        return _product(op, a, b)
    if op == "/":
        if is_scalar(b) or a == b or is_scalar(a):
            return _broadcast(a, b, "divide")
        raise mismatch(
            f"cannot divide {describe(a)} by {describe(b)}; use inv() for matrices", a, b
        )
    if op == "^":
        if is_scalar(a):
            return b  # e^z for a vector z is entrywise
        if not is_scalar(b) and a != b:
            raise mismatch(
                f"an exponent must be a scalar (or match the base), got {describe(b)}", b
            )
        return a
    raise TypeError(op)


def _call(func: str, args: list[Shape]) -> Shape:
    first = args[0]
    if func in ELEMENTWISE or func in ("softmax", "indicator"):
        return first
    if func in REDUCTIONS:
        if func == "trace" and not _square(first):
            raise mismatch(f"trace needs a square matrix, got {describe(first)}", first)
        return SCALAR
    if func in ("max", "min"):
        return SCALAR if len(args) == 1 else _broadcast(first, args[1], f"take the {func} of")
    if func in ("log", "root", "binomial"):
        result = first
        for other in args[1:]:
            result = _broadcast(result, other, f"use in {func}")
        return result
    if func == "clip":
        for bound in args[1:]:
            _broadcast(first, bound, "clip")
        return first
    if func == "dot":
        if first != args[1] or first[1] != 1:
            raise mismatch(
                f"dot needs two vectors of one size, got {describe(first)} and {describe(args[1])}",
                first,
                args[1],
            )
        return SCALAR
    if func == "outer":
        return (first[0], args[1][0])
    if func == "diag":
        if first[1] == 1 and first != SCALAR:
            return (first[0], first[0])
        if _square(first):
            return (first[0], 1)
        raise mismatch(f"diag needs a vector or a square matrix, got {describe(first)}", first)
    if func == "inv":
        if not _square(first):
            raise mismatch(f"only a square matrix has an inverse, got {describe(first)}", first)
        return first
    if func == "logsumexp":
        return SCALAR if first[1] == 1 or first[0] == 1 else (first[0], 1)
    raise TypeError(func)
