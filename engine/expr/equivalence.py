"""Numeric equivalence of an answer with a target, at random points that respect domains.

Both sides are evaluated on batches of samples (several sizes for every dimension name); the
target is either written out or the derivative of a loss (central differences with Richardson
extrapolation for arrays, mpmath for scalars). Scalar identities that float64 cannot settle are
confirmed in 40-digit arithmetic.
"""

from __future__ import annotations

import copy
import time
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
from engine.expr.symbolic import prove_equal

RTOL = 1e-7  # float64 comparison, written-out targets
RTOL_DERIVATIVE = 1e-6  # targets obtained by finite differences
ATOL_FACTOR = 1e-9  # absolute slack relative to the typical size of the target
PRECISE_RTOL = mpmath.mpf("1e-25")
K_ARRAY, ROUNDS, K_SCALAR = 8, 3, 36
K_LATTICE = 64  # extra all-lattice samples for scalar problems (cheap: float64, batched)
# Decimal literals are IEEE doubles; results within two units of roundoff are equal.
FLOAT_LITERAL_RTOL = mpmath.mpf(2) ** -52
MIN_DEFINED_SHARE = 1 / 3  # without declared domains, the answer must be defined this often
PRECISE_BUDGET_S = 0.25  # wall-clock budget of the 40-digit pass
# Agreement to within a few dozen units of roundoff on ordinary numbers (no decimals, big
# literals, factorials or literal powers) settles equality: two different formulas built from
# small literals do not agree that closely at every random and lattice point.
CONCLUSIVE_RTOL = 1e-14
BIG_LITERAL = 2**24  # literals this large (or decimals, factorials) need the 40-digit check
MIN_VALID, MAX_REDRAWS, PRECISE_POINTS = 5, 4, 4
SCALES = (1.0, 2.0, 0.5)


class TargetError(ExprError):
    code = "target"


