"""The debrief of a mock interview: what was covered on first ask, after a probe or never; what
was asserted wrongly; a hire / no-hire style summary against the level with the evidence for
each line; the model answers; what to study; and the reviews it schedules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.db.models import Interview, InterviewTurn
from app.services import reviews
from app.services.catalog import Catalog
from app.services.interviews import LEVELS
from engine.kinds import get_kind
from engine.kinds.open import OpenQuestion

AFTER_PROBE_CREDIT = 0.5  # an idea that needed a probe counts half
HINT_COST = 0.1  # per hint, from that question's score
BANDS = ((0.15, "hire"), (0.0, "lean hire"), (-0.15, "lean no-hire"))


def _question_turns(row: Interview) -> list[InterviewTurn]:
    return [t for t in row.turns if t.kind == "question" and t.answered_at is not None]


def _ideas(question: OpenQuestion, turns: list[InterviewTurn]) -> list[dict[str, Any]]:
    """Each idea of an open question: covered on first ask, after a probe, or never."""
    main = turns[0]
    first = {i["id"]: i for i in (main.verdict or {}).get("ideas", [])}
    out = []
    for idea in question.ideas:
        seen = first.get(idea.id, {})
        probes = [t for t in turns[1:] if t.about == idea.id and t.verdict]
        later = next((t for t in probes if t.status == "correct"), None)
        when = "first" if seen.get("status") == "covered" else ("probe" if later else "never")
        out.append(
            {
                "id": idea.id,
                "label": idea.label,
                "required": idea.required,
                "when": when,
                "quote": seen.get("quote") if when == "first" else None,
                "probe_answer": (later.answer if later else None),
                "probed": bool(probes),
            }
        )
    return out


def _score(question: Any, turns: list[InterviewTurn], ideas: list[dict[str, Any]]) -> float:
    main = turns[0]
    hints = sum(t.hints_used for t in turns)
    if isinstance(question, OpenQuestion) and ideas:
        weights = {i.id: i.weight for i in question.ideas}
        total = sum(weights.values())
        credit = sum(
            weights[i["id"]] * (1.0 if i["when"] == "first" else AFTER_PROBE_CREDIT)
            for i in ideas
            if i["when"] != "never"
        )
        wrong = sum(len((t.verdict or {}).get("misconceptions", [])) for t in turns)
        base = max(0.0, credit / total - 0.25 * wrong)
    else:
        base = main.score or 0.0
    return round(max(0.0, base - HINT_COST * hints), 4)


def _band(score: float, bar: float) -> str:
    return next((name for margin, name in BANDS if score >= bar + margin), "no-hire")


def report(*, row: Interview, catalog: Catalog) -> dict[str, Any]:
    """The debrief, from the transcript alone."""
    level = LEVELS[row.level]
    items: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for main in _question_turns(row):
        question = catalog.question_model(main.question_id)
        turns = [
            main,
            *[t for t in row.turns if t.kind == "follow-up" and t.question_id == main.question_id],
        ]
        ideas = _ideas(question, turns) if isinstance(question, OpenQuestion) else []
        wrong = [
            {"quote": m["quote"], "correction": m["correction"], "turn": t.seq}
            for t in turns
            for m in (t.verdict or {}).get("misconceptions", [])
        ]
        score = _score(question, turns, ideas)
        items.append(
            {
                "question": question.id,
                "topic": catalog.content.question_topic[question.id],
                "kind": question.kind,
                "prompt": question.prompt,
                "status": main.status,
                "dont_know": main.dont_know,
                "score": score,
                "ideas": ideas,
                "misconceptions": wrong,
                "model_answer": get_kind(question.kind).answer_text(question) or None,
            }
        )
        evidence += _evidence(question, main, ideas, wrong)
    overall = round(sum(i["score"] for i in items) / len(items), 4) if items else 0.0
    topics: dict[str, list[float]] = {}
    for item in items:
        topics.setdefault(item["topic"], []).append(item["score"])
    study = [
        i["question"]
        for i in items
        if i["dont_know"] or i["score"] < level.bar or any(d["when"] == "never" for d in i["ideas"])
    ]
    return {
        "level": row.level,
        "score": overall,
        "bar": level.bar,
        "recommendation": _band(overall, level.bar),
        "evidence": evidence,
        "topics": {t: round(sum(v) / len(v), 4) for t, v in topics.items()},
        "questions": items,
        "study": study,
    }


def _evidence(
    question: Any, main: InterviewTurn, ideas: list[dict[str, Any]], wrong: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Lines of the summary, each tied to the candidate's own words (or their absence)."""
    lines = []
    for idea in ideas:
        if idea["when"] == "first" and idea["required"]:
            lines.append({"kind": "strength", "question": question.id, "text":
                          f"{idea['label']}: said unprompted", "quote": idea["quote"]})  # fmt: skip
        elif idea["when"] == "probe":
            lines.append({"kind": "needed-probe", "question": question.id,
                          "text": f"{idea['label']}: only after a probe",
                          "quote": idea["probe_answer"]})  # fmt: skip
        elif idea["required"]:
            lines.append({"kind": "gap", "question": question.id,
                          "text": f"{idea['label']}: never said", "quote": None})  # fmt: skip
    for item in wrong:
        lines.append({"kind": "wrong", "question": question.id, "text": item["correction"],
                      "quote": item["quote"]})  # fmt: skip
    if main.dont_know:
        lines.append({"kind": "dont-know", "question": question.id,
                      "text": "said they did not know", "quote": main.answer})  # fmt: skip
    elif not ideas and main.status is not None:
        kind = "strength" if main.status == "correct" else "gap"
        lines.append({"kind": kind, "question": question.id,
                      "text": f"{question.kind} answer: {main.status}", "quote": main.answer})  # fmt: skip
    return lines


def schedule_reviews(
    *, session: Session, row: Interview, catalog: Catalog, report_: dict[str, Any]
) -> None:
    """Everything missed goes into the review queue: a question with an idea never said, a
    wrong claim or an "I don't know" comes back soon; one that needed probes, a little later."""
    for item in report_["questions"]:
        if (
            item["dont_know"]
            or item["misconceptions"]
            or any(d["when"] == "never" and d["required"] for d in item["ideas"])
            or item["status"] in ("incorrect", "invalid")
        ):
            rating = reviews.Rating.Again
        elif any(d["when"] == "probe" for d in item["ideas"]) or item["score"] < 1.0:
            rating = reviews.Rating.Hard
        else:
            rating = reviews.Rating.Good
        reviews.review(
            session=session,
            user_id=row.user_id,
            question_id=item["question"],
            topic_id=item["topic"],
            rating=rating,
            source="interview",
        )
    for turn in row.turns:  # the variants asked as follow-ups, when answered wrongly
        if turn.reason == "variant" and turn.status not in (None, "correct"):
            reviews.review(
                session=session,
                user_id=row.user_id,
                question_id=turn.question_id,
                topic_id=catalog.content.question_topic[turn.question_id],
                rating=reviews.Rating.Again,
                source="interview",
            )
