"""Numeric evaluation of a tree on a batch of samples at once.

Every value is an array of shape ``(K, rows, cols)``: K samples of a scalar ``(K, 1, 1)``,
column vector ``(K, n, 1)`` or matrix ``(K, n, p)``. Undefined results (log of a negative,
division by zero) become NaN or inf and are treated as "undefined at that point".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from engine.expr import ast as A
from engine.expr.batch import Batch, Eye, Value
from engine.expr.errors import EvalError
from engine.expr.functions import call, logsumexp, power
from engine.expr.indexed import entry, index_sum


@dataclass
class Env:
    values: dict[str, Batch]
    dims: dict[str, int]
    batch: int
    perturb: dict[A.Node, Batch] = field(default_factory=dict)  # node -> added delta
    coverage: dict[int, set[int]] = field(default_factory=dict)  # id(piecewise) -> branches hit
    # None: not watched. False/True: whether a sum or difference lost a nonzero term to
    # rounding (|small| < 2^-44 |big|) at some sample, so float64 cannot settle equality there
    absorbed: bool | None = None
    bases: dict[str, int] = field(default_factory=dict)  # summation index -> first entry's number

    def folded(self, terms: int, index: str, values: Batch, base: int) -> Env:
        """This batch with every sample repeated ``terms`` times and ``index`` set to
        ``values`` (one per repeated sample): the points a sum's terms are evaluated at."""
        repeated = {n: np.repeat(v, terms, axis=0) for n, v in self.values.items()}
        repeated[index] = values.reshape(-1, 1, 1)
        perturb = {n: np.repeat(d, terms, axis=0) for n, d in self.perturb.items()}
        absorbed = False if self.absorbed is not None else None
        return Env(
            repeated,
            self.dims,
            self.batch * terms,
            perturb,
            self.coverage,
            absorbed,
            {**self.bases, index: base},
        )


def _scalar(x: Batch) -> bool:
    return bool(x.shape[1] == 1 and x.shape[2] == 1)


def _const(value: float, env: Env) -> Batch:
    return np.full((env.batch, 1, 1), value, dtype=float)


def _array(value: Value, where: str) -> Batch:
    """``value``, which must not be the identity matrix (it has no size ``where`` it is)."""
    if isinstance(value, Eye):
        raise EvalError(f"the identity matrix is not supported in {where}")
    return value


def evaluate(node: A.Node, env: Env) -> Batch:
    """Evaluate ``node``; the result always has shape ``(K, rows, cols)``."""
    with np.errstate(all="ignore"):
        value = _eval(node, env)
    if isinstance(value, Eye):
        raise EvalError("the identity matrix needs a matrix to give it a size")
    return value


def _eval(node: A.Node, env: Env) -> Value:
    value = _eval_node(node, env)
    if env.perturb:
        delta = env.perturb.get(node)  # every occurrence of an equal sub-expression
        if delta is not None:
            value = _array(value, "a derivative") + delta
    return value


def _eval_node(node: A.Node, env: Env) -> Value:
    match node:
        case A.Num(value=v):
            return _const(float(v), env)
        case A.Const(name=name):
            return _const(math.pi if name == "pi" else math.e, env)
        case A.Name(name=name):
            if name in env.values:
                return env.values[name]
            if name in env.dims:
                return _const(float(env.dims[name]), env)
            raise EvalError(f"no value for {name}")
        case A.Identity():
            return Eye(_const(1.0, env))
        case A.Neg(arg=arg):
            value = _eval(arg, env)
            return Eye(-value.scale) if isinstance(value, Eye) else -value
        case A.Transpose(arg=arg):
            value = _eval(arg, env)
            return value if isinstance(value, Eye) else np.swapaxes(value, 1, 2)
        case A.Bin(op=op, left=left, right=right):
            a, b = _eval(left, env), _eval(right, env)
            if env.absorbed is False and op in "+-" and isinstance(a, np.ndarray):
                env.absorbed = _absorbs(a, b)
            return _binary(op, a, b, right)
        case A.Call(func="log", args=(inner,)) if (stable := _stable_log(inner, env)) is not None:
            return stable
        case A.Call(func=func, args=args):
            return call(func, [_eval(a, env) for a in args])
        case A.Cmp(op=op, left=left, right=right):
            a, b = _eval(left, env), _eval(right, env)
            return _compare(op, _array(a, "a comparison"), _array(b, "a comparison"))
        case A.Logic(op=op, args=args):
            values = [_array(_eval(a, env), "a condition") > 0.5 for a in args]
            if op == "not":
                return (~values[0]).astype(float)
            result = values[0]
            for mask in values[1:]:
                result = (result & mask) if op == "and" else (result | mask)
            return result.astype(float)
        case A.TrueCond():
            return _const(1.0, env)
        case A.Piecewise(pieces=pieces):
            return _piecewise(node, pieces, env)
        case A.IndexSum():
            return index_sum(node, env, _eval)
        case A.Entry():
            return entry(node, env, _eval)
    raise EvalError(f"cannot evaluate {type(node).__name__}")


def _is_one(node: A.Node) -> bool:
    return isinstance(node, A.Num) and node.value == 1


