"""Function calls (``\\sin 2x``, ``\\log_2 x``, ``max(a, b, c)``, ``piecewise(…)``) and products
that depend on shapes (``·`` between vectors is their inner product)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.expr import ast as A
from engine.expr.errors import ExprError, ShapeError
from engine.expr.latex import lex_latex
from engine.expr.lexer import Token
from engine.expr.names import FUNCTIONS, function_name
from engine.expr.naming import GREEK_NAMES
from engine.expr.shapes import describe, is_scalar

if TYPE_CHECKING:
    from engine.expr.parser import Parser


def _minus_one(node: A.Node) -> bool:
    return isinstance(node, A.Neg) and isinstance(node.arg, A.Num) and node.arg.value == 1


def dot_product(p: Parser, left: A.Node, right: A.Node, token: Token) -> A.Node:
    """``·``, ``\\cdot``, ``\\bullet``: the inner product of two vectors of one length, a
    product when a side is a scalar, the matrix product when the sizes chain."""
    try:
        a, b = p.shape_of(left), p.shape_of(right)
    except ShapeError as exc:
        raise ShapeError(f"{exc.message} at {token.pos}", token.pos, p.text) from None
    if is_scalar(a) or is_scalar(b):
        return A.Bin("*", left, right)
    if a == b and a[1] == 1:
        p.notes.append(
            "· between two vectors is read as their inner product (uᵀv); for the "
            "elementwise product write * or \\odot"
        )
        return A.Call("dot", (left, right))
    if a[1] == b[0]:
        return A.Bin("@", left, right)
    raise ShapeError(
        f"cannot take the inner product of {describe(a)} and {describe(b)} at {token.pos}: "
        "· between vectors needs two of one length (write * or \\odot for an elementwise "
        "product)",
        token.pos,
        p.text,
    )


def inner_product(p: Parser) -> A.Node:
    """``\\langle u, v \\rangle``: the inner product (a product of scalars)."""
    token = p.next()
    saved, p.bar_depth = p.bar_depth, 0
    left = p.parse_or()
    p.expect("COMMA", "',' between the two sides of ⟨u, v⟩")
    right = p.parse_or()
    p.bar_depth = saved
    p.expect("RANGLE", "\\rangle")
    return p.dot_product(left, right, token)


def derivative_operator(p: Parser, num: A.Node, den: A.Node) -> bool:
    """``\\frac{d}{dx}`` (d not a declared variable)."""
    if num != A.Name("d") or p.scope.known("d"):
        return False
    first = den
    while isinstance(first, A.Bin) and first.op in ("jux", "*"):
        first = first.left
    return first == A.Name("d") and den != first


def function_power(p: Parser, name: str) -> bool:
    """Is ``name^k`` the start of a function power (``sin^2 x``)? Looks ahead, consuming
    nothing. A Greek letter that is also a function (σ) is a power of the letter
    (``\\sigma^2`` is a variance) unless a parenthesis follows the exponent."""
    if not (p.tok.kind == "OP" and p.tok.value == "^"):
        return False
    saved_k, saved_depth = p.k, p.depth
    try:
        caret = p.next()
        p.parse_exponent(caret)
        if p.tok.kind == "LP":
            return True
        return name not in GREEK_NAMES and p.starts_operand()
    except ExprError:
        return False
    finally:
        p.k, p.depth = saved_k, saved_depth


def log_base(p: Parser) -> A.Node:
    """The base of ``\\log_{b}`` (or ``\\lg``), read from its group with the same rules."""
    token = p.next()
    inner = type(p)(lex_latex(token.value), token.value, p.scope, True, p.notes)
    inner.depth = p.depth
    return inner.parse()


def call(p: Parser, func: str, token: Token) -> A.Node:
    base = p.log_base() if p.tok.kind == "LOGBASE" else None
    power: A.Node | None = None
    if p.tok.kind == "OP" and p.tok.value == "^":
        caret = p.next()
        power = p.parse_exponent(caret)
    if func == "piecewise" and p.tok.kind == "LP":
        node: A.Node = p.piecewise_call(token)
    elif p.tok.kind == "LP":
        p.next()
        saved, p.bar_depth = p.bar_depth, 0
        args = [p.parse_or()]
        while p.tok.kind == "COMMA":
            p.next()
            args.append(p.parse_or())
        p.bar_depth = saved
        p.expect("RP", f"')' to close {func}(")
        node = p.make_call(func, [*args, *([base] if base else [])], token)
    elif p.starts_operand():
        node = p.make_call(func, [p.bare_argument(), *([base] if base else [])], token)
    elif p.tok.kind == "OP" and p.tok.value == "-":  # \sin -x
        node = p.make_call(func, [p.parse_unary(), *([base] if base else [])], token)
    else:
        raise p.error(f"{func} needs an argument", token)
    if power is not None and _minus_one(power) and isinstance(node, A.Call):
        inverse = "a" + func  # sin^{-1} x is arcsin x, by the usual convention
        if inverse in FUNCTIONS:
            return A.Call(inverse, node.args)
    return A.Bin("^", node, power) if power is not None else node


def bare_argument(p: Parser) -> A.Node:
    """The argument of ``\\sin x``: one factor, or a product that starts with a number
    (``\\sin 2x`` is sin(2x), ``\\ln 2xy`` is log(2xy))."""
    starts_with_number = p.tok.kind == "NUM"
    node = p.parse_power()
    while starts_with_number and p.tok.kind in ("ID", "NUM") and not p.scope_is_function():
        node = A.Bin("jux", node, p.parse_power())
    return node


def scope_is_function(p: Parser) -> bool:
    """Is the name at the cursor a function (``2 \\sin x`` stops the product there)?"""
    return p.tok.kind == "ID" and function_name(p.tok.value) is not None


def make_call(p: Parser, func: str, args: list[A.Node], token: Token) -> A.Node:
    low, high = FUNCTIONS[func]
    if not low <= len(args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise p.error(f"{func} takes {wanted} argument(s), got {len(args)}", token)
    if func == "transpose":
        return A.Transpose(args[0])
    if func == "where":
        return A.Piecewise(((args[1], args[0]), (args[2], A.TrueCond())))
    if func in ("max", "min") and len(args) > 2:  # max(a, b, c) = max(max(a, b), c)
        node = A.Call(func, (args[0], args[1]))
        for arg in args[2:]:
            node = A.Call(func, (node, arg))
        return node
    return A.Call(func, tuple(args))


def piecewise_call(p: Parser, token: Token) -> A.Node:
    p.expect("LP", "'(' after piecewise")
    pieces = []
    while True:
        p.expect("LP", "'(value, condition)'")
        value = p.parse_or()
        p.expect("COMMA", "',' between value and condition")
        cond = p.parse_or()
        p.expect("RP", "')' after the condition")
        pieces.append((value, cond))
        if p.tok.kind != "COMMA":
            break
        p.next()
    p.expect("RP", "')' to close piecewise(")
    return A.Piecewise(tuple(pieces))
