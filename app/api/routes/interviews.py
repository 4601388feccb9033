"""Mock interviews: a conversation of questions and probes, then a debrief."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from app import schemas as s
from app.api.deps import MAX_ROW_ID, CatalogDep, CurrentUser, SessionDep, SettingsDep
from app.api.responses import problems
from app.db.models import Interview, InterviewTurn
from app.ops.ratelimit import GradingLimit
from app.services import interviewer, interviews
from app.services.catalog import Catalog
from engine.kinds import rich

router = APIRouter(prefix="/me/interviews", tags=["interviews"])
InterviewId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def turn_read(turn: InterviewTurn | None, catalog: Catalog) -> s.TurnRead:
    if turn is None:
        return s.TurnRead(kind="end")
    question = None
    if turn.kind == "question" or turn.reason == "variant":  # answered in the question's editor
        question = catalog.question(turn.question_id)
    return s.TurnRead(
        kind="question" if turn.kind == "question" else "follow-up",
        seq=turn.seq,
        question_id=turn.question_id,
        prompt=rich(turn.prompt),
        about=turn.about,
        reason=turn.reason,
        question=question,
    )


def interview_read(row: Interview, catalog: Catalog) -> s.InterviewRead:
    finished = row.finished_at is not None
    summaries = {q.id: q for q in catalog.questions()}
    return s.InterviewRead(
        id=row.id,
        level=row.level,
        topics=row.topics,
        minutes=row.minutes,
        time_left_s=0 if finished else interviews.time_left_s(row),
        questions=[summaries[q] for q in row.question_ids if q in summaries],
        turn=turn_read(interviews.current(row), catalog),
        transcript=[
            s.TranscriptEntry(
                seq=t.seq,
                kind="question" if t.kind == "question" else "follow-up",
                question_id=t.question_id,
                prompt=rich(t.prompt),
                about=t.about,
                reason=t.reason,
                answer=t.answer,
                dont_know=t.dont_know,
                hints_used=t.hints_used,
                status=t.status,
                score=t.score,
                verdict=t.verdict if finished else None,
                asked_at=t.asked_at,
                answered_at=t.answered_at,
            )
            for t in row.turns
        ],
        created_at=row.created_at,
        finished_at=row.finished_at,
        report=row.report,
    )


@router.post("", response_model=s.InterviewRead, status_code=201, responses=problems(404))
def start_interview(
    request: Request,
    body: s.InterviewCreate,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
) -> s.InterviewRead:
    """Start a mock interview (default: your weakest and next topics) and get its first turn."""
    row = interviews.start(
        session=session,
        user_id=user.id,
        catalog=catalog,
        topics=body.topics,
        level=body.level,
        code_available=getattr(request.app.state, "code_available", True),
    )
    return interview_read(row, catalog)


@router.get("", response_model=s.Page[s.InterviewRead])
def list_interviews(user: CurrentUser, catalog: CatalogDep) -> s.Page[s.InterviewRead]:
    """List your mock interviews, newest first, with their transcripts."""
    rows = sorted(user.interviews, key=lambda r: r.id, reverse=True)
    return s.Page(data=[interview_read(r, catalog) for r in rows], count=len(rows))


@router.get("/{interview_id}", response_model=s.InterviewRead)
def get_interview(
    interview_id: InterviewId, user: CurrentUser, session: SessionDep, catalog: CatalogDep
) -> s.InterviewRead:
    """Return an interview: its current turn, the transcript and, once over, the debrief."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    return interview_read(row, catalog)


@router.post(
    "/{interview_id}/answers",
    response_model=s.InterviewAnswerRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(404, 409, 429, 501, 503),
)
def answer(
    interview_id: InterviewId,
    body: s.InterviewAnswer,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> s.InterviewAnswerRead:
    """Answer the current turn: its verdict (model answers wait for the debrief) and the next
    turn — a probe, the next question, or the end. Send the turn's `seq` to make a repeated
    request harmless."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    done = interviewer.answer(
        session=session,
        row=row,
        catalog=catalog,
        body=body,
        timeout=settings.grading_timeout_s,
        client=f"user:{user.id}",
    )
    return s.InterviewAnswerRead(
        verdict=done.verdict,
        next=turn_read(done.next, catalog),
        time_left_s=interviews.time_left_s(row) if row.finished_at is None else 0,
    )


@router.post("/{interview_id}/finish", response_model=s.InterviewRead)
def finish(
    interview_id: InterviewId, user: CurrentUser, session: SessionDep, catalog: CatalogDep
) -> s.InterviewRead:
    """End the interview now and get the debrief (the reviews it schedules are in your queue)."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    row = interviewer.finish(session=session, row=row, catalog=catalog)
    return interview_read(row, catalog)
