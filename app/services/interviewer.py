"""One answer in a mock interview, end to end: grade the turn, store it (and the attempt that
counts toward progress), ask the next turn, and close the interview with its debrief."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app import schemas as s
from app.db.models import Interview, InterviewTurn
from app.ops.bounded import graded
from app.ops.shared import runner_place
from app.services import debrief, interviews, learners
from app.services.catalog import Catalog
from engine.kinds import get_kind
from engine.sandbox import on_behalf_of
from engine.verdict import Feedback, Verdict

# Until the debrief, the candidate sees how they did, not the answer (as in an interview).
HIDDEN_UNTIL_DEBRIEF = ("model_answer", "solution", "explanation", "references", "options")


@dataclass
class Answered:
    turn: InterviewTurn
    verdict: s.VerdictBase
    next: InterviewTurn | None


def _grade(
    turn: InterviewTurn, question: Any, body: s.InterviewAnswer, timeout: float, client: str
) -> Verdict:
    if interviews.is_dont_know(body.answer, body.dont_know):
        return Verdict("incorrect", 0.0, [Feedback("dont-know", "Noted: you said you don't know.")])
    kind = get_kind(question.kind)
    place = runner_place(client) if kind.sandboxed else nullcontext()
    with on_behalf_of(client), place:
        return graded(
            lambda: interviews.grade_turn(turn, question, body.answer),
            kind=question.kind,
            timeout=None if kind.sandboxed else timeout,
        )


def answer(
    *,
    session: Session,
    row: Interview,
    catalog: Catalog,
    body: s.InterviewAnswer,
    timeout: float,
    client: str,
) -> Answered:
    """Grade the answer to the current turn and ask the next one (or end the interview)."""
    turn = interviews.check_open(row)
    question = catalog.question_model(turn.question_id)
    verdict = _grade(turn, question, body, timeout, client)
    read = s.verdict_read(verdict, kind=question.kind, question=question.id)
    turn.answer = body.answer
    turn.dont_know = "dont-know" in verdict.codes()
    turn.hints_used = body.hints_used
    turn.status, turn.score = read.status, read.score
    turn.verdict = read.model_dump(exclude_none=True)
    turn.answered_at = datetime.now(UTC)
    if turn.kind == "question" or turn.reason == "variant":  # a whole question: it counts
        attempt = learners.record_attempt(
            session=session,
            user_id=row.user_id,
            question_id=question.id,
            topic_id=catalog.content.question_topic[question.id],
            kind=question.kind,
            submission=s.AttemptCreate(
                answer=body.answer, hints_used=body.hints_used, time_taken_ms=body.time_taken_ms
            ),
            verdict=read,
            interview_id=row.id,
            commit=False,
        )
        turn.attempt_id = attempt.id
    nxt = interviews.next_turn(session=session, row=row, catalog=catalog, answered=turn)
    if nxt is None:
        _close(session=session, row=row, catalog=catalog)
    session.commit()
    shown = read.model_copy(update=dict.fromkeys(HIDDEN_UNTIL_DEBRIEF))
    return Answered(turn, shown, nxt)


def _close(*, session: Session, row: Interview, catalog: Catalog) -> None:
    pending = interviews.current(row)
    if pending is not None:  # asked, never answered: it leaves the transcript
        row.turns.remove(pending)
        session.delete(pending)
    row.report = debrief.report(row=row, catalog=catalog)
    row.finished_at = datetime.now(UTC)
    debrief.schedule_reviews(session=session, row=row, catalog=catalog, report_=row.report)


def finish(*, session: Session, row: Interview, catalog: Catalog) -> Interview:
    """End the interview now (the candidate stops early, or the clock ran out)."""
    if row.finished_at is None:
        _close(session=session, row=row, catalog=catalog)
        session.commit()
    return row
