"""Equivalence grading: right answers in other forms pass, typical wrong ones get named.

The table below is the contract of ``grade_expression`` (docs/formulas.md):
every row is ``(answer, problem, status, first feedback code)``. Problems are declared once in
``PROBLEMS``; a row's ``code`` is the code of the first feedback item (``equivalent`` for a
correct answer, a mistake code such as ``sign`` or ``factor`` when a detector recognises the
mistake, otherwise ``not-equivalent``/``shape``/``undefined``; ``unknown-symbol``/``syntax``
for invalid input).
"""

from __future__ import annotations

import pytest

from engine.expr import Problem, VarSpec, grade_derivation, grade_expression, parse, prepare
from engine.expr.mistakes import DETECTORS, Context


def S(*shape: str, domain: str = "real") -> VarSpec:
    return VarSpec(tuple(shape), domain)


REGRESSION = {"X": S("n", "p"), "y": S("n"), "beta": S("p")}
LOGISTIC = {"X": S("n", "p"), "y": S("n", domain="binary"), "w": S("p")}
SOFTMAX = {"z": S("k"), "y": S("k", domain="onehot")}
HUBER = {"yhat": S(), "y": S(), "delta": S(domain="positive")}
HINGE = {"w": S("p"), "x": S("p"), "y": S(domain="sign")}
PAIR = {"u": S("n"), "v": S("n")}
SQUARE = {"A": S("p", "p"), "B": S("p", "p")}
RECT = {"A": S("n", "p"), "B": S("p", "m")}

PROBLEMS: dict[str, Problem] = {
    # --- matrix gradients ----------------------------------------------------------------
    "mse_grad": Problem.build(
        variables=REGRESSION, derivative_of="1/n * sum((y - X beta)^2)", wrt="beta"
    ),
    "mse_grad_written": Problem.build(variables=REGRESSION, expected="2/n X^T (X beta - y)"),
    "sse_grad": Problem.build(
        variables=REGRESSION, derivative_of="(y - X beta)^T (y - X beta)", wrt="beta"
    ),
    "ridge_grad": Problem.build(
        variables={**REGRESSION, "lambda": S(domain="positive")},
        derivative_of="1/n * sum((y - X beta)^2) + lambda * sum(beta^2)",
        wrt="beta",
    ),
    "logistic_grad": Problem.build(
        variables=LOGISTIC,
        derivative_of="-1/n * sum(y*log(sigmoid(X w)) + (1 - y)*log(1 - sigmoid(X w)))",
        wrt="w",
    ),
    "logistic_grad_softplus": Problem.build(
        variables=LOGISTIC,
        derivative_of="1/n * sum(log(1 + exp(X w)) - y*(X w))",
        wrt="w",
    ),
    "softmax_ce_grad": Problem.build(
        variables=SOFTMAX, derivative_of="-sum(y*log(softmax(z)))", wrt="z"
    ),
    "l2_grad": Problem.build(
        variables={"w": S("p"), "lambda": S(domain="positive")},
        derivative_of="lambda * norm(w)^2",
        wrt="w",
    ),
    "ols": Problem.build(variables={"X": S("n", "p"), "y": S("n")}, expected="(X^T X)^(-1) X^T y"),
    "ridge_closed": Problem.build(
        variables={"X": S("n", "p"), "y": S("n"), "lambda": S(domain="positive")},
        expected="(X^T X + lambda I)^(-1) X^T y",
    ),
    "rmse_grad": Problem.build(
        variables={"yhat": S("n"), "y": S("n")},
        derivative_of="sqrt(1/n * sum((yhat - y)^2))",
        wrt="yhat",
    ),
    # --- vectors ---------------------------------------------------------------------------
    "lse": Problem.build(variables={"z": S("k")}, expected="log(sum(exp(z)))"),
    "softmax": Problem.build(variables={"z": S("k")}, expected="softmax(z)"),
    "inner": Problem.build(variables=PAIR, expected="u^T v"),
    "outer": Problem.build(variables=PAIR, expected="u v^T"),
    "sqnorm": Problem.build(variables={"g": S("p")}, expected="norm(g)^2"),
    "clip_norm": Problem.build(
        variables={"g": S("p"), "c": S(domain="positive")},
        expected="g * min(1, c/norm(g))",
    ),
    "label_smoothing": Problem.build(
        variables={"y": S("k", domain="onehot"), "eps": S(domain="unit")},
        expected="(1 - eps) y + eps/k",
    ),
    "hinge_grad": Problem.build(variables=HINGE, derivative_of="max(0, 1 - y * w^T x)", wrt="w"),
    "ce_split": Problem.build(
        variables={"p": S("k", domain="positive"), "q": S("k", domain="positive")},
        expected="-sum(p*log(q))",
    ),
    # --- matrices --------------------------------------------------------------------------
    "product_transpose": Problem.build(variables=SQUARE, expected="(A B)^T"),
    "rect_product": Problem.build(variables=RECT, expected="A B"),
    "trace_inner": Problem.build(variables=SQUARE, expected="trace(A^T B)"),
    "inverse": Problem.build(variables={"A": S("p", "p")}, expected="A^(-1)"),
    # --- scalar derivatives -------------------------------------------------------------------
    "sigmoid_grad": Problem.build(variables={"z": S()}, derivative_of="sigmoid(z)", wrt="z"),
    "logloss_grad": Problem.build(variables={"z": S()}, derivative_of="log(1 + exp(-z))", wrt="z"),
    "bce_p": Problem.build(
        variables={"y": S(domain="binary"), "p": S(domain="unit")},
        derivative_of="-(y*log(p) + (1 - y)*log(1 - p))",
        wrt="p",
    ),
    "bce_z": Problem.build(
        variables={"y": S(domain="binary"), "z": S()},
        derivative_of="-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))",
        wrt="z",
    ),
    "sq_grad": Problem.build(
        variables={"yhat": S(), "y": S()}, derivative_of="(yhat - y)^2", wrt="yhat"
    ),
    "mae_grad": Problem.build(
        variables={"yhat": S(), "y": S()}, derivative_of="abs(yhat - y)", wrt="yhat"
    ),
    "huber_grad": Problem.build(
        variables=HUBER,
        derivative_of=(
            "piecewise(((yhat - y)^2/2, abs(yhat - y) <= delta), "
            "(delta*(abs(yhat - y) - delta/2), True))"
        ),
        wrt="yhat",
    ),
    "huber_written": Problem.build(variables=HUBER, expected="clip(yhat - y, -delta, delta)"),
    "tanh_grad": Problem.build(variables={"x": S()}, derivative_of="tanh(x)", wrt="x"),
    "softplus_grad": Problem.build(variables={"x": S()}, derivative_of="log(1 + exp(x))", wrt="x"),
    "relu_grad": Problem.build(variables={"x": S()}, derivative_of="relu(x)", wrt="x"),
    "adam": Problem.build(
        variables={"m": S(), "beta1": S(domain="unit"), "t": S(domain="positive")},
        expected="m / (1 - beta1^t)",
    ),
    "cosine": Problem.build(
        variables={
            "lr_min": S(domain="positive"),
            "lr_max": S(domain="positive"),
            "t": S(domain="positive"),
            "T": S(domain="positive"),
        },
        expected="lr_min + 1/2 (lr_max - lr_min)(1 + cos(pi t / T))",
    ),
    "dropout": Problem.build(
        variables={"x": S("n"), "m": S("n", domain="binary"), "q": S(domain="unit")},
        expected="m * x / q",
    ),
    "ema_bias": Problem.build(
        variables={"beta": S(domain="unit"), "g": S()},
        expected="(1 - beta) * (g + beta*g + beta^2*g)",
    ),
    # --- plain algebra (nothing declared: every name is a real scalar) -----------------
    "square": Problem.build(expected="(a + b)^2"),
    "exp_sum": Problem.build(expected="exp(a + b)"),
    "diff_squares": Problem.build(expected="(x - 1)(x + 1)"),
    "fraction": Problem.build(expected="1/(x - 1) - 1/(x + 1)"),
    "trig": Problem.build(expected="sin(x)^2"),
    "log_product_pos": Problem.build(
        variables={"a": S(domain="positive"), "b": S(domain="positive")}, expected="log(a*b)"
    ),
    "log_product_real": Problem.build(variables={"a": S(), "b": S()}, expected="log(a*b)"),
}

