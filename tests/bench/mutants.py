"""A corpus for the code judge's messages: honest buggy mutants of the correct solutions (one
realistic bug each, as learners write them) and peer solutions (other correct ways to write
the same function). ``tests/bench/mutant_bench.py`` judges them all.

A mutant is named by the exercise, a short description of the bug, and its source — most are
one textual edit of ``CORRECT`` (the edit must apply, so the corpus follows the solutions).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.engine import solutions, torch_solutions


@dataclass(frozen=True)
class Entry:
    exercise: str
    bug: str  # "" for a peer solution (correct)
    source: str


def _edit(exercise: str, bug: str, *pairs: str) -> Entry:
    base = {**solutions.CORRECT, **torch_solutions.CORRECT}[exercise]
    source = base
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        if old not in source:
            raise ValueError(f"{exercise}: {old!r} is not in the correct solution")
        source = source.replace(old, new, 1)
    return Entry(exercise, bug, source)


def _src(exercise: str, bug: str, source: str) -> Entry:
    return Entry(exercise, bug, source.strip("\n") + "\n")


NP = "import numpy as np\n"

# fmt: off
MUTANTS: list[Entry] = [
    # -- regression losses ---------------------------------------------------------------------
    _edit("mse", "rounded to 4 decimals", "return float(np.mean(", "return round(float(np.mean(", "** 2))", "** 2)), 4)"),
    _edit("mse", "sum instead of mean", "np.mean(", "np.sum("),
    _edit("mse", "absolute instead of squared error", "** 2", "", "np.asarray(y_true) - np.asarray(y_pred)", "np.abs(np.asarray(y_true) - np.asarray(y_pred))"),
    _edit("mae", "squared instead of absolute error", "np.abs(y_true - y_pred)", "(y_true - y_pred) ** 2"),
    _edit("rmse", "square root missing", "np.sqrt(", "(", ),
    _edit("huber", "no ½ in the quadratic branch", "0.5 * r**2", "r**2"),
    _edit("huber", "linear branch without −δ/2", "delta * (r - 0.5 * delta)", "delta * r"),
    # -- classification losses ----------------------------------------------------------------
    _edit("binary_cross_entropy", "no clipping", "p = np.clip(p_pred, eps, 1 - eps)", "p = p_pred"),
    _edit("binary_cross_entropy", "sign flipped", "return float(-np.mean(", "return float(np.mean("),
    _src("bce_with_logits", "sigmoid then log (unstable)", NP + "def bce_with_logits(y_true, logits):\n    p = 1 / (1 + np.exp(-logits))\n    return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))"),
    _edit("bce_with_logits", "log1p(exp(z)) overflows", "np.logaddexp(0, logits)", "np.log1p(np.exp(logits))"),
    _edit("softmax", "no max subtraction", "z = logits - np.max(logits, axis=-1, keepdims=True)", "z = logits"),
    _edit("softmax", "normalised over axis 0", "np.max(logits, axis=-1, keepdims=True)", "np.max(logits, axis=0, keepdims=True)", "np.sum(e, axis=-1, keepdims=True)", "np.sum(e, axis=0, keepdims=True)"),
    _edit("softmax", "rounded to 3 decimals", "return e / np.sum(e, axis=-1, keepdims=True)", "return np.round(e / np.sum(e, axis=-1, keepdims=True), 3)"),
    _edit("categorical_cross_entropy", "sum over rows", ".sum(axis=1).mean()", ".sum(axis=1).sum()"),
    _edit("categorical_cross_entropy", "mean over every element", "-(y_onehot * log_p).sum(axis=1).mean()", "-(y_onehot * log_p).mean()"),
    _edit("hinge", "max(0, ·) missing", "np.maximum(0, 1 - y_true * scores)", "1 - y_true * scores"),
    _edit("hinge", "margin of 0", "1 - y_true * scores", "-y_true * scores"),
    _edit("multiclass_hinge", "correct class not excluded", "    m[np.arange(n), labels] = 0\n", ""),
    _edit("focal_loss", "α on both classes", "a_t = np.where(y_true == 1, alpha, 1 - alpha)", "a_t = alpha"),
    _edit("focal_loss", "p_t^γ instead of (1 − p_t)^γ", "(1 - p_t) ** gamma", "p_t ** gamma"),
    _edit("label_smoothing", "ε/(K − 1) added to every class", "eps / k", "eps / (k - 1)"),
    _edit("label_smoothing", "ε added to every class", "eps / k", "eps"),
    # -- gradients ------------------------------------------------------------------------------
    _edit("mse_gradient", "factor 2 missing", "-2 / n", "-1 / n"),
    _edit("mse_gradient", "sign flipped", "-2 / n", "2 / n"),
    _edit("ridge_gradient", "penalty gradient without 2", "+ 2 * lam * beta", "+ lam * beta"),
    _edit("logistic_gradient", "not divided by n", "X.T @ (p - y) / len(y)", "X.T @ (p - y)"),
    _edit("softmax_ce_gradient", "not divided by n", "(p - y_onehot) / logits.shape[0]", "p - y_onehot"),
    _edit("numerical_gradient", "forward difference", "(f(x + e) - f(x - e)) / (2 * h)", "(f(x + e) - f(x)) / h"),
    # -- optimizers -----------------------------------------------------------------------------
    _edit("momentum_step", "lr inside the velocity", "velocity = beta * velocity + (1 - beta) * grad\n    return w - lr * velocity, velocity", "velocity = beta * velocity + lr * grad\n    return w - velocity, velocity"),
    _edit("momentum_step", "lr and (1 − β) inside the velocity", "velocity = beta * velocity + (1 - beta) * grad\n    return w - lr * velocity, velocity", "velocity = beta * velocity + (1 - beta) * lr * grad\n    return w - velocity, velocity"),
    _edit("momentum_step", "sign-flipped momentum", "velocity = beta * velocity + (1 - beta) * grad\n    return w - lr * velocity, velocity", "velocity = beta * velocity - (1 - beta) * grad\n    return w + lr * velocity, velocity"),
    _edit("momentum_step", "whole gradient added (v = βv + g)", "(1 - beta) * grad", "grad"),
    _edit("nesterov_step", "look-ahead without lr", "grad_fn(w - lr * beta * velocity)", "grad_fn(w - beta * velocity)"),
    _edit("adagrad_step", "ε missing", "(np.sqrt(accum) + eps)", "np.sqrt(accum)"),
    _edit("adagrad_step", "update with the old accumulator", "    accum = accum + grad ** 2\n    return w - lr * grad / (np.sqrt(accum) + eps), accum", "    new_w = w - lr * grad / (np.sqrt(accum) + eps)\n    return new_w, accum + grad ** 2"),
    _edit("adagrad_step", "square root missing", "(np.sqrt(accum) + eps)", "(accum + eps)"),
    _edit("adagrad_step", "ε inside the square root", "(np.sqrt(accum) + eps)", "np.sqrt(accum + eps)"),
    _edit("rmsprop_step", "update with the old average", "    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2\n    return w - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg", "    new_w = w - lr * grad / (np.sqrt(sq_avg) + eps)\n    return new_w, rho * sq_avg + (1 - rho) * grad ** 2"),
    _edit("rmsprop_step", "ρ and 1 − ρ swapped", "rho * sq_avg + (1 - rho) * grad ** 2", "(1 - rho) * sq_avg + rho * grad ** 2"),
    _edit("adam_step", "bias correction with t − 1", "beta1 ** t", "beta1 ** (t - 1)", "beta2 ** t", "beta2 ** (t - 1)"),
    _edit("adam_step", "returns the corrected moments", "eps), m, v", "eps), m_hat, v_hat"),
    _edit("adam_step", "ε inside the square root", "(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)"),
    _edit("adam_step", "no bias correction on v", "v_hat = v / (1 - beta2 ** t)", "v_hat = v"),
    _edit("adam_step", "β1 and β2 swapped in the moments", "m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad ** 2", "m = beta2 * m + (1 - beta2) * grad\n    v = beta1 * v + (1 - beta1) * grad ** 2"),
    _edit("adamw_step", "decay applied after the step", "    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps) - lr * weight_decay * w", "    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)\n    w_new = w_new - lr * weight_decay * w_new"),
    _edit("adamw_step", "decay not scaled by lr", "- lr * weight_decay * w", "- weight_decay * w"),
    _edit("adamw_step", "L2 in the gradient", "    m = beta1 * m + (1 - beta1) * grad\n", "    grad = grad + weight_decay * w\n    m = beta1 * m + (1 - beta1) * grad\n", " - lr * weight_decay * w", ""),
    # -- schedules ------------------------------------------------------------------------------
    _edit("step_decay", "continuous exponent instead of floor", "step // every", "step / every"),
    _edit("exponential_decay", "exponent off by one", "gamma ** step", "gamma ** (step + 1)"),
    _edit("cosine_annealing", "π missing in the cosine", "math.pi * step / total_steps", "step / total_steps"),
    _edit("warmup_cosine", "warmup off by one", "base_lr * step / warmup_steps", "base_lr * (step + 1) / warmup_steps"),
    _edit("warmup_cosine", "cosine over the total steps", "(step - warmup_steps) / (total_steps - warmup_steps)", "step / total_steps"),
    _edit("triangular_clr", "cycle without the 1 +", "np.floor(1 + step / (2 * step_size))", "np.floor(step / (2 * step_size))"),
    # -- training utilities ---------------------------------------------------------------------
    _edit("clip_grad_norm", "each array clipped by its own norm", "    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n    scale = min(1.0, max_norm / (total + 1e-6))\n    return [g * scale for g in grads], float(total)", "    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n    return [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads], float(total)"),
    _edit("clip_grad_norm", "returns the clipped norm", "float(total)", "float(min(total, max_norm))"),
    _edit("clip_grad_norm", "scales up as well", "min(1.0, max_norm / (total + 1e-6))", "max_norm / (total + 1e-6)"),
    _edit("clip_grad_value", "upper bound only", "np.clip(grad, -clip_value, clip_value)", "np.minimum(grad, clip_value)"),
    _edit("dropout", "a fixed generator re-seeded on every call", "rng = np.random.default_rng() if rng is None else rng", "rng = np.random.default_rng(0)"),
    _edit("dropout", "a fixed, evenly spread mask", "mask = rng.random(x.shape) >= p", "mask = (np.arange(x.size).reshape(x.shape) * 0.61803398875) % 1.0 >= p"),
    _edit("dropout", "survivors not rescaled", "x * mask / (1 - p)", "x * mask"),
    _edit("dropout", "keeps with probability p", "mask = rng.random(x.shape) >= p", "mask = rng.random(x.shape) < p"),
    _edit("early_stopping", "a tie counts as an improvement", "if loss < best - min_delta:", "if loss <= best - min_delta:"),
    _edit("early_stopping", "waits one epoch too long", "if wait >= patience:", "if wait > patience:"),
    _edit("mixup", "λ swapped for the labels", "lam * y1 + (1 - lam) * y2", "(1 - lam) * y1 + lam * y2"),
    _edit("sam_perturbation", "not normalised by the gradient's norm", "rho * grad / (np.linalg.norm(grad) + 1e-12)", "rho * grad"),
    _edit("linear_regression_gd", "gradient summed, not averaged", "(-2 / len(y))", "(-2)"),
    _edit("logistic_regression_gd", "steps uphill", "beta = beta - lr", "beta = beta + lr"),
    # -- PyTorch --------------------------------------------------------------------------------
    _src("torch_bce_with_logits", "clamp/abs textbook form: subgradient at z = 0", "import torch\ndef bce_with_logits(logits, targets):\n    z = logits\n    return (torch.clamp(z, min=0) - z * targets + torch.log1p(torch.exp(-torch.abs(z)))).mean()"),
    _src("torch_bce_with_logits", "sigmoid then log", "import torch\ndef bce_with_logits(logits, targets):\n    p = torch.sigmoid(logits)\n    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()"),
    _edit("torch_bce_with_logits", "sum instead of mean", ").mean()", ").sum()"),
    _edit("torch_bce", "no clamping", "p = torch.clamp(probs, eps, 1 - eps)", "p = probs"),
    _src("torch_bce", "eps added inside the logs", "import torch\ndef bce(probs, targets, eps=1e-7):\n    return -(targets * torch.log(probs + eps) + (1 - targets) * torch.log(1 - probs + eps)).mean()"),
    _edit("torch_cross_entropy", "ε/(K − 1) over the other classes", "q = (1 - label_smoothing) * q + label_smoothing / k", "q = (1 - label_smoothing) * q + label_smoothing / (k - 1) * (1 - q)"),
    _edit("torch_cross_entropy", "log of softmax without the max", "log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)", "log_p = torch.log(torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True))"),
    _edit("torch_cross_entropy", "label smoothing ignored", "q = (1 - label_smoothing) * q + label_smoothing / k", "q = q"),
    _edit("torch_huber_function", "backward ignores grad_output", "return grad_output * grad, None, None", "return grad, None, None"),
    _edit("torch_huber_function", "backward not divided by n", "torch.clamp(r, -ctx.delta, ctx.delta) / r.numel()", "torch.clamp(r, -ctx.delta, ctx.delta)"),
    _edit("torch_focal_loss", "α and 1 − α swapped", "alpha_t = alpha * targets + (1 - alpha) * (1 - targets)", "alpha_t = (1 - alpha) * targets + alpha * (1 - targets)"),
    _edit("torch_adam", "ε inside the square root", "(v_hat.sqrt() + group[\"eps\"])", "(v_hat + group[\"eps\"]).sqrt()"),
    _edit("torch_adam", "bias correction with t − 1", "m_hat = m / (1 - b1 ** t)\n                v_hat = v / (1 - b2 ** t)", "m_hat = m / (1 - b1 ** (t - 1))\n                v_hat = v / (1 - b2 ** (t - 1))"),
    _edit("torch_adamw", "decay applied after the step", "                p.mul_(1 - group[\"lr\"] * group[\"weight_decay\"])\n", "", "p.addcdiv_(m, denom, value=-group[\"lr\"] / (1 - b1 ** t))", "p.addcdiv_(m, denom, value=-group[\"lr\"] / (1 - b1 ** t))\n                p.mul_(1 - group[\"lr\"] * group[\"weight_decay\"])"),
    _edit("torch_warmup_cosine", "warmup off by one", "return step / warmup_steps", "return (step + 1) / warmup_steps"),
    _edit("torch_grad_norms_with_hooks", "squared norms", "grad.norm().item()", "grad.pow(2).sum().item()"),
]

PEERS: list[Entry] = [
    _src("mse", "", NP + "def mse(y_true, y_pred):\n    d = np.subtract(y_true, y_pred)\n    return np.square(d).mean()"),
    _src("mae", "", NP + "def mae(y_true, y_pred):\n    return np.abs(np.subtract(y_true, y_pred)).sum() / np.size(y_true)"),
    _src("rmse", "", "import math\n" + NP + "def rmse(y_true, y_pred):\n    return math.sqrt(np.mean(np.square(y_true - y_pred)))"),
    _src("softmax", "", NP + "def softmax(logits):\n    logits = np.asarray(logits, dtype=float)\n    shifted = logits - logits.max(axis=-1, keepdims=True)\n    exp = np.exp(shifted)\n    return exp / exp.sum(axis=-1, keepdims=True)"),
    _src("bce_with_logits", "", NP + "def bce_with_logits(y_true, logits):\n    z = logits\n    return float(np.mean(np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))))"),
    _src("binary_cross_entropy", "", NP + "def binary_cross_entropy(y_true, p_pred, eps=1e-12):\n    p = np.minimum(np.maximum(p_pred, eps), 1 - eps)\n    losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))\n    return float(losses.sum() / len(losses))"),
    _src("momentum_step", "", "def momentum_step(w, grad, velocity, lr, beta=0.9):\n    v = velocity * beta + grad * (1 - beta)\n    return w - v * lr, v"),
    _src("adagrad_step", "", NP + "def adagrad_step(w, grad, accum, lr, eps=1e-8):\n    g2 = accum + np.square(grad)\n    step = lr / (np.sqrt(g2) + eps)\n    return w - step * grad, g2"),
    _src("adam_step", "", NP + "def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):\n    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * np.square(grad)\n    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)\n    denom = np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps\n    return w - lr / (1 - beta1 ** t) * m / denom, m, v"),
    _src("label_smoothing", "", NP + "def label_smoothing(y_onehot, eps):\n    y = np.asarray(y_onehot, dtype=float)\n    return y * (1.0 - eps) + eps / y.shape[-1]"),
    _src("dropout", "", NP + "def dropout(x, p, training=True, rng=None):\n    if not training or p == 0:\n        return x.copy()\n    if rng is None:\n        rng = np.random.default_rng()\n    keep = rng.binomial(1, 1 - p, size=x.shape)\n    return x * keep / (1 - p)"),
    _src("dropout", "", NP + "def dropout(x, p, training=True, rng=None):\n    if not training or p == 0:\n        return np.array(x, copy=True)\n    rng = rng if rng is not None else np.random.default_rng()\n    u = rng.uniform(size=x.shape)\n    return np.where(u < p, 0.0, x / (1 - p))"),
    _src("clip_grad_norm", "", NP + "def clip_grad_norm(grads, max_norm):\n    total = float(np.sqrt(sum(float((g * g).sum()) for g in grads)))\n    coef = max_norm / (total + 1e-6)\n    if coef < 1:\n        grads = [g * coef for g in grads]\n    else:\n        grads = [g.copy() for g in grads]\n    return grads, total"),
    _src("early_stopping", "", "def early_stopping(val_losses, patience, min_delta=0.0):\n    best = val_losses[0]\n    best_epoch = 0\n    bad = 0\n    for i in range(1, len(val_losses)):\n        if val_losses[i] < best - min_delta:\n            best, best_epoch, bad = val_losses[i], i, 0\n        else:\n            bad += 1\n            if bad == patience:\n                return i, best_epoch\n    return len(val_losses) - 1, best_epoch"),
    _src("torch_bce_with_logits", "", "import torch\ndef bce_with_logits(logits, targets):\n    return torch.mean(torch.logaddexp(torch.zeros_like(logits), logits) - targets * logits)"),
    _src("torch_cross_entropy", "", "import torch\nimport torch.nn.functional as F\ndef cross_entropy(logits, labels, label_smoothing=0.0):\n    logp = F.log_softmax(logits, dim=-1)\n    nll = -logp.gather(1, labels.unsqueeze(1)).squeeze(1)\n    smooth = -logp.mean(dim=-1)\n    return ((1 - label_smoothing) * nll + label_smoothing * smooth).mean()"),
    _src("torch_dropout", "", "import torch\nfrom torch import nn\nclass Dropout(nn.Module):\n    def __init__(self, p=0.5):\n        super().__init__()\n        self.p = p\n    def forward(self, x):\n        if not self.training or self.p == 0:\n            return x\n        mask = (torch.rand_like(x) >= self.p).to(x.dtype)\n        return x * mask / (1 - self.p)"),
    _src("torch_grad_norms_with_hooks", "", "def grad_norms_with_hooks(model, loss_fn, batch):\n    norms = {}\n    handles = [p.register_hook(lambda g, n=n: norms.__setitem__(n, float(g.norm()))) for n, p in model.named_parameters()]\n    x, y = batch\n    loss = loss_fn(model(x), y)\n    loss.backward()\n    for h in handles:\n        h.remove()\n    return norms"),
]

# Written after the judge's messages were tuned on MUTANTS, and measured without tuning on
# them: the bench reports this batch's named share separately, as the honest estimate for
# mutants nobody has shown the judge.
HELD_OUT: list[Entry] = [
    _edit("mse", "mean over the wrong length", "return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))", "d = np.asarray(y_true) - np.asarray(y_pred)\n    return float(np.sum(d ** 2) / (len(d) - 1))"),
    _edit("mae", "rounded to 2 decimals", "return float(np.mean(np.abs(y_true - y_pred)))", "return round(float(np.mean(np.abs(y_true - y_pred))), 2)"),
    _edit("rmse", "root of the sum", "np.sqrt(np.mean(", "np.sqrt(np.sum("),
    _edit("huber", "δ² instead of ½δ² in the offset", "delta * (r - 0.5 * delta)", "delta * r - delta ** 2"),
    _edit("binary_cross_entropy", "clip at 1e-3", "p = np.clip(p_pred, eps, 1 - eps)", "p = np.clip(p_pred, 1e-3, 1 - 1e-3)"),
    _edit("bce_with_logits", "labels flipped", "- y_true * logits", "- (1 - y_true) * logits"),
    _edit("softmax", "max over the whole array", "np.max(logits, axis=-1, keepdims=True)", "np.max(logits)"),
    _edit("categorical_cross_entropy", "log of softmax without the max", "z = logits - logits.max(axis=1, keepdims=True)", "z = logits"),
    _edit("hinge", "squared hinge", "np.maximum(0, 1 - y_true * scores)", "np.maximum(0, 1 - y_true * scores) ** 2"),
    _edit("multiclass_hinge", "margin ignored", "scores - correct + margin", "scores - correct + 1.0"),
    _edit("focal_loss", "γ ignored", "(1 - p_t) ** gamma", "(1 - p_t)"),
    _edit("label_smoothing", "shape taken from the wrong axis", "k = y_onehot.shape[-1]", "k = y_onehot.shape[0]"),
    _edit("mse_gradient", "divided by the number of features", "n = X.shape[0]", "n = X.shape[1]"),
    _edit("ridge_gradient", "penalty with the wrong sign", "+ 2 * lam * beta", "- 2 * lam * beta"),
    _edit("logistic_gradient", "sigmoid of the wrong sign", "np.exp(-np.logaddexp(0, -z))", "np.exp(-np.logaddexp(0, z))"),
    _edit("softmax_ce_gradient", "y − p instead of p − y", "(p - y_onehot)", "(y_onehot - p)"),
    _edit("numerical_gradient", "step of h on each side but divided by h", "/ (2 * h)", "/ h"),
    _edit("sgd_step", "learning rate squared", "return w - lr * grad", "return w - lr * lr * grad"),
    _edit("momentum_step", "β on the gradient, 1 − β on the velocity", "beta * velocity + (1 - beta) * grad", "(1 - beta) * velocity + beta * grad"),
    _edit("nesterov_step", "velocity returned before the update", "    return w - lr * velocity, velocity", "    return w - lr * velocity, (velocity - (1 - beta) * g) / beta"),
    _edit("adagrad_step", "accumulates |g| instead of g²", "accum = accum + grad ** 2", "accum = accum + np.abs(grad)"),
    _edit("rmsprop_step", "ε inside the square root", "(np.sqrt(sq_avg) + eps)", "np.sqrt(sq_avg + eps)"),
    _edit("adam_step", "no bias correction on m", "m_hat = m / (1 - beta1 ** t)", "m_hat = m"),
    _edit("adam_step", "ε squared", "(np.sqrt(v_hat) + eps)", "(np.sqrt(v_hat) + eps ** 2)"),
    _edit("adamw_step", "no weight decay", " - lr * weight_decay * w", ""),
    _edit("step_decay", "drops one period late", "step // every", "(step - 1) // every"),
    _edit("exponential_decay", "decay by 1 − γ", "gamma ** step", "(1 - gamma) ** step"),
    _edit("cosine_annealing", "min_lr ignored", "min_lr + 0.5 * (base_lr - min_lr)", "0.5 * base_lr"),
    _edit("warmup_cosine", "no floor at min_lr", "min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))", "0.5 * base_lr * (1 + math.cos(math.pi * progress))"),
    _edit("triangular_clr", "amplitude halved", "(max_lr - base_lr) * max(0.0, 1 - x)", "0.5 * (max_lr - base_lr) * max(0.0, 1 - x)"),
    _edit("clip_grad_norm", "sum of norms", "np.sqrt(sum(np.sum(g ** 2) for g in grads))", "sum(np.sqrt(np.sum(g ** 2)) for g in grads)"),
    _edit("clip_grad_value", "clips at half the value", "np.clip(grad, -clip_value, clip_value)", "np.clip(grad, -clip_value / 2, clip_value / 2)"),
    _edit("dropout", "rescales by 1/p", "x * mask / (1 - p)", "x * mask / p"),
    _edit("dropout", "one mask value per row", "mask = rng.random(x.shape) >= p", "mask = rng.random(x.shape[:1] + (1,) * (x.ndim - 1)) >= p"),
    _edit("early_stopping", "min_delta ignored", "loss < best - min_delta", "loss < best"),
    _edit("mixup", "inputs unmixed", "lam * x1 + (1 - lam) * x2", "x1"),
    _edit("sam_perturbation", "squared norm", "np.linalg.norm(grad)", "np.linalg.norm(grad) ** 2"),
    _edit("linear_regression_gd", "one epoch too many", "for _ in range(epochs):", "for _ in range(epochs + 1):"),
    _edit("logistic_regression_gd", "forgot the 1/n", "X.T @ (p - y) / len(y)", "X.T @ (p - y)"),
    _edit("torch_bce", "mean over the wrong thing: sum", ").mean()", ").sum() / probs.shape[0]"),
    _edit("torch_cross_entropy", "no label smoothing on the true class", "q = (1 - label_smoothing) * q + label_smoothing / k", "q = q + label_smoothing / k"),
    _edit("torch_focal_loss", "γ ignored", "(1 - p_t) ** gamma", "(1 - p_t)"),
    _edit("torch_huber_function", "gradient not clamped", "torch.clamp(r, -ctx.delta, ctx.delta) / r.numel()", "r / r.numel()"),
    _edit("torch_adam", "no bias correction", "m_hat = m / (1 - b1 ** t)\n                v_hat = v / (1 - b2 ** t)", "m_hat = m\n                v_hat = v"),
    _edit("torch_warmup_cosine", "cosine without the floor at 0.5", "return 0.5 * (1 + math.cos(math.pi * progress))", "return math.cos(math.pi * progress / 2)"),
]
# fmt: on
