"""Train the demo MLP and record what a training dashboard shows: losses, per-layer gradient
norms, the learning rate and weight histograms over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from engine.demos import mlp
from engine.demos.plot import thin
from engine.reference import optimizers, schedules, training

HIST_BINS, HIST_SNAPSHOTS = 40, 30


@dataclass(frozen=True)
class Setup:
    hidden: tuple[int, ...] = (32, 32)
    activation: str = "tanh"
    gain: float = 1.0
    optimizer: Literal["sgd", "adam"] = "adam"
    lr: float = 0.01
    epochs: int = 200
    n_train: int = 300
    n_val: int = 300
    label_noise: float = 0.0
    warmup: int = 0
    plateau: bool = False
    plateau_patience: int = 10
    dropout: float = 0.0
    clip: float | None = None
    classes: int = 3
    data_noise: float = 0.15


@dataclass
class History:
    train: list[float] = field(default_factory=list)
    val: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norms: list[list[float]] = field(default_factory=list)
    lr_drops: list[int] = field(default_factory=list)
    snapshots: list[int] = field(default_factory=list)
    weights: list[list[np.ndarray]] = field(default_factory=list)
    val_accuracy: float = 0.0
    train_accuracy: float = 0.0


def _data(s: Setup, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    X, Y = mlp.spirals(s.n_train + s.n_val, s.classes, s.data_noise, rng)
    flip = rng.random(s.n_train) < s.label_noise
    Y[: s.n_train][flip] = np.eye(s.classes)[rng.integers(0, s.classes, int(flip.sum()))]
    return X[: s.n_train], Y[: s.n_train], X[s.n_train :], Y[s.n_train :]


def _rate(s: Setup, epoch: int, lr: float) -> float:
    if s.warmup and epoch < s.warmup:
        return schedules.warmup_cosine(epoch, s.warmup, 10**9, s.lr)
    return lr


def _step(
    s: Setup, params: list[mlp.Layer], grads: list[mlp.Layer], state: list[Any], lr: float, t: int
) -> list[mlp.Layer]:
    out = []
    for i, ((W, b), (gW, gb)) in enumerate(zip(params, grads, strict=True)):
        if s.optimizer == "sgd":
            out.append((optimizers.sgd_step(W, gW, lr), optimizers.sgd_step(b, gb, lr)))
            continue
        (mW, vW), (mb, vb) = state[i]
        W, mW, vW = optimizers.adam_step(W, gW, mW, vW, t, lr)
        b, mb, vb = optimizers.adam_step(b, gb, mb, vb, t, lr)
        state[i] = ((mW, vW), (mb, vb))
        out.append((W, b))
    return out


def train(s: Setup, seed: int) -> History:
    rng = np.random.default_rng(seed)
    X, Y, Xv, Yv = _data(s, rng)
    params = mlp.init([2, *s.hidden, s.classes], rng, s.gain)
    state: list[Any] = [
        ((np.zeros_like(W), np.zeros_like(W)), (np.zeros_like(b), np.zeros_like(b)))
        for W, b in params
    ]
    h, lr, best, wait = History(), s.lr, float("inf"), 0
    h.snapshots = thin(s.epochs + 1, HIST_SNAPSHOTS).tolist()
    with np.errstate(all="ignore"):
        for epoch in range(s.epochs + 1):
            if epoch in h.snapshots:
                h.weights.append([W.ravel().copy() for W, _ in params])
            if epoch == s.epochs:
                break
            run = mlp.forward(params, X, s.activation, s.dropout, rng)
            loss, grads = mlp.backward(params, run, Y, s.activation)
            h.grad_norms.append([float(np.linalg.norm(gW)) for gW, _ in grads])
            if s.clip is not None:
                flat, _ = training.clip_grad_norm([g for pair in grads for g in pair], s.clip)
                grads = list(zip(flat[::2], flat[1::2], strict=True))
            rate = _rate(s, epoch, lr)
            params = _step(s, params, grads, state, rate, epoch + 1)
            h.train.append(loss if s.dropout == 0 else mlp.loss(params, X, Y, s.activation))
            h.val.append(mlp.loss(params, Xv, Yv, s.activation))
            h.lr.append(rate)
            if s.plateau:
                new_lr, best, wait = schedules.reduce_on_plateau(
                    h.val[-1], lr, best, wait, 0.1, s.plateau_patience
                )
                if new_lr < lr:
                    h.lr_drops.append(epoch)
                lr = new_lr
        h.train_accuracy = mlp.accuracy(params, X, Y, s.activation)
        h.val_accuracy = mlp.accuracy(params, Xv, Yv, s.activation)
    return h


def histograms(h: History) -> dict[str, Any]:
    """Per layer: shared bin edges and the counts at every snapshot (snapshots × bins)."""
    layers = []
    for i in range(len(h.weights[0])):
        values = np.concatenate([snap[i] for snap in h.weights])
        finite = values[np.isfinite(values)]
        edge = float(np.abs(finite).max()) if finite.size else 1.0
        edges = np.linspace(-edge, edge, HIST_BINS + 1)
        counts = np.array([np.histogram(snap[i], edges)[0] for snap in h.weights])
        layers.append({"layer": i + 1, "edges": edges, "counts": counts})
    return {"epochs": h.snapshots, "layers": layers}