# (answer, problem, status, first feedback code)
CASES: list[tuple[str, str, str, str]] = [
    # ===== MSE gradient w.r.t. beta, matrix form =====
    ("2/n X^T (X beta - y)", "mse_grad", "correct", "equivalent"),
    ("-2/n * X^T (y - X beta)", "mse_grad", "correct", "equivalent"),
    ("2/n*(X^T X beta - X^T y)", "mse_grad", "correct", "equivalent"),
    ("X.T @ (X@beta - y) * 2/n", "mse_grad", "correct", "equivalent"),
    ("X'*(X*beta - y)*2/n", "mse_grad", "correct", "equivalent"),
    ("(2/n) transpose(X) (X beta - y)", "mse_grad", "correct", "equivalent"),
    ("2 (X^T X beta - X^T y) / n", "mse_grad", "correct", "equivalent"),
    ("2/n ((X beta - y)^T X)^T", "mse_grad", "correct", "equivalent"),
    (r"\frac{2}{n} X^\top (X\beta - y)", "mse_grad", "correct", "equivalent"),
    (r"-\frac{2}{n} X^{T} \left( y - X \beta \right)", "mse_grad", "correct", "equivalent"),
    (r"\frac{2}{n}\left(X^T X \beta - X^T y\right)", "mse_grad", "correct", "equivalent"),
    ("2/n X^T (y - X beta)", "mse_grad", "incorrect", "sign"),
    (r"\frac{2}{n} X^\top (y - X\beta)", "mse_grad", "incorrect", "sign"),
    ("1/n X^T (X beta - y)", "mse_grad", "incorrect", "factor"),
    ("2 X^T (X beta - y)", "mse_grad", "incorrect", "factor"),
    ("2/n^2 X^T (X beta - y)", "mse_grad", "incorrect", "factor"),
    ("2/n (X beta - y)^T X", "mse_grad", "incorrect", "transpose"),
    ("2/n X (X beta - y)", "mse_grad", "incorrect", "transpose"),
    ("2/n (X beta - y)", "mse_grad", "incorrect", "chain-rule"),
    ("2/n X^T (X beta - y) + 1", "mse_grad", "incorrect", "not-equivalent"),
    ("2/n X^T X beta", "mse_grad", "incorrect", "not-equivalent"),
    ("y", "mse_grad", "incorrect", "shape"),
    ("2/n X^T (X beta - q)", "mse_grad", "invalid", "unknown-symbol"),
    ("2/n X^T (X beta - y", "mse_grad", "invalid", "syntax"),
    # the same checks against the written-out target
    ("2/n X^T (X beta - y)", "mse_grad_written", "correct", "equivalent"),
    ("X.T @ (X@beta - y) / n * 2", "mse_grad_written", "correct", "equivalent"),
    (r"\frac{2}{n}\, X^T X \beta - \frac{2}{n} X^T y", "mse_grad_written", "correct", "equivalent"),
    ("2/n X^T (y - X beta)", "mse_grad_written", "incorrect", "sign"),
    ("4/n X^T (X beta - y)", "mse_grad_written", "incorrect", "factor"),
    ("2/n X^T (X beta + y)", "mse_grad_written", "incorrect", "not-equivalent"),
    # sum of squares written as an inner product
    ("2 X^T (X beta - y)", "sse_grad", "correct", "equivalent"),
    ("-2 X'(y - X beta)", "sse_grad", "correct", "equivalent"),
    ("X^T (X beta - y)", "sse_grad", "incorrect", "factor"),
    ("2 X^T (y - X beta)", "sse_grad", "incorrect", "sign"),
    # ===== ridge =====
    ("2/n X^T (X beta - y) + 2 lambda beta", "ridge_grad", "correct", "equivalent"),
    ("2/n (X^T X + n lambda I) beta - 2/n X^T y", "ridge_grad", "correct", "equivalent"),
    (r"\frac{2}{n} X^\top (X\beta - y) + 2\lambda\beta", "ridge_grad", "correct", "equivalent"),
    ("-2/n X^T (X beta - y) - 2 lambda beta", "ridge_grad", "incorrect", "sign"),
    ("1/n X^T (X beta - y) + lambda beta", "ridge_grad", "incorrect", "factor"),
    ("2/n X^T (X beta - y) + lambda beta", "ridge_grad", "incorrect", "not-equivalent"),
    ("2/n X^T (X beta - y)", "ridge_grad", "incorrect", "not-equivalent"),
    # ===== logistic regression =====
    ("1/n X^T (sigmoid(X w) - y)", "logistic_grad", "correct", "equivalent"),
    ("X^T (sigmoid(X w) - y) / n", "logistic_grad", "correct", "equivalent"),
    ("-1/n X^T (y - 1/(1 + exp(-X w)))", "logistic_grad", "correct", "equivalent"),
    (r"\frac{1}{n} X^\top \left(\sigma(X w) - y\right)", "logistic_grad", "correct", "equivalent"),
    ("1/n X^T (y - sigmoid(X w))", "logistic_grad", "incorrect", "sign"),
    ("X^T (sigmoid(X w) - y)", "logistic_grad", "incorrect", "factor"),
    # the same loss written with softplus
    ("1/n X^T (sigmoid(X w) - y)", "logistic_grad_softplus", "correct", "equivalent"),
    ("X.T @ (sigmoid(X @ w) - y) / n", "logistic_grad_softplus", "correct", "equivalent"),
    ("1/n X^T (y - sigmoid(X w))", "logistic_grad_softplus", "incorrect", "sign"),
    ("X^T (sigmoid(X w) - y)", "logistic_grad_softplus", "incorrect", "factor"),
    ("1/n (sigmoid(X w) - y)", "logistic_grad_softplus", "incorrect", "chain-rule"),
    ("1/n (sigmoid(X w) - y)^T X", "logistic_grad_softplus", "incorrect", "transpose"),
    ("1/n X^T (sigmoid(w) - y)", "logistic_grad_softplus", "incorrect", "shape"),
    # ===== softmax cross-entropy w.r.t. the logits =====
    ("softmax(z) - y", "softmax_ce_grad", "correct", "equivalent"),
    ("exp(z)/sum(exp(z)) - y", "softmax_ce_grad", "correct", "equivalent"),
    ("exp(z - max(z))/sum(exp(z - max(z))) - y", "softmax_ce_grad", "correct", "equivalent"),
    (r"\mathrm{softmax}(z) - y", "softmax_ce_grad", "correct", "equivalent"),
    (r"\frac{\exp(z)}{\sum_j \exp(z_j)} - y", "softmax_ce_grad", "correct", "equivalent"),
    ("y - softmax(z)", "softmax_ce_grad", "incorrect", "sign"),
    ("2 (softmax(z) - y)", "softmax_ce_grad", "incorrect", "factor"),
    ("-y/softmax(z)", "softmax_ce_grad", "incorrect", "chain-rule"),
    ("softmax(z)", "softmax_ce_grad", "incorrect", "not-equivalent"),
    ("sum(softmax(z) - y)", "softmax_ce_grad", "incorrect", "shape"),
    # ===== L2 penalty =====
    ("2 lambda w", "l2_grad", "correct", "equivalent"),
    ("lambda (w + w)", "l2_grad", "correct", "equivalent"),
    (r"2\lambda w", "l2_grad", "correct", "equivalent"),
    ("lambda w", "l2_grad", "incorrect", "factor"),
    ("-2 lambda w", "l2_grad", "incorrect", "sign"),
    ("2 lambda norm(w)", "l2_grad", "incorrect", "chain-rule"),
    ("2 lambda w^T w", "l2_grad", "incorrect", "shape"),
    # ===== closed forms =====
    ("inv(X^T X) X^T y", "ols", "correct", "equivalent"),
    ("inv(X' X) X' y", "ols", "correct", "equivalent"),
    (r"\left(X^\top X\right)^{-1} X^\top y", "ols", "correct", "equivalent"),
    ("(X^T X)^(-1) (y^T X)^T", "ols", "correct", "equivalent"),
    ("-(X^T X)^(-1) X^T y", "ols", "incorrect", "sign"),
    ("(X^T X)^(-1) X y", "ols", "incorrect", "transpose"),
    ("X^T y", "ols", "incorrect", "not-equivalent"),
    ("inv(X'X + lambda*I) X' y", "ridge_closed", "correct", "equivalent"),
    (r"(X^\top X + \lambda I)^{-1} X^\top y", "ridge_closed", "correct", "equivalent"),
    ("(X^T X)^(-1) X^T y", "ridge_closed", "incorrect", "not-equivalent"),
    ("(X^T X + lambda I)^(-1) y^T X", "ridge_closed", "incorrect", "transpose"),
    # ===== RMSE =====
    ("(yhat - y)/(n sqrt(1/n sum((yhat - y)^2)))", "rmse_grad", "correct", "equivalent"),
    ("(yhat - y)/sqrt(n sum((yhat - y)^2))", "rmse_grad", "correct", "equivalent"),
    ("(yhat - y)/(n*norm(yhat - y)/sqrt(n))", "rmse_grad", "correct", "equivalent"),
    ("(y - yhat)/sqrt(n sum((yhat - y)^2))", "rmse_grad", "incorrect", "sign"),
    ("(yhat - y)/sqrt(1/n sum((yhat - y)^2))", "rmse_grad", "incorrect", "factor"),
    # ===== log-sum-exp =====
    ("log(sum(exp(z - max(z)))) + max(z)", "lse", "correct", "equivalent"),
    ("logsumexp(z)", "lse", "correct", "equivalent"),
    ("max(z) + log(sum(exp(z - max(z))))", "lse", "correct", "equivalent"),
    (r"\log\sum_i e^{z_i}", "lse", "correct", "equivalent"),
    (r"\max(z) + \log\left(\sum_i \exp(z_i - \max(z))\right)", "lse", "correct", "equivalent"),
    ("log(sum(exp(z - max(z))))", "lse", "incorrect", "not-equivalent"),
    ("log(sum(exp(z - max(z)))) - max(z)", "lse", "incorrect", "not-equivalent"),
    ("sum(log(exp(z)))", "lse", "incorrect", "not-equivalent"),
    ("log(exp(z))", "lse", "incorrect", "shape"),
    # ===== softmax =====
    ("exp(z)/sum(exp(z))", "softmax", "correct", "equivalent"),
    ("exp(z - max(z))/sum(exp(z - max(z)))", "softmax", "correct", "equivalent"),
    ("exp(z - logsumexp(z))", "softmax", "correct", "equivalent"),
    (r"\frac{\exp(z)}{\sum_i \exp(z_i)}", "softmax", "correct", "equivalent"),
    ("exp(z)/sum(z)", "softmax", "incorrect", "not-equivalent"),
    ("sigmoid(z)", "softmax", "incorrect", "not-equivalent"),
    # ===== inner and outer products =====
    ("sum(u*v)", "inner", "correct", "equivalent"),
    ("dot(u, v)", "inner", "correct", "equivalent"),
    ("v^T u", "inner", "correct", "equivalent"),
    ("u' v", "inner", "correct", "equivalent"),
    (r"\sum_i u_i v_i", "inner", "correct", "equivalent"),
    (r"u^\top v", "inner", "correct", "equivalent"),
    ("-u^T v", "inner", "incorrect", "sign"),
    ("u v^T", "inner", "incorrect", "shape"),
    ("u*v", "inner", "incorrect", "shape"),
    ("outer(u, v)", "outer", "correct", "equivalent"),
    ("(v u^T)^T", "outer", "correct", "equivalent"),
    (r"u v^\top", "outer", "correct", "equivalent"),
    ("v u^T", "outer", "incorrect", "transpose"),
    ("u^T v", "outer", "incorrect", "shape"),
    # ===== norms =====
    ("g^T g", "sqnorm", "correct", "equivalent"),
    ("sum(g^2)", "sqnorm", "correct", "equivalent"),
    ("dot(g, g)", "sqnorm", "correct", "equivalent"),
    (r"\lVert g \rVert^2", "sqnorm", "correct", "equivalent"),
    (r"\|g\|^2", "sqnorm", "correct", "equivalent"),
    ("norm(g)", "sqnorm", "incorrect", "not-equivalent"),
    ("2 g^T g", "sqnorm", "incorrect", "factor"),
    ("g^2", "sqnorm", "incorrect", "shape"),
    ("g * min(1, c/norm(g))", "clip_norm", "correct", "equivalent"),
    ("piecewise((g, norm(g) <= c), (c*g/norm(g), True))", "clip_norm", "correct", "equivalent"),
    ("c g / max(c, norm(g))", "clip_norm", "correct", "equivalent"),
    (
        r"g \cdot \min\left(1, \frac{c}{\lVert g \rVert}\right)",
        "clip_norm",
        "correct",
        "equivalent",
    ),
    (
        "piecewise((c*g/norm(g), norm(g) <= c), (g, True))",
        "clip_norm",
        "incorrect",
        "branches-swapped",
    ),
    ("c*g/norm(g)", "clip_norm", "incorrect", "not-equivalent"),
    # ===== label smoothing (dimension name in the formula) =====
    ("(1 - eps)*y + eps/k", "label_smoothing", "correct", "equivalent"),
    ("y - eps*(y - 1/k)", "label_smoothing", "correct", "equivalent"),
    (r"(1-\epsilon) y + \frac{\epsilon}{k}", "label_smoothing", "correct", "equivalent"),
    ("(1 - epsilon) y + epsilon/k", "label_smoothing", "correct", "equivalent"),
    ("(1 - eps)*y + eps", "label_smoothing", "incorrect", "not-equivalent"),
    ("(1 - eps)*y + eps/(k - 1)", "label_smoothing", "incorrect", "not-equivalent"),
    # ===== hinge subgradient (piecewise, vector) =====
    ("piecewise((-y*x, y*w^T x < 1), (0*x, True))", "hinge_grad", "correct", "equivalent"),
    ("-y*x*indicator(y*w^T x < 1)", "hinge_grad", "correct", "equivalent"),
    ("-y x indicator(1 - y w^T x > 0)", "hinge_grad", "correct", "equivalent"),
    (
        r"\begin{cases} -y x & y w^\top x < 1 \\ 0 & \text{otherwise} \end{cases}",
        "hinge_grad",
        "correct",
        "equivalent",
    ),
    ("y*x*indicator(y*w^T x < 1)", "hinge_grad", "incorrect", "sign"),
    ("piecewise((0*x, y*w^T x < 1), (-y*x, True))", "hinge_grad", "incorrect", "branches-swapped"),
    ("-y*x", "hinge_grad", "incorrect", "not-equivalent"),
    ("-y indicator(y*w^T x < 1)", "hinge_grad", "incorrect", "shape"),
    # ===== cross-entropy = entropy + KL =====
    ("-sum(p*log(p)) + sum(p*log(p/q))", "ce_split", "correct", "equivalent"),
    ("sum(p*(log(p) - log(q))) - sum(p*log(p))", "ce_split", "correct", "equivalent"),
    (r"-\sum_i p_i \log q_i", "ce_split", "correct", "equivalent"),
    ("-sum(p*log(p)) - sum(p*log(p/q))", "ce_split", "incorrect", "not-equivalent"),
    ("sum(p*log(q))", "ce_split", "incorrect", "sign"),
    # ===== matrices =====
    ("B^T A^T", "product_transpose", "correct", "equivalent"),
    ("transpose(B) @ transpose(A)", "product_transpose", "correct", "equivalent"),
    (r"B^\top A^\top", "product_transpose", "correct", "equivalent"),
    ("A B", "product_transpose", "incorrect", "transpose"),
    ("A^T B^T", "product_transpose", "incorrect", "not-equivalent"),
    ("-B^T A^T", "product_transpose", "incorrect", "sign"),
    ("A @ B", "rect_product", "correct", "equivalent"),
    ("A*B", "rect_product", "correct", "equivalent"),
    ("(B^T A^T)^T", "rect_product", "correct", "equivalent"),
    ("B^T A^T", "rect_product", "incorrect", "transpose"),
    ("sum(A*B)", "trace_inner", "correct", "equivalent"),
    ("trace(B^T A)", "trace_inner", "correct", "equivalent"),
    ("trace(A B^T)", "trace_inner", "correct", "equivalent"),
    ("trace(A B)", "trace_inner", "incorrect", "not-equivalent"),
    ("inv(A)", "inverse", "correct", "equivalent"),
    ("A^{-1}", "inverse", "correct", "equivalent"),
    ("inv(A^T)^T", "inverse", "correct", "equivalent"),
    ("A^T", "inverse", "incorrect", "not-equivalent"),
    ("1/A", "inverse", "incorrect", "not-equivalent"),
    # ===== sigmoid derivative =====
    ("sigmoid(z)(1 - sigmoid(z))", "sigmoid_grad", "correct", "equivalent"),
    ("sigmoid(z)*sigmoid(-z)", "sigmoid_grad", "correct", "equivalent"),
    ("exp(-z)/(1 + exp(-z))^2", "sigmoid_grad", "correct", "equivalent"),
    ("1/(2 + exp(z) + exp(-z))", "sigmoid_grad", "correct", "equivalent"),
    ("1/(4 cosh(z/2)^2)", "sigmoid_grad", "correct", "equivalent"),
    (r"\sigma(z)\left(1 - \sigma(z)\right)", "sigmoid_grad", "correct", "equivalent"),
    (r"\frac{e^{-z}}{(1 + e^{-z})^2}", "sigmoid_grad", "correct", "equivalent"),
    ("σ(z)(1 − σ(z))", "sigmoid_grad", "correct", "equivalent"),
    ("-sigmoid(z)(1 - sigmoid(z))", "sigmoid_grad", "incorrect", "sign"),
    ("2 sigmoid(z)(1 - sigmoid(z))", "sigmoid_grad", "incorrect", "factor"),
    ("sigmoid(z)(1 + sigmoid(z))", "sigmoid_grad", "incorrect", "not-equivalent"),
    ("sigmoid(z)^2", "sigmoid_grad", "incorrect", "not-equivalent"),
    ("sigmoid(x)(1 - sigmoid(x))", "sigmoid_grad", "invalid", "unknown-symbol"),
    # ===== log-loss, BCE =====
    ("sigmoid(z) - 1", "logloss_grad", "correct", "equivalent"),
    ("-1/(1 + exp(z))", "logloss_grad", "correct", "equivalent"),
    ("-sigmoid(-z)", "logloss_grad", "correct", "equivalent"),
    ("-exp(-z)/(1 + exp(-z))", "logloss_grad", "correct", "equivalent"),
    ("1 - sigmoid(z)", "logloss_grad", "incorrect", "sign"),
    ("(p - y)/(p (1 - p))", "bce_p", "correct", "equivalent"),
    ("-y/p + (1 - y)/(1 - p)", "bce_p", "correct", "equivalent"),
    (r"\frac{1-y}{1-p} - \frac{y}{p}", "bce_p", "correct", "equivalent"),
    ("(y - p)/(p (1 - p))", "bce_p", "incorrect", "sign"),
    ("p - y", "bce_p", "incorrect", "not-equivalent"),
    ("sigmoid(z) - y", "bce_z", "correct", "equivalent"),
    ("1/(1 + exp(-z)) - y", "bce_z", "correct", "equivalent"),
    (r"\sigma(z) - y", "bce_z", "correct", "equivalent"),
    (r"\frac{1}{1 + e^{-z}} - y", "bce_z", "correct", "equivalent"),
    ("y - sigmoid(z)", "bce_z", "incorrect", "sign"),
    ("(sigmoid(z) - y)/(sigmoid(z)(1 - sigmoid(z)))", "bce_z", "incorrect", "chain-rule"),
    ("sigmoid(z)", "bce_z", "incorrect", "not-equivalent"),
    # ===== per-sample squared error, MAE =====
    ("2 (yhat - y)", "sq_grad", "correct", "equivalent"),
    ("2 yhat - 2 y", "sq_grad", "correct", "equivalent"),
    ("-2(y - yhat)", "sq_grad", "correct", "equivalent"),
    (r"2(\hat{y} - y)", "sq_grad", "correct", "equivalent"),
    ("2(ŷ − y)", "sq_grad", "correct", "equivalent"),
    ("2 (y_hat - y)", "sq_grad", "correct", "equivalent"),
    ("dL/dyhat = 2(yhat - y)", "sq_grad", "correct", "equivalent"),
    ("yhat - y", "sq_grad", "incorrect", "factor"),
    ("2 (y - yhat)", "sq_grad", "incorrect", "sign"),
    ("(yhat - y)^2", "sq_grad", "incorrect", "not-equivalent"),
    ("sign(yhat - y)", "mae_grad", "correct", "equivalent"),
    ("(yhat - y)/abs(yhat - y)", "mae_grad", "correct", "equivalent"),
    ("piecewise((1, yhat > y), (-1, True))", "mae_grad", "correct", "equivalent"),
    (r"\operatorname{sign}(\hat{y} - y)", "mae_grad", "correct", "equivalent"),
    (r"\frac{\hat{y} - y}{|\hat{y} - y|}", "mae_grad", "correct", "equivalent"),
    ("sign(y - yhat)", "mae_grad", "incorrect", "sign"),
    ("piecewise((-1, yhat > y), (1, True))", "mae_grad", "incorrect", "sign"),
    ("abs(yhat - y)", "mae_grad", "incorrect", "not-equivalent"),
    # ===== Huber (piecewise) =====
    ("clip(yhat - y, -delta, delta)", "huber_grad", "correct", "equivalent"),
    (
        "piecewise((yhat - y, abs(y - yhat) <= delta), (delta*sign(yhat - y), True))",
        "huber_grad",
        "correct",
        "equivalent",
    ),
    ("max(-delta, min(delta, yhat - y))", "huber_grad", "correct", "equivalent"),
    (
        r"\begin{cases} \hat{y} - y & |\hat{y} - y| \le \delta \\"
        r" \delta\,\operatorname{sign}(\hat{y} - y) & \text{otherwise} \end{cases}",
        "huber_grad",
        "correct",
        "equivalent",
    ),
    ("clip(y - yhat, -delta, delta)", "huber_grad", "incorrect", "sign"),
    ("yhat - y", "huber_grad", "incorrect", "not-equivalent"),
    ("delta*sign(yhat - y)", "huber_grad", "incorrect", "not-equivalent"),
    ("clip(yhat - y, -delta, delta)", "huber_written", "correct", "equivalent"),
    (
        "piecewise((yhat - y, abs(yhat - y) < delta), (delta*sign(yhat - y), True))",
        "huber_written",
        "correct",
        "equivalent",
    ),
    (
        "piecewise((delta*sign(yhat - y), abs(y - yhat) <= delta), (yhat - y, True))",
        "huber_written",
        "incorrect",
        "branches-swapped",
    ),
    (
        r"\begin{cases} \delta \operatorname{sign}(\hat{y} - y) & |\hat{y} - y| \le \delta \\"
        r" \hat{y} - y & \text{otherwise} \end{cases}",
        "huber_written",
        "incorrect",
        "branches-swapped",
    ),
    ("2 clip(yhat - y, -delta, delta)", "huber_written", "incorrect", "factor"),
    ("clip(yhat - y, -delta, delta) + ", "huber_written", "invalid", "syntax"),
    # ===== activations =====
    ("1 - tanh(x)^2", "tanh_grad", "correct", "equivalent"),
    ("sech(x)^2", "tanh_grad", "correct", "equivalent"),
    ("1/cosh(x)^2", "tanh_grad", "correct", "equivalent"),
    ("4 sigmoid(2x)(1 - sigmoid(2x))", "tanh_grad", "correct", "equivalent"),
    (r"1 - \tanh^2(x)", "tanh_grad", "correct", "equivalent"),
    ("1 + tanh(x)^2", "tanh_grad", "incorrect", "not-equivalent"),
    ("tanh(x)^2 - 1", "tanh_grad", "incorrect", "sign"),
    ("sigmoid(x)", "softplus_grad", "correct", "equivalent"),
    ("exp(x)/(1 + exp(x))", "softplus_grad", "correct", "equivalent"),
    ("1 - sigmoid(-x)", "softplus_grad", "correct", "equivalent"),
    ("1/(1 + exp(x))", "softplus_grad", "incorrect", "chain-rule"),
    ("exp(x)", "softplus_grad", "incorrect", "not-equivalent"),
    ("indicator(x > 0)", "relu_grad", "correct", "equivalent"),
    ("piecewise((1, x > 0), (0, True))", "relu_grad", "correct", "equivalent"),
    ("(sign(x) + 1)/2", "relu_grad", "correct", "equivalent"),
    (
        r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
        "relu_grad",
        "correct",
        "equivalent",
    ),
    ("piecewise((0, x > 0), (1, True))", "relu_grad", "incorrect", "branches-swapped"),
    ("relu(x)", "relu_grad", "incorrect", "not-equivalent"),
    # ===== optimiser formulas =====
    ("m/(1 - beta1^t)", "adam", "correct", "equivalent"),
    (r"\frac{m}{1 - \beta_1^t}", "adam", "correct", "equivalent"),
    ("m/(1 - β1^t)", "adam", "correct", "equivalent"),
    ("m/(1 - exp(t log(beta1)))", "adam", "correct", "equivalent"),
    ("m*(1 - beta1^t)", "adam", "incorrect", "not-equivalent"),
    ("m/(1 - beta1)", "adam", "incorrect", "not-equivalent"),
    ("m/(1 - beta_2^t)", "adam", "invalid", "unknown-symbol"),
    ("lr_min + (lr_max - lr_min)(1 + cos(pi*t/T))/2", "cosine", "correct", "equivalent"),
    ("lr_max - (lr_max - lr_min)(1 - cos(pi t/T))/2", "cosine", "correct", "equivalent"),
    ("lr_min + (lr_max - lr_min) cos(pi t/(2 T))^2", "cosine", "correct", "equivalent"),
    (
        r"\mathrm{lr}_{\mathrm{min}} + \frac{1}{2}(\mathrm{lr}_{\mathrm{max}} - "
        r"\mathrm{lr}_{\mathrm{min}})\left(1 + \cos\frac{\pi t}{T}\right)",
        "cosine",
        "correct",
        "equivalent",
    ),
    ("lr_min + 1/2 (lr_max - lr_min)(1 + cos(pi T / t))", "cosine", "incorrect", "not-equivalent"),
    ("lr_min + 1/2 (lr_max - lr_min)(1 + cos(pi t / t))", "cosine", "incorrect", "not-equivalent"),
    ("lr_min + (lr_max - lr_min)(1 + cos(pi t / T))", "cosine", "incorrect", "not-equivalent"),
    ("x*m/q", "dropout", "correct", "equivalent"),
    ("(m*x)/q", "dropout", "correct", "equivalent"),
    ("m*x*q", "dropout", "incorrect", "not-equivalent"),
    ("m*x", "dropout", "incorrect", "not-equivalent"),
    ("(1 - beta^3) g", "ema_bias", "correct", "equivalent"),
    ("g - beta^3 g", "ema_bias", "correct", "equivalent"),
    ("(1 - beta) g", "ema_bias", "incorrect", "not-equivalent"),
    ("(beta^3 - 1) g", "ema_bias", "incorrect", "sign"),
    # ===== plain algebra =====
    ("a^2 + 2 a b + b^2", "square", "correct", "equivalent"),
    ("(b + a)(a + b)", "square", "correct", "equivalent"),
    # multi-letter names: `ab` is one name, not a*b
    ("a^2 + 2ab + b^2", "square", "incorrect", "not-equivalent"),
    ("a^2 + 2a b + b^2", "square", "correct", "equivalent"),
    (r"a^{2} + 2 a b + b^{2}", "square", "correct", "equivalent"),
    ("a^2 + b^2", "square", "incorrect", "not-equivalent"),
    ("2 (a + b)^2", "square", "incorrect", "factor"),
    ("exp(a) exp(b)", "exp_sum", "correct", "equivalent"),
    ("e^a e^b", "exp_sum", "correct", "equivalent"),
    (r"e^{a} \cdot e^{b}", "exp_sum", "correct", "equivalent"),
    ("exp(a) + exp(b)", "exp_sum", "incorrect", "not-equivalent"),
    ("x^2 - 1", "diff_squares", "correct", "equivalent"),
    ("(1 + x)(x - 1)", "diff_squares", "correct", "equivalent"),
    ("x^2 + 1", "diff_squares", "incorrect", "not-equivalent"),
    ("1 - x^2", "diff_squares", "incorrect", "sign"),
    ("2/(x^2 - 1)", "fraction", "correct", "equivalent"),
    (r"\frac{2}{(x-1)(x+1)}", "fraction", "correct", "equivalent"),
    ("2/(x^2 + 1)", "fraction", "incorrect", "not-equivalent"),
    ("1/(x^2 - 1)", "fraction", "incorrect", "factor"),
    ("1 - cos(x)^2", "trig", "correct", "equivalent"),
    ("(1 - cos(2x))/2", "trig", "correct", "equivalent"),
    (r"\sin^2 x", "trig", "correct", "equivalent"),
    ("cos(x)^2", "trig", "incorrect", "not-equivalent"),
    ("sin(x^2)", "trig", "incorrect", "not-equivalent"),
    ("log(a) + log(b)", "log_product_pos", "correct", "equivalent"),
    (r"\ln a + \ln b", "log_product_pos", "correct", "equivalent"),
    ("log(a) - log(b)", "log_product_pos", "incorrect", "not-equivalent"),
    # declared real: log(a) + log(b) is undefined where a, b < 0 but log(a*b) is defined
    ("log(a) + log(b)", "log_product_real", "incorrect", "undefined"),
    ("log(abs(a)) + log(abs(b))", "log_product_real", "correct", "equivalent"),
]


