"""Capstone 2: logistic, hinge and squared-error classifiers on separable and overlapping data.

The data are the ``classification-losses`` demo's: two Gaussian classes in 2-D with labels ±1,
a share of class +1 far on its correct side. Two comparisons:

- plain gradient descent from zero, no regularisation: on separable data the logistic weights
  grow without bound (the loss only reaches 0 at infinity) while the hinge's stop the moment
  every margin reaches 1 (its gradient is then exactly zero);
- the demo's fits (Adam, cosine-annealed rate): where each loss puts the boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from engine.arrays import FloatArray
from engine.capstones.core import (
    CheckInputError,
    Item,
    Report,
    as_array,
    close,
    fmt,
    report,
    values,
    worst,
)
from engine.demos.classification_losses import ClassificationParams
from engine.demos.classification_losses import fit as demo_fit
from engine.demos.classification_losses import make_data as demo_data
from engine.reference import gradients, linear

DATASETS = ("separable", "overlapping")
GD_LOSSES = ("logistic", "hinge")
FIT_LOSSES = ("logistic", "hinge", "squared")
NORM_RTOL, NORM_ATOL = 1e-3, 1e-6  # same procedure, same numbers: only rounding may differ
ANGLE_TOL_DEG, OFFSET_TOL = 1.0, 0.02  # boundary direction, and its distance from the origin
STOPPED = 1e-9  # relative change of ‖w‖ below which the weights count as stopped


@dataclass(frozen=True)
class Data:
    """Training data (and fresh data from the same generator, to measure accuracy)."""

    X: FloatArray
    y: FloatArray
    X_test: FloatArray
    y_test: FloatArray

    @property
    def Xb(self) -> FloatArray:  # with a column of ones for the bias
        return np.column_stack([self.X, np.ones(len(self.X))])


def make_data(dataset: str, seed: int = 0, n: int = 200, far_fraction: float = 0.2) -> Data:
    """The capstone's data set: the demo's generator, first draw for training, second for test.

    Examples
    --------
    >>> d = make_data("separable")
    >>> d.X.shape, sorted(set(d.y.tolist()))
    ((200, 2), [-1.0, 1.0])
    """
    fields = {"dataset": dataset, "n": n, "far_fraction": far_fraction, "seed": seed}
    p = ClassificationParams.model_validate(fields)
    rng = np.random.default_rng(seed)
    X, y = demo_data(p, rng)
    X_test, y_test = demo_data(p, rng)
    return Data(X, y, X_test, y_test)


def gradient(
    loss: str, Xb: FloatArray, y: FloatArray, w: FloatArray, lam: float = 0.0
) -> FloatArray:
    """The mean-loss gradient of a linear classifier ``w = (w1, w2, b)`` with labels ±1."""
    table: dict[str, Callable[[], FloatArray]] = {
        "logistic": lambda: gradients.logistic_gradient(Xb, (y + 1) / 2, w),
        "hinge": lambda: linear.hinge_gradient(Xb, y, w, lam),
        "squared": lambda: gradients.mse_gradient(Xb, y, w),
    }
    return table[loss]()


def gd_run(
    loss: str, data: Data, lr: float, checkpoints: Sequence[int]
) -> tuple[FloatArray, FloatArray]:
    """Plain gradient descent from zero: ``‖(w1, w2)‖`` and the gradient norm ``‖∇L(w)‖`` after
    each checkpoint's number of steps.

    Examples
    --------
    >>> norms, grads = gd_run("hinge", make_data("separable"), 0.5, [1000, 2000])
    >>> bool(norms[0] == norms[1]), float(grads[1])
    (True, 0.0)
    """
    Xb, y, w = data.Xb, data.y, np.zeros(3)
    norms, grads, wanted = [], [], set(checkpoints)
    for step in range(1, max(checkpoints) + 1):
        w = w - lr * gradient(loss, Xb, y, w)
        if step in wanted:
            norms.append(float(np.linalg.norm(w[:2])))
            grads.append(float(np.linalg.norm(gradient(loss, Xb, y, w))))
    return np.array(norms), np.array(grads)


def validate_checkpoints(checkpoints: Sequence[int]) -> None:
    if len(checkpoints) < 2 or any(b <= a for a, b in pairwise(checkpoints)):
        raise CheckInputError("checkpoints: give at least two step counts, in increasing order")


Runs = Mapping[str, Mapping[str, Sequence[float | None]]]


def trajectory_items(
    runs: Runs, data: dict[str, Data], lr: float, checkpoints: Sequence[int], *, grads: bool
) -> tuple[list[Item], dict[tuple[str, str], FloatArray], dict[tuple[str, str], FloatArray]]:
    """One item per (loss, data set): the learner's norms beside plain GD's."""
    validate_checkpoints(checkpoints)
    names = [f"step {c}" for c in checkpoints]
    items, mine, refs = [], {}, {}
    for loss in GD_LOSSES:
        for ds in DATASETS:
            ref = gd_run(loss, data[ds], lr, checkpoints)[1 if grads else 0]
            sent = runs.get(loss, {}).get(ds)
            what = "gradient norms" if grads else "weight norms"
            name = f"{loss} on {ds} data"
            if sent is None:
                items.append(
                    Item(
                        name,
                        False,
                        f"no {what} submitted",
                        {},
                        dict(zip(names, ref.tolist(), strict=True)),
                    )
                )
                continue
            yours = as_array(sent, what=f"{loss}/{ds}", length=len(checkpoints))
            mine[loss, ds], refs[loss, ds] = yours, ref
            ok = close(yours, ref, rtol=NORM_RTOL, atol=NORM_ATOL)
            k = worst(yours, ref)
            message = (
                "within tolerance"
                if ok
                else (
                    f"at step {checkpoints[k]} yours is {fmt(yours[k])}, plain GD's {fmt(ref[k])}"
                    f" (lr = {lr:g}, from zero, mean-loss gradient, bias included)"
                )
            )
            items.append(
                Item(
                    name,
                    ok,
                    message,
                    values(names, yours),
                    dict(zip(names, ref.tolist(), strict=True)),
                )
            )
    return items, mine, refs


def check_weight_growth(
    data: dict[str, Data], lr: float, checkpoints: Sequence[int], norms: Runs
) -> Report:
    """Compare ‖w‖ along plain GD with the reference, and check the two behaviours the capstone
    is about: logistic weights on separable data still growing, the hinge's stopped."""
    items, mine, refs = trajectory_items(norms, data, lr, checkpoints, grads=False)
    logistic, hinge = mine.get(("logistic", "separable")), mine.get(("hinge", "separable"))
    if logistic is not None:
        growing = bool(np.all(np.diff(logistic) > 0))
        items.append(Item(
            "logistic weights on separable data keep growing", growing,
            "‖w‖ rises at every checkpoint" if growing else "‖w‖ stopped rising: is the gradient"
            " the mean of (σ(Xw) − y)·x with labels 0/1?", values(["first", "last"], logistic[[0, -1]]),
            {"first": float(refs["logistic", "separable"][0]), "last": float(refs["logistic", "separable"][-1])},
        ))  # fmt: skip
    if hinge is not None:
        change = abs(hinge[-1] - hinge[-2]) / max(abs(hinge[-1]), 1e-300)
        stopped = bool(change <= STOPPED)
        ref = refs["hinge", "separable"]
        if not stopped and abs(ref[-1] - ref[-2]) > STOPPED * abs(ref[-1]):
            late = "the reference has not stopped by then either: add a later checkpoint"
        else:
            late = "only samples with y·f(x) < 1 may contribute"
        items.append(Item(
            "hinge weights on separable data stop", stopped,
            "unchanged between the last two checkpoints: every margin is at least 1, the"
            " subgradient is exactly zero" if stopped else f"‖w‖ still changed by {change:.1e}"
            " between the last two checkpoints: " + late,
            values(["last two, relative change"], [change]), {"last two, relative change": 0.0},
        ))  # fmt: skip
    ref_log, ref_hinge = refs.get(("logistic", "separable")), refs.get(("hinge", "separable"))
    comments = [
        "On separable data the logistic loss log(1 + e^{−m}) is positive for every finite margin"
        " and only reaches 0 as every margin goes to infinity: gradient descent keeps scaling w"
        " up (about log t), the boundary's direction settles while its norm never does.",
        "The hinge max(0, 1 − m) is exactly 0 once a sample's margin reaches 1; when every sample"
        " gets there the subgradient is zero and the weights stop: no regularisation is needed"
        " to keep them finite.",
        "On overlapping data some samples are always misclassified, their loss keeps both"
        " objectives bounded below by a positive number reached at finite weights: both norms"
        " level off.",
    ]
    if ref_log is not None and ref_hinge is not None:
        comments.append(
            f"Reference at step {checkpoints[-1]}: logistic ‖w‖ = {fmt(ref_log[-1], 3)} and still"
            f" rising, hinge ‖w‖ = {fmt(ref_hinge[-1], 3)}."
        )
    return report(items, comments, noun="checks")


