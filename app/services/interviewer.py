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
from app.errors import TurnMismatch
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


def _repeated(row: Interview, catalog: Catalog, body: s.InterviewAnswer) -> Answered | None:
    """The first reply to a turn answered already with this very answer; None for the turn
    that is waiting; :class:`TurnMismatch` for anything else."""
    turns = {t.seq: t for t in row.turns}
    waiting = interviews.current(row)
    now = f"turn {waiting.seq} is waiting" if waiting else "the interview is finished"
    turn = turns.get(body.seq) if body.seq is not None else None
    if turn is None:
        raise TurnMismatch(f"interview {row.id} has no turn {body.seq}; {now}")
    if turn.answered_at is None:
        return None
    same = (
        turn.answer == body.answer
        and turn.hints_used == body.hints_used
        and turn.dont_know == interviews.is_dont_know(body.answer, body.dont_know)
    )
    if not same or turn.verdict is None:
        raise TurnMismatch(
            f"turn {turn.seq} of interview {row.id} was already answered, with another answer;"
            f" {now}: send that turn's seq with a new answer"
        )
    kind = catalog.question_model(turn.question_id).kind
    read = s.VERDICT_MODELS[kind].model_validate(turn.verdict)
    shown = read.model_copy(update=dict.fromkeys(HIDDEN_UNTIL_DEBRIEF))
    return Answered(turn, shown, turns.get(turn.seq + 1))


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
    """Grade the answer to the current turn and ask the next one (or end the interview). An
    answer that names its turn (``body.seq``) and repeats one already given gets that reply
    again; one meant for another turn is refused."""
    if body.seq is not None:
        repeated = _repeated(row, catalog, body)
        if repeated is not None:
            return repeated
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