def _ids(case: tuple[str, str, str, str]) -> str:
    return f"{case[1]}:{case[0]}"


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 150
    assert sum(1 for c in CASES if "\\" in c[0]) >= 30, "LaTeX rows"
    assert sum(1 for c in CASES if c[2] == "correct") >= 60
    assert sum(1 for c in CASES if c[2] == "incorrect") >= 60


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_equivalence_table(case: tuple[str, str, str, str]) -> None:
    answer, problem_name, status, code = case
    verdict = grade_expression(answer, PROBLEMS[problem_name])
    got = (verdict.status, verdict.codes()[:1])
    assert got == (status, [code]), [f"{f.code}: {f.message}" for f in verdict.feedback]
    assert verdict.correct is (status == "correct")
    assert verdict.score == (1.0 if status == "correct" else 0.0)


def test_every_mistake_code_is_exercised() -> None:
    codes = {c[3] for c in CASES}
    wanted = {
        "equivalent",
        "sign",
        "factor",
        "transpose",
        "chain-rule",
        "branches-swapped",
        "shape",
        "undefined",
        "not-equivalent",
        "unknown-symbol",
        "syntax",
    }
    assert wanted <= codes


# ----------------------------------------------------------------------------------------
# The issue's own examples and messages
# ----------------------------------------------------------------------------------------