def _stable_log(inner: A.Node, env: Env) -> Batch | None:
    """log of sigmoid, 1 - sigmoid, softmax and sum(exp) without overflow or log(0): the
    textbook forms of losses would otherwise be inaccurate at large logits.

    While a sub-expression is perturbed (derivatives with respect to it), the stable form is
    used only if the perturbed node lies inside the logits, where the stable form sees it too.
    """
    shell: tuple[A.Node, ...]
    match inner:
        case A.Call(func="sigmoid", args=(u,)):
            form, shell = "sigmoid", (inner,)
        case A.Bin(op="-", left=one, right=A.Call(func="sigmoid", args=(u,)) as sig) if _is_one(
            one
        ):
            form, shell = "1 - sigmoid", (inner, one, sig)
        case A.Call(func="softmax", args=(u,)):
            form, shell = "softmax", (inner,)
        case A.Call(func="sum", args=(A.Call(func="exp", args=(u,)) as exp,)):
            form, shell = "sum exp", (inner, exp)
        case _:
            return None
    if env.perturb and any(n in env.perturb for n in shell):
        return None
    values = _array(_eval(u, env), f"log({form})")
    if form == "sigmoid":
        out: Batch = -np.logaddexp(0.0, -values)
    elif form == "1 - sigmoid":
        out = -np.logaddexp(0.0, values)
    elif form == "softmax":
        lse = logsumexp(values)
        out = values - (
            lse
            if values.shape[2] == 1
            else np.swapaxes(lse, 1, 2).reshape(values.shape[0], values.shape[1], 1)
        )
    else:
        top = np.max(values, axis=(1, 2), keepdims=True)
        out = top + np.log(np.sum(np.exp(values - top), axis=(1, 2), keepdims=True))
    return out


def _compare(op: str, a: Batch, b: Batch) -> Batch:
    ops = {
        "<": np.less,
        "<=": np.less_equal,
        ">": np.greater,
        ">=": np.greater_equal,
        "==": np.equal,
        "!=": np.not_equal,
    }
    result = ops[op](a, b).astype(float)
    out: Batch = np.where(np.isnan(a) | np.isnan(b), np.nan, result)
    return out


def _piecewise(node: A.Piecewise, pieces: tuple[tuple[A.Node, A.Node], ...], env: Env) -> Batch:
    values = [_array(_eval(v, env), "a piecewise expression") for v, _ in pieces]
    conds = [_array(_eval(c, env), "a piecewise expression") for _, c in pieces]
    shape = np.broadcast_shapes(*(v.shape for v in values), *(c.shape for c in conds))
    result = np.full(shape, np.nan)
    taken = np.zeros(shape, dtype=bool)
    hits = env.coverage.setdefault(id(node), set())
    for i, (value, cond) in enumerate(zip(values, conds, strict=True)):
        chosen = np.broadcast_to(cond > 0.5, shape) & ~taken
        if chosen.any():
            hits.add(i)
        result = np.where(chosen, np.broadcast_to(value, shape), result)
        taken |= chosen
    undecided = np.broadcast_to(np.isnan(sum(conds)), shape)
    out: Batch = np.where(undecided, np.nan, result)
    return out


ABSORPTION = 2.0**-44


def _absorbs(a: Batch, b: Value) -> bool:
    if not isinstance(b, np.ndarray):
        return False
    x, y = np.abs(a), np.abs(b)
    small, big = np.minimum(x, y), np.maximum(x, y)
    return bool(np.any((small > 0) & (small < ABSORPTION * big)))


def _is_matrix_power(base: Batch, right: A.Node) -> int | None:
    if base.shape[1] == base.shape[2] > 1 and isinstance(right, A.Num | A.Neg):
        exponent = (
            right.value
            if isinstance(right, A.Num)
            else (-right.arg.value if isinstance(right.arg, A.Num) else None)
        )
        if exponent is not None and exponent.denominator == 1 and abs(exponent) <= 16:
            return int(exponent)
    return None


def _binary(op: str, a: Value, b: Value, right: A.Node) -> Value:
    if isinstance(a, Eye):
        return _eyes(op, a, b) if isinstance(b, Eye) else _with_eye(op, a, b, eye_left=True)
    if isinstance(b, Eye):
        return _with_eye(op, b, a, eye_left=False)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "/":
        return a / b
    if op == "^":
        exponent = _is_matrix_power(a, right)
        if exponent is not None:
            return _matrix_power(a, exponent)
        return power(a, b)
    return _product(op, a, b)


def _matrix_power(a: Batch, exponent: int) -> Batch:
    try:
        if exponent < 0:
            inverse: Batch = np.linalg.matrix_power(np.linalg.inv(a), -exponent)
            return inverse
        return np.linalg.matrix_power(a, exponent)
    except np.linalg.LinAlgError:
        return np.full(a.shape, np.nan)


def _product(op: str, a: Batch, b: Batch) -> Batch:
    if _scalar(a) or _scalar(b):
        return a * b
    chains = a.shape[2] == b.shape[1]
    if op == "@" or (op == "jux" and chains):
        if not chains:
            raise EvalError("inner sizes differ")
        product: Batch = np.matmul(a, b)
        return product
    if a.shape == b.shape:
        return a * b
    if chains:
        product = np.matmul(a, b)
        return product
    raise EvalError(f"cannot multiply shapes {a.shape[1:]} and {b.shape[1:]}")


def _eyes(op: str, a: Eye, b: Eye) -> Eye:
    if op in "+-":
        return Eye(a.scale + b.scale if op == "+" else a.scale - b.scale)
    if op in ("*", "@", "jux"):
        return Eye(a.scale * b.scale)
    raise EvalError("unsupported operation on identity matrices")


def _with_eye(op: str, eye: Eye, other: Batch, *, eye_left: bool) -> Value:
    if op in "+-":
        if other.shape[1] != other.shape[2]:
            raise EvalError("the identity can only be added to a square matrix")
        scaled = eye.scale * np.eye(other.shape[1])[None]
        if op == "+":
            return other + scaled
        return scaled - other if eye_left else other - scaled
    if op in ("*", "@", "jux"):
        return Eye(eye.scale * other) if _scalar(other) else other * eye.scale
    if op == "/" and eye_left and _scalar(other):
        return Eye(eye.scale / other)
    raise EvalError("unsupported operation with the identity matrix")
