"""What a target is: an expression written out, or the derivative of a scalar loss with respect
to one variable (central differences with Richardson extrapolation in float64, mpmath's
differentiation in 40 digits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.expr import ast as A
from engine.expr import precise
from engine.expr.batch import Batch
from engine.expr.errors import EvalError, ExprError
from engine.expr.evaluate import Env, evaluate
from engine.expr.front import Parsed, VarSpec
from engine.expr.shapes import describe

RTOL = 1e-7  # float64 comparison, written-out targets
RTOL_DERIVATIVE = 1e-6  # targets obtained by finite differences


class TargetError(ExprError):
    code = "target"


@dataclass(frozen=True)
class Expected:
    """A target written out as an expression."""

    parsed: Parsed
    rtol: ClassVar[float] = RTOL

    @property
    def source(self) -> Parsed:
        return self.parsed

    def values(self, env: Env) -> Batch:
        return evaluate(self.parsed.node, env)

    def precise_value(self, point: precise.Point) -> precise.Real:
        return precise.value(self.parsed.node, point)


@dataclass(frozen=True)
class DerivativeOf:
    """The derivative of the scalar ``loss`` with respect to the variable ``wrt``."""

    loss: Parsed
    wrt: str
    rtol: ClassVar[float] = RTOL_DERIVATIVE

    @classmethod
    def checked(
        cls, loss: Parsed, wrt: str | None, variables: Mapping[str, VarSpec]
    ) -> DerivativeOf:
        """The derivative, if ``wrt`` is a variable and ``loss`` a scalar; else TargetError."""
        if wrt is None or wrt not in variables:
            raise TargetError(f"cannot differentiate with respect to {wrt!r}: it is not a variable")
        if loss.shape != (1, 1):
            raise TargetError(f"derivative_of needs a scalar loss, got {describe(loss.shape)}")
        return cls(loss, wrt)

    @property
    def source(self) -> Parsed:
        return self.loss

    def values(self, env: Env) -> Batch:
        return gradient(self.loss.node, self.wrt, env)

    def precise_value(self, point: precise.Point) -> precise.Real:
        return precise.derivative(self.loss.node, self.wrt, point)


TargetFormula = Expected | DerivativeOf


def gradient(loss: A.Node, wrt: str, env: Env, node: A.Node | None = None) -> Batch:
    """Derivative of the scalar ``loss`` with respect to variable ``wrt`` (or to the value of
    sub-expression ``node``), by central differences with Richardson extrapolation."""
    base = env.values[wrt] if node is None else evaluate(node, env)
    k, rows, cols = base.shape
    m = rows * cols
    magnitude = np.abs(base).reshape(k, m)
    # inner values (a softmax entry of 1e-7) may sit next to a pole or a domain edge
    h = 1e-3 * np.maximum(1.0, magnitude) if node is None else 1e-5 * np.maximum(magnitude, 1e-8)
    offsets = np.array([1.0, -1.0, 2.0, -2.0])
    unit = np.eye(m).reshape(m, rows, cols)
    delta = offsets[None, None, :, None, None] * h[:, :, None, None, None] * unit[None, :, None]
    delta = delta.reshape(k * m * 4, rows, cols)
    reps = m * 4
    values = {n: np.repeat(v, reps, axis=0) for n, v in env.values.items()}
    perturbed = Env(values, env.dims, k * reps)
    if node is None:
        values[wrt] = values[wrt] + delta
    else:
        perturbed.perturb = {node: delta}
    out = evaluate(loss, perturbed)
    if out.shape[1:] != (1, 1):
        raise EvalError("the loss is not a scalar")
    f = out.reshape(k, m, 4)
    d1 = (f[..., 0] - f[..., 1]) / (2 * h)
    d2 = (f[..., 2] - f[..., 3]) / (4 * h)
    derivative: Batch = ((4 * d1 - d2) / 3).reshape(k, rows, cols)
    return derivative