def test_issue_matrix_example() -> None:
    verdict = grade_expression("2/n X^T (X beta - y)", PROBLEMS["mse_grad"])
    assert verdict.status == "correct"
    assert verdict.to_dict()["interpreted_as"]["ascii"] == "2/n*X^T*(X*beta - y)"


def test_issue_piecewise_example() -> None:
    verdict = grade_expression("clip(yhat - y, -delta, delta)", PROBLEMS["huber_grad"])
    assert verdict.status == "correct"


def test_factor_is_named() -> None:
    half = grade_expression("1/n X^T (X beta - y)", PROBLEMS["mse_grad"])
    assert "1/2" in half.feedback[0].message
    n = grade_expression("2 X^T (X beta - y)", PROBLEMS["mse_grad"])
    assert "n ×" in n.feedback[0].message and "1/n" in n.feedback[0].message
    inv_n = grade_expression("2/n^2 X^T (X beta - y)", PROBLEMS["mse_grad"])
    assert "1/n ×" in inv_n.feedback[0].message
    double = grade_expression("2 (softmax(z) - y)", PROBLEMS["softmax_ce_grad"])
    assert "2 ×" in double.feedback[0].message


def test_chain_rule_names_the_inner_expression() -> None:
    verdict = grade_expression("1/n (sigmoid(X w) - y)", PROBLEMS["logistic_grad_softplus"])
    assert verdict.codes()[0] == "chain-rule"
    assert "X*w" in verdict.feedback[0].message and "not w" in verdict.feedback[0].message


