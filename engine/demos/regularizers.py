"""The experiments of the ``regularization`` demo, one function each: ``(params) -> Result``."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.demos.core import Result
from engine.demos.lr_range import make_data as softmax_data
from engine.demos.trainer import Setup, train
from engine.reference import elementwise as ew
from engine.reference import gradients, losses, optimizers, training
from engine.reference._util import sigmoid

LAMBDAS = np.geomspace(1e-4, 10, 25)


def _regression(
    seed: int, n: int, p: int, scales: np.ndarray | None = None
) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    scales = np.ones(p) if scales is None else scales
    X, Xv = rng.normal(size=(n, p)) * scales, rng.normal(size=(400, p)) * scales
    beta = rng.normal(size=p) * (rng.random(p) < 0.3) / scales
    y, yv = X @ beta + 0.5 * rng.normal(size=n), Xv @ beta + 0.5 * rng.normal(size=400)
    return X, y, Xv, yv


def weight_decay(p: Any) -> Result:
    """Full-batch GD on the MSE plus λ‖β‖², one column per λ (gradient + 2λβ)."""
    X, y, Xv, yv = _regression(p.seed, 40, 30)
    L = 2 * np.linalg.eigvalsh(X.T @ X / len(y))[-1] + 2 * LAMBDAS
    B = np.zeros((X.shape[1], LAMBDAS.size))
    for _ in range(p.steps):
        B = optimizers.sgd_step(
            B, gradients.mse_gradient(X, y[:, None], B) + 2 * LAMBDAS * B, 1.0 / L
        )
    train_loss = ew.squared(y[:, None] - X @ B).mean(axis=0)
    val = ew.squared(yv[:, None] - Xv @ B).mean(axis=0)
    best = int(np.argmin(val))
    data = {
        "lambdas": LAMBDAS,
        "weight_norm": np.linalg.norm(B, axis=0),
        "train_loss": train_loss,
        "val_loss": val,
    }
    summary = {"best_lambda": float(LAMBDAS[best]), "best_val_loss": float(val[best]),
               "val_loss_unregularized": float(val[0]), "n_train": 40, "features": 30,
               "note": "40 samples, 30 features: with λ → 0 the fit memorizes the noise"}  # fmt: skip
    return Result(data, summary)


def adamw(p: Any) -> Result:
    """Adam with λw added to the gradient vs AdamW's decoupled decay, features of mixed scale."""
    scales = np.geomspace(0.1, 10, 8)
    X, y, Xv, yv = _regression(p.seed, 200, 8, scales)
    lam = 0.1 if p.strength is None else p.strength
    runs = {}
    for name in ("adam-l2", "adamw"):
        w, m, v, norms = np.zeros(8), np.zeros(8), np.zeros(8), []
        for t in range(1, p.steps + 1):
            g = gradients.mse_gradient(X, y, w)
            if name == "adam-l2":
                w, m, v = optimizers.adam_step(w, g + lam * w, m, v, t, 0.01)
            else:
                w, m, v = optimizers.adamw_step(w, g, m, v, t, 0.01, weight_decay=lam)
            norms.append(float(np.linalg.norm(w)))
        runs[name] = {"weights": w, "weight_norm": np.array(norms),
                      "val_loss": losses.mse(yv, Xv @ w), "relative_shrink": np.abs(w) / (np.abs(np.linalg.lstsq(X, y, rcond=None)[0]) + 1e-12)}  # fmt: skip
    data = {"feature_scales": scales, "runs": runs}
    summary: dict[str, object] = {
        name: {"val_loss": r["val_loss"], "final_weight_norm": float(r["weight_norm"][-1])}
        for name, r in runs.items()
    }
    summary["note"] = (
        "with L2 inside Adam the decay is divided by √v̂ like the gradient, so weights with "
        "large gradients are barely decayed; AdamW shrinks every weight by lr·λ per step"
    )
    return Result(data, summary)


