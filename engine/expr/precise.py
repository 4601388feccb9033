"""High-precision evaluation of scalar expressions with mpmath (exact-ish, overflow-free).

Used to confirm scalar identities that float64 cannot settle: huge powers, near-cancellation,
big factorials. Real-valued semantics: anything complex or infinite is "undefined".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import mpmath

from engine.expr import ast as A
from engine.expr.errors import EvalError

DPS = 40
MAX_MAGNITUDE_BITS = 3 * 10**6  # |log2| of any intermediate value (about 10^±900,000)

# mpmath has no type information: these aliases name what a value is (mypy sees Any).
Real: TypeAlias = mpmath.mpf
Complex: TypeAlias = mpmath.mpc
Point = dict[str, Real]  # a value for every variable
RealFn = Callable[[Real], Real]


class Undefined(Exception):
    pass


def _real(x: Real | Complex) -> Real:
    if isinstance(x, mpmath.mpc):
        if abs(x.imag) > mpmath.mpf(10) ** (-DPS + 5) * max(1, abs(x.real)):
            raise Undefined
        x = x.real
    if not mpmath.isfinite(x):
        raise Undefined
    if x and abs(mpmath.mag(x)) > MAX_MAGNITUDE_BITS:
        raise EvalError("a value is too large to evaluate")
    return x


def _pow(a: Real, b: Real) -> Real:
    if a == 0 and b < 0:
        raise Undefined
    if a < 0:
        if mpmath.isint(b):
            return _real(mpmath.power(a, b))
        inverse = 1 / b
        if mpmath.isint(inverse) and int(inverse) % 2 == 1:
            return -_real(mpmath.power(-a, b))
        raise Undefined
    if a and abs(b) * (abs(mpmath.mag(a)) + 1) > MAX_MAGNITUDE_BITS:
        raise EvalError("a power is too large to evaluate")
    return _real(mpmath.power(a, b))


def _log(x: Real, base: Real | None = None) -> Real:
    if x <= 0 or (base is not None and (base <= 0 or base == 1)):
        raise Undefined
    return mpmath.log(x) if base is None else mpmath.log(x) / mpmath.log(base)


def _domain(
    func: RealFn, lo: float | None = None, hi: float | None = None, open_lo: bool = False
) -> RealFn:
    def run(x: Real) -> Real:
        if (lo is not None and (x < lo or (open_lo and x == lo))) or (hi is not None and x > hi):
            raise Undefined
        return func(x)

    return run


def _factorial(x: Real) -> Real:
    if abs(x) > 1000:
        raise EvalError("factorial argument too large")
    if x < 0 and mpmath.isint(x):
        raise Undefined
    return mpmath.gamma(x + 1)


def _bounded(func: RealFn, limit: float = 1e6) -> RealFn:
    """mpmath would spend forever on exp(10^300) or sin(10^10^5): past ``limit`` the argument is
    too large for this check, which then defers to the float64 verdict."""

    def run(x: Real) -> Real:
        if abs(x) > limit:
            raise EvalError("an argument is too large to evaluate precisely")
        return func(x)

    return run


_UNARY: dict[str, RealFn] = {
    "abs": abs,
    "sign": mpmath.sign,
    "exp": mpmath.exp,
    "sqrt": _domain(mpmath.sqrt, 0),
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)),
    "tanh": mpmath.tanh,
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tan": mpmath.tan,
    "sec": mpmath.sec,
    "csc": mpmath.csc,
    "cot": mpmath.cot,
    "asin": _domain(mpmath.asin, -1, 1),
    "acos": _domain(mpmath.acos, -1, 1),
    "atan": mpmath.atan,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "asinh": mpmath.asinh,
    "acosh": _domain(mpmath.acosh, 1),
    "atanh": _domain(mpmath.atanh, -1, 1),
    "sech": mpmath.sech,
    "csch": mpmath.csch,
    "coth": mpmath.coth,
    "relu": lambda x: max(x, 0),
    "factorial": _factorial,
    "log1p": _domain(mpmath.log1p, -1, open_lo=True),
    "expm1": mpmath.expm1,
    "softplus": lambda x: mpmath.log(1 + mpmath.exp(x)),
    "sum": lambda x: x,
    "mean": lambda x: x,
    "norm": abs,
    "trace": lambda x: x,
    "indicator": lambda c: mpmath.mpf(1 if c else 0),
    "floor": mpmath.floor,
    "ceil": mpmath.ceil,
    "max": lambda x: x,
    "min": lambda x: x,
}
_CHEAP = {"abs", "sign", "relu", "sum", "mean", "norm", "trace", "indicator", "max", "min"}
_CHEAP |= {"floor", "ceil"}
_UNARY.update({name: _bounded(f) for name, f in _UNARY.items() if name not in _CHEAP})


def supported(node: A.Node) -> bool:
    """True for trees that only use scalar operations this evaluator knows."""
    for item in A.walk(node):
        if isinstance(item, A.Identity | A.Transpose | A.Entry | A.IndexSum):
            return False
        if (
            isinstance(item, A.Call)
            and item.func not in _UNARY
            and item.func not in ("log", "max", "min", "clip", "root", "binomial")
        ):
            return False
        if isinstance(item, A.Bin) and item.op == "@":
            return False
    return True


def value(node: A.Node, point: Point) -> Real:
    """Evaluate at ``point`` (name -> mpf); raise :class:`Undefined` where it is not real."""
    with mpmath.workdps(DPS):
        try:
            return _real(_eval(node, point))
        except (ZeroDivisionError, ValueError, OverflowError):
            raise Undefined from None


def _eval(node: A.Node, p: Point) -> Real:  # conditions give a bool
    match node:
        case A.Num(value=v, text=text):
            if "." in text or "e" in text.lower():
                return mpmath.mpf(float(text))  # a decimal literal is an IEEE double
            return mpmath.mpf(v.numerator) / v.denominator
        case A.Const(name=name):
            # mpmath's constants are lazy: fix their digits now, at the working precision
            return +mpmath.pi if name == "pi" else +mpmath.e
        case A.Name(name=name):
            return p[name]
        case A.Neg(arg=arg):
            return -_eval(arg, p)
        case A.Bin(op=op, left=left, right=right):
            a, b = _eval(left, p), _eval(right, p)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "/":
                if b == 0:
                    raise Undefined
                return a / b
            if op == "^":
                return _pow(a, b)
            return a * b
        case A.Call(func=func, args=args):
            values = [_eval(a, p) for a in args]
            return _call(func, values)
        case A.Cmp(op=op, left=left, right=right):
            a, b = _eval(left, p), _eval(right, p)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[
                op
            ]
        case A.Logic(op=op, args=args):
            values = [bool(_eval(a, p)) for a in args]
            return (not values[0]) if op == "not" else (all(values) if op == "and" else any(values))
        case A.TrueCond():
            return True
        case A.Piecewise(pieces=pieces):
            for val, cond in pieces:
                if _eval(cond, p):
                    return _eval(val, p)
            raise Undefined
    raise EvalError(f"cannot evaluate {type(node).__name__} precisely")


def _call(func: str, v: list[Real]) -> Real:
    if func == "log":
        return _log(*v)
    if func in ("max", "min") and len(v) == 2:
        return max(v) if func == "max" else min(v)
    if func == "clip":
        return min(max(v[0], v[1]), v[2])
    if func == "root":
        return _pow(v[0], 1 / v[1])
    if func == "binomial":
        if v[1] == int(v[1]) and 0 <= v[1] <= 170:  # falling factorial: any n
            return mpmath.binomial(v[0], v[1])
        return _factorial(v[0]) / (_factorial(v[1]) * _factorial(v[0] - v[1]))
    return _UNARY[func](v[0])


def derivative(node: A.Node, wrt: str, point: Point) -> Real:
    """d node / d wrt at ``point``, by mpmath's high-precision differentiation."""
    with mpmath.workdps(DPS):

        def f(t: Real) -> Real:
            return _eval(node, {**point, wrt: t})

        try:
            return _real(mpmath.diff(f, point[wrt]))
        except (ZeroDivisionError, ValueError, OverflowError):
            raise Undefined from None