def angle_deg(a: FloatArray, b: FloatArray) -> float:
    """The angle between two boundary normals ``(w1, w2)``, in degrees."""
    cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def boundary_facts(data: Data, w: FloatArray) -> dict[str, float]:
    """Minimum geometric margin on the training data, and train and test accuracy."""
    norm = float(np.linalg.norm(w[:2]))
    scores = data.Xb @ w
    test = np.column_stack([data.X_test, np.ones(len(data.X_test))]) @ w
    return {
        "min_margin": float(np.min(data.y * scores) / norm),
        "train_accuracy": float(np.mean(data.y * scores > 0)),
        "test_accuracy": float(np.mean(data.y_test * test > 0)),
    }


def reference_boundaries(data: Data, lam: float, steps: int) -> dict[str, FloatArray]:
    """The demo's fits: Adam with a cosine-annealed rate of 0.1, from zero."""
    W = demo_fit(data.X, data.y, lam, steps)
    return {loss: W[:, k] for k, loss in enumerate(FIT_LOSSES)}


def _boundary_item(
    loss: str, ds: str, sent: Sequence[float | None] | None, data: Data, ref: FloatArray
) -> Item:
    name = f"{loss} on {ds} data"
    reference = {
        "w1": float(ref[0]),
        "w2": float(ref[1]),
        "b": float(ref[2]),
        **boundary_facts(data, ref),
    }
    if sent is None:
        return Item(name, False, "no weights submitted", {}, reference)
    w = as_array(sent, what=f"{loss}/{ds} weights (w1, w2, b)", length=3)
    if not np.all(np.isfinite(w)) or np.linalg.norm(w[:2]) == 0:
        return Item(
            name,
            False,
            "the weights are zero or not finite",
            values(("w1", "w2", "b"), w),
            reference,
        )
    yours = {**values(("w1", "w2", "b"), w), **boundary_facts(data, w)}
    angle = angle_deg(w[:2], ref[:2])
    offset = abs(w[2] / np.linalg.norm(w[:2]) - ref[2] / np.linalg.norm(ref[:2]))
    ok = angle <= ANGLE_TOL_DEG and offset <= OFFSET_TOL
    message = (
        "the same boundary"
        if ok
        else (
            f"the boundary is {angle:.1f}° from the reference's and {offset:.2f} further along its"
            " normal: check this loss's gradient"
        )
    )
    return Item(name, ok, message, yours, reference)


