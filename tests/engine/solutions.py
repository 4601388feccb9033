"""Submissions for every exercise: one correct and typical wrong ones with the feedback code
the judge must give (``mistake-…`` names a known mistake; other codes are generic)."""

from __future__ import annotations

CORRECT: dict[str, str] = {
    "mse": """
import numpy as np

def mse(y_true, y_pred):
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))
""",
    "mae": """
import numpy as np

def mae(y_true, y_pred):
    return float(np.mean(np.abs(y_true - y_pred)))
""",
    "rmse": """
import numpy as np

def rmse(y_true, y_pred):
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))
""",
    "huber": """
import numpy as np

def huber(y_true, y_pred, delta=1.0):
    r = np.abs(y_true - y_pred)
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))
""",
    "binary_cross_entropy": """
import numpy as np

def binary_cross_entropy(y_true, p_pred, eps=1e-12):
    p = np.clip(p_pred, eps, 1 - eps)
    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))
""",
    "bce_with_logits": """
import numpy as np

def bce_with_logits(y_true, logits):
    return float(np.mean(np.logaddexp(0, logits) - y_true * logits))
""",
    "softmax": """
import numpy as np

def softmax(logits):
    z = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
""",
    "categorical_cross_entropy": """
import numpy as np

def categorical_cross_entropy(y_onehot, logits):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-(y_onehot * log_p).sum(axis=1).mean())
""",
    "hinge": """
import numpy as np

def hinge(y_true, scores):
    return float(np.mean(np.maximum(0, 1 - y_true * scores)))
""",
    "multiclass_hinge": """
import numpy as np

def multiclass_hinge(labels, scores, margin=1.0):
    n = scores.shape[0]
    correct = scores[np.arange(n), labels][:, None]
    m = np.maximum(0, scores - correct + margin)
    m[np.arange(n), labels] = 0
    return float(m.sum(axis=1).mean())
""",
    "focal_loss": """
import numpy as np

def focal_loss(y_true, p_pred, gamma=2.0, alpha=0.25):
    p_t = np.where(y_true == 1, p_pred, 1 - p_pred)
    a_t = np.where(y_true == 1, alpha, 1 - alpha)
    return float(np.mean(-a_t * (1 - p_t) ** gamma * np.log(p_t)))
""",
    "label_smoothing": """
def label_smoothing(y_onehot, eps):
    k = y_onehot.shape[-1]
    return (1 - eps) * y_onehot + eps / k
""",
    "mse_gradient": """
def mse_gradient(X, y, beta):
    n = X.shape[0]
    return -2 / n * X.T @ (y - X @ beta)
""",
    "ridge_gradient": """
def ridge_gradient(X, y, beta, lam):
    return -2 / len(y) * X.T @ (y - X @ beta) + 2 * lam * beta
""",
    "logistic_gradient": """
import numpy as np

def logistic_gradient(X, y, beta):
    z = X @ beta
    p = np.exp(-np.logaddexp(0, -z))
    return X.T @ (p - y) / len(y)
""",
    "softmax_ce_gradient": """
import numpy as np

def softmax_ce_gradient(y_onehot, logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    return (p - y_onehot) / logits.shape[0]
""",
    "numerical_gradient": """
import numpy as np

def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x, dtype=float)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
""",
    "sgd_step": """
def sgd_step(w, grad, lr):
    return w - lr * grad
""",
    "momentum_step": """
def momentum_step(w, grad, velocity, lr, beta=0.9):
    velocity = beta * velocity + (1 - beta) * grad
    return w - lr * velocity, velocity
""",
    "nesterov_step": """
def nesterov_step(w, grad_fn, velocity, lr, beta=0.9):
    g = grad_fn(w - lr * beta * velocity)
    velocity = beta * velocity + (1 - beta) * g
    return w - lr * velocity, velocity
""",
    "adagrad_step": """
import numpy as np

def adagrad_step(w, grad, accum, lr, eps=1e-8):
    accum = accum + grad ** 2
    return w - lr * grad / (np.sqrt(accum) + eps), accum
""",
    "rmsprop_step": """
import numpy as np

def rmsprop_step(w, grad, sq_avg, lr, rho=0.9, eps=1e-8):
    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2
    return w - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg
""",
    "adam_step": """
import numpy as np

def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""",
    "adamw_step": """
import numpy as np

def adamw_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * weight_decay * w
    return w_new, m, v
""",
    "step_decay": """
def step_decay(step, base_lr, drop=0.5, every=10):
    return base_lr * drop ** (step // every)
""",
    "exponential_decay": """
def exponential_decay(step, base_lr, gamma):
    return base_lr * gamma ** step
""",
    "cosine_annealing": """
import math

def cosine_annealing(step, total_steps, base_lr, min_lr=0.0):
    step = min(step, total_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * step / total_steps))
""",
    "warmup_cosine": """
import math

def warmup_cosine(step, warmup_steps, total_steps, base_lr, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
""",
    "triangular_clr": """
import numpy as np

def triangular_clr(step, base_lr, max_lr, step_size):
    cycle = np.floor(1 + step / (2 * step_size))
    x = abs(step / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)
""",
    "clip_grad_norm": """
import numpy as np

def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], float(total)
""",
    "clip_grad_value": """
import numpy as np

def clip_grad_value(grad, clip_value):
    return np.clip(grad, -clip_value, clip_value)
""",
    "dropout": """
import numpy as np

def dropout(x, p, training=True, rng=None):
    if not training or p == 0:
        return x.copy()
    rng = np.random.default_rng() if rng is None else rng
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p)
""",
    "early_stopping": """
def early_stopping(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch
""",
    "mixup": """
def mixup(x1, y1, x2, y2, lam):
    return lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2
""",
    "sam_perturbation": """
import numpy as np

def sam_perturbation(grad, rho=0.05):
    return rho * grad / (np.linalg.norm(grad) + 1e-12)
""",
    "linear_regression_gd": """
import numpy as np

def linear_regression_gd(X, y, lr, epochs):
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        beta -= lr * (-2 / len(y)) * X.T @ (y - X @ beta)
    return beta
""",
    "logistic_regression_gd": """
import numpy as np

def logistic_regression_gd(X, y, lr, epochs):
    beta = np.zeros(X.shape[1])
    for _ in range(epochs):
        p = np.exp(-np.logaddexp(0, -(X @ beta)))
        beta = beta - lr * X.T @ (p - y) / len(y)
    return beta
""",
}

