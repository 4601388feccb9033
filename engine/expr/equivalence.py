"""Numeric equivalence of an answer with a target, at random points that respect domains.

Both sides are evaluated on batches of samples (several sizes for every dimension name); the
target is either written out or the derivative of a loss (central differences with Richardson
extrapolation for arrays, mpmath for scalars). Scalar identities that float64 cannot settle are
confirmed in 40-digit arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import numpy as np

from engine.expr import ast as A
from engine.expr import precise
from engine.expr.errors import EvalError, ExprError
from engine.expr.evaluate import Env, evaluate
from engine.expr.front import Parsed, VarSpec
from engine.expr.sampling import draw, round_sizes
from engine.expr.shapes import Shape, describe, from_declared

RTOL = 1e-7  # float64 comparison, written-out targets
RTOL_DERIVATIVE = 1e-6  # targets obtained by finite differences
ATOL_FACTOR = 1e-9  # absolute slack relative to the typical size of the target
PRECISE_RTOL = mpmath.mpf("1e-25")
K_ARRAY, ROUNDS, K_SCALAR = 8, 3, 24
MIN_VALID, MAX_REDRAWS, PRECISE_POINTS = 5, 4, 6
SCALES = (1.0, 3.0, 0.3)


class TargetError(ExprError):
    code = "target"


@dataclass
class Round:
    sizes: dict[str, int]
    values: dict[str, np.ndarray]
    target: np.ndarray

    @property
    def batch(self) -> int:
        return self.target.shape[0]

    def env(self, **extra) -> Env:  # type: ignore[no-untyped-def]
        return Env(self.values, self.sizes, self.batch, **extra)


@dataclass
class Comparison:
    equal: bool
    reason: str  # equal | differ | undefined | shape
    message: str
    answer: list[np.ndarray] | None = None
    precise: bool = False
    details: dict[str, object] = field(default_factory=dict)


def _shape_of(spec: VarSpec) -> Shape:
    return from_declared(spec.shape)


class Target:
    """A target (expression or derivative of a loss) with its values at sampled points."""

    def __init__(
        self,
        variables: dict[str, VarSpec],
        *,
        expected: Parsed | None = None,
        loss: Parsed | None = None,
        wrt: str | None = None,
        seed: int = 0,
    ) -> None:
        if (expected is None) == (loss is None):
            raise TargetError("give either an expected expression or derivative_of with wrt")
        self.expected, self.loss, self.wrt = expected, loss, wrt
        source = expected or loss
        assert source is not None
        self.variables = dict(variables)
        for name in source.names:
            if name not in self.variables and not any(name in v.shape for v in variables.values()):
                self.variables[name] = VarSpec()
        self.dims = sorted({d for v in self.variables.values() for d in v.shape})
        if loss is not None:
            if wrt not in self.variables:
                raise TargetError(
                    f"cannot differentiate with respect to {wrt!r}: it is not a variable"
                )
            if loss.shape != (1, 1):
                raise TargetError(f"derivative_of needs a scalar loss, got {describe(loss.shape)}")
            self.shape = _shape_of(self.variables[wrt])
        else:
            self.shape = expected.shape  # type: ignore[union-attr]
        self.scalar_only = not self.dims and precise.supported(source.node)
        self.rounds = self._draw(np.random.default_rng(seed))

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.variables)

    # -- sampling ---------------------------------------------------------------------------
    def _sample(
        self, rng: np.random.Generator, sizes: dict[str, int], k: int, scale: float, lattice: bool
    ) -> dict[str, np.ndarray]:
        values = {}
        for name, spec in sorted(self.variables.items()):
            rows, cols = (sizes.get(str(d), 1) if d != 1 else 1 for d in _shape_of(spec))
            values[name] = draw(rng, spec.domain, (k, rows, cols), scale, lattice)
        return values

    def _draw(self, rng: np.random.Generator) -> list[Round]:
        rounds = []
        plan = (
            [(0, s) for s in SCALES]
            if self.scalar_only
            else [(r, SCALES[r]) for r in range(ROUNDS)]
        )
        per_chunk = K_SCALAR // len(SCALES) if self.scalar_only else K_ARRAY
        for index, scale in plan:
            sizes = round_sizes(self.dims, index)
            kept: list[dict[str, np.ndarray]] = []
            targets: list[np.ndarray] = []
            for _ in range(MAX_REDRAWS):
                values = self._sample(rng, sizes, per_chunk, scale, lattice=scale == 1.0)
                try:
                    target = self.target_values(Env(values, sizes, per_chunk))
                except EvalError as exc:
                    raise TargetError(f"the target cannot be evaluated: {exc}") from exc
                ok = np.isfinite(target).all(axis=(1, 2))
                if ok.any():
                    kept.append({n: v[ok] for n, v in values.items()})
                    targets.append(target[ok])
                if sum(len(t) for t in targets) >= MIN_VALID:
                    break
            if targets:
                merged = {n: np.concatenate([k[n] for k in kept]) for n in kept[0]}
                rounds.append(Round(sizes, merged, np.concatenate(targets)))
        if self.scalar_only and rounds:
            rounds = [
                Round(
                    rounds[0].sizes,
                    {n: np.concatenate([r.values[n] for r in rounds]) for n in rounds[0].values},
                    np.concatenate([r.target for r in rounds]),
                )
            ]
        if sum(r.batch for r in rounds) < MIN_VALID and not self.scalar_only:
            raise TargetError(
                "could not find points where the target is defined; check the variable domains"
            )
        return rounds

    def target_values(self, env: Env) -> np.ndarray:
        if self.expected is not None:
            return evaluate(self.expected.node, env)
        return gradient(self.loss.node, self.wrt, env)  # type: ignore[union-attr, arg-type]

    # -- comparing --------------------------------------------------------------------------
    def values(self, node: A.Node) -> list[np.ndarray]:
        return [evaluate(node, r.env()) for r in self.rounds]

    def compare(self, answer: Parsed) -> Comparison:
        if answer.shape != self.shape:
            return Comparison(
                False,
                "shape",
                f"your expression is {describe(answer.shape)}; expected {describe(self.shape)}",
            )
        try:
            values = self.values(answer.node)
        except EvalError as exc:
            return Comparison(False, "differ", f"your expression cannot be evaluated: {exc}")
        result = self._compare_float(values)
        if self.scalar_only and precise.supported(answer.node) and self._worth_precise(result):
            result = self._compare_precise(answer, values) or result
        return result

    def _tolerance(self, target: np.ndarray, answer: np.ndarray) -> np.ndarray:
        rtol = RTOL if self.expected is not None else RTOL_DERIVATIVE
        typical = np.mean(np.abs(target)) if target.size else 1.0
        return rtol * np.maximum(np.abs(target), np.abs(answer)) + ATOL_FACTOR * max(typical, 1e-12)

    def _compare_float(self, values: list[np.ndarray]) -> Comparison:
        worst = 0.0
        for rnd, answer in zip(self.rounds, values, strict=True):
            undefined = ~np.isfinite(answer).all(axis=(1, 2))
            if undefined.any():
                k = int(np.argmax(undefined))
                where = self.describe_point(rnd, k)
                return Comparison(
                    False,
                    "undefined",
                    f"your expression is undefined {where}, where the expected one is defined",
                    values,
                    details={"point": where},
                )
            diff = np.abs(answer - rnd.target)
            tol = self._tolerance(rnd.target, answer)
            bad = (diff > tol).any(axis=(1, 2))
            scale = np.maximum(np.abs(rnd.target), np.abs(answer))
            with np.errstate(all="ignore"):
                worst = max(
                    worst, float(np.nanmax(np.where(scale > 0, diff / scale, 0.0), initial=0.0))
                )
            if bad.any():
                k = int(np.argmax(bad))
                message = self.describe_difference(rnd, k, answer[k])
                return Comparison(False, "differ", message, values, details={"relative": worst})
        return Comparison(
            True, "equal", "equivalent at every sampled point", values, details={"relative": worst}
        )

    @staticmethod
    def _worth_precise(result: Comparison) -> bool:
        if result.equal:
            return True
        return result.reason == "differ" and float(result.details.get("relative", 1.0)) < 1e-4

    def _compare_precise(self, answer: Parsed, values: list[np.ndarray]) -> Comparison | None:
        rnd = self.rounds[0] if self.rounds else None
        if rnd is None:
            return None
        checked = 0
        for k in range(rnd.batch):
            if checked >= PRECISE_POINTS:
                break
            point = {n: mpmath.mpf(float(v[k, 0, 0])) for n, v in rnd.values.items()}
            try:
                if self.expected is not None:
                    t = precise.value(self.expected.node, point)
                else:
                    t = precise.derivative(self.loss.node, self.wrt, point)  # type: ignore[union-attr, arg-type]
            except (precise.Undefined, EvalError):
                continue
            checked += 1
            where = self.describe_point(rnd, k)
            try:
                a = precise.value(answer.node, point)
            except precise.Undefined:
                return Comparison(
                    False,
                    "undefined",
                    f"your expression is undefined {where}, where the expected one is defined",
                    values,
                    precise=True,
                )
            except EvalError:
                return None
            if abs(a - t) > PRECISE_RTOL * max(abs(a), abs(t)) + mpmath.mpf("1e-30"):
                return Comparison(
                    False,
                    "differ",
                    f"{where} your expression gives "
                    f"{mpmath.nstr(a, 12)} but the expected value is {mpmath.nstr(t, 12)}",
                    values,
                    precise=True,
                )
        if checked == 0:
            return None
        return Comparison(
            True,
            "equal",
            "equivalent at every sampled point (checked to 25 digits)",
            values,
            precise=True,
        )

    # -- messages ---------------------------------------------------------------------------
    def describe_point(self, rnd: Round, k: int) -> str:
        parts = [
            f"{n} = {_fmt(v[k, 0, 0])}"
            for n, v in sorted(rnd.values.items())
            if v.shape[1:] == (1, 1)
        ]
        sizes = [f"{d} = {s}" for d, s in sorted(rnd.sizes.items())]
        if not parts and not sizes:
            return "at a sampled point"
        return "at " + ", ".join(parts + sizes)

    def describe_difference(self, rnd: Round, k: int, answer: np.ndarray) -> str:
        where = self.describe_point(rnd, k)
        target = rnd.target[k]
        if answer.shape == (1, 1):
            return f"{where} your expression gives {_fmt(answer[0, 0])} but the expected value is {_fmt(target[0, 0])}"
        return f"your expression differs from the expected one {where}"


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def gradient(loss: A.Node, wrt: str, env: Env, node: A.Node | None = None) -> np.ndarray:
    """Derivative of the scalar ``loss`` with respect to variable ``wrt`` (or to the value of
    sub-expression ``node``), by central differences with Richardson extrapolation."""
    base = env.values[wrt] if node is None else evaluate(node, env)
    k, rows, cols = base.shape
    m = rows * cols
    step = 1e-3 if node is None else 1e-5  # inner values may sit close to a domain edge
    h = step * np.maximum(1.0, np.abs(base)).reshape(k, m)  # (K, m)
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
    return ((4 * d1 - d2) / 3).reshape(k, rows, cols)