def test_shape_mismatch_message() -> None:
    verdict = grade_expression("y", PROBLEMS["mse_grad"])
    assert verdict.status == "incorrect"
    messages = " | ".join(f.message for f in verdict.feedback)
    assert "your expression is an n-vector; expected a p-vector" in messages


def test_shape_mismatch_message_after_a_diagnosis() -> None:
    verdict = grade_expression("2/n (X beta - y)", PROBLEMS["mse_grad"])
    assert verdict.status == "incorrect"
    assert any("expected a p-vector" in f.message for f in verdict.feedback)


def test_unknown_symbol_names_the_declared_ones() -> None:
    verdict = grade_expression("2/n X^T (X beta - q)", PROBLEMS["mse_grad"])
    assert verdict.status == "invalid"
    assert verdict.codes() == ["unknown-symbol"]
    message = verdict.feedback[0].message
    assert "unknown symbol q" in message
    assert "declared:" in message
    declared = message.split("declared:")[1]
    for name in ("X", "y", "beta"):
        assert name in {part.strip() for part in declared.split(",")}


def test_undefined_point_is_reported() -> None:
    verdict = grade_expression("log(a) + log(b)", PROBLEMS["log_product_real"])
    message = " ".join(f.message for f in verdict.feedback)
    assert "undefined at a = " in message


