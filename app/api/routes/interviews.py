"""Mock interviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from app import schemas as s
from app.api.deps import MAX_ROW_ID, CatalogDep, CurrentUser, SessionDep, SettingsDep
from app.api.responses import problems
from app.db.models import Interview
from app.ops.ratelimit import GradingLimit
from app.services import attempts, interviews, learners
from app.services.catalog import Catalog

router = APIRouter(prefix="/me/interviews", tags=["interviews"])
InterviewId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def interview_read(row: Interview, catalog: Catalog, answered: list[str]) -> s.InterviewRead:
    questions = [catalog.question(q) for q in row.question_ids if q in catalog.content.questions]
    return s.InterviewRead(
        id=row.id,
        topics=row.topics,
        minutes=row.minutes,
        questions=[
            s.QuestionSummary(**q.model_dump(include=set(s.QuestionSummary.model_fields)))
            for q in questions
        ],
        answered=answered,
        created_at=row.created_at,
        finished_at=row.finished_at,
        report=row.report,
    )


def _answered(session: SessionDep, row: Interview) -> list[str]:
    rows, _ = learners.list_attempts(
        session=session, user_id=row.user_id, question=None, topic=None, limit=500, offset=0
    )
    return sorted({a.question_id for a in rows if a.interview_id == row.id})


@router.post("", response_model=s.InterviewRead, status_code=201)
def start_interview(
    request: Request,
    body: s.InterviewCreate,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
) -> s.InterviewRead:
    """Start a mock interview on some topics (default: your weakest and next ones)."""
    row = interviews.start(
        session=session,
        user_id=user.id,
        catalog=catalog,
        topics=body.topics,
        minutes=body.minutes,
        code_available=getattr(request.app.state, "code_available", True),
    )
    return interview_read(row, catalog, [])


@router.get("", response_model=s.Page[s.InterviewRead])
def list_interviews(
    user: CurrentUser, session: SessionDep, catalog: CatalogDep
) -> s.Page[s.InterviewRead]:
    """List your mock interviews, newest first."""
    rows = sorted(user.interviews, key=lambda r: r.id, reverse=True)
    return s.Page(
        data=[interview_read(r, catalog, _answered(session, r)) for r in rows], count=len(rows)
    )


@router.get("/{interview_id}", response_model=s.InterviewRead)
def get_interview(
    interview_id: InterviewId, user: CurrentUser, session: SessionDep, catalog: CatalogDep
) -> s.InterviewRead:
    """Return an interview, what is answered so far and, once finished, its report."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    return interview_read(row, catalog, _answered(session, row))


@router.post(
    "/{interview_id}/answers",
    response_model=s.VerdictRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(409, 429, 501, 503),
)
def answer(
    interview_id: InterviewId,
    body: s.InterviewAnswer,
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
    settings: SettingsDep,
) -> s.VerdictBase:
    """Answer one question of the interview; graded and stored like any attempt."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    interviews.check_open(row, body.question)
    question = catalog.question_model(body.question)
    verdict = attempts.attempt(
        question=question, submission=body, timeout=settings.grading_timeout_s
    )
    learners.record_attempt(
        session=session,
        user_id=user.id,
        question_id=body.question,
        topic_id=catalog.content.question_topic[body.question],
        kind=question.kind,
        submission=body,
        verdict=verdict,
        interview_id=row.id,
    )
    return verdict


@router.post("/{interview_id}/finish", response_model=s.InterviewRead)
def finish(
    interview_id: InterviewId, user: CurrentUser, session: SessionDep, catalog: CatalogDep
) -> s.InterviewRead:
    """Close the interview and compute its report (score per question, concepts missed,
    topics to study)."""
    row = interviews.get(session=session, user_id=user.id, interview_id=interview_id)
    row = interviews.finish(session=session, interview=row, catalog=catalog)
    return interview_read(row, catalog, _answered(session, row))
