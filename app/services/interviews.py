"""Mock interviews: a timed mix of questions, answered in a session, ending with a report."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Attempt, Interview
from app.errors import InterviewClosed, NotFound
from app.services import progress
from app.services.catalog import Catalog
from engine.kinds import get_kind

DEFAULT_TOPICS = 3
STUDY_BELOW = 0.7


def _pick_topics(
    catalog: Catalog, session: Session, user_id: int, topics: list[str] | None
) -> list[str]:
    if topics:
        for topic in topics:
            catalog.topic(topic)  # raises a 404 naming the unknown topic
        return list(dict.fromkeys(topics))
    summary = progress.progress(session=session, user_id=user_id, catalog=catalog)
    chosen = list(summary["weakest"])
    if summary["next_topic"]:
        chosen.append(summary["next_topic"])
    chosen += progress.topological_order(catalog)
    return list(dict.fromkeys(chosen))[:DEFAULT_TOPICS]


def plan(
    catalog: Catalog, topics: list[str], minutes: int, rng: random.Random, code_available: bool
) -> list[str]:
    """Probing questions first, then follow-ups, a derivation, a code task, then quick checks."""
    by_kind: dict[str, list[str]] = {}
    probing: list[str] = []
    for topic in topics:
        questions = catalog.content.topics[topic].questions
        opens = [q.id for q in questions if q.kind == "open"]
        if opens:
            probing.append(opens[0])  # the seed's probing question comes first in each module
        for q in questions:
            if q.id not in probing:
                by_kind.setdefault(q.kind, []).append(q.id)
    for ids in by_kind.values():
        rng.shuffle(ids)
    queue = probing + by_kind.get("open", [])[: len(topics)]
    queue += (by_kind.get("derivation", []) + by_kind.get("expression", []))[:1]
    if code_available:
        queue += by_kind.get("code", [])[:1]
    queue += [
        q
        for pair in zip(by_kind.get("numeric", []), by_kind.get("choice", []), strict=False)
        for q in pair
    ]
    chosen: list[str] = []
    used = 0
    for qid in queue:
        cost = get_kind(catalog.question_model(qid).kind).interview_minutes
        if used + cost <= minutes or not chosen:
            chosen.append(qid)
            used += cost
    return chosen


def start(
    *,
    session: Session,
    user_id: int,
    catalog: Catalog,
    topics: list[str] | None,
    minutes: int,
    code_available: bool,
) -> Interview:
    chosen_topics = _pick_topics(catalog, session, user_id, topics)
    count = len(list(session.scalars(select(Interview.id).where(Interview.user_id == user_id))))
    rng = random.Random(f"{user_id}:{count}")
    questions = plan(catalog, chosen_topics, minutes, rng, code_available)
    interview = Interview(
        user_id=user_id, topics=chosen_topics, minutes=minutes, question_ids=questions
    )
    session.add(interview)
    session.commit()
    return interview


def get(*, session: Session, user_id: int, interview_id: int) -> Interview:
    row = session.get(Interview, interview_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"no interview {interview_id} of yours")
    return row


def check_open(interview: Interview, question_id: str) -> None:
    if interview.finished_at is not None:
        raise InterviewClosed(f"interview {interview.id} is finished; start a new one")
    if question_id not in interview.question_ids:
        raise NotFound(f"question {question_id!r} is not part of interview {interview.id}")


def _answers(session: Session, interview: Interview) -> dict[str, Attempt]:
    rows = session.scalars(
        select(Attempt)
        .where(Attempt.interview_id == interview.id)
        .order_by(Attempt.created_at, Attempt.id)
    )
    return {row.question_id: row for row in rows}  # the last answer to each question counts


def report(*, session: Session, interview: Interview, catalog: Catalog) -> dict[str, Any]:
    answers = _answers(session, interview)
    items: list[dict[str, Any]] = []
    per_topic: dict[str, list[float]] = {}
    for qid in interview.question_ids:
        attempt = answers.get(qid)
        topic = catalog.content.question_topic[qid]
        score = attempt.score if attempt else 0.0
        per_topic.setdefault(topic, []).append(score)
        items.append(
            {
                "question": qid,
                "topic": topic,
                "kind": catalog.question_model(qid).kind,
                "answered": attempt is not None,
                "score": score,
                "status": attempt.status if attempt else "unanswered",
                "concepts_missed": (attempt.verdict.get("missing") or []) if attempt else [],
            }
        )
    topic_scores = {t: round(sum(v) / len(v), 4) for t, v in per_topic.items()}
    return {
        "score": round(sum(i["score"] for i in items) / len(items), 4) if items else 0.0,
        "questions": items,
        "topics": topic_scores,
        "study": sorted(
            (t for t, v in topic_scores.items() if v < STUDY_BELOW), key=lambda t: topic_scores[t]
        ),
    }


def finish(*, session: Session, interview: Interview, catalog: Catalog) -> Interview:
    if interview.finished_at is None:
        interview.report = report(session=session, interview=interview, catalog=catalog)
        interview.finished_at = datetime.now(UTC)
        session.commit()
    return interview
