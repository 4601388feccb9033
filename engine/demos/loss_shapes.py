"""``loss-shapes``: every loss of the catalogue on a shared axis, with its derivative beside it."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.reference import elementwise as ew

Regression = Literal["mse", "mae", "rmse", "huber", "smooth-l1"]
Margin = Literal["logistic", "hinge", "squared-hinge", "zero-one", "exponential", "squared"]
RESIDUALS = np.linspace(-3, 3, 201)
MARGINS = np.linspace(-3, 3, 201)
PROBS = np.concatenate([np.geomspace(1e-6, 0.5, 150), 1 - np.geomspace(0.5, 1e-6, 150)[1:]])
LABELS = {
    "mse": "squared r²", "mae": "absolute |r|", "rmse": "RMSE of one sample = |r|",
    "huber": "Huber", "smooth-l1": "Smooth-L1", "logistic": "logistic log(1 + e^−m)",
    "hinge": "hinge max(0, 1 − m)", "squared-hinge": "squared hinge", "zero-one": "0-1",
    "exponential": "exponential e^−m", "squared": "squared error (1 − m)²",
}  # fmt: skip


class ShapesParams(Params):
    regression: list[Regression] = Field(
        default=["mse", "mae", "rmse", "huber", "smooth-l1"], max_length=5
    )
    margin: list[Margin] = Field(
        default=["logistic", "hinge", "squared-hinge", "zero-one", "exponential", "squared"],
        max_length=6,
    )
    delta: float = Field(1.0, gt=0, le=3, description="Huber δ and Smooth-L1 β")
    eps: float = Field(1e-7, ge=0, le=0.1, description="Clipping of p in the log loss (0 = none)")
    gammas: list[float] = Field(default=[0.0, 0.5, 1.0, 2.0, 5.0], max_length=8)
    alpha: float = Field(0.25, gt=0, lt=1, description="Focal α (weight of the positive class)")


def _regression(name: str, r: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    table = {
        "mse": (ew.squared, ew.d_squared), "mae": (ew.absolute, ew.d_absolute),
        "rmse": (ew.absolute, ew.d_absolute),
        "huber": (lambda x: ew.huber(x, d), lambda x: ew.d_huber(x, d)),
        "smooth-l1": (lambda x: ew.smooth_l1(x, d), lambda x: ew.d_smooth_l1(x, d)),
    }  # fmt: skip
    f, df = table[name]
    return f(r), df(r)


MARGIN_FNS = {
    "logistic": (ew.logistic, ew.d_logistic), "hinge": (ew.hinge, ew.d_hinge),
    "squared-hinge": (ew.squared_hinge, ew.d_squared_hinge), "zero-one": (ew.zero_one, ew.d_zero_one),
    "exponential": (ew.exponential, ew.d_exponential), "squared": (ew.squared_margin, ew.d_squared_margin),
}  # fmt: skip


def _facts(p: ShapesParams) -> dict[str, Any]:
    inside = np.abs(RESIDUALS) <= p.delta
    with np.errstate(all="ignore"):
        g_001 = float(ew.d_log_loss(1.0, np.array(0.001), eps=0.0))
        raw_tiny = float(ew.log_loss(1.0, np.array(1e-12), eps=0.0))
        clipped_tiny = float(ew.log_loss(1.0, np.array(1e-12), eps=p.eps))
        g_tiny = float(ew.d_log_loss(1.0, np.array(1e-12), eps=p.eps))
    return {
        "huber_minus_half_mse_inside_delta": float(np.max(np.abs(ew.huber(RESIDUALS[inside], p.delta) - ew.squared(RESIDUALS[inside]) / 2))),
        "huber_slope_outside_delta": p.delta,
        "mae_gradient_magnitude": 1.0,
        "hinge_max_for_margin_at_least_1": float(ew.hinge(MARGINS[MARGINS >= 1]).max()),
        "log_loss_gradient_at_p_0.001_y_1": g_001,
        "log_loss_at_p_1e-12_unclipped": raw_tiny,
        "log_loss_at_p_1e-12_clipped": clipped_tiny,
        "log_loss_gradient_at_p_1e-12_clipped": g_tiny,
        "sentences": [
            f"Huber equals MSE/2 for |r| ≤ δ = {p.delta:g} and grows linearly with slope δ beyond it.",
            "The MAE gradient is ±1 whatever the size of the error; MSE's is 2r.",
            "The hinge is exactly zero for margins ≥ 1: correct, confident points stop contributing.",
            f"Gradient of log loss w.r.t. p at p = 0.001, y = 1: {g_001:.6g} (it grows like −1/p).",
            f"With p clipped to [{p.eps:g}, 1 − {p.eps:g}] the loss at p = 1e-12 is {clipped_tiny:.4g} "
            f"instead of {raw_tiny:.4g}, and its gradient there is {g_tiny:g}.",
            "Focal loss with γ > 0 shrinks the loss of well-classified examples (p → 1) far more than of hard ones.",
        ],
    }  # fmt: skip


def run(p: ShapesParams) -> Result:
    reg = {
        n: dict(zip(("loss", "grad"), _regression(n, RESIDUALS, p.delta), strict=True))
        for n in dict.fromkeys(p.regression)
    }
    mar = {
        n: {"loss": MARGIN_FNS[n][0](MARGINS), "grad": MARGIN_FNS[n][1](MARGINS)}
        for n in dict.fromkeys(p.margin)
    }
    with np.errstate(all="ignore"):
        log_loss = {
            f"y={y}, {tag}": {"loss": ew.log_loss(float(y), PROBS, eps), "grad": ew.d_log_loss(float(y), PROBS, eps)}
            for y in (1, 0) for tag, eps in (("clipped", p.eps), ("unclipped", 0.0))
        }  # fmt: skip
    focal = {
        f"γ={g:g}": {
            "loss": ew.focal(1.0, PROBS, g, p.alpha),
            "grad": ew.d_focal(1.0, PROBS, g, p.alpha),
        }
        for g in dict.fromkeys(p.gammas)
    }
    data = {"residual": RESIDUALS, "margin": MARGINS, "p": PROBS,
            "regression": reg, "margin_losses": mar, "log_loss": log_loss, "focal": focal}  # fmt: skip
    return Result(data, _facts(p))


def _pair(
    fig: Any, row: int, x: np.ndarray, curves: dict[str, Any], names: dict[str, str] | None = None
) -> None:
    for k, (name, c) in enumerate(curves.items()):
        label = (names or {}).get(name, name)
        dash = "dot" if "unclipped" in name else None
        plot.line(
            fig, x, c["loss"], label, row=row, col=1, color=plot.colour(k), dash=dash, group=label
        )
        plot.line(
            fig,
            x,
            c["grad"],
            label,
            row=row,
            col=2,
            color=plot.colour(k),
            dash=dash,
            legend=False,
            group=label,
        )


def figure(p: ShapesParams, r: Result) -> Any:
    d = r.data
    fig = plot.grid(4, 2, ["regression loss vs residual r", "derivative w.r.t. r",
                           "classification loss vs margin m = y·f(x)", "derivative w.r.t. m",
                           "log loss vs predicted p", "derivative w.r.t. p",
                           f"focal loss (y = 1, α = {p.alpha:g}) vs p", "derivative w.r.t. p"],
                    vertical_spacing=0.07)  # fmt: skip
    _pair(fig, 1, d["residual"], d["regression"], LABELS)
    _pair(fig, 2, d["margin"], d["margin_losses"], LABELS)
    _pair(fig, 3, d["p"], d["log_loss"])
    _pair(fig, 4, d["p"], d["focal"])
    plot.axes(fig, 1, 1, "r", "loss", range=[0, 5])
    plot.axes(fig, 2, 1, "m", "loss", range=[0, 6])
    plot.axes(fig, 3, 1, "p", "loss", range=[0, 16])
    plot.axes(fig, 3, 2, "p", "∂L/∂p", range=[-50, 50])
    plot.axes(fig, 4, 1, "p", "loss")
    plot.axes(fig, 4, 2, "p", "∂L/∂p", range=[-5, 1])
    return plot.finish(fig, "Loss shapes and their gradients", height=1300)


register(
    id="loss-shapes",
    title="Loss and gradient shape explorer",
    topics=(
        "mse",
        "mae",
        "rmse",
        "huber",
        "binary-cross-entropy",
        "categorical-cross-entropy",
        "hinge-loss",
        "class-imbalance",
        "loss-functions-purpose",
        "choosing-a-loss",
    ),
    params=ShapesParams,
    figure=figure,
    description="Regression losses against the residual, classification losses against the margin, "
    "log loss and focal loss against the probability — each beside its derivative.",
)(run)
