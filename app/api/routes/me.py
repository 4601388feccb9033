"""A learner's attempts, reviews and progress."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from app import schemas as s
from app.api.deps import MAX_ROW_ID, CatalogDep, CurrentUser, QuestionDep, SessionDep
from app.db.models import Attempt
from app.services import learners, progress, reviews

router = APIRouter(prefix="/me", tags=["learner"])


def attempt_read(row: Attempt) -> s.AttemptRead:
    return s.AttemptRead(
        id=row.id,
        question=row.question_id,
        topic=row.topic_id,
        kind=row.kind,
        answer=row.answer,
        status=row.status,
        correct=row.correct,
        score=row.score,
        verdict=row.verdict,
        time_taken_ms=row.time_taken_ms,
        hints_used=row.hints_used,
        self_rating=row.self_rating,
        interview=row.interview_id,
        created_at=row.created_at,
    )


@router.get("/attempts", response_model=s.Page[s.AttemptRead])
def list_attempts(
    user: CurrentUser,
    session: SessionDep,
    question: Annotated[str | None, Query(max_length=80)] = None,
    topic: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
) -> s.Page[s.AttemptRead]:
    """List your attempts, newest first."""
    rows, total = learners.list_attempts(
        session=session, user_id=user.id, question=question, topic=topic, limit=limit, offset=offset
    )
    return s.Page(data=[attempt_read(r) for r in rows], count=total)


@router.get("/attempts/{attempt_id}", response_model=s.AttemptRead)
def get_attempt(
    user: CurrentUser,
    session: SessionDep,
    attempt_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
) -> s.AttemptRead:
    """Return one of your attempts with its stored verdict."""
    return attempt_read(
        learners.get_attempt(session=session, user_id=user.id, attempt_id=attempt_id)
    )


@router.get("/reviews/due", response_model=s.Page[s.DueCard])
def due_reviews(
    user: CurrentUser,
    session: SessionDep,
    catalog: CatalogDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> s.Page[s.DueCard]:
    """List the questions due for review now, most overdue first."""
    now = datetime.now(UTC)
    cards = reviews.due_cards(session=session, user_id=user.id, now=now, limit=limit)
    data = []
    for card in cards:
        if card.question_id not in catalog.content.questions:
            continue  # the question left the content since it was studied
        summary = catalog.question(card.question_id)
        data.append(
            s.DueCard(
                question=card.question_id,
                topic=summary.topic,
                title=summary.title,
                kind=summary.kind,
                available=summary.available,
                unavailable_reason=summary.unavailable_reason,
                due=reviews.aware(card.due),
                reps=card.reps,
                lapses=card.lapses,
                retrievability=round(reviews.retrievability(card, now), 4),
            )
        )
    return s.Page(data=data, count=reviews.count_due(session=session, user_id=user.id, now=now))


@router.post("/reviews/{question_id}", response_model=s.ReviewRead)
def self_review(
    user: CurrentUser, session: SessionDep, question: QuestionDep, body: s.ReviewCreate
) -> s.ReviewRead:
    """Rate your recall of an attempted question yourself (again, hard, good, easy)."""
    card = learners.self_review(
        session=session, user_id=user.id, question_id=question.id, rating=body.rating
    )
    return s.ReviewRead(
        question=question.id, rating=body.rating, due=reviews.aware(card.due), reps=card.reps
    )


@router.get("/progress", response_model=s.ProgressRead)
def my_progress(user: CurrentUser, session: SessionDep, catalog: CatalogDep) -> s.ProgressRead:
    """Mastery per topic, streak, due reviews, weakest topics and what to study next."""
    return s.ProgressRead(**progress.progress(session=session, user_id=user.id, catalog=catalog))