def check_boundaries(
    data: dict[str, Data], weights: Runs, lam: float = 1e-3, steps: int = 500
) -> Report:
    """Compare the learner's fitted boundaries with the demo's, and say what each loss did."""
    refs = {ds: reference_boundaries(data[ds], lam, steps) for ds in DATASETS}
    items = [
        _boundary_item(loss, ds, weights.get(loss, {}).get(ds), data[ds], refs[ds][loss])
        for ds in DATASETS
        for loss in FIT_LOSSES
    ]
    sep = {loss: boundary_facts(data["separable"], refs["separable"][loss]) for loss in FIT_LOSSES}
    tilt = angle_deg(refs["separable"]["squared"][:2], refs["separable"]["logistic"][:2])
    comments = [
        f"On separable data the squared error's boundary is {tilt:.0f}° away from the logistic"
        f" one and its smallest margin is {sep['squared']['min_margin']:.2f} against"
        f" {sep['logistic']['min_margin']:.2f} (logistic) and {sep['hinge']['min_margin']:.2f}"
        " (hinge): squared error also punishes scores above 1, so the far, correctly classified"
        " points drag the boundary toward themselves.",
        "Logistic and hinge ignore points that are already right by a wide margin (the hinge"
        " exactly, the logistic almost), so the far cluster does not move them.",
        "On overlapping data no boundary is perfect; the three test accuracies are close, and"
        " what differs is calibration: only the logistic score is a log-odds.",
    ]
    return report(items, comments, noun="boundaries")
