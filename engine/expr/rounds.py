"""The points a target is compared at: rounds of random points (and lattice points, for scalar
problems) that respect each variable's domain, with the target's values there.

Array problems get several rounds, each with its own sizes for the dimension names; scalar
problems one batch of random points at several scales plus lattice points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.expr.batch import Batch, Mask
from engine.expr.derivative import TargetError
from engine.expr.errors import EvalError
from engine.expr.evaluate import Env
from engine.expr.front import VarSpec
from engine.expr.sampling import draw, round_sizes
from engine.expr.shapes import from_declared

K_ARRAY, ROUNDS, K_SCALAR = 8, 3, 36
K_LATTICE = 64  # extra all-lattice samples for scalar problems (cheap: float64, batched)
MIN_VALID, MAX_REDRAWS = 5, 4
SCALES = (1.0, 2.0, 0.5)
TargetFn = Callable[[Env], Batch]


@dataclass
class Round:
    sizes: dict[str, int]
    values: dict[str, Batch]
    target: Batch
    # lattice samples only probe for differences: being undefined at a special point (b + c an
    # integer, a factorial at -1) is not a difference of domains
    special: Mask | None = None

    @property
    def batch(self) -> int:
        return int(self.target.shape[0])

    def env(self, absorbed: bool | None = None) -> Env:
        return Env(self.values, self.sizes, self.batch, absorbed=absorbed)

    def describe_point(self, k: int) -> str:
        """``at x = 0.5, n = 3``: the scalar values and the sizes of sample ``k``."""
        parts = [
            f"{n} = {fmt(v[k, 0, 0])}"
            for n, v in sorted(self.values.items())
            if v.shape[1:] == (1, 1)
        ]
        sizes = [f"{d} = {s}" for d, s in sorted(self.sizes.items())]
        if not parts and not sizes:
            return "at a sampled point"
        return "at " + ", ".join(parts + sizes)


def fmt(x: float) -> str:
    return f"{x:.6g}"


def with_scalars(rounds: Sequence[Round], names: Sequence[str]) -> list[Round]:
    """The rounds with real scalars for ``names`` too, drawn from the name itself so that every
    answer sees the same values."""
    rngs = {
        n: np.random.default_rng(int.from_bytes(n.encode()[:8].ljust(8, b"\0"), "little"))
        for n in names
    }
    out = []
    for rnd in rounds:
        values = dict(rnd.values)
        for name in names:
            values[name] = rngs[name].normal(0.0, 1.5, (rnd.batch, 1, 1))
        out.append(Round(rnd.sizes, values, rnd.target, rnd.special))
    return out


class Sampler:
    """Draws the rounds of a target: values of its variables, and its own values there."""

    def __init__(self, variables: dict[str, VarSpec], target: TargetFn) -> None:
        self.variables = variables
        self.dims = sorted({d for v in variables.values() for d in v.shape})
        self.target = target
        self.absorbed = False  # did evaluating the target lose a term to rounding?

    def draw(self, rng: np.random.Generator, *, scalar: bool) -> list[Round]:
        return self._draw_scalar(rng) if scalar else self._draw_arrays(rng)

    def _sample(
        self,
        rng: np.random.Generator,
        sizes: dict[str, int],
        k: int,
        scale: float | Batch,
        lattice: bool,
    ) -> dict[str, Batch]:
        values = {}
        for name, spec in sorted(self.variables.items()):
            rows, cols = (sizes.get(str(d), 1) if d != 1 else 1 for d in from_declared(spec.shape))
            values[name] = draw(rng, spec.domain, (k, rows, cols), scale, lattice)
        return values

    def _draw_arrays(self, rng: np.random.Generator) -> list[Round]:
        rounds = []
        for index in range(ROUNDS):
            sizes = round_sizes(self.dims, index, self._row_dims())
            kept: list[dict[str, Batch]] = []
            targets: list[Batch] = []
            for _ in range(MAX_REDRAWS):
                values = self._sample(rng, sizes, K_ARRAY, SCALES[index], lattice=False)
                target = self._evaluate(values, sizes, K_ARRAY)
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
        kept: list[dict[str, Batch]] = []
        targets: list[Batch] = []
        specials: list[Mask] = []
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
            target = self._evaluate(values, {}, len(special), watch=True)
            ok = np.isfinite(target).all(axis=(1, 2))
            kept.append({n: v[ok] for n, v in values.items()})
            targets.append(target[ok])
            specials.append(special[ok])
            found += int((ok & ~special).sum())
            if found >= needed:
                break
        return [self._merged(kept, targets, specials)]

    @staticmethod
    def _merged(kept: list[dict[str, Batch]], targets: list[Batch], specials: list[Mask]) -> Round:
        target = np.concatenate(targets)
        if not len(target):
            raise TargetError(
                "the target is not defined at any sampled point (e.g. the log or square root "
                "of a negative number); check it and the variable domains"
            )
        merged = {n: np.concatenate([k[n] for k in kept]) for n in kept[0]}
        return Round({}, merged, target, np.concatenate(specials))

    def _evaluate(
        self, values: dict[str, Batch], sizes: dict[str, int], batch: int, watch: bool = False
    ) -> Batch:
        env = Env(values, sizes, batch, absorbed=False if watch else None)
        try:
            target = self.target(env)
        except EvalError as exc:
            raise TargetError(f"the target cannot be evaluated: {exc}") from exc
        self.absorbed = self.absorbed or bool(env.absorbed)
        return target

    def _row_dims(self) -> frozenset[str]:
        return frozenset(v.shape[0] for v in self.variables.values() if len(v.shape) == 2)
