"""The shipped content: structure, self-checks, rubric sanity."""

from __future__ import annotations

import pytest

from content import ContentSet, check_content
from content.loader import seed_sections
from engine.kinds import grade

OFF_TOPIC = (
    "The French Revolution began in 1789 when the Estates-General met at Versailles; bread prices"
    " rose sharply across Paris, leading to unrest and the storming of the Bastille in July."
)


def open_questions(content: ContentSet):  # type: ignore[no-untyped-def]
    return [q for q in content.questions.values() if q.kind == "open"]


@pytest.mark.parametrize("answer", ["", OFF_TOPIC, "I don't know."])
def test_empty_and_off_topic_answers_fail(shipped_content: ContentSet, answer: str) -> None:
    for q in open_questions(shipped_content):
        verdict = grade(q, answer)
        assert verdict.score <= 0.2 and not verdict.correct, f"{q.id}: {verdict.details.covered}"


def test_every_open_question_has_a_passing_and_a_failing_check(shipped_content: ContentSet) -> None:
    for q in open_questions(shipped_content):
        assert any(c.correct for c in q.checks), f"{q.id} has no passing check"
        assert any(not c.correct for c in q.checks), f"{q.id} has no failing check"


def test_every_check_holds(shipped_content: ContentSet) -> None:
    """Every question's self-checks, as `descent content check` runs them (PyTorch questions'
    are skipped, and reported, where PyTorch is not installed)."""
    report = check_content(shipped_content)
    assert not report.errors, [str(e) for e in report.errors]
    assert all("PyTorch" in reason for reason in report.skipped), report.skipped


def test_every_non_choice_question_has_a_hint(shipped_content: ContentSet) -> None:
    assert all(q.hints for q in shipped_content.questions.values() if q.kind != "choice")


def test_sources_are_known(shipped_content: ContentSet) -> None:
    known = seed_sections()
    assert all(src in known for m in shipped_content.topics.values() for src in m.sources)
