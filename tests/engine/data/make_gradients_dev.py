"""Build ``gradients_dev.json``: interview gradients, each answer labelled by NumPy.

Run ``python -m tests.engine.data.make_gradients_dev`` to rebuild the file. Every answer comes
with a NumPy function written by hand for what it means; the label is whether that function
equals the true gradient (also written by hand in NumPy, not taken from the grader) at random
points, with sizes that differ between draws. The grader never sees these functions: the test
(``tests/engine/test_expr_gradients_dev.py``) grades the answer text and compares with the label.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).parent / "gradients_dev.json"
Fn = Callable[..., Any]
rng = np.random.default_rng(19)


def sig(t: Any) -> Any:
    return 1 / (1 + np.exp(-t))


def ind(c: Any) -> Any:
    return np.asarray(c, dtype=float)


# -- families: variables, target, how to draw a point, the true gradient ----------------------
def draw_linear(n: int, p: int) -> dict[str, Any]:
    return {
        "X": rng.normal(size=(n, p)),
        "y": rng.normal(size=n),
        "beta": rng.normal(size=p),
        "lambda": float(np.exp(rng.normal())),
    }


def draw_logistic(n: int, p: int) -> dict[str, Any]:
    v = draw_linear(n, p)
    v["y"] = rng.integers(0, 2, n).astype(float)
    return v


def draw_svm(n: int, p: int) -> dict[str, Any]:
    return {
        "X": rng.normal(size=(n, p)),
        "y": rng.choice([-1.0, 1.0], n),
        "w": rng.normal(size=p),
        "lambda": float(np.exp(rng.normal())),
    }


def draw_hinge(n: int, p: int) -> dict[str, Any]:
    return {"w": rng.normal(size=p), "x": rng.normal(size=p), "y": float(rng.choice([-1.0, 1.0]))}


def draw_softmax(n: int, p: int) -> dict[str, Any]:
    y = np.zeros(p)
    y[rng.integers(0, p)] = 1.0
    return {"z": rng.normal(size=p), "y": y}


def draw_weighted(n: int, p: int) -> dict[str, Any]:
    v = draw_linear(n, p)
    v["c"] = np.exp(rng.normal(size=n))
    return v


def draw_decay(n: int, p: int) -> dict[str, Any]:
    return {"w": rng.normal(size=p), "lambda": float(np.exp(rng.normal()))}


def draw_rows(n: int, p: int) -> dict[str, Any]:
    return {"A": rng.normal(size=(n, p)), "b": rng.normal(size=n), "w": rng.normal(size=p)}


def draw_scalar(n: int, p: int) -> dict[str, Any]:
    return {"w": float(rng.normal()), "x": float(rng.normal()), "y": float(rng.normal())}


FAMILIES: dict[str, dict[str, Any]] = {
    "mse": {
        "variables": {"X": ["n", "p"], "y": ["n"], "beta": ["p"]},
        "derivative_of": "1/n * sum((y - X beta)^2)",
        "wrt": "beta",
        "draw": draw_linear,
        "grad": lambda X, y, beta, **_: -2 / len(y) * X.T @ (y - X @ beta),
    },
    "mse_sum": {  # the sum convention, with 1/2
        "variables": {"X": ["n", "p"], "y": ["n"], "beta": ["p"]},
        "derivative_of": "1/2 * sum((X beta - y)^2)",
        "wrt": "beta",
        "draw": draw_linear,
        "grad": lambda X, y, beta, **_: X.T @ (X @ beta - y),
    },
    "ridge": {
        "variables": {"X": ["n", "p"], "y": ["n"], "beta": ["p"], "lambda": {"domain": "positive"}},
        "derivative_of": "1/n * sum((y - X beta)^2) + lambda * sum(beta^2)",
        "wrt": "beta",
        "draw": draw_linear,
        "grad": lambda X, y, beta, **v: -2 / len(y) * X.T @ (y - X @ beta) + 2 * v["lambda"] * beta,
    },
    "logistic": {
        "variables": {"X": ["n", "p"], "y": {"shape": ["n"], "domain": "binary"}, "beta": ["p"]},
        "derivative_of": "-1/n * sum(y*log(sigmoid(X beta)) + (1 - y)*log(sigmoid(-(X beta))))",
        "wrt": "beta",
        "draw": draw_logistic,
        "grad": lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    },
    "svm": {
        "variables": {
            "X": ["n", "p"],
            "y": {"shape": ["n"], "domain": "sign"},
            "w": ["p"],
            "lambda": {"domain": "positive"},
        },
        "derivative_of": "1/n * sum(max(0, 1 - y*(X w))) + lambda/2 * w^T w",
        "wrt": "w",
        "draw": draw_svm,
        "grad": lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    },
    "hinge": {
        "variables": {"w": ["p"], "x": ["p"], "y": {"domain": "sign"}},
        "derivative_of": "max(0, 1 - y*(w^T x))",
        "wrt": "w",
        "draw": draw_hinge,
        "grad": lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    },
    "softmax": {
        "variables": {"z": ["k"], "y": {"shape": ["k"], "domain": "onehot"}},
        "derivative_of": "-sum(y * log(softmax(z)))",
        "wrt": "z",
        "draw": draw_softmax,
        "grad": lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    },
    "weighted": {
        "variables": {
            "X": ["n", "p"],
            "y": ["n"],
            "beta": ["p"],
            "c": {"shape": ["n"], "domain": "positive"},
        },
        "derivative_of": "sum(c * (y - X beta)^2)",
        "wrt": "beta",
        "draw": draw_weighted,
        "grad": lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    },
    "decay": {
        "variables": {"w": ["p"], "lambda": {"domain": "positive"}},
        "derivative_of": "lambda * sum(w^2)",
        "wrt": "w",
        "draw": draw_decay,
        "grad": lambda w, **v: 2 * v["lambda"] * w,
    },
    "rows": {
        "variables": {"A": ["m", "p"], "b": ["m"], "w": ["p"]},
        "derivative_of": "norm(A w - b)^2",
        "wrt": "w",
        "draw": draw_rows,
        "grad": lambda A, b, w, **_: 2 * A.T @ (A @ w - b),
    },
    "scalar": {
        "variables": {"w": {}, "x": {}, "y": {}},
        "derivative_of": "(w x - y)^2",
        "wrt": "w",
        "draw": draw_scalar,
        "grad": lambda w, x, y, **_: 2 * (w * x - y) * x,
    },
}

# -- answers: (family, text, NumPy meaning) -----------------------------------------------------
n_ = lambda v: len(v["y"])  # noqa: E731
ANSWERS: list[tuple[str, str, Fn]] = [
    # MSE, mean convention
    (
        "mse",
        r"-\frac{2}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: (
            -2 / len(y) * sum(X[i] * (y[i] - X[i] @ beta) for i in range(len(y)))
        ),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} (x_i^\top\beta - y_i) x_i",
        lambda X, y, beta, **_: (
            2 / len(y) * sum((X[i] @ beta - y[i]) * X[i] for i in range(len(y)))
        ),
    ),
    (
        "mse",
        r"-\frac{2}{n}\sum_{i=2}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: (
            -2 / len(y) * sum(X[i] * (y[i] - X[i] @ beta) for i in range(1, len(y)))
        ),
    ),
    (
        "mse",
        r"-\frac{2}{n}\sum_{i=1}^{n-1} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: (
            -2 / len(y) * sum(X[i] * (y[i] - X[i] @ beta) for i in range(len(y) - 1))
        ),
    ),
    (
        "mse",
        r"-\frac{2}{n}\sum_{i=0}^{n-1} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: (
            -2 / len(y) * sum(X[i] * (y[i] - X[i] @ beta) for i in range(len(y)))
        ),
    ),
    (
        "mse",
        r"-\frac{2}{n-1}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: -2 / (len(y) - 1) * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        r"-2\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: -2 * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        r"-\frac{1}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: -1 / len(y) * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        "-2/n sum(i=1..n, x_i (y_i - x_i^T beta))",
        lambda X, y, beta, **_: -2 / len(y) * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        "2/n sum(i=2..n, x_i (x_i^T beta - y_i))",
        lambda X, y, beta, **_: 2 / len(y) * X[1:].T @ (X[1:] @ beta - y[1:]),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i} x^{(i)} \left(\beta^\top x^{(i)} - y^{(i)}\right)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} \left((X\beta)_i - y_i\right) x_i",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} (x_i \cdot \beta - y_i)\, x_i",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{2}{n} X^\top (X\beta - y)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    ("mse", r"\frac{2}{n} X (X^\top\beta - y)", None),
    (
        "mse",
        "2/n X^T X beta - 2/n X^T y",
        lambda X, y, beta, **_: 2 / len(y) * (X.T @ X @ beta - X.T @ y),
    ),
    (
        "mse",
        r"\nabla_\beta L = -\frac{2}{n} X^\top (y - X\beta)",
        lambda X, y, beta, **_: -2 / len(y) * X.T @ (y - X @ beta),
    ),
    (
        "mse",
        r"\frac{\partial L}{\partial \beta} = \frac{2}{n}\sum_{i=1}^{n} x_i x_i^\top \beta - \frac{2}{n}\sum_{i=1}^{n} y_i x_i",
        lambda X, y, beta, **_: 2 / len(y) * (X.T @ X @ beta - X.T @ y),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i x_i^\top \beta - \frac{2}{n}\sum_{i=2}^{n} y_i x_i",
        lambda X, y, beta, **_: 2 / len(y) * (X.T @ X @ beta - X[1:].T @ y[1:]),
    ),
    ("mse", r"\frac{2}{n} X^\top (X\beta + y) = \frac{2}{n} X^\top (X\beta - y)", None),
    ("mse", r"-\frac{2}{n}\sum_{i=1}^{n} (y_i - x_i^\top\beta)", None),
    (
        "mse",
        r"\frac{2}{N}\sum_{i=1}^{N} x_i (\langle x_i, \beta \rangle - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{2}{m}\sum_{i=1}^{m} x_i (x_i^\top\beta - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{2}{m}\sum_{i=1}^{m-1} x_i (x_i^\top\beta - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X[:-1].T @ (X[:-1] @ beta - y[:-1]),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i \in [n]} x_i (x_i^\top\beta - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        "2/n sum(i=1..n, (X_i^T beta - y[i]) X_i)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    # written entry by entry: a free index j makes the answer a vector
    (
        "mse",
        r"\frac{\partial L}{\partial \beta_j} = \frac{2}{n}\sum_{i=1}^{n} X_{ij}(x_i^\top\beta - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    (
        "mse",
        r"\frac{\partial L}{\partial \beta_j} = \frac{2}{n}\sum_{i=2}^{n} X_{ij}(x_i^\top\beta - y_i)",
        lambda X, y, beta, **_: 2 / len(y) * X[1:].T @ (X[1:] @ beta - y[1:]),
    ),
    (
        "mse",
        r"\frac{2}{n}\sum_{i=1}^{n} x_{ij}\left(\sum_{k=1}^{p} x_{ik}\beta_k - y_i\right)",
        lambda X, y, beta, **_: 2 / len(y) * X.T @ (X @ beta - y),
    ),
    # MSE, sum convention with 1/2
    (
        "mse_sum",
        r"\sum_{i=1}^{n} (x_i^\top \beta - y_i) x_i",
        lambda X, y, beta, **_: X.T @ (X @ beta - y),
    ),
    (
        "mse_sum",
        r"\sum_{i=1}^{n} x_i x_i^\top \beta - X^\top y",
        lambda X, y, beta, **_: X.T @ X @ beta - X.T @ y,
    ),
    (
        "mse_sum",
        r"\frac{1}{n}\sum_{i=1}^{n} (x_i^\top \beta - y_i) x_i",
        lambda X, y, beta, **_: X.T @ (X @ beta - y) / len(y),
    ),
    (
        "mse_sum",
        r"\sum_{i=1}^{n} 2(x_i^\top \beta - y_i) x_i",
        lambda X, y, beta, **_: 2 * X.T @ (X @ beta - y),
    ),
    ("mse_sum", r"\sum_{j=1}^{p} (x_j^\top \beta - y_j) x_j", None),
    (
        "mse_sum",
        "sum(i=1..n, (X_i^T beta - y_i) X_i)",
        lambda X, y, beta, **_: X.T @ (X @ beta - y),
    ),
    ("mse_sum", "X^T X beta - X^T y", lambda X, y, beta, **_: X.T @ X @ beta - X.T @ y),
    # ridge, mean convention: where the regulariser sits matters
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + 2\lambda\beta",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(2 x_i (x_i^\top\beta - y_i) + 2\lambda\beta\right)",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\sum_{i=1}^{n} \left(\frac{2}{n} x_i (x_i^\top\beta - y_i) + 2\lambda\beta\right)",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * len(y) * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} \left(x_i (x_i^\top\beta - y_i) + \lambda\beta\right)",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=2}^{n} \left(x_i (x_i^\top\beta - y_i) + \lambda\beta\right)",
        lambda X, y, beta, **v: (
            2 / len(y) * (X[1:].T @ (X[1:] @ beta - y[1:]) + (len(y) - 1) * v["lambda"] * beta)
        ),
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + \lambda\beta",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}X^\top(X\beta - y) + 2\lambda\beta",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}X^\top(X\beta - y) + \frac{2\lambda}{n}\beta",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] / len(y) * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}\left(X^\top X + n\lambda I\right)\beta - \frac{2}{n} X^\top y",
        lambda X, y, beta, **v: (
            2 / len(y) * ((X.T @ X + len(y) * v["lambda"] * np.eye(len(beta))) @ beta - X.T @ y)
        ),
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + \frac{1}{p}\sum_{j=1}^{p} 2\lambda\beta",
        lambda X, y, beta, **v: 2 / len(y) * X.T @ (X @ beta - y) + 2 * v["lambda"] * beta,
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + \sum_{j=1}^{p} 2\lambda\beta",
        lambda X, y, beta, **v: (
            2 / len(y) * X.T @ (X @ beta - y) + 2 * len(beta) * v["lambda"] * beta
        ),
    ),
    (
        "ridge",
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + 2\lambda\sum_{j=1}^{p}\beta_j",
        None,
    ),
    # logistic regression
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(\sigma(x_i^\top\beta) - y_i\right) x_i",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    (
        "logistic",
        r"-\frac{1}{n}\sum_{i=1}^{n} \left(y_i - \sigma(\beta^\top x_i)\right) x_i",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(\frac{1}{1 + e^{-x_i^\top\beta}} - y_i\right) x_i",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=2}^{n} \left(\sigma(x_i^\top\beta) - y_i\right) x_i",
        lambda X, y, beta, **_: X[1:].T @ (sig(X[1:] @ beta) - y[1:]) / len(y),
    ),
    (
        "logistic",
        r"\sum_{i=1}^{n} \left(\sigma(x_i^\top\beta) - y_i\right) x_i",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y),
    ),
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(y_i - \sigma(x_i^\top\beta)\right) x_i",
        lambda X, y, beta, **_: X.T @ (y - sig(X @ beta)) / len(y),
    ),
    (
        "logistic",
        r"\frac{1}{n} X^\top (\sigma(X\beta) - y)",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=1}^{n} \sigma(x_i^\top\beta)(1 - \sigma(x_i^\top\beta))(\sigma(x_i^\top\beta) - y_i) x_i",
        lambda X, y, beta, **_: (
            X.T @ (sig(X @ beta) * (1 - sig(X @ beta)) * (sig(X @ beta) - y)) / len(y)
        ),
    ),
    (
        "logistic",
        "1/n sum(i=1..n, (sigmoid(X_i^T beta) - y_i) X_i)",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    (
        "logistic",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(\sigma((X\beta)_i) - y_i\right) x_i",
        lambda X, y, beta, **_: X.T @ (sig(X @ beta) - y) / len(y),
    ),
    # soft-margin SVM over data
    (
        "svm",
        r"-\frac{1}{n}\sum_{i=1}^{n} y_i x_i \mathbb{1}[y_i x_i^\top w < 1] + \lambda w",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    ),
    (
        "svm",
        r"\lambda w - \frac{1}{n}\sum_{i=1}^{n} \mathbb{1}_{y_i (w \cdot x_i) < 1}\, y_i x_i",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    ),
    (
        "svm",
        r"\frac{1}{n}\sum_{i=1}^{n} \left(\lambda w - y_i x_i \mathbb{1}[y_i x_i^\top w < 1]\right)",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    ),
    (
        "svm",
        r"\sum_{i=1}^{n} \left(\lambda w - \frac{1}{n} y_i x_i \mathbb{1}[y_i x_i^\top w < 1]\right)",
        lambda X, y, w, **v: (
            -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + len(y) * v["lambda"] * w
        ),
    ),
    (
        "svm",
        r"-\frac{1}{n}\sum_{i=1}^{n} y_i x_i \mathbb{1}[y_i x_i^\top w > 1] + \lambda w",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) > 1))) / len(y) + v["lambda"] * w,
    ),
    (
        "svm",
        r"-\frac{1}{n}\sum_{i=1}^{n} y_i x_i \mathbb{1}[y_i x_i^\top w < 1] + \frac{\lambda}{2} w",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] / 2 * w,
    ),
    (
        "svm",
        r"-\frac{1}{n}\sum_{i=1}^{n-1} y_i x_i \mathbb{1}[y_i x_i^\top w < 1] + \lambda w",
        lambda X, y, w, **v: (
            -(X[:-1].T @ (y[:-1] * ind(y[:-1] * (X[:-1] @ w) < 1))) / len(y) + v["lambda"] * w
        ),
    ),
    (
        "svm",
        "-1/n X^T (y * indicator(y * (X w) < 1)) + lambda w",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    ),
    (
        "svm",
        r"-\frac{1}{n}\sum_{i=1}^{n} y_i x_i \mathbb{1}[1 - y_i x_i^\top w > 0] + \lambda w",
        lambda X, y, w, **v: -(X.T @ (y * ind(y * (X @ w) < 1))) / len(y) + v["lambda"] * w,
    ),
    # one hinge term
    (
        "hinge",
        r"-y x \mathbb{1}[y\, w^\top x < 1]",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    ),
    (
        "hinge",
        r"-y x \mathbb{1}_{y\, w \cdot x < 1}",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    ),
    ("hinge", "-y x · indicator(y w·x < 1)", lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1)),
    (
        "hinge",
        r"\begin{cases} -y x & y\, w \cdot x < 1 \\ 0 & \text{otherwise} \end{cases}",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    ),
    (
        "hinge",
        r"-y x \mathbb{1}[y\, w \cdot x > 1]",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) > 1),
    ),
    (
        "hinge",
        r"-x \mathbb{1}[y\, w \cdot x < 1]",
        lambda w, x, y, **_: -x * float(y * (w @ x) < 1),
    ),
    ("hinge", r"-y x \mathbb{1}[w \cdot x < 1]", lambda w, x, y, **_: -y * x * float(w @ x < 1)),
    ("hinge", r"-y\, w \cdot x", None),
    ("hinge", r"-y (x \odot w)", lambda w, x, y, **_: -y * x * w),
    (
        "hinge",
        r"-y x \mathbb{1}[y \langle w, x \rangle < 1]",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    ),
    ("hinge", r"-y x [y\, w^\top x < 1]", lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1)),
    (
        "hinge",
        r"-y x_j \mathbb{1}[y\, w^\top x < 1]",
        lambda w, x, y, **_: -y * x * float(y * (w @ x) < 1),
    ),
    (
        "hinge",
        r"-y x \max(0, \operatorname{sign}(1 - y\, w \cdot x))",
        lambda w, x, y, **_: -y * x * max(0.0, float(np.sign(1 - y * (w @ x)))),
    ),
    # softmax cross-entropy
    (
        "softmax",
        r"\frac{e^{z}}{\sum_{j=1}^{k} e^{z_j}} - y",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    ),
    (
        "softmax",
        r"\frac{e^{z}}{\sum_{j=2}^{k} e^{z_j}} - y",
        lambda z, y, **_: np.exp(z) / np.exp(z[1:]).sum() - y,
    ),
    (
        "softmax",
        r"\frac{\exp(z - \max(z))}{\sum_j \exp(z_j - \max(z))} - y",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    ),
    (
        "softmax",
        r"\operatorname{softmax}(z) - y",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    ),
    (
        "softmax",
        r"\frac{\partial L}{\partial z_j} = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}} - y_j",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    ),
    (
        "softmax",
        r"\frac{\partial L}{\partial z_j} = y_j - \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}",
        lambda z, y, **_: y - np.exp(z) / np.exp(z).sum(),
    ),
    (
        "softmax",
        r"\frac{\partial L}{\partial z_j} = \sum_{c=1}^{K} y_c \left(\frac{e^{z_j}}{\sum_{k} e^{z_k}} - [j = c]\right)",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() * y.sum() - y,
    ),
    (
        "softmax",
        r"y - \operatorname{softmax}(z)",
        lambda z, y, **_: y - np.exp(z) / np.exp(z).sum(),
    ),
    ("softmax", r"\operatorname{softmax}(z) - y \cdot \mathbf{1}", None),
    (
        "softmax",
        r"\operatorname{softmax}(z) - \sum_{j=1}^{k} y_j",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - 1.0,
    ),
    (
        "softmax",
        r"\operatorname{softmax}(z) \sum_{j=1}^{k} y_j - y",
        lambda z, y, **_: np.exp(z) / np.exp(z).sum() - y,
    ),
    # weighted least squares
    (
        "weighted",
        r"-2\sum_{i=1}^{n} c_i (y_i - x_i^\top\beta) x_i",
        lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    ),
    (
        "weighted",
        r"2\sum_{i=1}^{n} c_i x_i (x_i \cdot \beta - y_i)",
        lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    ),
    (
        "weighted",
        r"-2 X^\top (c \odot (y - X\beta))",
        lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    ),
    (
        "weighted",
        r"-2 X^\top \operatorname{diag}(c) (y - X\beta)",
        lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    ),
    ("weighted", r"-2 X^\top (y - X\beta)", lambda X, y, beta, c, **_: -2 * X.T @ (y - X @ beta)),
    (
        "weighted",
        r"-2\sum_{i=1}^{n} (y_i - x_i^\top\beta) x_i \sum_{j=1}^{n} c_j",
        lambda X, y, beta, c, **_: -2 * X.T @ (y - X @ beta) * c.sum(),
    ),
    (
        "weighted",
        r"-2\sum_{i=1}^{n} c_i^2 (y_i - x_i^\top\beta) x_i",
        lambda X, y, beta, c, **_: -2 * X.T @ (c**2 * (y - X @ beta)),
    ),
    (
        "weighted",
        "-2 sum(i=1..n, c_i (y_i - X_i^T beta) X_i)",
        lambda X, y, beta, c, **_: -2 * X.T @ (c * (y - X @ beta)),
    ),
    # weight decay
    ("decay", r"2\lambda w", lambda w, **v: 2 * v["lambda"] * w),
    ("decay", r"\frac{1}{p}\sum_{j=1}^{p} 2\lambda w", lambda w, **v: 2 * v["lambda"] * w),
    ("decay", r"\sum_{j=1}^{p} 2\lambda w", lambda w, **v: 2 * len(w) * v["lambda"] * w),
    ("decay", r"\sum_{j=1}^{p} 2\lambda w_j", None),
    ("decay", r"\lambda w", lambda w, **v: v["lambda"] * w),
    (
        "decay",
        r"\frac{\partial R}{\partial w_j} = 2\lambda w_j",
        lambda w, **v: 2 * v["lambda"] * w,
    ),
    ("decay", r"2\lambda w_j^2", lambda w, **v: 2 * v["lambda"] * w**2),
    (
        "decay",
        r"2\lambda \frac{w}{\lVert w \rVert} \lVert w \rVert",
        lambda w, **v: 2 * v["lambda"] * w,
    ),
    (
        "decay",
        r"\nabla_w \left(\lambda \sum_j w_j^2\right) = 2\lambda w",
        lambda w, **v: 2 * v["lambda"] * w,
    ),
    ("decay", r"2\lambda w \cdot w", None),
    # rows of A
    ("rows", r"2\sum_{i=1}^{m} a_i (a_i^\top w - b_i)", lambda A, b, w, **_: 2 * A.T @ (A @ w - b)),
    (
        "rows",
        r"2\sum_{i=1}^{m} (a_i \cdot w - b_i)\, a_i",
        lambda A, b, w, **_: 2 * A.T @ (A @ w - b),
    ),
    (
        "rows",
        r"2\sum_{i=1}^{m-1} a_i (a_i^\top w - b_i)",
        lambda A, b, w, **_: 2 * A[:-1].T @ (A[:-1] @ w - b[:-1]),
    ),
    ("rows", r"2 A^\top (A w - b)", lambda A, b, w, **_: 2 * A.T @ (A @ w - b)),
    (
        "rows",
        r"2\sum_{i=1}^{m} (\langle a_i, w \rangle - b_i)\, a_i",
        lambda A, b, w, **_: 2 * A.T @ (A @ w - b),
    ),
    (
        "rows",
        r"2\sum_{i=1}^{m} (a_i \cdot w - b_i) \cdot a_i",
        lambda A, b, w, **_: 2 * A.T @ (A @ w - b),
    ),
    ("rows", r"2\sum_{i=1}^{m} (a_i \cdot w - b_i \cdot a_i)", None),
    ("rows", r"2 (A w - b)^\top A", None),
    (
        "rows",
        r"2\sum_{i=1}^{m}\sum_{j=1}^{p} A_{ij} w_j a_i - 2 A^\top b",
        lambda A, b, w, **_: 2 * A.T @ (A @ w - b),
    ),
    (
        "rows",
        r"2\sum_{i=1}^{m} a_i (a_i^\top w - b_i) + 2 A^\top b",
        lambda A, b, w, **_: 2 * A.T @ (A @ w - b) + 2 * A.T @ b,
    ),
    ("rows", r"\sum_{i=1}^{m} a_i (a_i^\top w - b_i)", lambda A, b, w, **_: A.T @ (A @ w - b)),
    # scalar
    ("scalar", "2(wx - y)x", lambda w, x, y, **_: 2 * (w * x - y) * x),
    ("scalar", "2x(w x - y)", lambda w, x, y, **_: 2 * (w * x - y) * x),
    ("scalar", r"2 (w \cdot x - y) \cdot x", lambda w, x, y, **_: 2 * (w * x - y) * x),
    ("scalar", r"2 (w x - y)", lambda w, x, y, **_: 2 * (w * x - y)),
    ("scalar", r"\frac{dL}{dw} = 2x^2 w - 2xy", lambda w, x, y, **_: 2 * x * x * w - 2 * x * y),
    ("scalar", r"2x^2 w - 2xy = 2x(xw - y)", lambda w, x, y, **_: 2 * (w * x - y) * x),
    # an equation is right when every side is: here the last side is not
    ("scalar", r"2x^2 w - 2xy = 2x(xw + y)", lambda w, x, y, **_: 2 * x * (x * w + y)),
    ("scalar", r"2x(xw + y) = 2x^2 w - 2xy", None),
    ("scalar", r"2(wx - y)x by the chain rule", lambda w, x, y, **_: 2 * (w * x - y) * x),
    ("scalar", r"\sum_{k=1}^{2} (wx - y)x", lambda w, x, y, **_: 2 * (w * x - y) * x),
    ("scalar", r"\sum_{k=0}^{2} (wx - y)x", lambda w, x, y, **_: 3 * (w * x - y) * x),
]

# derivations: (family, lines, the status each line must get)
DERIVATIONS: list[tuple[str, list[str], list[str]]] = [
    (
        "mse",
        [
            r"L = \frac{1}{n}\sum_{i=1}^{n} (y_i - x_i^\top\beta)^2",
            r"\nabla_\beta L = -\frac{2}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
            r"= \frac{2}{n} X^\top (X\beta - y)",
        ],
        ["correct"] * 3,
    ),
    (
        "mse",
        [
            r"L = \frac{1}{n}\sum_{i=2}^{n} (y_i - x_i^\top\beta)^2",
            r"\nabla_\beta L = \frac{2}{n} X^\top (X\beta - y)",
        ],
        ["incorrect", "correct"],
    ),
    (
        "mse",
        [
            r"L(\beta) = \frac{1}{n}\lVert y - X\beta \rVert^2",
            r"\frac{\partial L}{\partial \beta} = \frac{2}{n} X^\top (X\beta + y)",
        ],
        ["correct", "incorrect"],
    ),
    (
        "ridge",
        [
            r"L = \frac{1}{n}\sum_{i=1}^{n} (y_i - x_i^\top\beta)^2 + \lambda \sum_{j=1}^{p}\beta_j^2",
            r"\nabla_\beta L = \frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + 2\lambda\beta",
        ],
        ["correct"] * 2,
    ),
    (
        "ridge",
        [
            r"L = \frac{1}{n}\sum_{i=1}^{n} \left((y_i - x_i^\top\beta)^2 + \lambda \lVert\beta\rVert^2\right)",
            r"\nabla_\beta L = \frac{2}{n} X^\top(X\beta - y) + 2\lambda\beta",
        ],
        ["correct"] * 2,
    ),
    (
        "ridge",
        [
            r"L = \sum_{i=1}^{n} \left(\frac{1}{n}(y_i - x_i^\top\beta)^2 + \lambda \lVert\beta\rVert^2\right)",
            r"\nabla_\beta L = \frac{2}{n} X^\top(X\beta - y) + 2\lambda\beta",
        ],
        ["incorrect", "correct"],
    ),
    (
        "logistic",
        [
            r"\nabla_\beta L = \frac{1}{n}\sum_{i=1}^{n} (\sigma(x_i^\top\beta) - y_i) x_i",
            r"= \frac{1}{n} X^\top \sigma(X\beta) - \frac{1}{n} X^\top y",
        ],
        ["correct"] * 2,
    ),
    ("scalar", ["L = (wx - y)^2", "dL/dw = 2(wx - y) x", "= 2x^2 w - 2xy"], ["correct"] * 3),
    (
        "scalar",
        ["L = (wx - y)^2", "dL/dw = 2(wx - y)", "= 2wx - 2y"],
        ["correct", "incorrect", "incorrect"],
    ),
    (
        "svm",
        [
            r"L = \frac{1}{n}\sum_{i=1}^{n} \max(0, 1 - y_i x_i^\top w) + \frac{\lambda}{2} \lVert w \rVert^2",
            r"\nabla_w L = -\frac{1}{n}\sum_{i=1}^{n} y_i x_i \mathbb{1}[y_i x_i^\top w < 1] + \lambda w",
        ],
        ["correct"] * 2,
    ),
]


def _equal(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def label(family: str, meaning: Fn | None) -> bool:
    """Does ``meaning`` equal the true gradient at random points of three sizes?"""
    if meaning is None:  # a shape that cannot be formed, or not the gradient's shape
        return False
    spec = FAMILIES[family]
    for n, p in ((6, 3), (5, 4), (7, 2)):
        for _ in range(4):
            point = spec["draw"](n, p)
            try:
                mine = meaning(**point)
            except (ValueError, IndexError):
                return False
            if not _equal(mine, spec["grad"](**point)):
                return False
    return True


def variables(family: str) -> dict[str, dict[str, Any]]:
    out = {}
    for name, spec in FAMILIES[family]["variables"].items():
        out[name] = {"shape": spec} if isinstance(spec, list) else spec
    return out


def build() -> dict[str, Any]:
    problems = {
        name: {
            "variables": variables(name),
            "derivative_of": spec["derivative_of"],
            "wrt": spec["wrt"],
        }
        for name, spec in FAMILIES.items()
    }
    cases = [
        {"problem": family, "answer": text, "correct": label(family, meaning)}
        for family, text, meaning in ANSWERS
    ]
    derivations = [
        {"problem": family, "lines": lines, "statuses": statuses}
        for family, lines, statuses in DERIVATIONS
    ]
    return {
        "about": (
            "Interview gradients written for issue 19 (sums, ranges, regularisers, vector "
            "notations). Each answer's label comes from NumPy: a hand-written function for what "
            "the answer means, compared with the true gradient (also hand-written) at random "
            "points of three sizes; see make_gradients_dev.py."
        ),
        "problems": problems,
        "cases": cases,
        "derivations": derivations,
    }


if __name__ == "__main__":
    data = build()
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    right = sum(c["correct"] for c in data["cases"])
    print(f"{len(data['cases'])} answers ({right} right), {len(data['derivations'])} derivations")
