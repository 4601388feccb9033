"""A learner's own rows: attempts (stored with their review), export and account deletion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import schemas as s
from app.db.models import Attempt, Interview, InterviewTurn, ReviewCard, ReviewLog, User
from app.errors import NotFound
from app.services import reviews
from engine.kinds import get_kind


def record_attempt(
    *,
    session: Session,
    user_id: int,
    question_id: str,
    topic_id: str,
    kind: str,
    submission: s.AttemptCreate,
    verdict: s.VerdictBase,
    interview_id: int | None = None,
    commit: bool = True,
    idempotency_key: str | None = None,
) -> Attempt:
    """Store a graded attempt and let it review the question's card, in one transaction (the
    caller's, with ``commit=False``). An ``idempotency_key`` the learner already used raises
    IntegrityError at the insert, before the review."""
    now = datetime.now(UTC)
    attempt = Attempt(
        user_id=user_id,
        question_id=question_id,
        topic_id=topic_id,
        kind=kind,
        answer=submission.answer,
        status=verdict.status,
        correct=verdict.correct,
        score=verdict.score,
        verdict=verdict.model_dump(exclude_none=True),
        time_taken_ms=submission.time_taken_ms,
        hints_used=submission.hints_used,
        self_rating=submission.self_rating,
        interview_id=interview_id,
        idempotency_key=idempotency_key,
        created_at=now,
    )
    session.add(attempt)
    session.flush()
    rating = _rating(session=session, attempt=attempt)
    if rating is not None:
        reviews.review(
            session=session,
            user_id=user_id,
            question_id=question_id,
            topic_id=topic_id,
            rating=rating,
            source="attempt",
            attempt_id=attempt.id,
            now=now,
        )
    if commit:
        session.commit()
    return attempt


def _rating(*, session: Session, attempt: Attempt) -> reviews.Rating | None:
    if attempt.status in ("invalid", "error"):
        return None  # unreadable input says nothing about recall
    if get_kind(attempt.kind).self_rated:  # the verdict is a guide; the learner judges recall
        return reviews.RATINGS.get(attempt.self_rating or "")
    was_retry = reviews.retried(
        session=session,
        user_id=attempt.user_id,
        question_id=attempt.question_id,
        before=attempt.created_at,
        exclude_id=attempt.id,
    )
    return reviews.evidence_rating(
        kind=attempt.kind,
        correct=attempt.correct,
        hints_used=attempt.hints_used,
        time_taken_ms=attempt.time_taken_ms,
        retried=was_retry,
    )


def self_review(*, session: Session, user_id: int, question_id: str, rating: str) -> ReviewCard:
    """Apply the learner's own rating of an attempted question to its review card."""
    rows, attempted = list_attempts(
        session=session, user_id=user_id, question=question_id, topic=None, limit=1, offset=0
    )
    if not attempted:
        raise NotFound(f"attempt {question_id!r} before rating it")
    card = reviews.review(
        session=session,
        user_id=user_id,
        question_id=question_id,
        topic_id=rows[0].topic_id,
        rating=reviews.RATINGS[rating],
        source="self",
        attempt_id=rows[0].id,
    )
    session.commit()
    return card


def attempted_questions(*, session: Session, user_id: int) -> frozenset[str]:
    """The ids of every question the learner has attempted."""
    rows = session.scalars(select(Attempt.question_id).where(Attempt.user_id == user_id).distinct())
    return frozenset(rows)


def list_attempts(
    *,
    session: Session,
    user_id: int,
    question: str | None,
    topic: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Attempt], int]:
    conditions = [Attempt.user_id == user_id]
    if question:
        conditions.append(Attempt.question_id == question)
    if topic:
        conditions.append(Attempt.topic_id == topic)
    total = session.scalar(select(func.count()).select_from(Attempt).where(*conditions)) or 0
    rows = session.scalars(
        select(Attempt)
        .where(*conditions)
        .order_by(Attempt.created_at.desc(), Attempt.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total)


def get_attempt(*, session: Session, user_id: int, attempt_id: int) -> Attempt:
    row = session.get(Attempt, attempt_id)
    if row is None or row.user_id != user_id:  # 404 either way: ids cannot be probed
        raise NotFound(f"no attempt {attempt_id} of yours")
    return row


def _rows(session: Session, model: Any, user_id: int) -> list[dict[str, Any]]:
    out = []
    for row in session.scalars(select(model).where(model.user_id == user_id).order_by(model.id)):
        out.append({c.key: _plain(getattr(row, c.key)) for c in model.__table__.columns})
    return out


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _turns(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every turn of the learner's interviews: the transcripts."""
    rows = session.scalars(
        select(InterviewTurn)
        .join(Interview, Interview.id == InterviewTurn.interview_id)
        .where(Interview.user_id == user_id)
        .order_by(InterviewTurn.interview_id, InterviewTurn.seq)
    )
    columns = InterviewTurn.__table__.columns
    return [{c.key: _plain(getattr(row, c.key)) for c in columns} for row in rows]


def export(*, session: Session, user: User) -> dict[str, Any]:
    """Everything stored about the learner, as plain JSON (the password hash excepted)."""
    return {
        "user": {"id": user.id, "username": user.username, "created_at": _plain(user.created_at)},
        "attempts": _rows(session, Attempt, user.id),
        "review_cards": _rows(session, ReviewCard, user.id),
        "review_logs": _rows(session, ReviewLog, user.id),
        "interviews": _rows(session, Interview, user.id),
        "interview_turns": _turns(session, user.id),
        "exported_at": datetime.now(UTC).isoformat(),
    }


def delete_account(*, session: Session, user: User) -> None:
    session.delete(user)  # foreign keys cascade to tokens, attempts, cards, logs, interviews
    session.commit()
