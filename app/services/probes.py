""" "Probe me": one question and one follow-up, graded like an interview, without an account."""

from __future__ import annotations

from app import schemas as s
from app.errors import NotFound
from app.ops.bounded import graded
from app.services.interviews import choose_probe, idea_question
from content.schema import Question
from engine.kinds import grade, rich
from engine.kinds.open import OpenQuestion


def _open(question: Question) -> OpenQuestion:
    if not isinstance(question, OpenQuestion):
        raise NotFound(f"question {question.id!r} is not an open question: only those are probed")
    return question


def first(*, question: Question, body: s.ProbeAnswer, timeout: float) -> s.ProbeRead:
    """The verdict on the answer, and the follow-up on its weakest idea (None if it was right)."""
    question = _open(question)
    verdict = graded(lambda: grade(question, body.answer), kind="open", timeout=timeout)
    read = s.verdict_read(verdict, kind="open", question=question.id)
    chosen = choose_probe(question, read.model_dump(), set(), budget=1)
    follow_up = None
    if chosen is not None:
        idea, reason, prompt = chosen
        follow_up = s.TurnRead(
            kind="follow-up",
            question_id=question.id,
            prompt=rich(prompt),
            about=idea,
            reason=reason,
        )
    return s.ProbeRead(verdict=read, follow_up=follow_up)


def follow_up(
    *, question: Question, idea_id: str, body: s.ProbeAnswer, timeout: float
) -> s.VerdictBase:
    question = _open(question)
    if idea_id not in {i.id for i in question.ideas}:
        raise NotFound(f"question {question.id!r} has no idea {idea_id!r}")
    narrowed = idea_question(question, idea_id)
    verdict = graded(lambda: grade(narrowed, body.answer), kind="open", timeout=timeout)
    return s.verdict_read(verdict, kind="open", question=question.id)