def test_names_are_case_sensitive() -> None:
    problem = Problem.build(expected="T + 1")
    assert grade_expression("T + 1", problem).status == "correct"
    assert grade_expression("t + 1", problem).status == "incorrect"


def test_known_mistakes_from_the_question() -> None:
    problem = Problem.build(
        variables=REGRESSION,
        derivative_of="1/n * sum((y - X beta)^2)",
        wrt="beta",
        mistakes=[("2/n X^T X beta", "you dropped the y term", "known-mistake")],
    )
    verdict = grade_expression("2/n X^T X beta", problem)
    assert verdict.status == "incorrect"
    assert verdict.feedback[0].code == "known-mistake"
    assert verdict.feedback[0].message == "you dropped the y term"
    # a question's own mistake wins over the generic detectors
    problem2 = Problem.build(
        variables=REGRESSION,
        derivative_of="1/n * sum((y - X beta)^2)",
        wrt="beta",
        mistakes=[("2/n X^T (y - X beta)", "residual sign", "known-mistake")],
    )
    verdict2 = grade_expression(r"\frac{2}{n} X^\top (y - X\beta)", problem2)
    assert verdict2.codes()[0] == "known-mistake"


def test_dimension_names_are_sizes() -> None:
    problem = Problem.build(variables={"y": S("n")}, expected="sum(y)/n")
    assert grade_expression("mean(y)", problem).status == "correct"
    assert grade_expression("sum(y)", problem).codes()[0] == "factor"


