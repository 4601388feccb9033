"""Classification losses: BCE on probabilities and on logits, softmax, categorical cross-entropy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.gen import as_float32, binary, edge, example, hidden, normal, onehot, probs, signs
from engine.reference import losses as ref

CLIP = "clip the probabilities to [eps, 1 − eps] before taking logs"
LOGADDEXP = "use np.logaddexp(0, z) − y·z (or max(z, 0) − y·z + log1p(exp(−|z|)))"
LOGSUMEXP = "subtract the row maximum before np.exp (log-sum-exp)"
ROWWISE = "softmax is row-wise: normalize over the last axis with keepdims=True"


def _bce_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([1.0, 0.0]), np.array([0.9, 0.2])),
        example(np.array([1.0, 1.0, 0.0]), np.array([0.6, 0.99, 0.05])),
    ]
    cases += [hidden(binary(rng, n), probs(rng, n)) for n in (5, 40, 200)]
    y = binary(rng, 6)
    cases += [
        edge(
            "probabilities exactly 0 and 1",
            y,
            np.array([0.0, 1.0, 1.0, 0.0, 0.0, 1.0]),
            advice=CLIP,
        ),
        edge("a single sample", np.array([1.0]), probs(rng, 1)),
        as_float32(hidden(y, probs(rng, 6))),
    ]
    return cases


register(
    Exercise(
        name="binary_cross_entropy",
        signature="binary_cross_entropy(y_true, p_pred, eps=1e-12)",
        reference=ref.binary_cross_entropy,
        cases=_bce_cases,
        advice=CLIP,
        mistakes=(
            Mistake(
                "sum",
                "returned the sum over samples — average with np.mean",
                lambda y, p, eps=1e-12: ref.binary_cross_entropy(y, p, eps) * len(y),
            ),
            Mistake(
                "sign",
                "the sign is flipped — the loss is −mean(y·log p + (1 − y)·log(1 − p))",
                lambda y, p, eps=1e-12: -ref.binary_cross_entropy(y, p, eps),
            ),
            Mistake(
                "positive-only",
                "only the y·log p term is there — negatives also cost (1 − y)·log(1 − p)",
                lambda y, p, eps=1e-12: float(-np.mean(y * np.log(np.clip(p, eps, 1 - eps)))),
            ),
        ),
    )
)


def _naive_clipped_bce(y: np.ndarray, z: np.ndarray) -> float:
    with np.errstate(over="ignore"):
        p = np.clip(1.0 / (1.0 + np.exp(-np.asarray(z, float))), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _logit_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([1.0, 0.0]), np.array([2.0, -1.0])),
        example(np.array([1.0, 0.0, 1.0]), np.array([0.5, 0.0, -3.0])),
    ]
    cases += [hidden(binary(rng, n), normal(rng, n, scale=3)) for n in (5, 50, 300)]
    y = binary(rng, 6)
    cases += [
        edge(
            "logits = ±1000",
            y,
            np.array([1000.0, -1000.0, 1000.0, -1000.0, 1000.0, -1000.0]),
            advice=LOGADDEXP,
        ),
        edge("logits = ±40", y, 40.0 * signs(rng, 6), advice=LOGADDEXP),
        edge("a single sample", np.array([0.0]), normal(rng, 1)),
        as_float32(hidden(y, normal(rng, 6, scale=2))),
    ]
    return cases


register(
    Exercise(
        name="bce_with_logits",
        signature="bce_with_logits(y_true, logits)",
        reference=ref.bce_with_logits,
        cases=_logit_cases,
        advice=LOGADDEXP,
        mistakes=(
            Mistake(
                "sum",
                "returned the sum over samples — average with np.mean",
                lambda y, z: ref.bce_with_logits(y, z) * len(y),
            ),
            Mistake(
                "clipped-sigmoid",
                "clipping σ(z) caps the loss at −log(eps), but for a logit far"
                f" on the wrong side it must keep growing linearly — {LOGADDEXP}",
                _naive_clipped_bce,
            ),
            Mistake(
                "sign",
                "the sign is flipped — the loss is log(1 + e^z) − y·z",
                lambda y, z: -ref.bce_with_logits(y, z),
            ),
        ),
    )
)


def _softmax_axis0(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    out: np.ndarray = e / np.sum(e, axis=0, keepdims=True)
    return out


def _softmax_global(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    out: np.ndarray = e / np.sum(e)
    return out


def _softmax_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([1.0, 2.0, 3.0])),
        example(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])),
    ]
    cases += [hidden(normal(rng, n, k, scale=2)) for n, k in ((4, 3), (10, 5), (1, 6))]
    cases += [
        hidden(normal(rng, 7), about="a 1-D input"),
        edge(
            "logits = ±1000",
            np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1000.0, -999.0]]),
            advice=LOGSUMEXP,
        ),
        edge("all-equal logits", np.full((3, 4), 7.0)),
        as_float32(hidden(normal(rng, 5, 4))),
    ]
    return cases


register(
    Exercise(
        name="softmax",
        signature="softmax(logits)",
        reference=ref.softmax,
        cases=_softmax_cases,
        advice=LOGSUMEXP,
        shape_hint=ROWWISE + " (the output keeps the input's shape)",
        mistakes=(
            Mistake("axis-0", f"normalized over the wrong axis — {ROWWISE}", _softmax_axis0),
            Mistake("global", f"normalized over the whole array — {ROWWISE}", _softmax_global),
        ),
    )
)


def _cce_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        example(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 0.0], [2.0, 1.0]])),
        example(np.array([[0.0, 0.0, 1.0]]), np.array([[1.0, 2.0, 3.0]])),
    ]
    cases += [hidden(onehot(rng, n, k), normal(rng, n, k, scale=2)) for n, k in ((4, 3), (30, 5))]
    y = onehot(rng, 3, 3)
    cases += [
        edge(
            "logits = ±1000",
            y,
            np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [0.0, 0.0, -1000.0]]),
            advice=LOGSUMEXP,
        ),
        edge("all-equal logits", y, np.zeros((3, 3))),
        edge("a single row", onehot(rng, 1, 4), normal(rng, 1, 4)),
        as_float32(hidden(y, normal(rng, 3, 3))),
    ]
    return cases


def _cce_variant(reduce: str) -> Callable[..., float]:
    def loss(y: np.ndarray, z: np.ndarray) -> float:
        logp = ref.log_softmax(z) if reduce != "axis-0" else np.log(_softmax_axis0(z))
        per = -np.sum(y * logp, axis=-1)
        if reduce == "sum":
            return float(np.sum(per))
        if reduce == "all":
            return float(-np.mean(y * logp))
        return float(np.mean(per))

    return loss


register(
    Exercise(
        name="categorical_cross_entropy",
        signature="categorical_cross_entropy(y_onehot, logits)",
        reference=ref.categorical_cross_entropy,
        cases=_cce_cases,
        advice="compute log-softmax stably: z − max(z) − log(Σ exp(z − max(z)))",
        mistakes=(
            Mistake(
                "sum", "summed over the rows — average over the n samples", _cce_variant("sum")
            ),
            Mistake(
                "mean-all",
                "averaged over every element (n·K) — sum over the classes, then"
                " average over the rows",
                _cce_variant("all"),
            ),
            Mistake(
                "axis-0",
                f"the softmax runs over the wrong axis — {ROWWISE}",
                _cce_variant("axis-0"),
            ),
        ),
    )
)
