"""Hand-written answers against a sample of shipped rubrics: full, partial, negated, off-topic."""

from __future__ import annotations

import pytest

from content import ContentSet
from engine.kinds import grade

CASES = [
    # (question, answer, lowest score, highest score, correct?)
    (
        "mse-outlier-overreaction",
        "Squaring makes the one large residual dominate the loss, so I would switch to Huber loss: "
        "quadratic below a threshold delta, linear (like MAE) above it, so the gradient is bounded. "
        "I would also inspect that data point in case it is a data error.",
        0.9,
        1.0,
        True,
    ),
    (
        "mse-outlier-overreaction",
        "I would use Huber loss because the squared error lets large errors dominate.",
        0.4,
        0.69,
        False,
    ),
    (
        "mse-outlier-overreaction",
        "I would not use Huber loss, and not MAE either.",
        0.0,
        0.2,
        False,
    ),
    (
        "binary-cross-entropy-why-not-mse",
        "With a sigmoid output, MSE gives a non-convex objective and its gradient vanishes when the "
        "sigmoid saturates, because of the sigmoid derivative factor. Cross-entropy is the Bernoulli "
        "maximum likelihood, and its gradient is simply p - y since the derivative cancels.",
        0.8,
        1.0,
        True,
    ),
    (
        "binary-cross-entropy-why-not-mse",
        "MSE is non-convex for logistic regression.",
        0.1,
        0.4,
        False,
    ),
    (
        "adaptive-optimizers-generalization-gap",
        "Adam tends to settle in sharp minima while SGD noise acts as implicit regularization and "
        "finds flat ones; its per-parameter adaptive scaling changes which solution is found, and "
        "L2 inside Adam is not real weight decay, so AdamW or a schedule that switches to SGD helps.",
        0.9,
        1.0,
        True,
    ),
    ("adaptive-optimizers-generalization-gap", "SGD is noisy, which regularizes.", 0.1, 0.5, False),
    (
        "gradient-descent-escape",
        "Full-batch gradient descent is deterministic, so it gets stuck where the gradient is zero. "
        "Mini-batch gradients are noisy, and that noise can kick the iterate out of saddle points "
        "and sharp minima toward flat ones; the noise grows with the learning rate and shrinks with "
        "the batch size.",
        0.9,
        1.0,
        True,
    ),
    ("gradient-descent-escape", "Because it is stochastic.", 0.0, 0.3, False),
]


@pytest.mark.parametrize(("qid", "answer", "low", "high", "correct"), CASES)
def test_hand_written_answers(
    shipped_content: ContentSet, qid: str, answer: str, low: float, high: float, correct: bool
) -> None:
    verdict = grade(shipped_content.questions[qid], answer)
    assert low <= verdict.score <= high, (verdict.score, verdict.details)
    assert verdict.correct is correct


def test_partial_answer_lists_what_is_missing(shipped_content: ContentSet) -> None:
    verdict = grade(shipped_content.questions["mse-outlier-overreaction"], "Switch to Huber loss.")
    assert verdict.status == "partial"
    assert "Tune the threshold delta" in verdict.to_dict()["missing"]
    assert verdict.to_dict()["model_answer"]