# exercise -> [(source, a feedback code the verdict must carry)]
WRONG: dict[str, list[tuple[str, str]]] = {
    "mse": [
        (
            "import numpy as np\ndef mse(y_true, y_pred):\n    return np.sum((y_true - y_pred) ** 2)\n",
            "mistake-sum",
        ),
        (
            "import numpy as np\ndef mse(y_true, y_pred):\n    return np.sqrt(np.mean((y_true - y_pred) ** 2))\n",
            "mistake-sqrt",
        ),
    ],
    "mae": [
        (
            "import numpy as np\ndef mae(y_true, y_pred):\n    return np.mean(y_true - y_pred)\n",
            "mistake-no-abs",
        ),
        (
            "import numpy as np\ndef mae(y_true, y_pred):\n    return np.sum(np.abs(y_true - y_pred))\n",
            "mistake-sum",
        ),
    ],
    "rmse": [
        (
            "import numpy as np\ndef rmse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2)\n",
            "mistake-no-sqrt",
        ),
        (
            "import numpy as np\ndef rmse(y_true, y_pred):\n    return np.mean(np.sqrt((y_true - y_pred) ** 2))\n",
            "mistake-mae",
        ),
    ],
    "huber": [
        (
            "import numpy as np\ndef huber(y_true, y_pred, delta=1.0):\n    r = np.abs(y_true - y_pred)\n"
            "    return np.mean(np.where(r <= delta, r ** 2, delta * (r - 0.5 * delta)))\n",
            "mistake-no-half",
        ),
        (
            "import numpy as np\ndef huber(y_true, y_pred, delta=1.0):\n    r = np.abs(y_true - y_pred)\n"
            "    return np.mean(np.where(r <= delta, 0.5 * r ** 2, delta * r))\n",
            "mistake-linear-offset",
        ),
    ],
    "binary_cross_entropy": [
        (
            "import numpy as np\ndef binary_cross_entropy(y_true, p_pred, eps=1e-12):\n"
            "    return -np.mean(y_true * np.log(p_pred) + (1 - y_true) * np.log(1 - p_pred))\n",
            "nonfinite",
        ),
        (
            "import numpy as np\ndef binary_cross_entropy(y_true, p_pred, eps=1e-12):\n"
            "    p = np.clip(p_pred, eps, 1 - eps)\n"
            "    return -np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))\n",
            "mistake-sum",
        ),
    ],
    "bce_with_logits": [
        (
            "import numpy as np\ndef bce_with_logits(y_true, logits):\n    p = 1 / (1 + np.exp(-logits))\n"
            "    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))\n",
            "nonfinite",
        ),
        (
            "import numpy as np\ndef bce_with_logits(y_true, logits):\n"
            "    p = np.clip(1 / (1 + np.exp(-logits)), 1e-12, 1 - 1e-12)\n"
            "    return -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))\n",
            "mistake-clipped-sigmoid",
        ),
    ],
    "softmax": [
        (
            "import numpy as np\ndef softmax(logits):\n    e = np.exp(logits - logits.max(axis=0, keepdims=True))\n"
            "    return e / e.sum(axis=0, keepdims=True)\n",
            "mistake-axis-0",
        ),
        (
            "import numpy as np\ndef softmax(logits):\n    e = np.exp(logits)\n"
            "    return e / e.sum(axis=-1, keepdims=True)\n",
            "nonfinite",
        ),
    ],
    "categorical_cross_entropy": [
        (
            "import numpy as np\ndef categorical_cross_entropy(y_onehot, logits):\n"
            "    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n"
            "    return -np.mean(np.sum(y_onehot * np.log(p), axis=1))\n",
            "nonfinite",
        ),
        (
            "import numpy as np\ndef categorical_cross_entropy(y_onehot, logits):\n"
            "    z = logits - logits.max(axis=1, keepdims=True)\n"
            "    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))\n"
            "    return -np.sum(y_onehot * log_p)\n",
            "mistake-sum",
        ),
    ],
    "hinge": [
        (
            "import numpy as np\ndef hinge(y_true, scores):\n    return np.mean(1 - y_true * scores)\n",
            "mistake-no-clamp",
        ),
        (
            "import numpy as np\ndef hinge(y_true, scores):\n    return np.mean(np.maximum(0, -y_true * scores))\n",
            "mistake-perceptron",
        ),
    ],
    "multiclass_hinge": [
        (
            "import numpy as np\ndef multiclass_hinge(labels, scores, margin=1.0):\n"
            "    s_y = scores[np.arange(len(labels)), labels][:, None]\n"
            "    return np.mean(np.sum(np.maximum(0, scores - s_y + margin), axis=1))\n",
            "mistake-with-true",
        ),
        (
            "import numpy as np\ndef multiclass_hinge(labels, scores, margin=1.0):\n"
            "    n = len(labels)\n    s_y = scores[np.arange(n), labels][:, None]\n"
            "    m = np.maximum(0, scores - s_y + margin)\n    m[np.arange(n), labels] = 0\n"
            "    return np.mean(m.max(axis=1))\n",
            "mistake-max",
        ),
    ],
    "focal_loss": [
        (
            "import numpy as np\ndef focal_loss(y_true, p_pred, gamma=2.0, alpha=0.25):\n"
            "    p_t = np.where(y_true == 1, p_pred, 1 - p_pred)\n"
            "    return np.mean(-alpha * (1 - p_t) ** gamma * np.log(p_t))\n",
            "mistake-alpha-both",
        ),
        (
            "import numpy as np\ndef focal_loss(y_true, p_pred, gamma=2.0, alpha=0.25):\n"
            "    p_t = np.where(y_true == 1, p_pred, 1 - p_pred)\n"
            "    a_t = np.where(y_true == 1, alpha, 1 - alpha)\n"
            "    return np.mean(-a_t * p_t ** gamma * np.log(p_t))\n",
            "mistake-p-gamma",
        ),
    ],
    "label_smoothing": [
        (
            "def label_smoothing(y_onehot, eps):\n    k = y_onehot.shape[-1]\n"
            "    return (1 - eps) * y_onehot + (1 - y_onehot) * eps / (k - 1)\n",
            "mistake-k-minus-1",
        ),
        (
            "def label_smoothing(y_onehot, eps):\n    return (1 - eps) * y_onehot + eps\n",
            "mistake-no-divide",
        ),
    ],
    "mse_gradient": [
        (
            "def mse_gradient(X, y, beta):\n    return 2 / len(y) * X.T @ (y - X @ beta)\n",
            "mistake-sign",
        ),
        (
            "def mse_gradient(X, y, beta):\n    return -2 * X.T @ (y - X @ beta)\n",
            "mistake-no-mean",
        ),
    ],
    "ridge_gradient": [
        (
            "def ridge_gradient(X, y, beta, lam):\n"
            "    return -2 / len(y) * X.T @ (y - X @ beta) + lam * beta\n",
            "mistake-penalty-half",
        ),
        (
            "def ridge_gradient(X, y, beta, lam):\n"
            "    return -2 / len(y) * X.T @ (y - X @ beta) + 2 * lam * beta / len(y)\n",
            "mistake-penalty-per-sample",
        ),
    ],
    "logistic_gradient": [
        (
            "import numpy as np\ndef logistic_gradient(X, y, beta):\n"
            "    return X.T @ (y - 1 / (1 + np.exp(-(X @ beta)))) / len(y)\n",
            "mistake-sign",
        ),
        (
            "def logistic_gradient(X, y, beta):\n    return X.T @ (X @ beta - y) / len(y)\n",
            "mistake-no-sigmoid",
        ),
    ],
    "softmax_ce_gradient": [
        (
            "import numpy as np\ndef softmax_ce_gradient(y_onehot, logits):\n"
            "    z = logits - logits.max(axis=-1, keepdims=True)\n"
            "    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True) - y_onehot\n",
            "mistake-no-mean",
        ),
        (
            "import numpy as np\ndef softmax_ce_gradient(y_onehot, logits):\n"
            "    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)\n"
            "    return (p - y_onehot) / logits.shape[0]\n",
            "nonfinite",
        ),
    ],
    "numerical_gradient": [
        (
            "import numpy as np\ndef numerical_gradient(f, x, h=1e-5):\n    g = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n        e = np.zeros_like(x)\n        e[i] = h\n"
            "        g[i] = (f(x + e) - f(x)) / h\n    return g\n",
            "mistake-forward",
        ),
        (
            "import numpy as np\ndef numerical_gradient(f, x, h=1e-5):\n    g = np.zeros_like(x)\n"
            "    for i in np.ndindex(x.shape):\n        e = np.zeros_like(x)\n        e[i] = h\n"
            "        g[i] = (f(x + e) - f(x - e)) / h\n    return g\n",
            "mistake-half-step",
        ),
    ],
    "sgd_step": [
        ("def sgd_step(w, grad, lr):\n    return w + lr * grad\n", "mistake-sign"),
        ("def sgd_step(w, grad, lr):\n    w -= lr * grad\n    return w\n", "mutated-input"),
    ],
    "momentum_step": [
        (
            "def momentum_step(w, grad, velocity, lr, beta=0.9):\n    velocity = beta * velocity + grad\n"
            "    return w - lr * velocity, velocity\n",
            "mistake-classic",
        ),
        (
            "def momentum_step(w, grad, velocity, lr, beta=0.9):\n"
            "    return w - lr * velocity, beta * velocity + (1 - beta) * grad\n",
            "mistake-stale",
        ),
    ],
    "nesterov_step": [
        (
            "def nesterov_step(w, grad_fn, velocity, lr, beta=0.9):\n"
            "    velocity = beta * velocity + (1 - beta) * grad_fn(w)\n    return w - lr * velocity, velocity\n",
            "mistake-at-w",
        ),
        (
            "def nesterov_step(w, grad_fn, velocity, lr, beta=0.9):\n"
            "    velocity = beta * velocity + (1 - beta) * grad_fn(w + lr * beta * velocity)\n"
            "    return w - lr * velocity, velocity\n",
            "mistake-look-back",
        ),
    ],
    "adagrad_step": [
        (
            "import numpy as np\ndef adagrad_step(w, grad, accum, lr, eps=1e-8):\n"
            "    accum = accum + grad ** 2\n    return w - lr * grad / np.sqrt(accum + eps), accum\n",
            "mistake-eps-inside",
        ),
        (
            "import numpy as np\ndef adagrad_step(w, grad, accum, lr, eps=1e-8):\n"
            "    accum = grad ** 2\n    return w - lr * grad / (np.sqrt(accum) + eps), accum\n",
            "mistake-no-accumulate",
        ),
    ],
    "rmsprop_step": [
        (
            "import numpy as np\ndef rmsprop_step(w, grad, sq_avg, lr, rho=0.9, eps=1e-8):\n"
            "    sq_avg = rho * sq_avg + grad ** 2\n    return w - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg\n",
            "mistake-no-one-minus",
        ),
        (
            "import numpy as np\ndef rmsprop_step(w, grad, sq_avg, lr, rho=0.9, eps=1e-8):\n"
            "    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2\n"
            "    return w - lr * grad / np.sqrt(sq_avg + eps), sq_avg\n",
            "mistake-eps-inside",
        ),
    ],
    "adam_step": [
        (
            "import numpy as np\ndef adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2\n"
            "    return w - lr * m / (np.sqrt(v) + eps), m, v\n",
            "mistake-no-bias",
        ),
        (
            "import numpy as np\ndef adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2\n"
            "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
            "    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v\n",
            "mistake-eps-inside",
        ),
    ],
    "adamw_step": [
        (
            "import numpy as np\ndef adamw_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,"
            " weight_decay=1e-2):\n    grad = grad + weight_decay * w\n"
            "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2\n"
            "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
            "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n",
            "mistake-l2",
        ),
        (
            "import numpy as np\ndef adamw_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,"
            " weight_decay=1e-2):\n    m = beta1 * m + (1 - beta1) * grad\n"
            "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
            "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
            "    return w - lr * m_hat / (np.sqrt(v_hat) + eps) - weight_decay * w, m, v\n",
            "mistake-no-lr",
        ),
    ],
    "step_decay": [
        (
            "def step_decay(step, base_lr, drop=0.5, every=10):\n    return base_lr * drop ** (step / every)\n",
            "mistake-continuous",
        ),
        (
            "def step_decay(step, base_lr, drop=0.5, every=10):\n"
            "    return base_lr * drop ** ((step + 1) // every)\n",
            "mistake-off-by-one",
        ),
    ],
    "exponential_decay": [
        (
            "def exponential_decay(step, base_lr, gamma):\n    return base_lr * gamma ** (step + 1)\n",
            "mistake-off-by-one",
        ),
        (
            "def exponential_decay(step, base_lr, gamma):\n    return base_lr * (1 - (1 - gamma) * step)\n",
            "mistake-linear",
        ),
    ],
    "cosine_annealing": [
        (
            "import math\ndef cosine_annealing(step, total_steps, base_lr, min_lr=0.0):\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * step / total_steps))\n",
            "mistake-no-clamp",
        ),
        (
            "import math\ndef cosine_annealing(step, total_steps, base_lr, min_lr=0.0):\n"
            "    s = min(step, total_steps)\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(2 * math.pi * s / total_steps))\n",
            "mistake-full-period",
        ),
    ],
    "warmup_cosine": [
        (
            "import math\ndef warmup_cosine(step, warmup_steps, total_steps, base_lr, min_lr=0.0):\n"
            "    if step < warmup_steps:\n        return base_lr * (step + 1) / warmup_steps\n"
            "    p = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * p))\n",
            "mistake-plus-one",
        ),
        (
            "import math\ndef warmup_cosine(step, warmup_steps, total_steps, base_lr, min_lr=0.0):\n"
            "    if step < warmup_steps:\n        return base_lr * step / warmup_steps\n"
            "    p = min(step, total_steps) / total_steps\n"
            "    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * p))\n",
            "mistake-whole-span",
        ),
    ],
    "triangular_clr": [
        (
            "import math\ndef triangular_clr(step, base_lr, max_lr, step_size):\n"
            "    cycle = math.floor(1 + step / step_size)\n    x = abs(step / step_size - 2 * cycle + 1)\n"
            "    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)\n",
            "mistake-half-period",
        ),
        (
            "def triangular_clr(step, base_lr, max_lr, step_size):\n    return base_lr\n",
            "wrong-value",
        ),
    ],
    "clip_grad_norm": [
        (
            "import numpy as np\ndef clip_grad_norm(grads, max_norm):\n"
            "    out = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]\n"
            "    return out, float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))\n",
            "mistake-per-tensor",
        ),
        (
            "import numpy as np\ndef clip_grad_norm(grads, max_norm):\n"
            "    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
            "    return [g * max_norm / (total + 1e-6) for g in grads], float(total)\n",
            "mistake-no-min",
        ),
    ],
    "clip_grad_value": [
        (
            "import numpy as np\ndef clip_grad_value(grad, clip_value):\n    return np.minimum(grad, clip_value)\n",
            "mistake-upper-only",
        ),
        (
            "import numpy as np\ndef clip_grad_value(grad, clip_value):\n"
            "    return grad * min(1.0, clip_value / np.linalg.norm(grad))\n",
            "wrong-value",
        ),
    ],
    "dropout": [
        (
            "import numpy as np\ndef dropout(x, p, training=True, rng=None):\n    if not training:\n        return x\n"
            "    rng = rng or np.random.default_rng()\n    return x * (rng.random(x.shape) >= p)\n",
            "property",
        ),
        (
            "import numpy as np\ndef dropout(x, p, training=True, rng=None):\n    if not training:\n        return x\n"
            "    rng = rng or np.random.default_rng()\n    return x * (rng.random(x.shape) < p) / p\n",
            "property",
        ),
    ],
    "early_stopping": [
        (
            "def early_stopping(val_losses, patience, min_delta=0.0):\n"
            "    best, best_epoch, wait = float('inf'), 0, 0\n"
            "    for epoch, loss in enumerate(val_losses):\n"
            "        if loss <= best - min_delta:\n            best, best_epoch, wait = loss, epoch, 0\n"
            "        else:\n            wait += 1\n            if wait >= patience:\n"
            "                return epoch, best_epoch\n    return len(val_losses) - 1, best_epoch\n",
            "mistake-ties",
        ),
        (
            "def early_stopping(val_losses, patience, min_delta=0.0):\n"
            "    best, best_epoch, wait = float('inf'), 0, 0\n"
            "    for epoch, loss in enumerate(val_losses):\n"
            "        if loss < best - min_delta:\n            best, best_epoch, wait = loss, epoch, 0\n"
            "        else:\n            wait += 1\n            if wait > patience:\n"
            "                return epoch, best_epoch\n    return len(val_losses) - 1, best_epoch\n",
            "mistake-late",
        ),
    ],
    "mixup": [
        (
            "def mixup(x1, y1, x2, y2, lam):\n    return (1 - lam) * x1 + lam * x2, (1 - lam) * y1 + lam * y2\n",
            "mistake-swapped",
        ),
        (
            "def mixup(x1, y1, x2, y2, lam):\n    return lam * x1 + (1 - lam) * x2, y1\n",
            "mistake-labels-unmixed",
        ),
    ],
    "sam_perturbation": [
        ("def sam_perturbation(grad, rho=0.05):\n    return rho * grad\n", "mistake-unnormalized"),
        (
            "import numpy as np\ndef sam_perturbation(grad, rho=0.05):\n    return rho * grad / np.linalg.norm(grad)\n",
            "nonfinite",
        ),
    ],
    "linear_regression_gd": [
        (
            "import numpy as np\ndef linear_regression_gd(X, y, lr, epochs):\n    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(epochs):\n        beta = beta - lr * X.T @ (X @ beta - y) / len(y)\n    return beta\n",
            "mistake-no-two",
        ),
        (
            "import numpy as np\ndef linear_regression_gd(X, y, lr, epochs):\n    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(epochs + 1):\n"
            "        beta = beta - lr * 2 * X.T @ (X @ beta - y) / len(y)\n    return beta\n",
            "mistake-extra-epoch",
        ),
    ],
    "logistic_regression_gd": [
        (
            "import numpy as np\ndef logistic_regression_gd(X, y, lr, epochs):\n    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(epochs):\n        p = 1 / (1 + np.exp(-(X @ beta)))\n"
            "        beta = beta + lr * X.T @ (p - y) / len(y)\n    return beta\n",
            "mistake-ascent",
        ),
        (
            "import numpy as np\ndef logistic_regression_gd(X, y, lr, epochs):\n    beta = np.zeros(X.shape[1])\n"
            "    for _ in range(epochs):\n        beta = beta - lr * X.T @ (X @ beta - y) / len(y)\n    return beta\n",
            "mistake-linear",
        ),
    ],
}
