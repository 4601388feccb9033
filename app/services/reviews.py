"""Spaced repetition with FSRS: every attempted question is a card; ratings come from evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Attempt, ReviewCard, ReviewLog
from engine.kinds import get_kind

SCHEDULER = Scheduler(enable_fuzzing=False)  # deterministic intervals: learners can plan
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
RATING_NAMES = {v: k for k, v in RATINGS.items()}
RETRY_WINDOW = timedelta(hours=12)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def evidence_rating(
    *, kind: str, correct: bool, hints_used: int, time_taken_ms: int | None, retried: bool
) -> Rating:
    """Wrong → Again; right after hints or retries → Hard; right at once → Good (Easy if quick)."""
    if not correct:
        return Rating.Again
    if hints_used or retried:
        return Rating.Hard
    if time_taken_ms is not None and time_taken_ms < get_kind(kind).quick_ms:
        return Rating.Easy
    return Rating.Good


def retried(
    *, session: Session, user_id: int, question_id: str, before: datetime, exclude_id: int
) -> bool:
    """Was there a wrong attempt at this question shortly before?"""
    stmt = (
        select(func.count())
        .select_from(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.question_id == question_id,
            Attempt.correct.is_(False),
            Attempt.id != exclude_id,
            Attempt.created_at >= before - RETRY_WINDOW,
        )
    )
    return bool(session.scalar(stmt))


def review(
    *,
    session: Session,
    user_id: int,
    question_id: str,
    topic_id: str,
    rating: Rating,
    source: str,
    attempt_id: int | None = None,
    now: datetime | None = None,
) -> ReviewCard:
    """Apply one rating to the learner's card for the question (creating it on first use)."""
    now = now or datetime.now(UTC)
    row = session.scalar(
        select(ReviewCard).where(
            ReviewCard.user_id == user_id, ReviewCard.question_id == question_id
        )
    )
    card = Card.from_dict(cast(CardDict, row.state)) if row else Card()
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=now)
    if row is None:
        row = ReviewCard(
            user_id=user_id,
            question_id=question_id,
            topic_id=topic_id,
            reps=0,
            lapses=0,
            state={},
            due=card.due,
        )
        session.add(row)
        session.flush()
    row.state = dict(card.to_dict())
    row.due = card.due
    row.reps += 1
    row.lapses += rating == Rating.Again
    session.add(
        ReviewLog(
            card_id=row.id,
            user_id=user_id,
            question_id=question_id,
            rating=int(rating),
            source=source,
            attempt_id=attempt_id,
            reviewed_at=now,
        )
    )
    return row


def due_cards(*, session: Session, user_id: int, now: datetime, limit: int) -> list[ReviewCard]:
    stmt = (
        select(ReviewCard)
        .where(ReviewCard.user_id == user_id, ReviewCard.due <= now)
        .order_by(ReviewCard.due, ReviewCard.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_due(*, session: Session, user_id: int, now: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(ReviewCard)
        .where(ReviewCard.user_id == user_id, ReviewCard.due <= now)
    )
    return int(session.scalar(stmt) or 0)


def retrievability(row: ReviewCard, now: datetime) -> float:
    """Probability of recall now, by FSRS (1.0 right after a review)."""
    return float(
        SCHEDULER.get_card_retrievability(
            Card.from_dict(cast(CardDict, row.state)), current_datetime=now
        )
    )