@dataclass
class Round:
    sizes: dict[str, int]
    values: dict[str, np.ndarray]
    target: np.ndarray
    # lattice samples only probe for differences: being undefined at a special point (b + c an
    # integer, a factorial at -1) is not a difference of domains
    special: np.ndarray | None = None

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
    method: str = ""  # how equality was established: symbolic, precise or numeric

    def __post_init__(self) -> None:
        if self.equal and not self.method:
            self.method = "precise" if self.precise else "numeric"


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
        # Declared variables are a contract: the answer must be defined wherever the target is.
        # With nothing declared, a name has no known domain, so sides are compared where both
        # are defined (as random-point graders do), unless the answer is rarely defined at all.
        self.strict_domain = bool(variables)
        self.absorbed = False  # did evaluating the target lose a term to rounding?
        self.rounds = self._draw(np.random.default_rng(seed))

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.variables)

    # -- sampling ---------------------------------------------------------------------------
    def _sample(
        self,
        rng: np.random.Generator,
        sizes: dict[str, int],
        k: int,
        scale: float | np.ndarray,
        lattice: bool,
    ) -> dict[str, np.ndarray]:
        values = {}
        for name, spec in sorted(self.variables.items()):
            rows, cols = (sizes.get(str(d), 1) if d != 1 else 1 for d in _shape_of(spec))
            values[name] = draw(rng, spec.domain, (k, rows, cols), scale, lattice)
        return values

    def _draw(self, rng: np.random.Generator) -> list[Round]:
        if self.scalar_only:
            return self._draw_scalar(rng)
        rounds = []
        for index in range(ROUNDS):
            sizes = round_sizes(self.dims, index, self._row_dims())
            kept: list[dict[str, np.ndarray]] = []
            targets: list[np.ndarray] = []
            for _ in range(MAX_REDRAWS):
                values = self._sample(rng, sizes, K_ARRAY, SCALES[index], lattice=False)
                target = self._evaluate_target(values, sizes, K_ARRAY)
                ok = np.isfinite(target).all(axis=(1, 2))
                if ok.any():
                    kept.append({n: v[ok] for n, v in values.items()})
                    targets.append(target[ok])
                if sum(len(t) for t in targets) >= MIN_VALID:
                    break
            if targets:
                merged = {n: np.concatenate([k[n] for k in kept]) for n in kept[0]}
                target = np.concatenate(targets)
                rounds.append(Round(sizes, merged, target, np.zeros(len(target), dtype=bool)))
        if sum(r.batch for r in rounds) < MIN_VALID:
            raise TargetError(
                "could not find points where the target is defined; check the variable domains"
            )
        return rounds

    def _draw_scalar(self, rng: np.random.Generator) -> list[Round]:
        """Scalar problems: one batch of random points at several scales plus lattice points,
        evaluated together; random points are redrawn while too few of them are defined."""
        needed = MIN_VALID * len(SCALES)
        kept: list[dict[str, np.ndarray]] = []
        targets: list[np.ndarray] = []
        specials: list[np.ndarray] = []
        found = drawn = 0
        for attempt in range(MAX_REDRAWS):
            # a redraw is sized by the share of points defined so far, so one usually suffices
            rate = max(found / drawn, 1 / 8) if drawn else 1.0
            count = K_SCALAR if not drawn else min(4 * K_SCALAR, int((needed - found) / rate) + 3)
            count -= count % len(SCALES)
            scale = np.repeat(np.array(SCALES), count // len(SCALES))[:, None, None]
            values = self._sample(rng, {}, count, scale, lattice=False)
            special = np.zeros(count, dtype=bool)
            drawn += count
            if attempt == 0:
                lattice = self._sample(rng, {}, K_LATTICE, 1.0, lattice=True)
                values = {n: np.concatenate([v, lattice[n]]) for n, v in values.items()}
                special = np.concatenate([special, np.ones(K_LATTICE, dtype=bool)])
            target = self._evaluate_target(values, {}, len(special), watch=True)
            ok = np.isfinite(target).all(axis=(1, 2))
            kept.append({n: v[ok] for n, v in values.items()})
            targets.append(target[ok])
            specials.append(special[ok])
            found += int((ok & ~special).sum())
            if found >= needed:
                break
        target = np.concatenate(targets)
        if not len(target):
            raise TargetError(
                "the target is not defined at any sampled point (e.g. the log or square root "
                "of a negative number); check it and the variable domains"
            )
        merged = {n: np.concatenate([k[n] for k in kept]) for n in kept[0]}
        return [Round({}, merged, target, np.concatenate(specials))]

    def _evaluate_target(
        self, values: dict[str, np.ndarray], sizes: dict[str, int], batch: int, watch: bool = False
    ) -> np.ndarray:
        env = Env(values, sizes, batch, absorbed=False if watch else None)
        try:
            target = self.target_values(env)
        except EvalError as exc:
            raise TargetError(f"the target cannot be evaluated: {exc}") from exc
        self.absorbed = self.absorbed or bool(env.absorbed)
        return target

    def _row_dims(self) -> frozenset[str]:
        return frozenset(v.shape[0] for v in self.variables.values() if len(v.shape) == 2)

    def target_values(self, env: Env) -> np.ndarray:
        if self.expected is not None:
            return evaluate(self.expected.node, env)
        return gradient(self.loss.node, self.wrt, env)  # type: ignore[union-attr, arg-type]

    # -- comparing --------------------------------------------------------------------------
    def values(self, node: A.Node, watch: list[bool] | None = None) -> list[np.ndarray]:
        """Values of ``node`` in every round; ``watch`` collects whether rounding lost a term."""
        if watch is None:
            return [evaluate(node, r.env()) for r in self.rounds]
        out = []
        for r in self.rounds:
            env = r.env(absorbed=False)
            out.append(evaluate(node, env))
            watch.append(bool(env.absorbed))
        return out

    def view_for(self, answer: Parsed) -> Target:
        """This target as seen by one answer: names the target does not use (possible only when
        nothing was declared) are real scalars, drawn from the name so every answer sees the
        same values. The shared, cached target is never modified."""
        known = set(self.rounds[0].values) if self.rounds else set()
        extra = sorted(answer.names - known - set(self.dims))
        if not extra:
            return self
        view = copy.copy(self)
        view.rounds = []
        rngs = {
            n: np.random.default_rng(int.from_bytes(n.encode()[:8].ljust(8, b"\0"), "little"))
            for n in extra
        }
        for rnd in self.rounds:
            values = dict(rnd.values)
            for name in extra:
                values[name] = rngs[name].normal(0.0, 1.5, (rnd.batch, 1, 1))
            view.rounds.append(Round(rnd.sizes, values, rnd.target, rnd.special))
        return view

    def compare(self, answer: Parsed) -> Comparison:
        if answer.shape != self.shape:
            return Comparison(
                False,
                "shape",
                f"your expression is {describe(answer.shape)}; expected {describe(self.shape)}",
            )
        absorbed: list[bool] = []
        try:
            values = self.values(answer.node, absorbed if self.scalar_only else None)
        except EvalError as exc:
            return Comparison(False, "differ", f"your expression cannot be evaluated: {exc}")
        result = self._compare_float(values, answer.node)
        result.details["absorbed"] = self.absorbed or any(absorbed)
        if (
            result.equal
            and self.expected is not None
            and prove_equal(answer.node, self.expected.node)
        ):
            result.method = "symbolic"
            return result
        if (
            self.scalar_only
            and precise.supported(answer.node)
            and self._worth_precise(result, answer)
        ):
            result = self._compare_precise(answer, result) or result
        return result

    def _tolerance(self, target: np.ndarray, answer: np.ndarray) -> np.ndarray:
        rtol = RTOL if self.expected is not None else RTOL_DERIVATIVE
        typical = np.mean(np.abs(target)) if target.size else 1.0
        return rtol * np.maximum(np.abs(target), np.abs(answer)) + ATOL_FACTOR * max(typical, 1e-12)

    def _compare_float(self, values: list[np.ndarray], node: A.Node) -> Comparison:
        """Differences where both sides are defined win over "undefined" points."""
        worst = 0.0
        total_ordinary = 0
        undefined_at: list[tuple[int, int]] = []  # (round, sample)
        for r, (rnd, answer) in enumerate(zip(self.rounds, values, strict=True)):
            defined = np.isfinite(answer).all(axis=(1, 2))
            ordinary = ~rnd.special if rnd.special is not None else np.ones_like(defined)
            undefined_at += [(r, int(k)) for k in np.flatnonzero(~defined & ordinary)]
            total_ordinary += int(ordinary.sum())
            diff = np.abs(answer - rnd.target)
            bad = defined & (diff > self._tolerance(rnd.target, answer)).any(axis=(1, 2))
            if rnd.special is not None and (bad & rnd.special).any():
                bad &= ~rnd.special | self._persists(rnd, node)
            scale = np.maximum(np.abs(rnd.target), np.abs(answer))
            with np.errstate(all="ignore"):
                relative = np.where(scale > 0, diff / scale, 0.0)[defined]
            worst = max(worst, float(np.nanmax(relative, initial=0.0)))
            if bad.any():
                k = int(np.argmax(bad))
                message = self.describe_difference(rnd, k, answer[k])
                return Comparison(False, "differ", message, values, details={"relative": worst})
        lenient = (
            not self.strict_domain and len(undefined_at) <= (1 - MIN_DEFINED_SHARE) * total_ordinary
        )
        if undefined_at and not lenient:
            r, k = undefined_at[0]
            where = self.describe_point(self.rounds[r], k)
            message = f"your expression is undefined {where}, where the expected one is defined"
            return Comparison(
                False, "undefined", message, values, details={"undefined_at": undefined_at}
            )
        return Comparison(
            True, "equal", "equivalent at every sampled point", values, details={"relative": worst}
        )

    def _persists(self, rnd: Round, node: A.Node) -> np.ndarray:
        """Does a difference at a lattice point survive a nudge of every variable?

        A kink (|y - ŷ| at y = ŷ) is a tie that any subgradient may break its own way: nudged,
        both sides agree. A special point of definedness ((a^b)^c at a = -2, b = 2, c = 1/2) is
        not: nudged, the sides are undefined, so the difference stands.
        """
        # the nudge must exceed the finite-difference step of derivative targets (2e-3)
        nudged = {
            name: v * (1 + 1e-2 * (j + 1)) + 1e-3 * (j + 1)
            for j, (name, v) in enumerate(sorted(rnd.values.items()))
        }
        env = Env(nudged, rnd.sizes, rnd.batch)
        try:
            target = self.target_values(env)
            answer = evaluate(node, env)
        except EvalError:
            return np.ones(rnd.batch, dtype=bool)
        both = np.isfinite(target).all(axis=(1, 2)) & np.isfinite(answer).all(axis=(1, 2))
        close = (np.abs(answer - target) <= 1e-4 * np.maximum(np.abs(target), 1.0)).all(axis=(1, 2))
        return ~(both & close)

    def _worth_precise(self, result: Comparison, answer: Parsed) -> bool:
        """Is float64 inconclusive here? Then settle it in 40 digits."""
        if result.reason == "undefined":
            return True  # float64 may have overflowed where 40 digits do not
        relative = float(result.details.get("relative", 1.0))  # type: ignore[arg-type]
        if not result.equal:
            return relative < 1e-4
        # equal in float64: conclusive unless the numbers are beyond what a double resolves
        return (
            relative > CONCLUSIVE_RTOL
            or bool(result.details.get("absorbed"))  # x^50 + 1 and x^50 agree in float64 only
            or self._beyond_double(answer)
        )

    def _beyond_double(self, answer: Parsed) -> bool:
        """Literals that float64 cannot tell apart from their neighbours: decimals, big
        integers, factorials, constant powers (99999999/10^8 against 99999998/99999999), and
        formulas without variables, whose single value is cheap to settle exactly."""
        source = self.expected or self.loss
        names = False
        for tree in (source.node, answer.node):  # type: ignore[union-attr]
            for n in A.walk(tree):
                if isinstance(n, A.Num) and (
                    "." in n.text or "e" in n.text.lower() or abs(n.value) >= BIG_LITERAL
                ):
                    return True
                if isinstance(n, A.Call) and n.func in ("factorial", "binomial"):
                    return True
                if isinstance(n, A.Bin) and n.op == "^" and not A.names_in(n):
                    return True
                names = names or isinstance(n, A.Name)
        return not names

    def _precise_target(self, point: dict[str, object]):  # type: ignore[no-untyped-def]
        if self.expected is not None:
            return precise.value(self.expected.node, point)
        return precise.derivative(self.loss.node, self.wrt, point)  # type: ignore[union-attr, arg-type]

    def _compare_precise(self, answer: Parsed, result: Comparison) -> Comparison | None:
        """Settle a scalar comparison in 40-digit arithmetic; None when it cannot."""
        if not self.rounds:
            return None
        rnd = self.rounds[0]
        # points the float pass could not settle (overflow?) first, then ones where it could
        focus = [k for _, k in result.details.get("undefined_at", [])][:PRECISE_POINTS]  # type: ignore[union-attr]
        answer_values = result.answer[0] if result.answer else None
        settled = [
            k
            for k in range(rnd.batch)
            if k not in focus and (answer_values is None or np.isfinite(answer_values[k]).all())
        ]
        order = focus + settled[:PRECISE_POINTS]
        rtol = FLOAT_LITERAL_RTOL if self._has_float_literal(answer) else PRECISE_RTOL
        checked = skipped = 0
        first_undefined = ""
        deadline = time.monotonic() + PRECISE_BUDGET_S
        for k in order:
            if time.monotonic() > deadline:
                return None  # the float64 verdict stands
            point = {n: mpmath.mpf(float(v[k, 0, 0])) for n, v in rnd.values.items()}
            try:
                t = self._precise_target(point)
            except (precise.Undefined, EvalError):
                continue
            checked += 1
            where = self.describe_point(rnd, k)
            try:
                a = precise.value(answer.node, point)
            except precise.Undefined:
                message = f"your expression is undefined {where}, where the expected one is defined"
                if self.strict_domain:
                    return Comparison(False, "undefined", message, result.answer, precise=True)
                skipped += 1
                first_undefined = first_undefined or message
                continue
            except EvalError:
                return None
            if abs(a - t) > rtol * max(abs(a), abs(t)) + mpmath.mpf("1e-30"):
                message = (
                    f"{where} your expression gives {mpmath.nstr(a, 12)} but the expected "
                    f"value is {mpmath.nstr(t, 12)}"
                )
                return Comparison(False, "differ", message, result.answer, precise=True)
        if checked == 0:
            return None
        if skipped > (1 - MIN_DEFINED_SHARE) * checked:
            return Comparison(False, "undefined", first_undefined, result.answer, precise=True)
        return Comparison(
            True,
            "equal",
            "equivalent at every sampled point (checked to 25 digits)",
            result.answer,
            precise=True,
        )

    def _has_float_literal(self, answer: Parsed) -> bool:
        source = self.expected or self.loss
        trees = (source.node, answer.node)  # type: ignore[union-attr]
        return any(
            isinstance(n, A.Num) and ("." in n.text or "e" in n.text.lower())
            for tree in trees
            for n in A.walk(tree)
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
    return ((4 * d1 - d2) / 3).reshape(k, rows, cols)
