"""A bounded symbolic proof for small scalar rational identities, and a SymPy view of a tree.

The SymPy objects are built node by node from our own tree (never by parsing text), so nothing
the learner typed is evaluated. Proofs are only attempted where they are cheap and certain:
rational functions of a few symbols with small integer powers, decided exactly.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

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


def _exponent(node: A.Node) -> int:
    """The whole exponent ``k`` or ``-k`` of a power that :func:`_rational` accepted."""
    if isinstance(node, A.Num):
        return int(node.value)
    if isinstance(node, A.Neg) and isinstance(node.arg, A.Num):
        return int(-node.arg.value)
    raise NotSymbolic("not a whole power")


# A polynomial is {exponents: coefficient} over the problem's names; a rational function is a
# (numerator, denominator) pair. Nothing is cancelled: p/q = r/s is decided by p*s - r*q = 0,
# which is exact and needs no polynomial gcd.
Poly = dict[tuple[int, ...], Fraction]
MAX_TERMS = 400  # a polynomial grown past this is not a small identity: leave it to sampling
MAX_WORK = 200_000  # coefficient products per proof


class _Budget:
    def __init__(self) -> None:
        self.work = 0

    def mul(self, p: Poly, q: Poly) -> Poly:
        self.work += len(p) * len(q)
        if self.work > MAX_WORK:
            raise NotSymbolic("too large")
        out: Poly = {}
        for m1, c1 in p.items():
            for m2, c2 in q.items():
                m = tuple(x + y for x, y in zip(m1, m2, strict=True))
                out[m] = out.get(m, 0) + c1 * c2
        out = {m: c for m, c in out.items() if c}
        if len(out) > MAX_TERMS:
            raise NotSymbolic("too large")
        return out

    def power(self, p: Poly, k: int, one: Poly) -> Poly:
        result, base = one, p
        while k:
            if k & 1:
                result = self.mul(result, base)
            k >>= 1
            if k:
                base = self.mul(base, base)
        return result


def _add(p: Poly, q: Poly, sign: int = 1) -> Poly:
    out = dict(p)
    for m, c in q.items():
        out[m] = out.get(m, 0) + sign * c
    return {m: c for m, c in out.items() if c}


def _to_fraction(node: A.Node, index: dict[str, int], budget: _Budget) -> tuple[Poly, Poly]:
    zero = (0,) * len(index)
    one: Poly = {zero: Fraction(1)}

    def go(n: A.Node) -> tuple[Poly, Poly]:
        match n:
            case A.Num(value=v):
                return ({zero: Fraction(v)} if v else {}), one
            case A.Name(name=name):
                m = [0] * len(index)
                m[index[name]] = 1
                return {tuple(m): Fraction(1)}, one
            case A.Neg(arg=arg):
                num, den = go(arg)
                return {m: -c for m, c in num.items()}, den
            case A.Bin(op="^", left=left, right=right):
                power = _exponent(right)
                num, den = go(left)
                if power < 0:
                    if not num:
                        raise ZeroDivisionError
                    num, den, power = den, num, -power
                return budget.power(num, power, one), budget.power(den, power, one)
            case A.Bin(op=op, left=left, right=right):
                (a, b), (c, d) = go(left), go(right)
                if op in "+-":
                    sign = 1 if op == "+" else -1
                    if b == d:
                        return _add(a, c, sign), b
                    return _add(budget.mul(a, d), budget.mul(c, b), sign), budget.mul(b, d)
                if op == "/":
                    if not c:
                        raise ZeroDivisionError
                    return budget.mul(a, d), budget.mul(b, c)
                return budget.mul(a, c), budget.mul(b, d)
        raise NotSymbolic(type(n).__name__)

    return go(node)


def prove_equal(a: A.Node, b: A.Node) -> bool:
    """True when ``a - b`` is exactly 0 as a rational function over the rationals; False when
    not tried or not proved. Exact arithmetic on sparse polynomials, bounded in size."""
    if not (_rational(a) and _rational(b)):
        return False
    index = {name: i for i, name in enumerate(sorted(A.names_in(a) | A.names_in(b)))}
    budget = _Budget()
    try:
        p, q = _to_fraction(a, index, budget)
        r, s = _to_fraction(b, index, budget)
        return not _add(budget.mul(p, s), budget.mul(r, q), -1)
    except (ZeroDivisionError, NotSymbolic):
        return False


__all__ = ["Fraction", "NotSymbolic", "prove_equal", "to_sympy"]
