"""Run reference optimizer steps on many starting rows at once (a row per run).

Every update is one call of a step function from :mod:`engine.reference.optimizers`; runs of
the same optimizer with different learning rates share the call (the rate is a column).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from engine.arrays import FloatArray, FloatOrArray
from engine.reference import batched, training
from engine.reference import optimizers as opt
from engine.reference import schedules as sch

GradFn = Callable[[FloatArray], FloatArray]
State = tuple[FloatArray, ...]  # an optimizer's state: velocity, (m, v), …
OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
LABELS = {
    "gd": "GD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
    "rmsprop": "RMSProp", "adam": "Adam", "adamw": "AdamW",
}  # fmt: skip
SCHEDULES = ("constant", "step", "exponential", "cosine", "warmup-cosine", "cyclical")
DIVERGED = 1e6


@dataclass(frozen=True)
class Hyper:
    """Hyper-parameters after the rate: one number for every row, or one per row."""

    beta: FloatOrArray = 0.9
    rho: FloatOrArray = 0.9
    beta1: FloatOrArray = 0.9
    beta2: FloatOrArray = 0.999
    eps: FloatOrArray = 1e-8
    weight_decay: FloatOrArray = 0.0


def _gd(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    return opt.sgd_step(w, g, lr), st


def _momentum(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, v = opt.momentum_step(w, g, st[0], lr, hp.beta)
    return w, (v,)


def _nesterov(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, v = opt.nesterov_step(w, gfn, st[0], lr, hp.beta)
    return w, (v,)


def _adagrad(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, acc = opt.adagrad_step(w, g, st[0], lr, hp.eps)
    return w, (acc,)


def _rmsprop(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, s = opt.rmsprop_step(w, g, st[0], lr, hp.rho, hp.eps)
    return w, (s,)


def _adam(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, m, v = opt.adam_step(w, g, st[0], st[1], t, lr, hp.beta1, hp.beta2, hp.eps)
    return w, (m, v)


def _adamw(
    w: FloatArray, g: FloatArray, gfn: GradFn, st: State, lr: FloatArray, t: int, hp: Hyper
) -> tuple[FloatArray, State]:
    w, m, v = opt.adamw_step(w, g, st[0], st[1], t, lr, hp.beta1, hp.beta2, hp.eps, hp.weight_decay)
    return w, (m, v)


STEPS = {
    "gd": (_gd, 0), "momentum": (_momentum, 1), "nesterov": (_nesterov, 1),
    "adagrad": (_adagrad, 1), "rmsprop": (_rmsprop, 1), "adam": (_adam, 2), "adamw": (_adamw, 2),
}  # fmt: skip


def schedule_factors(name: str, steps: int, warmup: int = 0) -> np.ndarray:
    """The multiplier of the base rate at every step (reference schedules with base rate 1)."""
    cycle = max(1, steps // 8)
    table: dict[str, Callable[[int], float]] = {
        "constant": lambda s: 1.0,
        "step": lambda s: sch.step_decay(s, 1.0, 0.5, max(1, steps // 4)),
        "exponential": lambda s: sch.exponential_decay(s, 1.0, 0.01 ** (1 / max(1, steps))),
        "cosine": lambda s: sch.cosine_annealing(s, steps, 1.0),
        "warmup-cosine": lambda s: sch.warmup_cosine(s, max(1, warmup), steps, 1.0),
        "cyclical": lambda s: sch.triangular_clr(s, 0.1, 1.0, cycle),
    }
    return np.array([table[name](s) for s in range(steps)])


@dataclass(frozen=True)
class Clip:
    mode: str  # "none" | "value" | "norm"
    threshold: float = 1.0


def _processor(
    decay: np.ndarray | float, clip: Clip
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """L2 weight decay added to the gradient (``decay`` per row), then clipping."""

    def process(g: np.ndarray, w: np.ndarray) -> np.ndarray:
        g = g + decay * w
        if clip.mode == "value":
            return training.clip_grad_value(g, clip.threshold)
        if clip.mode == "norm":
            return batched.clip_rows_by_norm(g, clip.threshold)[0]
        return g

    return process


# GD rows run through momentum_step with β = 0 and Adam rows through adamw_step with λ = 0: the
# same updates bit for bit (v = 0·v + 1·g = g; w − lr·0·w = w), pinned by a test. Sharing one
# call per kind is what keeps 7 optimizers × 5,000 steps within the benchmark's budget.
CALL_AS = {"gd": "momentum", "adam": "adamw"}


@dataclass
class _Unit:
    kind: str
    rows: list[int]
    lrs: list[float]
    beta: list[float]
    decoupled: list[float]


def _units(groups: Sequence[tuple[str, np.ndarray]], hp: Hyper) -> list[_Unit]:
    units: dict[str, _Unit] = {}
    betas = np.ravel(hp.beta)  # one β for all rows, or one per row
    row = 0
    for name, lrs in groups:
        kind = CALL_AS.get(name, name)
        unit = units.setdefault(kind, _Unit(kind, [], [], [], []))
        for lr in np.asarray(lrs, dtype=float):
            unit.rows.append(row)
            unit.lrs.append(float(lr))
            unit.beta.append(0.0 if name == "gd" else float(betas[row % betas.size]))
            unit.decoupled.append(float(hp.weight_decay) if name == "adamw" else 0.0)
            row += 1
    return list(units.values())


def run_rows(
    grad: GradFn,
    groups: Sequence[tuple[str, np.ndarray]],
    start: np.ndarray,
    steps: int,
    *,
    factors: np.ndarray | None = None,
    hyper: Hyper = Hyper(),
    clip: Clip = Clip("none"),
) -> np.ndarray:
    """Iterate every group ``(optimizer, learning rates)`` from ``start``; one row per rate.

    Returns the positions, shape ``(steps + 1, total rows, dim)`` in the order of the groups; a
    row that leaves ``|w| < 1e6`` or stops being finite is NaN from then on.
    """
    start = np.asarray(start, dtype=np.float64)
    units = _units(groups, hyper)
    factors = np.ones(steps) if factors is None else factors
    ws = [np.tile(start, (len(u.rows), 1)) for u in units]
    bounds = np.cumsum([0, *(len(u.rows) for u in units)])
    cuts = [slice(int(a), int(b)) for a, b in pairwise(bounds)]
    rates = [np.array(u.lrs)[None, :, None] * factors[:, None, None] for u in units]
    hypers = [
        replace(hyper, beta=np.array(u.beta)[:, None], weight_decay=np.array(u.decoupled)[:, None])
        for u in units
    ]
    states = [
        tuple(np.zeros_like(w) for _ in range(STEPS[u.kind][1]))
        for u, w in zip(units, ws, strict=True)
    ]
    fns = [STEPS[u.kind][0] for u in units]
    plain = hyper.weight_decay == 0 and clip.mode == "none"
    # AdamW decays the weights itself; every other optimizer gets λw in its gradient.
    l2 = [hyper.weight_decay * (np.array(u.decoupled)[:, None] == 0) for u in units]
    process = _processor(np.concatenate(l2), clip)
    gfns = [grad if plain else (lambda w, p=_processor(d, clip): p(grad(w), w)) for d in l2]
    paths = np.empty((steps + 1, int(bounds[-1]), start.shape[-1]))
    with np.errstate(all="ignore"):
        for t in range(steps):
            W = np.concatenate(ws)
            paths[t] = W
            G = grad(W) if plain else process(grad(W), W)
            for i, fn in enumerate(fns):
                ws[i], states[i] = fn(
                    ws[i], G[cuts[i]], gfns[i], states[i], rates[i][t], t + 1, hypers[i]
                )
        paths[steps] = np.concatenate(ws)
    order = np.argsort(np.concatenate([u.rows for u in units]))
    return _mark_divergence(paths[:, order])


def _mark_divergence(paths: np.ndarray) -> np.ndarray:
    bad = ~np.isfinite(paths).all(axis=-1) | (np.abs(paths).max(axis=-1) > DIVERGED)
    after = np.cumsum(bad, axis=0) > 0
    paths[after] = np.nan
    return paths


def diverged_at(paths: np.ndarray) -> list[int | None]:
    """The first step at which each row diverged (None if it never did)."""
    bad = np.isnan(paths).any(axis=-1)
    return [int(np.argmax(col)) if col.any() else None for col in bad.T]