def test_undeclared_names_are_real_scalars() -> None:
    problem = Problem.build(expected="(x + 1)^2")
    assert grade_expression("x^2 + 2x + 1", problem).status == "correct"
    assert grade_expression("x^2 + 2x + 1 + y - y", problem).status == "correct"


# ----------------------------------------------------------------------------------------
# Derivations
# ----------------------------------------------------------------------------------------

MSE_STEPS_RIGHT = [
    "d/dbeta 1/n (y - X beta)^T (y - X beta) = -2/n X^T (y - X beta)",
    "2/n (X^T X beta - X^T y)",
    r"\frac{2}{n} X^\top (X\beta - y)",
]


def test_derivation_all_lines_right() -> None:
    verdict = grade_derivation(MSE_STEPS_RIGHT, PROBLEMS["mse_grad"])
    assert verdict.status == "correct"
    assert verdict.score == 1.0
    assert [s["status"] for s in verdict.to_dict()["steps"]] == ["correct"] * 3


def test_derivation_wrong_middle_line_is_partial() -> None:
    lines = ["-2/n X^T (y - X beta)", "2/n (X^T X beta + X^T y)", "2/n X^T (X beta - y)"]
    verdict = grade_derivation(lines, PROBLEMS["mse_grad"])
    assert verdict.status == "partial"
    assert 0 < verdict.score < 1
    assert verdict.feedback[0].code == "first-wrong-line"
    assert "line 2" in verdict.feedback[0].message
    assert [s["status"] for s in verdict.to_dict()["steps"]] == ["correct", "incorrect", "correct"]


