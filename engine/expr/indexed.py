"""Numeric evaluation of indexed sums and entries on a batch of samples.

A sum over ``m`` values of its index is evaluated in one pass: every sample is repeated ``m``
times along the batch axis (the index taking each value once), the summand is evaluated on that
folded batch, and the terms inside each sample's bounds are added up. Bounds may differ between
samples (a bound that is a variable); a bound that is not a whole number makes the sum undefined
at that sample.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from engine.expr import ast as A
from engine.expr.batch import Batch, Eye, Value
from engine.expr.errors import EvalError
from engine.expr.sums import MAX_SUM_TERMS

if TYPE_CHECKING:
    from engine.expr.evaluate import Env

# samples × terms of one folded evaluation (nested sums multiply): 4 MB per scalar value
MAX_FOLDED_BATCH = 500_000
Run = Callable[[A.Node, "Env"], Value]


def _array(value: Value, where: str) -> Batch:
    if isinstance(value, Eye):
        raise EvalError(f"the identity matrix is not supported in {where}")
    return value


def index_sum(node: A.IndexSum, env: Env, run: Run) -> Batch:
    """The value of ``node`` (see the module docstring)."""
    low = _array(run(node.lower, env), "a bound")[:, 0, 0]
    high = _array(run(node.upper, env), "a bound")[:, 0, 0]
    whole = np.isfinite(low) & np.isfinite(high)
    whole &= (low == np.round(low)) & (high == np.round(high))
    start = int(np.min(low[whole])) if whole.any() else 0
    stop = int(np.max(high[whole])) if whole.any() else 0
    terms = max(stop - start + 1, 1)
    if terms > MAX_SUM_TERMS:
        raise EvalError(f"a {node.op} of {terms} terms is too long to evaluate")
    if env.batch * terms > MAX_FOLDED_BATCH:
        raise EvalError(f"the {node.op}s are nested too deeply to evaluate")
    index = start + np.arange(terms, dtype=float)
    folded = env.folded(terms, node.index, np.tile(index, env.batch), node.base)
    body = _array(run(node.body, folded), f"a {node.op}")
    if folded.absorbed and env.absorbed is False:
        env.absorbed = True
    rows, cols = body.shape[1:]
    if node.op == "vector":  # entries, not terms: the bounds are a vector's, 1 to its size
        stacked: Batch = body.reshape(env.batch, terms, rows * cols)[:, :, :1]
        return stacked
    body = body.reshape(env.batch, terms, rows, cols)
    inside = (index[None, :] >= low[:, None]) & (index[None, :] <= high[:, None])
    inside = inside[:, :, None, None]
    if node.op == "sum":
        out: Batch = np.where(inside, body, 0.0).sum(axis=1)
    else:
        out = np.where(inside, body, 1.0).prod(axis=1)
    out[~whole] = np.nan
    return out


def entry(node: A.Entry, env: Env, run: Run) -> Batch:
    """``y_i``, ``x_i`` (a row of ``X`` as a column), ``A_{ij}``: picked at the index values."""
    arg = _array(run(node.arg, env), "an entry")
    batch, rows, cols = arg.shape
    if rows == cols == 1:
        return arg
    positions = []
    for index in node.indices:
        if index not in env.values or index not in env.bases:
            raise EvalError(f"the index {index} has no value outside its sum")
        positions.append(env.values[index][:, 0, 0] - env.bases[index])
    samples = np.arange(batch)
    if len(positions) == 2:
        r, c = positions
        valid = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
        picked = arg[
            samples, np.clip(r, 0, rows - 1).astype(int), np.clip(c, 0, cols - 1).astype(int)
        ]
        return np.where(valid, picked, np.nan)[:, None, None]
    (p,) = positions
    size = rows if cols == 1 or rows > 1 else cols
    valid = (p >= 0) & (p < size)
    at = np.clip(p, 0, size - 1).astype(int)
    if cols == 1:
        picked = arg[samples, at, 0][:, None, None]
    elif rows == 1:
        picked = arg[samples, 0, at][:, None, None]
    else:
        picked = arg[samples, at, :][:, :, None]  # a row of a matrix, as a column
    out: Batch = np.where(valid[:, None, None], picked, np.nan)
    return out
