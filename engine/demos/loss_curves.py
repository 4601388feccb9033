"""``loss-curves``: training runs that go wrong on purpose, with the dashboard panels that give
them away — losses, per-layer gradient norms and weight histograms over training."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import numpy as np
from pydantic import Field

from engine.demos import plot
from engine.demos.core import Params, Result, register
from engine.demos.trainer import Setup, histograms, train
from engine.reference import training

Scenario = Literal[
    "healthy", "lr-too-high", "lr-too-low", "bad-init", "overfitting", "plateau", "no-warmup",
    "exploding",
]  # fmt: skip


class _Sizes(TypedDict):
    n_train: int
    n_val: int


_SMALL: _Sizes = {"n_train": 150, "n_val": 150}
SCENARIOS: dict[str, tuple[Setup, str]] = {
    "healthy": (Setup(hidden=(24, 24), epochs=150, **_SMALL), "Adam at 0.01: both curves fall together"),
    "lr-too-high": (Setup(hidden=(24, 24), optimizer="sgd", lr=60.0, epochs=150, **_SMALL),
                    "SGD at lr 60: every step overshoots, the loss jumps far above its start"),
    "lr-too-low": (Setup(hidden=(24, 24), optimizer="sgd", lr=0.01, epochs=150, **_SMALL),
                   "SGD at lr 0.01: the loss creeps down, nowhere near converged"),
    "bad-init": (Setup(hidden=(24, 24, 24, 24), activation="sigmoid", gain=0.05, optimizer="sgd",
                       lr=0.5, epochs=150, **_SMALL),
                 "4 sigmoid layers initialised at 0.05/√fan-in: gradients vanish, the loss stays at log K"),
    "overfitting": (Setup(hidden=(48, 48), n_train=40, n_val=150, label_noise=0.2, epochs=200),
                    "a wide net on 40 noisy samples: training loss ↓, validation loss ↑"),
    "plateau": (Setup(hidden=(24, 24), optimizer="sgd", lr=1.0, plateau=True, plateau_patience=15,
                      epochs=250, **_SMALL),
                "SGD at lr 1 stalls; reduce-on-plateau divides the rate by 10 and the loss drops"),
    "no-warmup": (Setup(hidden=(32, 32, 32), activation="relu", gain=1.4, lr=0.2, epochs=150, **_SMALL),
                  "Adam at 0.2 from the first step: an early spike that the run never recovers from"),
    "exploding": (Setup(hidden=(32,) * 5, activation="relu", gain=3.0, optimizer="sgd", lr=0.1,
                        epochs=150, **_SMALL),
                  "5 ReLU layers initialised with gain 3: gradient norms grow to overflow"),
}  # fmt: skip


class LossCurvesParams(Params):
    scenario: Scenario = "overfitting"
    epochs: int | None = Field(None, ge=10, le=1000, description="null = the scenario's default")
    patience: int = Field(20, ge=1, le=200, description="Early-stopping patience (epochs)")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    annotate: bool = Field(True, description="Name the scenario in the figure (off for quizzes)")


def _setup(p: LossCurvesParams) -> tuple[Setup, str]:
    setup, story = SCENARIOS[p.scenario]
    if p.epochs is not None:
        setup = Setup(**{**setup.__dict__, "epochs": p.epochs})
    return setup, story


def _finite_first_bad(values: np.ndarray) -> int | None:
    bad = ~np.isfinite(values)
    return int(np.argmax(bad)) if bad.any() else None


def run(p: LossCurvesParams) -> Result:
    setup, story = _setup(p)
    h = train(setup, p.seed)
    tr, va, gn = np.array(h.train), np.array(h.val), np.array(h.grad_norms)
    finite_val = np.where(np.isfinite(va), va, np.inf)
    stop, best = training.early_stopping(finite_val.tolist(), p.patience)
    epochs = np.arange(1, len(tr) + 1)
    data = {
        "epochs": epochs, "train_loss": tr, "val_loss": va, "lr": np.array(h.lr),
        "grad_norms": gn.T, "lr_drops": [e + 1 for e in h.lr_drops],
        "early_stopping": {"best_epoch": best + 1, "stop_epoch": stop + 1},
        "weight_histograms": histograms(h),
    }  # fmt: skip
    with np.errstate(all="ignore"):
        ratio = gn[0, 0] / gn[0, -1]  # at the start, before the last layer has converged
    summary = {
        "scenario": p.scenario, "story": story, "epochs": setup.epochs,
        "initial_loss": float(tr[0]), "log_classes": float(np.log(setup.classes)),
        "final_train_loss": float(tr[-1]), "final_val_loss": float(va[-1]),
        "best_val_epoch": best + 1, "best_val_loss": float(va[best]), "early_stop_epoch": stop + 1,
        "train_accuracy": h.train_accuracy, "val_accuracy": h.val_accuracy,
        "diverged_at_epoch": None if (b := _finite_first_bad(tr)) is None else b + 1,
        "max_grad_norm": float(np.nanmax(gn)) if np.isfinite(gn).any() else None,
        "first_to_last_layer_grad_ratio": float(ratio) if np.isfinite(ratio) else None,
        "lr_drops": data["lr_drops"],
        "rule": f"early stopping: stop after {p.patience} epochs without a new validation minimum; keep the best",
    }  # fmt: skip
    return Result(data, summary)


def _positive(v: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(v) & (v > 0), v, np.nan)


def figure(p: LossCurvesParams, r: Result) -> Any:
    d, s = r.data, r.summary
    fig = plot.grid(2, 2, ["loss", "gradient norm per layer", "layer 1 weights over training",
                           "weight histograms: first (dotted) vs last epoch"])  # fmt: skip
    plot.line(fig, d["epochs"], _positive(d["train_loss"]), "training loss", color=plot.colour(0))
    plot.line(fig, d["epochs"], _positive(d["val_loss"]), "validation loss", color=plot.colour(1))
    es = d["early_stopping"]
    if p.annotate or p.scenario == "overfitting":
        plot.marker(
            fig,
            es["best_epoch"],
            s["best_val_loss"],
            "early-stopping point",
            color=plot.colour(1),
            symbol="star",
            size=12,
        )
    for e in d["lr_drops"]:
        fig.add_vline(x=e, line_dash="dash", line_color="grey", row=1, col=1)
    for k, norms in enumerate(d["grad_norms"]):
        plot.line(
            fig,
            d["epochs"],
            _positive(norms),
            f"layer {k + 1}",
            row=1,
            col=2,
            color=plot.colour(k + 2),
        )
    hist = d["weight_histograms"]
    first = hist["layers"][0]
    centres = (first["edges"][:-1] + first["edges"][1:]) / 2
    fig.add_trace(dict(type="heatmap", x=hist["epochs"], y=centres, z=first["counts"].T, colorscale="Blues",
                       showscale=False, name="layer 1 weights"), row=2, col=1)  # fmt: skip
    for k, layer in enumerate(hist["layers"]):
        mid = (layer["edges"][:-1] + layer["edges"][1:]) / 2
        c = plot.colour(k + 2)
        plot.line(
            fig,
            mid,
            layer["counts"][0],
            f"layer {k + 1}",
            row=2,
            col=2,
            color=c,
            dash="dot",
            legend=False,
            line_shape="hvh",
        )
        plot.line(
            fig,
            mid,
            layer["counts"][-1],
            f"layer {k + 1}",
            row=2,
            col=2,
            color=c,
            legend=False,
            line_shape="hvh",
        )
    plot.axes(fig, 1, 1, "epoch", "cross-entropy", log_y=True)
    plot.axes(fig, 1, 2, "epoch", "‖∂L/∂W‖", log_y=True)
    plot.axes(fig, 2, 1, "epoch", "weight value")
    plot.axes(fig, 2, 2, "weight value", "count")
    title = f"Loss curves — {p.scenario}: {s['story']}" if p.annotate else "A training run"
    return plot.finish(fig, title, height=780)


register(
    id="loss-curves",
    title="Loss curves that go wrong",
    topics=("loss-curves", "early-stopping-clipping", "lr-schedules"),
    params=LossCurvesParams,
    figure=figure,
    description="A small NumPy MLP trained with the learning rate too high or too low, a poor "
    "initialisation, overfitting, a plateau with reduce-on-plateau, no warmup and exploding "
    "gradients; with gradient norms and weight histograms per layer.",
)(run)
