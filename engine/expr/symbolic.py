"""A bounded symbolic proof for small scalar rational identities, and a SymPy view of a tree.

The SymPy objects are built node by node from our own tree (never by parsing text), so nothing
the learner typed is evaluated. Proofs are only attempted where they are cheap and certain:
rational functions of a few symbols with small integer powers, decided by ``cancel``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy
from sympy.polys.domains import QQ
from sympy.polys.fields import field

from engine.expr import ast as A

MAX_PROOF_NODES = 40
MAX_PROOF_POWER = 8

_FUNCS = {
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "factorial": sympy.factorial,
}


class NotSymbolic(Exception):
    """The tree uses something this translation does not cover."""


def to_sympy(node: A.Node, symbols: dict[str, sympy.Basic] | None = None) -> sympy.Basic:
    """Translate a scalar tree into SymPy (raises :class:`NotSymbolic` when it cannot)."""
    symbols = {} if symbols is None else symbols

    def go(n: A.Node) -> sympy.Basic:
        match n:
            case A.Num(value=v):
                return sympy.Rational(v.numerator, v.denominator)
            case A.Const(name="pi"):
                return sympy.pi
            case A.Const():
                return sympy.E
            case A.Name(name=name):
                if name not in symbols:
                    symbols[name] = sympy.Symbol(name, real=True)
                return symbols[name]
            case A.Neg(arg=arg):
                return -go(arg)
            case A.Bin(op=op, left=left, right=right):
                a, b = go(left), go(right)
                return {
                    "+": lambda: a + b,
                    "-": lambda: a - b,
                    "/": lambda: a / b,
                    "^": lambda: a**b,
                }.get(op, lambda: a * b)()
            case A.Call(func="sigmoid", args=(x,)):
                return 1 / (1 + sympy.exp(-go(x)))
            case A.Call(func="log", args=args):
                return (
                    sympy.log(go(args[0]))
                    if len(args) == 1
                    else sympy.log(go(args[0]), go(args[1]))
                )
            case A.Call(func=func, args=(x,)) if func in _FUNCS:
                return _FUNCS[func](go(x))
            case A.Call(func="max" | "min", args=(a, b)):
                return (sympy.Max if n.func == "max" else sympy.Min)(go(a), go(b))
            case A.Call(func="binomial", args=(a, b)):
                return sympy.binomial(go(a), go(b))
        raise NotSymbolic(type(n).__name__)

    return go(node)


def _rational(node: A.Node) -> bool:
    count = 0
    for n in A.walk(node):
        count += 1
        if isinstance(n, A.Bin) and n.op == "^":
            power = n.right.arg if isinstance(n.right, A.Neg) else n.right
            if not (
                isinstance(power, A.Num)
                and power.value.denominator == 1
                and abs(power.value) <= MAX_PROOF_POWER
            ):
                return False
        elif not isinstance(n, A.Num | A.Name | A.Neg | A.Bin):
            return False
        elif isinstance(n, A.Num) and ("." in n.text or "e" in n.text.lower()):
            return False  # a decimal stands for a double, not an exact number
    return count <= MAX_PROOF_NODES


@lru_cache(maxsize=128)
def _field(names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    ring, *gens = field(",".join(names), QQ)
    return ring, dict(zip(names, gens, strict=True))


def _to_fraction(node: A.Node, ring, gens):  # type: ignore[no-untyped-def]
    match node:
        case A.Num(value=v):
            return ring(QQ(v.numerator, v.denominator))
        case A.Name(name=name):
            return gens[name]
        case A.Neg(arg=arg):
            return -_to_fraction(arg, ring, gens)
        case A.Bin(op="^", left=left, right=right):
            power = right.value if isinstance(right, A.Num) else -right.arg.value  # type: ignore[attr-defined]
            return _to_fraction(left, ring, gens) ** int(power)
        case A.Bin(op=op, left=left, right=right):
            x, y = _to_fraction(left, ring, gens), _to_fraction(right, ring, gens)
            return x + y if op == "+" else x - y if op == "-" else x / y if op == "/" else x * y
    raise NotSymbolic(type(node).__name__)


def prove_equal(a: A.Node, b: A.Node) -> bool:
    """True when ``a - b`` is exactly 0 as a rational function; False when not tried or not
    proved. Uses SymPy's sparse rational-function field, which is fast for small problems."""
    if not (_rational(a) and _rational(b)):
        return False
    names = tuple(sorted(A.names_in(a) | A.names_in(b))) or ("_",)
    ring, gens = _field(names)
    try:
        return _to_fraction(a, ring, gens) - _to_fraction(b, ring, gens) == 0
    except ZeroDivisionError:
        return False


__all__ = ["Fraction", "NotSymbolic", "prove_equal", "to_sympy"]
