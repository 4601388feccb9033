"""The benchmark's baseline (the first wave's keyword grader): concepts, synonyms, negation, scores."""

from __future__ import annotations

import pytest

from tests.bench.keyword_baseline import Concept, grade_open

RUBRIC = [
    Concept("Huber loss", ["huber", "smooth l1"], 2.0),
    Concept("outliers dominate MSE", ["outlier", "large error"]),
    Concept("threshold delta", ["delta", "threshold"]),
]


@pytest.mark.parametrize(
    ("answer", "covered"),
    [
        (
            "Switch to Huber loss; outliers then only pull linearly past δ.",
            {"Huber loss", "outliers dominate MSE", "threshold delta"},
        ),
        ("Use Smooth-L1 with a threshold on the residual.", {"Huber loss", "threshold delta"}),
        (
            "Use Huber instead of MSE because outliers dominate it.",
            {"Huber loss", "outliers dominate MSE"},
        ),
        ("I would not use Huber here.", set()),
        ("No Huber here; a large error must be ignored", {"outliers dominate MSE"}),
        ("HUBER!!! with \\delta = 1", {"Huber loss", "threshold delta"}),
        ("Hubert", set()),  # a word that merely starts like the phrase does not count
        ("", set()),
    ],
)
def test_concepts_found(answer: str, covered: set[str]) -> None:
    assert set(grade_open(answer, RUBRIC).to_dict()["covered"]) == covered


def test_score_is_covered_weight_over_total() -> None:
    verdict = grade_open("Huber loss.", RUBRIC)
    assert verdict.score == pytest.approx(2 / 4)
    assert verdict.status == "partial"
    assert verdict.to_dict()["missing"] == ["outliers dominate MSE", "threshold delta"]


def test_pass_score_decides_correctness() -> None:
    answer = "Huber, because outliers dominate."
    assert grade_open(answer, RUBRIC).score == pytest.approx(0.75)
    assert grade_open(answer, RUBRIC).correct
    assert not grade_open(answer, RUBRIC, pass_score=0.8).correct


@pytest.mark.parametrize("answer", ["", "   ", "asdf qwer zxcv", "The cat sat on the mat all day."])
def test_nonsense_scores_zero(answer: str) -> None:
    verdict = grade_open(answer, RUBRIC)
    assert verdict.score == 0 and verdict.status == "incorrect"


def test_feedback_names_covered_and_missing_by_label() -> None:
    verdict = grade_open("smooth l1", RUBRIC)
    assert "covered" in verdict.codes() and "missing" in verdict.codes()
    assert any("threshold delta" in f.message for f in verdict.feedback)