def test_derivation_wrong_last_line_is_incorrect() -> None:
    lines = ["-2/n X^T (y - X beta)", "2/n X^T (X beta - y)", "2/n X^T (y - X beta)"]
    verdict = grade_derivation(lines, PROBLEMS["mse_grad"])
    assert verdict.status == "incorrect"
    assert "line 3" in verdict.feedback[0].message
    assert verdict.to_dict()["steps"][2]["feedback"][0]["code"] == "sign"


def test_derivation_names_the_first_wrong_line() -> None:
    lines = ["2 (yhat - y)", "yhat - y", "2 (y - yhat)", "2 yhat - 2 y"]
    verdict = grade_derivation(lines, PROBLEMS["sq_grad"])
    assert verdict.status == "partial"
    assert "line 2" in verdict.feedback[0].message
    assert "line 3" not in verdict.feedback[0].message


def test_derivation_with_an_unparseable_line() -> None:
    lines = ["sigmoid(z)(1 - sigmoid(z))", "sigmoid(z) (1 - ", "sigmoid(z) sigmoid(-z)"]
    verdict = grade_derivation(lines, PROBLEMS["sigmoid_grad"])
    assert verdict.status == "partial"
    assert "line 2" in verdict.feedback[0].message
    assert verdict.to_dict()["steps"][1]["status"] == "invalid"


def test_derivation_of_a_scalar_loss_in_latex() -> None:
    lines = [
        r"\frac{d}{dz}\left[-y\log\sigma(z) - (1-y)\log(1-\sigma(z))\right]"
        r" = -y(1-\sigma(z)) + (1-y)\sigma(z)",
        r"\sigma(z) - y",
    ]
    verdict = grade_derivation(lines, PROBLEMS["bce_z"])
    assert verdict.status == "correct", verdict.to_dict()["steps"]


def test_derivation_continuation_lines_start_with_equals() -> None:
    # Written on a whiteboard, the lines after the first start with "=": an empty label.
    lines = ["dL/dyhat = 2(yhat - y)", "= 2 yhat - 2 y", "= -2(y - yhat)"]
    verdict = grade_derivation(lines, PROBLEMS["sq_grad"])
    assert verdict.status == "correct", verdict.to_dict()["steps"]


def test_empty_derivation_is_invalid() -> None:
    assert grade_derivation(["", "  "], PROBLEMS["sq_grad"]).status == "invalid"


# ----------------------------------------------------------------------------------------
# The checker itself: detectors never fire on an unrelated wrong answer, and each detector's
# typical wrong answer is still wrong.
# ----------------------------------------------------------------------------------------


def _context(answer: str, problem: Problem) -> Context:
    prepared = prepare(problem)
    parsed = parse(
        answer,
        variables=prepared.variables,
        extra_names=prepared.names,
        strict=bool(prepared.variables),
    )
    return Context(prepared.target, parsed, prepared.target.compare(parsed), prepared.known)


UNRELATED_WRONG = [
    ("2/n X^T (X beta - y) + 1", "mse_grad"),
    ("sigmoid(z)(1 + sigmoid(z))", "sigmoid_grad"),
    ("yhat - y", "huber_grad"),
    ("-y*x", "hinge_grad"),
    ("softmax(z)", "softmax_ce_grad"),
    ("A^T B^T", "product_transpose"),
    ("a^2 + b^2", "square"),
]


@pytest.mark.parametrize(("answer", "problem_name"), UNRELATED_WRONG)
def test_no_detector_claims_an_unrelated_wrong_answer(answer: str, problem_name: str) -> None:
    ctx = _context(answer, PROBLEMS[problem_name])
    assert not ctx.comparison.equal
    claimed = {func.__name__: func(ctx) for func in DETECTORS}
    assert all(found is None for found in claimed.values()), claimed


DETECTOR_EXAMPLES = {
    "known_mistakes": None,  # exercised in test_known_mistakes_from_the_question
    "swapped_branches": ("piecewise((0, x > 0), (1, True))", "relu_grad"),
    "transposed": ("A B", "product_transpose"),
    "sign_or_factor": ("2/n X^T (y - X beta)", "mse_grad"),
    "chain_rule_stopped": ("1/n (sigmoid(X w) - y)", "logistic_grad_softplus"),
}


def test_every_detector_is_covered() -> None:
    assert {func.__name__ for func in DETECTORS} <= set(DETECTOR_EXAMPLES)


@pytest.mark.parametrize(
    ("detector_name", "example"),
    [(k, v) for k, v in DETECTOR_EXAMPLES.items() if v is not None],
)
def test_each_detector_fires_only_on_wrong_answers(
    detector_name: str, example: tuple[str, str]
) -> None:
    answer, problem_name = example
    problem = PROBLEMS[problem_name]
    ctx = _context(answer, problem)
    func = next(f for f in DETECTORS if f.__name__ == detector_name)
    assert not ctx.comparison.equal
    assert func(ctx) is not None, f"{detector_name} should recognise {answer!r}"
    verdict = grade_expression(answer, problem)
    assert verdict.status == "incorrect" and not verdict.correct and verdict.score == 0.0


WRONG_FOR_EVERY_DETECTOR = [
    # each is wrong in the way one detector names; none of them may ever be graded correct
    (c[0], c[1])
    for c in CASES
    if c[2] == "incorrect"
    and c[3] in {"sign", "factor", "transpose", "chain-rule", "branches-swapped"}
]


def test_detector_recognised_answers_are_all_wrong() -> None:
    assert len(WRONG_FOR_EVERY_DETECTOR) >= 40
    graded_correct = [
        (a, p) for a, p in WRONG_FOR_EVERY_DETECTOR if grade_expression(a, PROBLEMS[p]).correct
    ]
    assert not graded_correct
