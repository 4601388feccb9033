"""Learning-rate schedules: the learning rate to use at a 0-based ``step``."""

from __future__ import annotations

import math


def step_decay(step: int, base_lr: float, drop: float = 0.5, every: int = 10) -> float:
    """Multiply by ``drop`` once every ``every`` steps: ``base_lr · drop^⌊step/every⌋``.

    Examples
    --------
    >>> [step_decay(s, 1.0, drop=0.5, every=2) for s in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    return float(base_lr * drop ** (step // every))


def exponential_decay(step: int, base_lr: float, gamma: float) -> float:
    """Shrink by ``gamma`` every step: ``base_lr · γ^step``.

    Examples
    --------
    >>> exponential_decay(2, 0.1, 0.5)
    0.025
    """
    return float(base_lr * gamma**step)


def cosine_annealing(step: int, total_steps: int, base_lr: float, min_lr: float = 0.0) -> float:
    """Half a cosine from ``base_lr`` (step 0) to ``min_lr`` (step ``total_steps`` and after).

    ``min_lr + ½(base_lr − min_lr)(1 + cos(π·step/total_steps))``.

    Examples
    --------
    >>> cosine_annealing(5, 10, 1.0)
    0.5
    """
    progress = min(step, total_steps) / total_steps
    return float(min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress)))


def warmup_cosine(
    step: int, warmup_steps: int, total_steps: int, base_lr: float, min_lr: float = 0.0
) -> float:
    """Linear warmup ``base_lr · step / warmup_steps`` for ``step < warmup_steps``, then cosine
    annealing from ``base_lr`` to ``min_lr`` over the remaining ``total_steps − warmup_steps``.

    Examples
    --------
    >>> [round(warmup_cosine(s, 2, 6, 1.0), 3) for s in range(7)]
    [0.0, 0.5, 1.0, 0.854, 0.5, 0.146, 0.0]
    """
    if step < warmup_steps:
        return float(base_lr * step / warmup_steps)
    span = max(1, total_steps - warmup_steps)
    progress = min(step - warmup_steps, span) / span
    return float(min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress)))


def triangular_clr(step: int, base_lr: float, max_lr: float, step_size: int) -> float:
    """Triangular cyclical learning rate (Smith, 2017): up for ``step_size`` steps, then down.

    ``cycle = ⌊1 + step/(2·step_size)⌋``, ``x = |step/step_size − 2·cycle + 1|``,
    ``lr = base_lr + (max_lr − base_lr)·max(0, 1 − x)``.

    Examples
    --------
    >>> [triangular_clr(s, 0.0, 1.0, 2) for s in range(6)]
    [0.0, 0.5, 1.0, 0.5, 0.0, 0.5]
    """
    cycle = math.floor(1 + step / (2 * step_size))
    x = abs(step / step_size - 2 * cycle + 1)
    return float(base_lr + (max_lr - base_lr) * max(0.0, 1.0 - x))


def reduce_on_plateau(
    loss: float,
    lr: float,
    best: float,
    wait: int,
    factor: float = 0.1,
    patience: int = 10,
    min_delta: float = 0.0,
    min_lr: float = 0.0,
) -> tuple[float, float, int]:
    """One epoch of reduce-on-plateau: returns the new ``(lr, best, wait)``.

    An epoch improves when ``loss < best − min_delta`` (then ``wait`` restarts at 0); after more
    than ``patience`` epochs in a row without improvement the rate is multiplied by ``factor``
    (never below ``min_lr``) and the count restarts. Start with ``best = inf, wait = 0``.

    Examples
    --------
    >>> lr, best, wait = 1.0, float("inf"), 0
    >>> for loss in [1.0, 0.9, 0.9, 0.9, 0.9]:
    ...     lr, best, wait = reduce_on_plateau(loss, lr, best, wait, factor=0.5, patience=2)
    >>> lr, best, wait
    (0.5, 0.9, 0)
    """
    if loss < best - min_delta:
        return lr, float(loss), 0
    wait += 1
    if wait > patience:
        return max(lr * factor, min_lr), best, 0
    return lr, best, wait
