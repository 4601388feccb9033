"""Shipped code questions match the judge: every exercise is asked, examples are the judge's own,
and each question carries a passing check and at least two typical wrong ones."""

from __future__ import annotations

import pytest

from content import ContentSet
from engine.judge import EXERCISES, TORCH_EXERCISES, examples, get_exercise
from engine.kinds.code import CodeQuestion

TOPICS_WITH_CODE = {
    "mse",
    "mae",
    "rmse",
    "huber",
    "binary-cross-entropy",
    "categorical-cross-entropy",
    "hinge-loss",
    "class-imbalance",
    "gradient-descent",
    "momentum",
    "adaptive-optimizers",
    "lr-schedules",
    "weight-decay",
    "dropout",
    "early-stopping-clipping",
    "advanced-regularization",
    "regularized-linear-models",
    "loss-landscapes",
}


def code_questions(content: ContentSet) -> list[CodeQuestion]:
    """The NumPy code questions (the PyTorch ones, ``torch-…``, are checked in
    test_torch_questions.py)."""
    return [
        q
        for q in content.questions.values()
        if isinstance(q, CodeQuestion) and (q.exercise or q.function) not in TORCH_EXERCISES
    ]


def test_every_exercise_is_asked(shipped_content: ContentSet) -> None:
    asked = {q.exercise or q.function for q in code_questions(shipped_content)}
    assert asked == set(EXERCISES)


def test_every_listed_topic_has_code(shipped_content: ContentSet) -> None:
    topics = {shipped_content.question_topic[q.id] for q in code_questions(shipped_content)}
    assert topics >= TOPICS_WITH_CODE


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_question_matches_its_exercise(shipped_content: ContentSet, name: str) -> None:
    question = next(
        q for q in code_questions(shipped_content) if (q.exercise or q.function) == name
    )
    exercise = get_exercise(name)
    assert question.id == "code-" + name.replace("_", "-")
    assert question.signature == exercise.signature
    assert f"def {exercise.signature}:" in question.starter
    assert [(e.call, e.result) for e in question.examples] == examples(name)
    assert question.hints
    assert sum(c.correct for c in question.checks) >= 1
    wrong = [c for c in question.checks if not c.correct]
    assert len(wrong) >= 2 and all(c.feedback for c in wrong)
