"""Mastery per topic, streaks, weakest topics and the next topic to study."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Attempt, ReviewCard
from app.services import reviews
from app.services.catalog import Catalog

READY = 0.5  # prerequisite mastery that unlocks a topic
DONE = 0.8  # mastery at which a topic stops being recommended


def topological_order(catalog: Catalog) -> list[str]:
    """Topics with every prerequisite before them (ties keep catalog order)."""
    topics = catalog.content.topics
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(topics):
        for topic_id, module in topics.items():
            if topic_id not in placed and all(p in placed for p in module.prerequisites):
                order.append(topic_id)
                placed.add(topic_id)
                break
        else:  # a cycle cannot load, but never loop forever
            order.extend(t for t in topics if t not in placed)
            break
    return order


def streak(days: set[date], today: date) -> int:
    """Consecutive days with practice, ending today (or yesterday, if today has none yet)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def _latest_scores(session: Session, user_id: int) -> tuple[dict[str, float], list[Any]]:
    # only the columns progress needs: answers and verdicts (JSON) are never loaded here
    rows = list(
        session.execute(
            select(
                Attempt.question_id,
                Attempt.topic_id,
                Attempt.status,
                Attempt.score,
                Attempt.correct,
                Attempt.created_at,
            )
            .where(Attempt.user_id == user_id)
            .order_by(Attempt.created_at, Attempt.id)
        )
    )
    latest = {row.question_id: row.score for row in rows if row.status not in ("invalid", "error")}
    return latest, rows


def progress(
    *, session: Session, user_id: int, catalog: Catalog, now: datetime | None = None
) -> dict[str, Any]:
    """Per-topic mastery = mean over the topic's questions of latest score × recall probability."""
    now = now or datetime.now(UTC)
    latest, attempts = _latest_scores(session, user_id)
    cards = {
        c.question_id: c
        for c in session.scalars(select(ReviewCard).where(ReviewCard.user_id == user_id))
    }
    by_topic: dict[str, list[Any]] = {}
    for row in attempts:
        by_topic.setdefault(row.topic_id, []).append(row)
    topics: list[dict[str, Any]] = []
    for topic_id in topological_order(catalog):
        module = catalog.content.topics[topic_id]
        qids = [q.id for q in module.questions]
        per_question = []
        for qid in qids:
            recall = reviews.retrievability(cards[qid], now) if qid in cards else 1.0
            per_question.append(latest.get(qid, 0.0) * recall)
        mine = by_topic.get(topic_id, [])
        topics.append(
            {
                "topic": topic_id,
                "title": module.title,
                "mastery": round(sum(per_question) / len(qids), 4) if qids else 0.0,
                "attempts": len(mine),
                "accuracy": round(sum(a.correct for a in mine) / len(mine), 4) if mine else None,
                "answered": sum(q in latest for q in qids),
                "questions": len(qids),
                "due": sum(1 for q in qids if q in cards and reviews.aware(cards[q].due) <= now),
            }
        )
    mastery = {t["topic"]: t["mastery"] for t in topics}
    practised = [t for t in topics if t["attempts"]]
    weakest = [t["topic"] for t in sorted(practised, key=lambda t: t["mastery"])[:3]]
    return {
        "topics": topics,
        "attempts": len(attempts),
        "streak_days": streak({reviews.aware(a.created_at).date() for a in attempts}, now.date()),
        "due": sum(t["due"] for t in topics),
        "weakest": weakest,
        "next_topic": recommend(catalog, mastery),
    }


def recommend(catalog: Catalog, mastery: dict[str, float]) -> str | None:
    """The first unfinished topic whose prerequisites are ready."""
    for topic_id in topological_order(catalog):
        prerequisites = catalog.content.topics[topic_id].prerequisites
        if mastery.get(topic_id, 0.0) < DONE and all(
            mastery.get(p, 0.0) >= READY for p in prerequisites
        ):
            return topic_id
    return None
