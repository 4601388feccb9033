"""Print an expression tree back as ASCII and LaTeX, to show what the input was read as."""

from __future__ import annotations

import re
from collections.abc import Callable

from engine.expr import ast as A
from engine.expr.names import GREEK

PREC = {
    "or": 1,
    "and": 2,
    "not": 3,
    "cmp": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "@": 6,
    "jux": 6,
    "neg": 7,
    "^": 8,
    "post": 9,
    "atom": 10,
}
_CMP_LATEX = {"<": "<", ">": ">", "<=": r"\le", ">=": r"\ge", "==": "=", "!=": r"\ne"}
_LATEX_GREEK = set(GREEK) | {
    "Delta",
    "Sigma",
    "Theta",
    "Lambda",
    "Phi",
    "Omega",
    "Gamma",
    "Pi",
    "Psi",
}
_LATEX_FUNCS = {
    "exp": r"\exp",
    "log": r"\log",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "sec": r"\sec",
    "csc": r"\csc",
    "cot": r"\cot",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "coth": r"\coth",
    "asin": r"\arcsin",
    "acos": r"\arccos",
    "atan": r"\arctan",
    "max": r"\max",
    "min": r"\min",
    "sigmoid": r"\sigma",
}


def prec(node: A.Node) -> int:
    match node:
        case A.Logic(op="not"):
            return PREC["not"]
        case A.Logic(op=op):
            return PREC[op]
        case A.Cmp():
            return PREC["cmp"]
        case A.Bin(op=op):
            return PREC[op]
        case A.Neg():
            return PREC["neg"]
        case A.Num(value=v) if v < 0:
            return PREC["neg"]
        case A.Transpose():
            return PREC["post"]
        case A.Call(func="factorial"):
            return PREC["post"]
        case A.IndexSum():
            return PREC["+"]  # a sum extends over the factors after it: bracket it
    return PREC["atom"]


def to_ascii(node: A.Node) -> str:
    """Print ``node`` in the ASCII input syntax (explicit ``*`` for products)."""

    def wrap(child: A.Node, minimum: int) -> str:
        text = to_ascii(child)
        shown = PREC["atom"] if isinstance(child, A.IndexSum) else prec(child)  # sum(i=…, …)
        return f"({text})" if shown < minimum else text

    match node:
        case A.Num(text=text):
            return text
        case A.Name(name=name) | A.Const(name=name):
            return name
        case A.Identity():
            return "I"
        case A.TrueCond():
            return "True"
        case A.Neg(arg=arg):
            return "-" + wrap(arg, PREC["neg"])
        case A.Bin(op="^", left=left, right=right):
            return f"{wrap(left, PREC['post'])}^{wrap(right, PREC['post'])}"
        case A.Bin(op=op, left=left, right=right):
            p = PREC[op]
            symbol = {"jux": "*", "@": " @ "}.get(op, f" {op} " if op in "+-" else op)
            right_min = p + 1 if op in ("-", "/") else p
            return f"{wrap(left, p)}{symbol}{wrap(right, right_min)}"
        case A.Transpose(arg=arg):
            return wrap(arg, PREC["post"]) + "^T"
        case A.Call(func="factorial", args=(arg,)):
            return wrap(arg, PREC["post"]) + "!"
        case A.Call(func=func, args=args):
            return f"{func}({', '.join(to_ascii(a) for a in args)})"
        case A.Cmp(op=op, left=left, right=right):
            return f"{wrap(left, 5)} {op} {wrap(right, 5)}"
        case A.Logic(op="not", args=(arg,)):
            return "not " + wrap(arg, PREC["not"])
        case A.Logic(op=op, args=args):
            return f" {op} ".join(wrap(a, PREC[op] + 1) for a in args)
        case A.Piecewise(pieces=pieces):
            return (
                "piecewise(" + ", ".join(f"({to_ascii(v)}, {to_ascii(c)})" for v, c in pieces) + ")"
            )
        case A.Entry(arg=arg, indices=indices):
            if isinstance(arg, A.Name):
                return f"{arg.name}_{''.join(indices)}"
            return f"({to_ascii(arg)})_{''.join(indices)}"
        case A.IndexSum(op=op, index=index, lower=lower, upper=upper, body=body):
            return f"{op}({index}={to_ascii(lower)}..{to_ascii(upper)}, {to_ascii(body)})"
    raise TypeError(f"cannot print {node!r}")


def latex_name(name: str) -> str:
    base, _, sub = name.partition("_")
    accent = ""
    for suffix, command in (("hat", r"\hat"), ("bar", r"\bar"), ("tilde", r"\tilde")):
        if base.endswith(suffix) and len(base) > len(suffix):
            base, accent = base[: -len(suffix)], command
            break
    match = re.fullmatch(r"([A-Za-z]+?)(\d+)", base)
    if match and not sub and (match.group(1) in _LATEX_GREEK or len(match.group(1)) == 1):
        base, sub = match.groups()
    if base in _LATEX_GREEK:
        text = "\\" + base
    elif len(base) == 1:
        text = base
    else:
        text = rf"\mathrm{{{base}}}"
    if accent:
        text = f"{accent}{{{text}}}"
    if sub:
        shown = (
            latex_name(sub)
            if sub in _LATEX_GREEK
            else rf"\mathrm{{{sub}}}"
            if len(sub) > 1 and not sub.isdigit()
            else sub
        )
        text = f"{text}_{{{shown}}}"
    return text


