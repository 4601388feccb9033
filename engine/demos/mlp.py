"""A small NumPy multilayer perceptron for classification demos.

The model is the demo's own (layers, activations, backpropagation through them); the loss, its
gradient with respect to the logits, dropout and the optimizer steps are the reference ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from engine.reference import gradients, losses, training
from engine.reference._util import sigmoid

Layer = tuple[np.ndarray, np.ndarray]  # (W, b)

ACTIVATIONS: dict[
    str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
] = {
    # activation, and its derivative written in terms of the activation's output
    "tanh": (np.tanh, lambda a: 1.0 - a * a),
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: (a > 0).astype(np.float64)),
    "sigmoid": (sigmoid, lambda a: a * (1.0 - a)),
}


def init(sizes: list[int], rng: np.random.Generator, gain: float = 1.0) -> list[Layer]:
    """Weights ``N(0, gain²/fan_in)`` (gain 1 ≈ LeCun, √2 ≈ He), zero biases."""
    return [
        (rng.normal(scale=gain / np.sqrt(a), size=(a, b)), np.zeros(b)) for a, b in pairwise(sizes)
    ]


@dataclass
class Pass:
    logits: np.ndarray
    activations: list[np.ndarray]  # input of every layer
    masks: list[np.ndarray | None]


def forward(
    params: list[Layer],
    X: np.ndarray,
    activation: str = "tanh",
    dropout: float = 0.0,
    rng: np.random.Generator | None = None,
) -> Pass:
    """Logits of ``X``; with ``dropout > 0`` (training) hidden units are dropped (inverted)."""
    act = ACTIVATIONS[activation][0]
    h = X
    inputs: list[np.ndarray] = []  # the input of every layer
    masks: list[np.ndarray | None] = []  # the dropout mask of every hidden layer
    for i, (W, b) in enumerate(params):
        inputs.append(h)
        z = h @ W + b
        if i == len(params) - 1:
            return Pass(z, inputs, masks)
        h = act(z)
        if dropout > 0:
            dropped = training.dropout(np.ones_like(h), dropout, training=True, rng=rng)
            masks.append(dropped)
            h = h * dropped
        else:
            masks.append(None)
    raise ValueError("a network needs at least one layer")


def backward(
    params: list[Layer], run: Pass, Y: np.ndarray, activation: str = "tanh"
) -> tuple[float, list[Layer]]:
    """Mean softmax cross-entropy and its gradient with respect to every (W, b)."""
    d_act = ACTIVATIONS[activation][1]
    delta = gradients.softmax_ce_gradient(Y, run.logits)
    grads: list[Layer] = []
    for i in range(len(params) - 1, -1, -1):
        a = run.activations[i]
        grads.append((a.T @ delta, delta.sum(axis=0)))
        if i:
            mask = run.masks[i - 1]
            # a is the (dropped-out) output of layer i − 1; undo the mask to get the activation
            raw = a if mask is None else np.divide(a, mask, out=np.zeros_like(a), where=mask != 0)
            delta = (delta @ params[i][0].T) * d_act(raw)
            if mask is not None:
                delta = delta * mask
    return losses.categorical_cross_entropy(Y, run.logits), grads[::-1]


def loss(params: list[Layer], X: np.ndarray, Y: np.ndarray, activation: str = "tanh") -> float:
    return losses.categorical_cross_entropy(Y, forward(params, X, activation).logits)


def accuracy(params: list[Layer], X: np.ndarray, Y: np.ndarray, activation: str = "tanh") -> float:
    return float(np.mean(forward(params, X, activation).logits.argmax(1) == Y.argmax(1)))


def spirals(
    n: int, classes: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved 2-D spirals, one per class, with one-hot labels."""
    labels = rng.integers(0, classes, n)
    r = rng.uniform(0.15, 1.0, n)
    theta = 2.2 * np.pi * r + 2 * np.pi * labels / classes + noise * rng.normal(size=n)
    X = np.column_stack([r * np.cos(theta), r * np.sin(theta)]) * 2.0
    return X, np.eye(classes)[labels]
