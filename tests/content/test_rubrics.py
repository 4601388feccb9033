"""The shipped idea rubrics: complete, graded by themselves as they should be.

Every open question has ideas (with follow-ups) and misconceptions; its model answer is correct
by its own rubric, each of its misconceptions stated as an answer is not, and a list of its own
terms is named as a list. A few hand-written answers pin behaviour on real questions.
"""

from __future__ import annotations

import re

import pytest

from app.services.interviews import choose_probe, idea_question
from content import ContentSet
from engine.ideas.keywords import GLUE
from engine.kinds import grade
from engine.kinds.open import OpenQuestion


def open_questions(content: ContentSet) -> list[OpenQuestion]:
    return [q for q in content.questions.values() if isinstance(q, OpenQuestion)]


def test_every_open_question_has_ideas_misconceptions_and_follow_ups(
    shipped_content: ContentSet,
) -> None:
    questions = open_questions(shipped_content)
    assert len(questions) >= 95
    for q in questions:
        assert len(q.ideas) >= 2 and any(i.required for i in q.ideas), q.id
        assert q.misconceptions, q.id
        assert all(len(i.paraphrases) >= 2 for i in q.ideas), q.id


def test_every_model_answer_is_correct_by_its_own_rubric(shipped_content: ContentSet) -> None:
    failures = []
    for q in open_questions(shipped_content):
        verdict = grade(q, q.model_answer)
        if not verdict.correct:
            failures.append(f"{q.id}: {verdict.status} {verdict.codes()}")
    assert not failures, failures


def test_every_misconception_stated_as_an_answer_is_not_correct(
    shipped_content: ContentSet,
) -> None:
    failures = []
    for q in open_questions(shipped_content):
        for m in q.misconceptions:
            for sentence in (m.claim, *m.paraphrases):
                if grade(q, sentence).correct:
                    failures.append(f"{q.id}: {sentence}")
    assert not failures, failures


def test_a_list_of_each_questions_own_terms_is_named_and_not_correct(
    shipped_content: ContentSet,
) -> None:
    for q in open_questions(shipped_content):
        words = re.findall(r"[A-Za-z][A-Za-z-]{3,}", " ".join(i.claim for i in q.ideas))
        terms = list(dict.fromkeys(w.lower() for w in words if w.lower() not in GLUE))[:14]
        verdict = grade(q, ", ".join(terms))
        assert not verdict.correct and "keyword-list" in verdict.codes(), (q.id, terms)


@pytest.mark.parametrize(
    ("qid", "answer", "expected"),
    [
        (
            "huber-delta-bias-variance",
            "Delta is where the loss stops being quadratic and goes linear. Crank it up and you "
            "are basically doing least squares, so a handful of wild points can drag the fit "
            "around. Shrink it and it behaves like absolute error: far steadier when the tails "
            "are heavy, but it drifts toward the median, which is biased if the noise is skewed.",
            "correct",
        ),
        (
            "huber-delta-bias-variance",
            "A small delta makes Huber behave like squared error, and a large delta makes it "
            "behave like absolute error, which is the robust one.",
            "incorrect",
        ),
        (
            "binary-cross-entropy-why-not-mse",
            "Squared error on a sigmoid is not convex in the weights, so optimisation can stall.",
            "partial",
        ),
    ],
)
def test_answers_on_shipped_questions(
    shipped_content: ContentSet, qid: str, answer: str, expected: str
) -> None:
    verdict = grade(shipped_content.questions[qid], answer)
    assert verdict.status == expected, verdict.codes()


def test_every_follow_up_is_reachable_and_answerable(shipped_content: ContentSet) -> None:
    """Walk every idea of every open question: when it is the one left out, the interviewer
    asks its follow-up; and stating the idea answers that follow-up."""
    failures = []
    for q in open_questions(shipped_content):
        for idea in q.ideas:
            verdict = {
                "status": "partial",
                "ideas": [
                    {"id": i.id, "status": "missing" if i.id == idea.id else "covered"}
                    for i in q.ideas
                ],
            }
            probe = choose_probe(q, verdict, set(), budget=2)
            if probe is None or probe[0] != idea.id or probe[2] != idea.follow_up:
                failures.append(f"{q.id}/{idea.id}: not asked ({probe})")
            if not grade(idea_question(q, idea.id), idea.claim).correct:
                failures.append(f"{q.id}/{idea.id}: its own claim does not answer its follow-up")
    assert not failures, failures
