"""``classification-losses``: capstone 2 — logistic, hinge and squared error on ±1 labels."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.runner import schedule_factors
from engine.reference import elementwise as ew
from engine.reference import gradients, linear, optimizers
from engine.reference._util import sigmoid

LOSSES = ("logistic", "hinge", "squared")
LR, BINS = 0.1, 10
MARGINS = np.linspace(-3, 3, 241)


class ClassificationParams(Params):
    dataset: Literal["separable", "overlapping"] = "separable"
    n: int = Field(200, ge=20, le=2000)
    far_fraction: float = Field(
        0.2, ge=0, le=0.5, description="Share of class +1 placed far on its correct side"
    )
    lam: float = Field(1e-3, ge=0, le=1, description="L2 strength of the hinge (linear SVM)")
    steps: int = Field(500, ge=50, le=5000)
    seed: int = Field(0, ge=0, le=2**31 - 1)


def make_data(p: ClassificationParams, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 2-D, labels ±1; a share of class +1 sits far from the boundary."""
    y = np.where(rng.random(p.n) < 0.5, -1.0, 1.0)
    centre, spread = (2.0, 0.5) if p.dataset == "separable" else (0.8, 1.0)
    X = np.column_stack([y * centre, np.zeros(p.n)]) + spread * rng.normal(size=(p.n, 2))
    if p.dataset == "separable":
        X[:, 0] = np.where(y > 0, np.maximum(X[:, 0], 0.6), np.minimum(X[:, 0], -0.6))
    far = (y > 0) & (rng.random(p.n) < p.far_fraction)
    X[far] += np.array([6.0, 5.0])
    return X, y


def fit(X: np.ndarray, y: np.ndarray, lam: float, steps: int) -> np.ndarray:
    """Columns (w1, w2, b) of the logistic, hinge and squared-error fits (Adam, cosine rate)."""
    Xb, y01 = np.column_stack([X, np.ones(len(X))]), (y + 1) / 2
    W, m, v = np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3))
    rates = LR * schedule_factors("cosine", steps)
    for t in range(steps):
        g = np.column_stack([
            gradients.logistic_gradient(Xb, y01, W[:, 0]),
            linear.hinge_gradient(Xb, y, W[:, 1], lam),
            gradients.mse_gradient(Xb, y, W[:, 2]),
        ])  # fmt: skip
        W, m, v = optimizers.adam_step(W, g, m, v, t + 1, rates[t])
    return W


def probabilities(scores: np.ndarray) -> np.ndarray:
    """Per column: σ(s) for logistic and hinge (the hinge has no probability model), (s + 1)/2
    clipped to [0, 1] for squared error (least squares on ±1 labels estimates 2p − 1)."""
    out = sigmoid(scores)
    out[:, 2] = np.clip((scores[:, 2] + 1) / 2, 0, 1)
    return out