def dropout(p: Any) -> Result:
    """The demo MLP on 40 noisy samples, without and with dropout."""
    runs = {}
    for rate in (0.0, 0.5 if p.strength is None else p.strength):
        h = train(
            Setup(
                hidden=(64, 64),
                n_train=40,
                n_val=150,
                label_noise=0.2,
                epochs=p.epochs,
                dropout=rate,
            ),
            p.seed,
        )
        runs[f"dropout {rate:g}"] = {"train_loss": np.array(h.train), "val_loss": np.array(h.val),
                                     "gap": float(h.val[-1] - h.train[-1]), "val_accuracy": h.val_accuracy}  # fmt: skip
    summary = {
        k: {"final_gap": r["gap"], "val_accuracy": r["val_accuracy"]} for k, r in runs.items()
    }
    return Result({"epochs": np.arange(1, p.epochs + 1), "runs": runs}, summary)


def _softmax_fit(X: np.ndarray, Y: np.ndarray, steps: int) -> np.ndarray:
    W = np.zeros((X.shape[1], Y.shape[1]))
    for _ in range(steps):
        W = optimizers.sgd_step(W, X.T @ gradients.softmax_ce_gradient(Y, X @ W), 0.5)
    return W


def label_smoothing(p: Any) -> Result:
    """Softmax regression trained on smoothed targets: confidence on held-out data."""
    data, labels = softmax_data(p.seed)
    X, Y, Xt, Yt = data[:300], labels[:300], data[300:], labels[300:]
    runs = {}
    for eps in (0.0, 0.1, 0.2, 0.3):
        W = _softmax_fit(X, losses.label_smoothing(Y, eps), p.steps)
        probs = losses.softmax(Xt @ W)
        conf = probs.max(axis=1)
        runs[f"ε = {eps:g}"] = {"confidence": conf, "mean_confidence": float(conf.mean()),
                                "accuracy": float(np.mean(probs.argmax(1) == Yt.argmax(1))),
                                "test_nll": losses.categorical_cross_entropy(Yt, Xt @ W)}  # fmt: skip
    summary = {k: {m: v for m, v in r.items() if m != "confidence"} for k, r in runs.items()}
    return Result({"runs": runs}, summary)


def mixup(p: Any) -> Result:
    """Logistic regression on two overlapping classes, plain vs mixup batches (λ ~ Beta(α, α))."""
    rng = np.random.default_rng(p.seed)
    y = (rng.random(400) < 0.5).astype(float)
    X = np.column_stack(
        [(2 * y - 1) * 1.0 + rng.normal(size=400), rng.normal(size=400), np.ones(400)]
    )
    line = np.column_stack([np.linspace(-4, 4, 81), np.zeros(81), np.ones(81)])
    runs = {}
    for name in ("plain", "mixup"):
        w = np.zeros(3)
        for _ in range(p.steps):
            Xb, yb = X, y
            if name == "mixup":
                perm, lam = rng.permutation(400), rng.beta(p.alpha, p.alpha, 400)[:, None]
                Xb, yb2 = training.mixup(X, y[:, None], X[perm], y[perm][:, None], lam)
                yb = yb2[:, 0]
            w = optimizers.sgd_step(w, gradients.logistic_gradient(Xb, yb, w), 0.5)
        runs[name] = {"weights": w, "p_along_x": sigmoid(line @ w), "weight_norm": float(np.linalg.norm(w[:2])),
                      "train_nll": losses.bce_with_logits(y, X @ w)}  # fmt: skip
    summary: dict[str, object] = {
        k: {"weight_norm": r["weight_norm"], "train_nll": r["train_nll"]} for k, r in runs.items()
    }
    summary["note"] = (
        "mixup trains on blended points with blended labels: smaller weights, softer probabilities"
    )
    return Result({"x": line[:, 0], "runs": runs}, summary)


EXPERIMENTS = {"weight-decay": weight_decay, "adamw": adamw, "dropout": dropout,
               "label-smoothing": label_smoothing, "mixup": mixup}  # fmt: skip
