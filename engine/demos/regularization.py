"""``regularization``: weight decay, L2-in-Adam vs AdamW, dropout, label smoothing and mixup."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.regularizers import EXPERIMENTS


class RegularizationParams(Params):
    experiment: Literal["weight-decay", "adamw", "dropout", "label-smoothing", "mixup"] = (
        "weight-decay"
    )
    strength: float | None = Field(
        None, ge=0, le=0.9, description="λ for adamw (null = 0.1); dropout rate (null = 0.5)"
    )
    alpha: float = Field(0.4, gt=0, le=5, description="Mixup's Beta(α, α)")
    steps: int = Field(300, ge=10, le=3000, description="Optimizer steps (linear models)")
    epochs: int = Field(150, ge=10, le=500, description="Epochs (dropout MLP)")
    seed: int = Field(0, ge=0, le=2**31 - 1)


def run(p: RegularizationParams) -> Result:
    out = EXPERIMENTS[p.experiment](p)
    return Result(
        {"experiment": p.experiment, **out.data}, {"experiment": p.experiment, **out.summary}
    )


def _weight_decay(fig: Any, d: dict[str, Any]) -> None:
    plot.line(fig, d["lambdas"], d["weight_norm"], "‖β‖", color=plot.colour(0))
    plot.line(fig, d["lambdas"], d["train_loss"], "training MSE", col=2, color=plot.colour(1))
    plot.line(fig, d["lambdas"], d["val_loss"], "validation MSE", col=2, color=plot.colour(2))
    plot.axes(fig, 1, 1, "λ", "weight norm", log_x=True)
    plot.axes(fig, 1, 2, "λ", "MSE", log_x=True, log_y=True)


def _adamw(fig: Any, d: dict[str, Any]) -> None:
    for k, (name, r) in enumerate(d["runs"].items()):
        plot.line(
            fig,
            np.arange(1, len(r["weight_norm"]) + 1),
            r["weight_norm"],
            name,
            color=plot.colour(k),
        )
        plot.line(
            fig,
            d["feature_scales"],
            r["relative_shrink"],
            name,
            col=2,
            color=plot.colour(k),
            mode="lines+markers",
            legend=False,
        )
    plot.axes(fig, 1, 1, "step", "‖w‖")
    plot.axes(fig, 1, 2, "feature scale", "|w| / |least-squares w|", log_x=True)


def _dropout(fig: Any, d: dict[str, Any]) -> None:
    for k, (name, r) in enumerate(d["runs"].items()):
        plot.line(
            fig, d["epochs"], r["train_loss"], f"{name}: training", color=plot.colour(k), dash="dot"
        )
        plot.line(fig, d["epochs"], r["val_loss"], f"{name}: validation", color=plot.colour(k))
        plot.line(
            fig,
            d["epochs"],
            r["val_loss"] - r["train_loss"],
            name,
            col=2,
            color=plot.colour(k),
            legend=False,
        )
    plot.axes(fig, 1, 1, "epoch", "cross-entropy", log_y=True)
    plot.axes(fig, 1, 2, "epoch", "validation − training loss")


def _smoothing(fig: Any, d: dict[str, Any]) -> None:
    for k, (name, r) in enumerate(d["runs"].items()):
        fig.add_trace(dict(type="histogram", x=r["confidence"], name=name, opacity=0.55, nbinsx=30,
                           marker={"color": plot.colour(k)}), row=1, col=1)  # fmt: skip
    names = list(d["runs"])
    fig.add_trace(
        dict(
            type="bar",
            x=names,
            y=[d["runs"][n]["mean_confidence"] for n in names],
            name="mean confidence",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        dict(type="bar", x=names, y=[d["runs"][n]["accuracy"] for n in names], name="accuracy"),
        row=1,
        col=2,
    )
    fig.layout["barmode"] = "overlay"
    plot.axes(fig, 1, 1, "max predicted probability", "test samples")


def _mixup(fig: Any, d: dict[str, Any]) -> None:
    for k, (name, r) in enumerate(d["runs"].items()):
        plot.line(fig, d["x"], r["p_along_x"], name, color=plot.colour(k))
    names = list(d["runs"])
    fig.add_trace(
        dict(type="bar", x=names, y=[d["runs"][n]["weight_norm"] for n in names], name="‖w‖"),
        row=1,
        col=2,
    )
    plot.axes(fig, 1, 1, "x₁ (class −1 left, +1 right)", "P(y = 1)")


FIGURES = {
    "weight-decay": (_weight_decay, ["weight norm vs λ", "training and validation loss vs λ"]),
    "adamw": (_adamw, ["weight norm during training", "shrinkage per feature (by feature scale)"]),
    "dropout": (_dropout, ["loss: training (dotted) and validation", "generalization gap"]),
    "label-smoothing": (_smoothing, ["confidence on test data", "mean confidence and accuracy"]),
    "mixup": (_mixup, ["predicted probability across the classes", "weight norm"]),
}


def figure(p: RegularizationParams, r: Result) -> Any:
    draw, titles = FIGURES[p.experiment]
    fig = plot.grid(1, 2, titles)
    draw(fig, r.data)
    return plot.finish(fig, f"Regularization: {p.experiment}", height=520)


register(
    id="regularization",
    title="Regularization: weight decay, AdamW, dropout, label smoothing, mixup",
    topics=("weight-decay", "dropout", "advanced-regularization", "regularized-linear-models"),
    params=RegularizationParams,
    figure=figure,
    description="Weight-decay strength vs weight norm and validation loss; L2 in Adam vs AdamW; "
    "dropout on a small MLP; label smoothing vs confidence; mixup.",
)(run)
