"""PyTorch losses judged in value and gradient: BCE from logits and from probabilities,
cross-entropy with label smoothing, binary focal loss, and Huber as a ``torch.autograd.Function``
(with ``gradcheck``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import binary, normal, probs
from engine.judge.torchcases import (
    SUM_MESSAGE,
    as_float32,
    call_text,
    loss_case,
    loss_twin,
    show_loss,
    sum_twin,
    torch_setup,
    value_twin,
)
from engine.reference import backprop as ref
from engine.reference.backprop import TORCH_BCE_EPS

A = np.ndarray
LOGSUMEXP = (
    "compute the loss from the logits with log-sum-exp: softplus(z) − y·z"
    " (torch.nn.functional.softplus or torch.logaddexp(torch.zeros_like(z), z))"
)
EXTREME = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.5])
EXTREME_Y = np.array([1.0, 0.0, 0.0, 1.0, 1.0])


def _bce_logits_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, z: A, y: A, **kw: Any) -> Case:
        return loss_case(name, z, y, **kw)

    z1, y1 = np.array([2.0, -1.0]), np.array([1.0, 0.0])
    z2, y2 = np.array([0.5, 0.0, -3.0]), np.array([1.0, 0.0, 1.0])
    hidden = case("hidden", normal(rng, 8, scale=3.0), binary(rng, 8))
    return [
        case("example", z1, y1, visible=True, call=call_text("bce_with_logits", z1, y1)),
        case("example", z2, y2, visible=True, call=call_text("bce_with_logits", z2, y2)),
        hidden,
        case("hidden", normal(rng, 4, 3, scale=2.0), binary(rng, 12).reshape(4, 3), about="a 2-D batch"),
        case("edge: logits = ±1000", EXTREME, EXTREME_Y, about="logits = ±1000", advice=LOGSUMEXP),
        as_float32(hidden),
    ]  # fmt: skip


def _clamped_sigmoid(z: A, y: A) -> float:
    p = np.clip(1.0 / (1.0 + np.exp(-np.clip(z, -700, 700))), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _clamped_sigmoid_grad(z: A, y: A) -> tuple[float, A]:
    s = 1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))
    inside = (s >= 1e-7) & (s <= 1 - 1e-7)
    return _clamped_sigmoid(z, y), np.where(inside, s - y, 0.0) / z.size


register(
    Exercise(
        name="torch_bce_with_logits",
        signature="bce_with_logits(logits, targets)",
        reference=loss_twin(ref.bce_with_logits),
        cases=_bce_logits_cases,
        returns=("loss", "gradient of logits"),
        runtime="torch",
        setup=torch_setup(
            {
                "torch.nn.functional:binary_cross_entropy_with_logits": "F.binary_cross_entropy_with_logits",
                "torch:binary_cross_entropy_with_logits": "torch.binary_cross_entropy_with_logits",
            },
            {
                "aten::binary_cross_entropy_with_logits": "F.binary_cross_entropy_with_logits",
                "aten::soft_margin_loss": "F.soft_margin_loss",
            },
        ),
        show=show_loss,
        advice=LOGSUMEXP,
        mistakes=(
            Mistake("sum", SUM_MESSAGE, sum_twin(ref.bce_with_logits)),
            Mistake(
                "clamped-sigmoid",
                "the probabilities were clamped: for logits = ±1000 the loss keeps growing like |z|"
                " and its gradient stays ±1/n — " + LOGSUMEXP,
                loss_twin(_clamped_sigmoid_grad),
            ),
        ),
    )
)


def _bce_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, p: A, y: A, **kw: Any) -> Case:
        return loss_case(name, p, y, names=("probs",), **kw)

    p1, y1 = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    p2, y2 = np.array([0.6, 0.99, 0.05]), np.array([1.0, 1.0, 0.0])
    hidden = case("hidden", probs(rng, 10), binary(rng, 10))
    saturated = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 0.0005])
    clamp = "clamp the probabilities to [eps, 1 − eps] with torch.clamp before taking logs"
    return [
        case("example", p1, y1, visible=True, call=call_text("bce", p1, y1)),
        case("example", p2, y2, visible=True, call=call_text("bce", p2, y2)),
        hidden,
        case("hidden", probs(rng, 12).reshape(3, 4), binary(rng, 12).reshape(3, 4), about="a 2-D batch"),
        case("edge: probabilities 0 and 1", saturated, np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0]),
             about="probabilities exactly 0 and 1", advice=clamp),
        case("edge: eps = 0.001", np.array([0.0005, 0.3, 0.9995, 0.7]), np.array([1.0, 1.0, 0.0, 0.0]),
             about="eps = 0.001", advice="use the eps argument", eps=1e-3),
        as_float32(hidden),
    ]  # fmt: skip


def _eps_in_log(p: A, y: A, eps: float = TORCH_BCE_EPS) -> tuple[float, A]:
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    loss = float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
    return loss, (-y / (p + eps) + (1 - y) / (1 - p + eps)) / p.size


register(
    Exercise(
        name="torch_bce",
        signature="bce(probs, targets, eps=1e-7)",
        reference=loss_twin(ref.bce),
        cases=_bce_cases,
        returns=("loss", "gradient of probs"),
        runtime="torch",
        setup=torch_setup(
            {"torch.nn.functional:binary_cross_entropy": "F.binary_cross_entropy"},
            {
                "aten::binary_cross_entropy": "F.binary_cross_entropy",
                "aten::binary_cross_entropy_backward": "the backward of F.binary_cross_entropy",
            },
        ),
        show=show_loss,
        mistakes=(
            Mistake("sum", SUM_MESSAGE, sum_twin(ref.bce)),
            Mistake(
                "eps-in-log",
                "eps was added inside the logarithms: clamp the probabilities to [eps, 1 − eps]"
                " instead (torch.clamp) — where a probability is clamped its gradient is 0,"
                " not ±1/eps",
                loss_twin(_eps_in_log),
            ),
        ),
    )
)


def _ce_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, z: A, labels: A, **kw: Any) -> Case:
        return loss_case(name, z, labels, **kw)

    z1, l1 = np.array([[2.0, 1.0, 0.1]]), np.array([0])
    z2, l2 = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), np.array([2, 0])
    hidden = case("hidden", normal(rng, 6, 4, scale=2.0), rng.integers(0, 4, 6))
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 1000.0]])
    return [
        case("example", z1, l1, visible=True, call=call_text("cross_entropy", z1, l1)),
        case("example", z2, l2, visible=True, label_smoothing=0.1,
             call=call_text("cross_entropy", z2, l2, label_smoothing=0.1)),
        hidden,
        case("hidden", normal(rng, 5, 3), rng.integers(0, 3, 5), about="label smoothing 0.2",
             label_smoothing=0.2),
        case("edge: logits = ±1000", extreme, np.array([0, 0, 2]), about="logits = ±1000",
             advice="subtract each row's maximum (or use torch.logsumexp) before exponentiating",
             label_smoothing=0.1),
        case("edge: all-equal logits", np.full((3, 5), 2.5), np.array([0, 3, 4]), about="all-equal logits"),
        case("edge: a single sample", normal(rng, 1, 6), np.array([5]), about="a single sample",
             label_smoothing=0.05),
        as_float32(hidden),
    ]  # fmt: skip


def _smoothing_other(z: A, labels: A, label_smoothing: float = 0.0) -> tuple[float, A]:
    z = np.asarray(z, dtype=float)
    k = z.shape[-1]
    onehot = np.eye(k)[np.asarray(labels, dtype=np.int64)]
    q = (1 - label_smoothing) * onehot + label_smoothing / (k - 1) * (1 - onehot)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-np.mean((q * log_p).sum(axis=-1))), (np.exp(log_p) - q) / z.shape[0]


register(
    Exercise(
        name="torch_cross_entropy",
        signature="cross_entropy(logits, labels, label_smoothing=0.0)",
        reference=loss_twin(ref.cross_entropy),
        cases=_ce_cases,
        returns=("loss", "gradient of logits"),
        runtime="torch",
        setup=torch_setup(
            {"torch.nn.functional:cross_entropy": "F.cross_entropy"},
            {"aten::cross_entropy_loss": "F.cross_entropy"},
        ),
        show=show_loss,
        mistakes=(
            Mistake(
                "smoothing-other-classes",
                "label smoothing spreads ε over all K classes, the true one included:"
                " q = (1 − ε)·onehot + ε/K (F.cross_entropy's convention), not ε/(K − 1)"
                " over the other classes",
                loss_twin(_smoothing_other),
            ),
            Mistake(
                "no-smoothing",
                "label_smoothing was ignored: mix the one-hot target with the uniform"
                " distribution, q = (1 − ε)·onehot + ε/K",
                loss_twin(lambda z, labels, label_smoothing=0.0: ref.cross_entropy(z, labels)),
            ),
            Mistake("sum", SUM_MESSAGE, sum_twin(ref.cross_entropy, rows=True)),
        ),
    )
)


def _focal_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, z: A, y: A, **kw: Any) -> Case:
        return loss_case(name, z, y, **kw)

    z1, y1 = np.array([2.0, -1.0]), np.array([1.0, 0.0])
    z2, y2 = np.array([0.5, -0.5, 3.0]), np.array([1.0, 1.0, 0.0])
    hidden = case("hidden", normal(rng, 12, scale=3.0), binary(rng, 12))
    return [
        case("example", z1, y1, visible=True, call=call_text("focal_loss", z1, y1)),
        case("example", z2, y2, visible=True, gamma=1.0, alpha=0.5,
             call=call_text("focal_loss", z2, y2, gamma=1.0, alpha=0.5)),
        hidden,
        case("hidden", normal(rng, 10, scale=2.0), binary(rng, 10), about="γ = 0, α = 0.5",
             gamma=0.0, alpha=0.5),
        case("hidden", normal(rng, 3, 4, scale=2.0), binary(rng, 12).reshape(3, 4),
             about="a 2-D batch, γ = 3", gamma=3.0, alpha=0.75),
        case("edge: logits = ±1000", EXTREME, EXTREME_Y, about="logits = ±1000", advice=LOGSUMEXP),
        as_float32(hidden),
    ]  # fmt: skip


def _focal_value(kind: str) -> Any:
    def value(z: A, y: A, gamma: float = 2.0, alpha: float = 0.25) -> float:
        s = 2 * y - 1
        nll = np.logaddexp(0.0, -s * z)
        p_t = np.exp(-nll)
        alpha_t = alpha * y + (1 - alpha) * (1 - y)
        if kind == "alpha-swapped":
            alpha_t = 1 - alpha_t
        factor = p_t**gamma if kind == "modulating-pt" else (1 - p_t) ** gamma
        return float(np.mean(alpha_t * factor * nll))

    return value


register(
    Exercise(
        name="torch_focal_loss",
        signature="focal_loss(logits, targets, gamma=2.0, alpha=0.25)",
        reference=loss_twin(ref.focal_with_logits),
        cases=_focal_cases,
        returns=("loss", "gradient of logits"),
        runtime="torch",
        setup=torch_setup(),
        show=show_loss,
        advice=LOGSUMEXP,
        mistakes=(
            Mistake(
                "alpha-swapped",
                "α weighs the positives (targets = 1) and 1 − α the negatives: α_t = α·y + (1 − α)(1 − y)",
                value_twin(_focal_value("alpha-swapped")),
            ),
            Mistake(
                "modulating-pt",
                "the modulating factor is (1 − p_t)^γ — it shrinks the loss of well-classified"
                " examples, where p_t is close to 1",
                value_twin(_focal_value("modulating-pt")),
            ),
            Mistake("sum", SUM_MESSAGE, sum_twin(ref.focal_with_logits)),
        ),
    )
)


def _away_from_kinks(rng: np.random.Generator, n: int, delta: float) -> A:
    """Residuals with |r| in (0.1δ, 0.8δ) or (1.2δ, 3δ): finite differences stay exact."""
    inside = rng.uniform(0.1, 0.8, n) * delta
    outside = rng.uniform(1.2, 3.0, n) * delta
    out: A = np.where(rng.random(n) < 0.5, inside, outside) * rng.choice([-1.0, 1.0], n)
    return out


def _gradcheck(got: Any, _: Case) -> tuple[str, str] | None:
    if isinstance(got, np.ndarray) and got.size == 1 and float(got) == 1.0:
        return None
    return (
        "gradcheck",
        "torch.autograd.gradcheck failed: your backward does not match finite differences of"
        " your forward (double precision)",
    )


def _huber_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, pred: A, target: A, delta: float, **kw: Any) -> Case:
        return loss_case(name, pred, target, delta, names=("pred",), function=True, **kw)

    def call(pred: A, target: A, delta: float) -> str:
        return call_text("HuberFunction.apply", pred, target, delta)

    p1, t1 = np.array([0.5, 3.0]), np.array([0.0, 0.0])
    p2, t2 = np.array([[1.0, -2.0]]), np.array([[0.0, 0.0]])
    target = normal(rng, 10)
    pred = target + _away_from_kinks(rng, 10, 1.5)
    check = Case(
        "gradcheck",
        (pred.copy(), target.copy(), 1.5),
        about="torch.autograd.gradcheck",
        driver="torch-gradcheck",
        params={"grad": [0]},
        check=_gradcheck,
    )
    return [
        case("example", p1, t1, 1.0, visible=True, call=call(p1, t1, 1.0)),
        case("example", p2, t2, 0.5, visible=True, call=call(p2, t2, 0.5)),
        case("hidden", normal(rng, 10, scale=2.0), normal(rng, 10), 1.0),
        case("hidden", normal(rng, 3, 4, scale=2.0), normal(rng, 3, 4), 0.7, upstream=2.5,
             about="the loss scaled by 2.5 before backward()"),
        case("edge: every residual beyond delta", normal(rng, 6, scale=20.0), np.zeros(6), 1.0,
             about="every residual beyond delta"),
        case("edge: every residual within delta", 0.1 * normal(rng, 6), np.zeros(6), 1.0,
             about="every residual within delta", upstream=-0.5),
        check,
    ]  # fmt: skip


def _huber_variant(kind: str) -> Any:
    def twin(args: list[Any], kwargs: dict[str, Any], params: dict[str, Any]) -> Any:
        loss, grad = ref.huber(*args, **kwargs)
        upstream = float(params.get("upstream", 1.0))
        r = np.asarray(args[0], dtype=float) - np.asarray(args[1], dtype=float)
        if kind == "no-grad-output":
            return loss, grad
        if kind == "no-mean":
            return loss, upstream * grad * r.size
        if kind == "no-clip":
            return loss, upstream * r / r.size
        return loss, -upstream * grad  # "sign"

    return twin


register(
    Exercise(
        name="torch_huber_function",
        signature="class HuberFunction(torch.autograd.Function)",
        reference=loss_twin(ref.huber),
        cases=_huber_cases,
        returns=("loss", "gradient of pred"),
        runtime="torch",
        setup=torch_setup(
            {
                "torch.nn.functional:huber_loss": "F.huber_loss",
                "torch.nn.functional:smooth_l1_loss": "F.smooth_l1_loss",
            },
            {
                "aten::huber_loss": "F.huber_loss",
                "aten::huber_loss_backward": "the backward of F.huber_loss",
                "aten::smooth_l1_loss": "F.smooth_l1_loss",
                "aten::smooth_l1_loss_backward": "the backward of F.smooth_l1_loss",
            },
        ),
        show=show_loss,
        mistakes=(
            Mistake(
                "no-grad-output",
                "backward ignores grad_output: the chain rule multiplies your local gradient by"
                " it (here the loss was scaled before backward())",
                _huber_variant("no-grad-output"),
            ),
            Mistake(
                "no-mean",
                "forward takes a mean, so backward must divide by the number of elements too",
                _huber_variant("no-mean"),
            ),
            Mistake(
                "no-clip",
                "beyond ±δ the loss is linear: its gradient is δ·sign(r), i.e. clamp(r, −δ, δ)/n",
                _huber_variant("no-clip"),
            ),
            Mistake(
                "sign",
                "the gradient has the wrong sign: with r = pred − target, ∂L/∂pred = +clamp(r, −δ, δ)/n",
                _huber_variant("sign"),
            ),
        ),
    )
)
