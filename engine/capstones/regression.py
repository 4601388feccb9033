"""Capstone 1: MSE, MAE and Huber fits of a line to noisy data with outliers.

The data are the ``regression-losses`` demo's (same generator, same seed). The references are
the exact minimisers of each mean loss, not an optimizer's approximation of them: least squares
for MSE, iteratively reweighted least squares for Huber (its weights ``min(1, δ/|r|)`` make each
step a weighted least-squares fit, and it settles in a few dozen steps), and for MAE a golden
section search over the slope, each slope with its best intercept (the median residual).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.arrays import BoolArray, FloatArray
from engine.capstones.core import Item, Report, fmt, report, values
from engine.demos.regression_losses import RegressionParams
from engine.demos.regression_losses import make_data as demo_data
from engine.reference import elementwise as ew

LOSSES = ("MSE", "MAE", "Huber")
TRUE_SLOPE, TRUE_INTERCEPT = 2.0, 1.0
# A fit passes when it is this close to the reference minimiser, or when its own loss is within
# OBJECTIVE_GAP of the minimum (MAE can have a flat bottom where many lines are equally good).
SLOPE_TOL, INTERCEPT_TOL, OBJECTIVE_GAP = 1e-2, 5e-2, 1e-3
IRLS_STEPS, GOLDEN_STEPS, SLOPE_BRACKET = 500, 200, 100.0


@dataclass(frozen=True)
class Data:
    """The seeded data set: inputs, targets and which targets were made outliers."""

    x: FloatArray
    y: FloatArray
    outlier: BoolArray

    @property
    def X(self) -> FloatArray:  # the design matrix, as in the exercises
        return np.column_stack([self.x, np.ones_like(self.x)])


def make_data(
    seed: int = 0, n: int = 100, noise: float = 0.5, outlier_fraction: float = 0.1
) -> Data:
    """The capstone's data: y = 2x + 1 + noise on x ∈ [0, 10], a share of targets shifted by
    about −15 (outliers at high x, where they have leverage).

    Examples
    --------
    >>> d = make_data(seed=0)
    >>> d.x.shape, int(d.outlier.sum())
    ((100,), 10)
    """
    fields = {"n": n, "noise": noise, "outlier_fraction": outlier_fraction, "seed": seed}
    p = RegressionParams.model_validate(fields)
    x, y, out = demo_data(p)
    return Data(x, y, out)


def least_squares(X: FloatArray, y: FloatArray) -> FloatArray:
    """The least-squares coefficients of ``y ≈ Xw`` (the MSE minimiser)."""
    return np.asarray(np.linalg.lstsq(X, y, rcond=None)[0], dtype=np.float64)


def mean_loss(loss: str, data: Data, w: FloatArray, delta: float = 1.0) -> float:
    """The mean loss of the line ``w = (slope, intercept)`` on the data."""
    r = data.y - data.X @ w
    per_sample = {"MSE": ew.squared, "MAE": ew.absolute}.get(loss)
    return float(np.mean(per_sample(r) if per_sample else ew.huber(r, delta)))


def huber_fit(data: Data, delta: float) -> FloatArray:
    """The exact Huber(δ) minimiser by iteratively reweighted least squares.

    Examples
    --------
    >>> np.round(huber_fit(make_data(seed=0), 1.0), 4)
    array([1.9625, 1.0701])
    """
    X, y = data.X, data.y
    w = least_squares(X, y)
    for _ in range(IRLS_STEPS):
        weight = np.minimum(1.0, delta / np.maximum(np.abs(y - X @ w), 1e-300))
        new = np.asarray(
            np.linalg.solve(X.T @ (weight[:, None] * X), X.T @ (weight * y)), dtype=np.float64
        )
        if np.max(np.abs(new - w)) < 1e-13:
            return new
        w = new
    return w


def mae_fit(data: Data) -> FloatArray:
    """An exact MAE minimiser: for a slope a the best intercept is the median of y − a·x, and
    the remaining loss is convex in a, so a golden-section search finds the best slope."""
    x, y = data.x, data.y

    def loss(a: float) -> float:
        r = y - a * x
        return float(np.mean(np.abs(r - np.median(r))))

    lo, hi, phi = -SLOPE_BRACKET, SLOPE_BRACKET, (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(GOLDEN_STEPS):
        c, d = hi - phi * (hi - lo), lo + phi * (hi - lo)
        lo, hi = (lo, d) if loss(c) < loss(d) else (c, hi)
    a = (lo + hi) / 2.0
    return np.array([a, float(np.median(y - a * x))])


def reference_fits(data: Data, delta: float = 1.0) -> dict[str, FloatArray]:
    """The minimiser ``(slope, intercept)`` of each mean loss."""
    return {
        "MSE": least_squares(data.X, data.y),
        "MAE": mae_fit(data),
        "Huber": huber_fit(data, delta),
    }


def _near(w: FloatArray, ref: FloatArray) -> bool:
    return bool(abs(w[0] - ref[0]) <= SLOPE_TOL and abs(w[1] - ref[1]) <= INTERCEPT_TOL)


LOOKS_LIKE = {
    ("MAE", "MSE"): "it is the MSE fit: the MAE gradient uses sign(r), not r",
    ("Huber", "MSE"): "it is the MSE fit: is the residual clipped to [−δ, δ]?",
    ("Huber", "MAE"): "it is the MAE fit: inside |r| ≤ δ the gradient is r itself, not sign(r)",
    ("MSE", "MAE"): "it is the MAE fit: the MSE gradient uses r, not sign(r)",
}


def _fit_item(
    loss: str,
    mine: Sequence[float | None] | None,
    refs: dict[str, FloatArray],
    data: Data,
    delta: float,
) -> Item:
    ref = refs[loss]
    names = ("slope", "intercept")
    shown = values(names, mine if mine is not None else (None, None))
    reference = {"slope": float(ref[0]), "intercept": float(ref[1])}
    if mine is None or shown["slope"] is None or shown["intercept"] is None:
        why = (
            "no fit submitted"
            if mine is None
            else "the fit is not a finite number (did it diverge?)"
        )
        return Item(
            f"{loss} fit",
            False,
            f"{why}; the reference is {fmt(ref[0])}x + {fmt(ref[1])}",
            shown,
            reference,
        )
    w = np.array([shown["slope"], shown["intercept"]], dtype=np.float64)
    best, yours = mean_loss(loss, data, ref, delta), mean_loss(loss, data, w, delta)
    gap = (yours - best) / best if best > 0 else yours
    if _near(w, ref) or gap <= OBJECTIVE_GAP:
        message = (
            f"within tolerance: slope off by {abs(w[0] - ref[0]):.1e}, mean {loss}"
            f" {max(gap, 0.0):.1e} (relative) above its minimum"
        )
        return Item(f"{loss} fit", True, message, shown, reference)
    other = next((o for o in LOSSES if o != loss and _near(w, refs[o])), None)
    hint = (
        LOOKS_LIKE.get((loss, other), f"it is the {other} fit")
        if other
        else (
            f"your mean {loss} is {gap:.1%} above the minimum {fmt(best)}: check the gradient, or"
            " run more steps"
        )
    )
    message = (
        f"{fmt(w[0])}x + {fmt(w[1])} against the reference {fmt(ref[0])}x + {fmt(ref[1])}; {hint}"
    )
    return Item(f"{loss} fit", False, message, shown, reference)


def check_fits(
    data: Data, fits: Mapping[str, Sequence[float | None] | None], delta: float = 1.0
) -> Report:
    """Compare the learner's MSE, MAE and Huber(δ) lines with the exact minimisers.

    Examples
    --------
    >>> d = make_data(seed=0)
    >>> refs = {k: list(v) for k, v in reference_fits(d).items()}
    >>> check_fits(d, refs).passed
    True
    >>> check_fits(d, {**refs, "Huber": refs["MSE"]}).items[2].message.endswith("[−δ, δ]?")
    True
    """
    refs = reference_fits(data, delta)
    items = [_fit_item(loss, fits.get(loss), refs, data, delta) for loss in LOSSES]
    errors = {loss: abs(refs[loss][0] - TRUE_SLOPE) for loss in LOSSES}
    robust = min(errors, key=errors.__getitem__)
    comments = [
        f"The {int(data.outlier.sum())} outliers sit at large x with targets about 15 below the"
        f" line, so they pull hard on the slope: MSE lands at {fmt(refs['MSE'][0], 3)}"
        f" (true slope {TRUE_SLOPE:g}), MAE at {fmt(refs['MAE'][0], 3)} and Huber(δ = {delta:g})"
        f" at {fmt(refs['Huber'][0], 3)}.",
        "Squared error gives each point a pull proportional to its residual, so a few residuals"
        " of 15 outweigh a hundred residuals of 0.5; MAE caps every pull at 1 and Huber at δ.",
        f"Closest to the true slope here: {robust} (off by {errors[robust]:.3f}).",
    ]
    return report(items, comments, noun="fits")


def check_delta_sweep(
    data: Data, deltas: Sequence[float], slopes: Sequence[float | None]
) -> Report:
    """Compare the learner's Huber slope for each δ with the exact one, and describe the path
    from MAE (small δ) to MSE (large δ)."""
    refs = reference_fits(data)
    items = []
    for delta, mine in zip(deltas, slopes, strict=True):
        ref = float(huber_fit(data, delta)[0])
        shown = values(("slope",), (mine,))
        ok = shown["slope"] is not None and abs(shown["slope"] - ref) <= SLOPE_TOL
        message = "within tolerance" if ok else f"slope {fmt(mine)} against {fmt(ref)}"
        items.append(Item(f"Huber slope at δ = {delta:g}", ok, message, shown, {"slope": ref}))
    residual = float(np.max(np.abs(data.y - data.X @ refs["MSE"])))
    comments = [
        f"As δ shrinks, every residual falls in the linear zone and the Huber fit approaches the"
        f" MAE fit (slope {fmt(refs['MAE'][0], 3)}); once δ exceeds the largest least-squares"
        f" residual ({residual:.3g}) every residual is in the quadratic zone and the fit is the"
        f" MSE fit (slope {fmt(refs['MSE'][0], 3)}).",
        "In between, δ sets how large a residual must be before its pull stops growing: a δ near"
        " the noise scale (0.5 here) keeps the inliers' precision and ignores the outliers.",
    ]
    return report(items, comments, noun="slopes")
