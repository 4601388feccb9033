"""Mean losses together with their gradient with respect to the input that carries gradients.

These are the references of the PyTorch track: a submission's loss is backpropagated in the
sandbox and its ``.grad`` is compared with the gradient written out here. Every function returns
``(loss, gradient)`` — a float and an array shaped like the differentiated input — and is stable
for logits of any size.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from engine.arrays import FloatArray
from engine.reference._util import as_float, sigmoid
from engine.reference.elementwise import d_log_loss
from engine.reference.losses import binary_cross_entropy, log_softmax, softmax

TORCH_BCE_EPS = 1e-7


def bce_with_logits(logits: ArrayLike, targets: ArrayLike) -> tuple[float, FloatArray]:
    """Mean ``log(1 + e^z) − y·z`` and its gradient ``(σ(z) − y)/n`` with respect to the logits.

    Examples
    --------
    >>> loss, grad = bce_with_logits(np.array([0.0, 1000.0]), np.array([1.0, 1.0]))
    >>> round(loss, 6), grad
    (0.346574, array([-0.25,  0.  ]))
    """
    z, y = as_float(logits), as_float(targets)
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    return loss, (sigmoid(z) - y) / z.size


def bce(
    probs: ArrayLike, targets: ArrayLike, eps: float = TORCH_BCE_EPS
) -> tuple[float, FloatArray]:
    """Mean binary cross-entropy of probabilities clamped to ``[eps, 1 − eps]``, and its gradient
    with respect to the probabilities (0 where a probability is clamped, as ``torch.clamp``).

    Examples
    --------
    >>> loss, grad = bce(np.array([0.5, 1.0]), np.array([1.0, 1.0]))
    >>> round(loss, 6), grad
    (0.346574, array([-1.,  0.]))
    """
    p, y = as_float(probs), as_float(targets)
    return binary_cross_entropy(y, p, eps), d_log_loss(y, p, eps) / p.size


def smoothed_targets(labels: FloatArray, classes: int, smoothing: float) -> FloatArray:
    """One-hot rows of ``labels`` mixed with the uniform distribution: ``(1 − ε)·y + ε/K``."""
    onehot = np.eye(classes)[np.asarray(labels, dtype=np.int64)]
    return (1.0 - smoothing) * onehot + smoothing / classes


def cross_entropy(
    logits: ArrayLike, labels: FloatArray, label_smoothing: float = 0.0
) -> tuple[float, FloatArray]:
    """``F.cross_entropy(logits, labels, label_smoothing=ε)``: mean over rows of
    ``−Σ_k q_k log softmax(z)_k`` with ``q = (1 − ε)·onehot + ε/K``; gradient ``(softmax − q)/n``.

    Examples
    --------
    >>> loss, grad = cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
    >>> round(loss, 6), grad
    (0.693147, array([[ 0.5, -0.5]]))
    """
    z = as_float(logits)
    q = smoothed_targets(labels, z.shape[-1], label_smoothing)
    loss = float(-np.mean(np.sum(q * log_softmax(z), axis=-1)))
    return loss, (softmax(z) - q) / z.shape[0]


def focal_with_logits(
    logits: ArrayLike, targets: ArrayLike, gamma: float = 2.0, alpha: float = 0.25
) -> tuple[float, FloatArray]:
    """Binary focal loss from logits, ``α_t (1 − p_t)^γ · (−log p_t)`` averaged, and its gradient.

    With ``s = 2y − 1``, ``p_t = σ(s·z)``, ``q = 1 − p_t = σ(−s·z)``:
    ``∂/∂z = s·α_t·q^γ·(γ·p_t·log p_t − q)``. Both logs come from ``logaddexp``, so logits of
    ±1000 give exact zeros, not nan.

    Examples
    --------
    >>> loss, grad = focal_with_logits(np.array([0.0]), np.array([1.0]), gamma=0.0, alpha=0.5)
    >>> round(loss, 6), grad
    (0.346574, array([-0.25]))
    """
    z, y = as_float(logits), as_float(targets)
    s = 2.0 * y - 1.0
    neg_log_pt = np.logaddexp(0.0, -s * z)  # −log p_t
    p_t, q = np.exp(-neg_log_pt), np.exp(-np.logaddexp(0.0, s * z))
    alpha_t = alpha * y + (1.0 - alpha) * (1.0 - y)
    modulating = q**gamma
    loss = float(np.mean(alpha_t * modulating * neg_log_pt))
    grad = s * alpha_t * modulating * (gamma * p_t * -neg_log_pt - q)
    return loss, grad / z.size


def huber(pred: ArrayLike, target: ArrayLike, delta: float = 1.0) -> tuple[float, FloatArray]:
    """Mean Huber loss of ``r = pred − target`` (quadratic inside ±δ, linear outside) and its
    gradient ``clip(r, −δ, δ)/n`` with respect to ``pred``.

    Examples
    --------
    >>> huber(np.array([0.5, 3.0]), np.array([0.0, 0.0]))
    (1.3125, array([0.25, 0.5 ]))
    """
    r = as_float(pred) - as_float(target)
    a = np.abs(r)
    loss = float(np.mean(np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))))
    return loss, np.clip(r, -delta, delta) / r.size
