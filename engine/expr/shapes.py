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


def infer(node: A.Node, shapes: dict[str, Shape], record: dict[int, Shape] | None = None) -> Shape:
    """Return the shape of ``node`` given the shapes of names (missing names are scalars);
    ``record`` collects the shape of every node (by ``id``)."""
    shape = _infer(node, shapes, record)
    if record is not None:
        record[id(node)] = shape
    return shape


def _infer(node: A.Node, shapes: dict[str, Shape], record: dict[int, Shape] | None) -> Shape:
    match node:
        case A.Num() | A.Const() | A.TrueCond():
            return SCALAR
        case A.Name(name=name):
            return shapes.get(name, SCALAR)
        case A.Identity():
            return ANY_SQUARE
        case A.Neg(arg=arg):
            return infer(arg, shapes, record)
        case A.Transpose(arg=arg):
            rows, cols = infer(arg, shapes, record)
            return (cols, rows)
        case A.Bin(op=op, left=left, right=right):
            return _binary(op, infer(left, shapes, record), infer(right, shapes, record), right)
        case A.Call(func=func, args=args):
            return _call(func, [infer(a, shapes, record) for a in args])
        case A.Cmp(left=left, right=right):
            return _broadcast(infer(left, shapes, record), infer(right, shapes, record), "compare")
        case A.Logic(args=args):
            result = SCALAR
            for arg in args:
                result = _broadcast(result, infer(arg, shapes, record), "combine conditions on")
            return result
        case A.Entry(arg=arg, indices=indices):
            return entry_shape(infer(arg, shapes, record), len(indices))
        case A.IndexSum(op=op, index=index, lower=lower, upper=upper, body=body):
            for bound in (lower, upper):
                if infer(bound, shapes, record) != SCALAR:
                    raise mismatch("the bounds of a sum must be numbers", SCALAR)
            inner = {**shapes, index: SCALAR} if index in shapes else shapes
            shape = infer(body, inner, record)
            if op == "vector":  # the vector of the entries at every index
                if shape != SCALAR or not isinstance(upper, A.Name):
                    raise mismatch("each entry of a vector must be a number", shape)
                return (upper.name, 1)
            return shape
        case A.Piecewise(pieces=pieces):
            result = SCALAR
            for value, cond in pieces:
                result = _broadcast(result, infer(value, shapes, record), "use in one piecewise")
                result = _broadcast(result, infer(cond, shapes, record), "use in one piecewise")
            return result
    raise TypeError(f"no shape rule for {node!r}")


def entry_shape(arg: Shape, count: int) -> Shape:
    """The shape of an entry of a value of shape ``arg`` at ``count`` indices: a scalar, or a
    matrix's row as a column (``x_i`` of an n×p ``X`` is a p-vector)."""
    if count == 2 or arg == SCALAR:
        return SCALAR
    rows, cols = arg
    if cols == 1 or rows == 1:
        return SCALAR
    return (cols, 1)


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


def elementwise_products(node: A.Node, shapes: dict[str, Shape]) -> frozenset[int]:
    """The ``id`` of every ``*`` between two non-scalars (printed ⊙, not ·, which would read
    back as an inner product)."""
    record: dict[int, Shape] = {}
    infer(node, shapes, record)
    return frozenset(
        id(n)
        for n in A.walk(node)
        if isinstance(n, A.Bin)
        and n.op == "*"
        and record.get(id(n.left), SCALAR) != SCALAR
        and record.get(id(n.right), SCALAR) != SCALAR
    )
