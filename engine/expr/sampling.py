"""Random points for the numeric equivalence check, respecting each variable's domain."""

from __future__ import annotations

import numpy as np

from engine.constants import Domain
from engine.expr.batch import Batch

# Whole samples on a lattice of simple values catch rules that fail only at special points,
# e.g. (a^b)^c = a^(b*c) fails at a = -2, b = 2, c = 1/2 where both sides are defined.
LATTICE = np.array([-3.0, -2.0, -1.5, -0.5, 0.5, 1.5, 2.0, 3.0])
# Distinct sizes per round, largest first; rows of data matrices get the larger ones.
SIZE_SETS = ((6, 4, 3, 2, 5, 7), (7, 5, 3, 2, 4, 6), (5, 3, 2, 4, 6, 7))


def round_sizes(
    dims: list[str], round_index: int, rows: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Distinct sizes ≥ 2 for the dimension names, different in each round.

    Dimensions that index rows of a matrix (``n`` in an n×p ``X``) come first and get the
    larger sizes, so that data matrices are tall and ``X^T X`` is invertible as in practice.
    """
    sizes_available = SIZE_SETS[round_index % len(SIZE_SETS)]
    ordered = sorted(dims, key=lambda d: (d not in rows, d))
    return {
        dim: sizes_available[i] if i < len(sizes_available) else 8 + i
        for i, dim in enumerate(ordered)
    }


def draw(
    rng: np.random.Generator,
    domain: Domain,
    shape: tuple[int, int, int],
    scale: float | Batch,
    lattice: bool,
) -> Batch:
    """Draw values of ``domain`` with batch shape ``(K, rows, cols)``."""
    match domain:
        case "positive":
            return np.exp(rng.normal(0.0, 0.8, shape)) * scale
        case "nonnegative":
            values = np.exp(rng.normal(0.0, 0.8, shape)) * scale
            return np.where(rng.random(shape) < 0.1, 0.0, values)
        case "unit":
            return rng.uniform(0.05, 0.95, shape)
        case "binary":
            return rng.integers(0, 2, shape).astype(float)
        case "sign":
            return rng.choice([-1.0, 1.0], shape)
        case "integer":
            return rng.integers(-5, 6, shape).astype(float)
        case "onehot":
            return _onehot(rng, shape)
    if lattice:
        return LATTICE[rng.integers(0, len(LATTICE), shape)]
    return rng.normal(0.0, 1.5, shape) * scale


def _onehot(rng: np.random.Generator, shape: tuple[int, int, int]) -> np.ndarray:
    k, rows, cols = shape
    out = np.zeros(shape)
    if cols == 1:  # one vector per sample
        hot = rng.integers(0, rows, k)
        out[np.arange(k), hot, 0] = 1.0
    else:  # one one-hot row per sample row
        hot = rng.integers(0, cols, (k, rows))
        out[np.arange(k)[:, None], np.arange(rows)[None, :], hot] = 1.0
    return out