def to_latex(node: A.Node, odot: frozenset[int] = frozenset()) -> str:
    """Print ``node`` as LaTeX that latex2mathml can render; a ``*`` whose ``id`` is in
    ``odot`` (between two non-scalars) is printed ``\\odot``, since ``\\cdot`` between vectors
    reads as their inner product."""
    return _latex(node, odot)


def _latex(node: A.Node, odot: frozenset[int]) -> str:

    def wrap(child: A.Node, minimum: int) -> str:
        text = _latex(child, odot)
        return rf"\left({text}\right)" if prec(child) < minimum else text

    match node:
        case A.Num(text=text):
            return text
        case A.Const(name="pi"):
            return r"\pi"
        case A.Const(name=name):
            return name
        case A.Name(name=name):
            return latex_name(name)
        case A.Identity():
            return "I"
        case A.TrueCond():
            return r"\text{otherwise}"
        case A.Neg(arg=arg):
            return "-" + wrap(arg, PREC["neg"])
        case A.Bin(op="/", left=left, right=right):
            return rf"\frac{{{_latex(left, odot)}}}{{{_latex(right, odot)}}}"
        case A.Bin(op="^", left=left, right=right):
            return f"{{{wrap(left, PREC['post'])}}}^{{{_latex(right, odot)}}}"
        case A.Bin(op=op, left=left, right=right):
            p = PREC[op]
            right_text = wrap(right, p + 1 if op == "-" else p)
            if op in "+-":
                return f"{wrap(left, p)} {op} {right_text}"
            joiner = (
                r" \odot "
                if id(node) in odot
                else r" \cdot "
                if op == "*" or right_text[:1].isdigit() or right_text.startswith("-")
                else " "
            )
            return f"{wrap(left, p)}{joiner}{right_text}"
        case A.Transpose(arg=arg):
            return f"{{{wrap(arg, PREC['post'])}}}^{{\\top}}"
        case A.Call():
            return _latex_call(node, wrap, odot)
        case A.Cmp(op=op, left=left, right=right):
            return f"{wrap(left, 5)} {_CMP_LATEX[op]} {wrap(right, 5)}"
        case A.Logic(op="not", args=(arg,)):
            return r"\lnot " + wrap(arg, PREC["not"])
        case A.Logic(op=op, args=args):
            return rf" \text{{ {op} }} ".join(wrap(a, PREC[op] + 1) for a in args)
        case A.Piecewise(pieces=pieces):
            rows = r" \\ ".join(f"{_latex(v, odot)} & {_latex(c, odot)}" for v, c in pieces)
            return rf"\begin{{cases}} {rows} \end{{cases}}"
        case A.Entry(arg=arg, indices=indices):
            shown = (
                latex_name(arg.name)
                if isinstance(arg, A.Name)
                else rf"\left({_latex(arg, odot)}\right)"
            )
            return f"{{{shown}}}_{{{''.join(indices)}}}"
        case A.IndexSum(op="vector", index=index, upper=upper, body=body):
            # the vector of the entries at j = 1, …, n
            return (
                rf"\operatorname{{vector}}_{{{index}=1}}^{{{_latex(upper, odot)}}} "
                + rf"\left({_latex(body, odot)}\right)"
            )
        case A.IndexSum(op=op, index=index, lower=lower, upper=upper, body=body):
            return (
                rf"\{op}_{{{index}={_latex(lower, odot)}}}^{{{_latex(upper, odot)}}} "
                + rf"\left({_latex(body, odot)}\right)"
            )
    raise TypeError(f"cannot print {node!r}")


Wrap = Callable[[A.Node, int], str]  # prints a child, in parentheses below a precedence


def _latex_call(node: A.Call, wrap: Wrap, odot: frozenset[int]) -> str:
    func, args = node.func, node.args

    def inner() -> str:  # rendered only where used: each argument is rendered once
        return ", ".join(_latex(a, odot) for a in args)

    match func:
        case "sqrt":
            return rf"\sqrt{{{inner()}}}"
        case "root":
            return rf"\sqrt[{_latex(args[1], odot)}]{{{_latex(args[0], odot)}}}"
        case "abs":
            return rf"\left|{inner()}\right|"
        case "norm":
            return rf"\left\lVert {inner()} \right\rVert"
        case "factorial":
            return wrap(args[0], PREC["post"]) + "!"
        case "binomial":
            return rf"\binom{{{_latex(args[0], odot)}}}{{{_latex(args[1], odot)}}}"
        case "indicator":
            return rf"\mathbb{{1}}\left[{inner()}\right]"
        case "log" if len(args) == 2:
            return rf"\log_{{{_latex(args[1], odot)}}}\left({_latex(args[0], odot)}\right)"
        case "sum":
            return rf"\sum \left({inner()}\right)"
        case "dot" if len(args) == 2:
            return f"{wrap(args[0], PREC['*'] + 1)} \\cdot {wrap(args[1], PREC['*'] + 1)}"
    name = _LATEX_FUNCS.get(func, rf"\operatorname{{{func}}}")
    return rf"{name}\left({inner()}\right)"