def calibration(p: np.ndarray, y01: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Reliability curve (mean prediction, observed frequency per bin) and the ECE."""
    idx = np.minimum((p * BINS).astype(int), BINS - 1)
    counts = np.bincount(idx, minlength=BINS)
    with np.errstate(invalid="ignore"):
        mean_p = np.bincount(idx, p, BINS) / counts
        freq = np.bincount(idx, y01, BINS) / counts
    ece = float(np.nansum(counts * np.abs(mean_p - freq)) / len(p))
    return mean_p, freq, ece


def run(p: ClassificationParams) -> Result:
    rng = np.random.default_rng(p.seed)
    X, y = make_data(p, rng)
    Xt, yt = make_data(p, rng)
    W = fit(X, y, p.lam, p.steps)
    margins = y[:, None] * (np.column_stack([X, np.ones(p.n)]) @ W) / np.linalg.norm(W[:2], axis=0)
    probs = probabilities(np.column_stack([Xt, np.ones(p.n)]) @ W)
    rows, curves = [], {}
    for k, name in enumerate(LOSSES):
        mean_p, freq, ece = calibration(probs[:, k], (yt + 1) / 2)
        curves[name] = {"mean_predicted": mean_p, "observed": freq}
        rows.append({
            "loss": name, "weights": W[:, k].tolist(), "min_margin": float(margins[:, k].min()),
            "train_accuracy": float(np.mean(margins[:, k] > 0)),
            "test_accuracy": float(np.mean(yt * (np.column_stack([Xt, np.ones(p.n)]) @ W[:, k]) > 0)),
            "calibration_error": ece,
        })  # fmt: skip
    data = {
        "X": X, "y": y, "weights": {n: W[:, k] for k, n in enumerate(LOSSES)},
        "margin_grid": MARGINS,
        "loss_vs_margin": {"logistic": ew.logistic(MARGINS), "hinge": ew.hinge(MARGINS),
                           "squared": ew.squared_margin(MARGINS), "0-1": ew.zero_one(MARGINS)},
        "calibration": curves,
    }  # fmt: skip
    summary = {"dataset": p.dataset, "fits": rows,
               "largest_min_margin": max(rows, key=lambda r: r["min_margin"])["loss"],
               "margin": "min over samples of y·(w·x + b)/‖w‖ (geometric margin; < 0 = misclassified)"}  # fmt: skip
    return Result(data, summary)


def figure(p: ClassificationParams, r: Result) -> Any:
    d = r.data
    fig = plot.grid(2, 2, ["data and decision boundaries", "loss vs margin y·f(x)",
                           "calibration on fresh data", "minimum geometric margin"])  # fmt: skip
    for label, sym in ((-1.0, "circle"), (1.0, "cross")):
        pts = d["X"][d["y"] == label]
        plot.marker(
            fig, pts[:, 0], pts[:, 1], f"class {label:+.0f}", color="#888", symbol=sym, size=5
        )
    lo, hi = d["X"].min(axis=0) - 1, d["X"].max(axis=0) + 1
    xs = np.array([lo[0], hi[0]])
    for k, name in enumerate(LOSSES):
        w1, w2, b = d["weights"][name]
        c = plot.colour(k)
        ys = -(w1 * xs + b) / w2 if abs(w2) > 1e-12 else np.array([lo[1], hi[1]])
        plot.line(fig, xs if abs(w2) > 1e-12 else np.full(2, -b / w1), ys, name, color=c)
        plot.line(
            fig,
            d["margin_grid"],
            d["loss_vs_margin"][name],
            name,
            row=1,
            col=2,
            color=c,
            legend=False,
        )
        cal = d["calibration"][name]
        plot.line(
            fig,
            cal["mean_predicted"],
            cal["observed"],
            name,
            row=2,
            col=1,
            color=c,
            legend=False,
            mode="lines+markers",
        )
    plot.line(
        fig,
        d["margin_grid"],
        d["loss_vs_margin"]["0-1"],
        "0-1",
        row=1,
        col=2,
        color="black",
        dash="dot",
    )
    plot.line(
        fig,
        [0, 1],
        [0, 1],
        "perfect calibration",
        row=2,
        col=1,
        color="black",
        dash="dot",
        legend=False,
    )
    fits = r.summary["fits"]
    fig.add_trace(dict(type="bar", x=[f["loss"] for f in fits], y=[f["min_margin"] for f in fits],
                       marker={"color": [plot.colour(k) for k in range(3)]}, showlegend=False), row=2, col=2)  # fmt: skip
    fig.update_xaxes(range=[lo[0], hi[0]], row=1, col=1)
    fig.update_yaxes(range=[lo[1], hi[1]], row=1, col=1)
    plot.axes(fig, 1, 2, "margin y·f(x)", "loss", range=[0, 6])
    plot.axes(fig, 2, 1, "mean predicted probability", "observed frequency")
    plot.axes(fig, 2, 2, "", "min y·f(x)/‖w‖")
    return plot.finish(fig, f"Classification losses on {p.dataset} data", height=760)


register(
    id="classification-losses",
    title="Classification losses: logistic, hinge, squared error",
    topics=("binary-cross-entropy", "hinge-loss", "choosing-a-loss"),
    params=ClassificationParams,
    figure=figure,
    description="Separable vs overlapping 2-D data fitted with log loss, hinge (linear SVM) and "
    "squared error on labels: boundaries, margins, loss-vs-margin curves, calibration.",
)(run)
