"""Mock interviews as a conversation: a question, the answer, a probe on its weakest idea, the
next question; levels set depth and pace; a debrief ties each judgement to the candidate's words.

The policy (what to ask next) lives here; grading is the engine's, storing is the learners'
service's, and the debrief is :mod:`app.services.debrief`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Interview, InterviewTurn
from app.errors import InterviewClosed, NotFound
from app.services import progress
from app.services.catalog import Catalog
from content.schema import Question
from engine.kinds import get_kind, grade
from engine.kinds.open import OpenQuestion
from engine.verdict import Verdict

DEFAULT_TOPICS = 2
# "I don't know", "no idea", "not sure", "pass": recorded, and answered with a simpler probe.
DONT_KNOW = re.compile(
    r"^\s*(i\s+(do\s*n[o']?t|really\s+don'?t)\s+know|no\s+idea|not\s+sure|pass|idk|dunno)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Level:
    """How an interview at one level runs."""

    questions: int  # questions asked (follow-ups come on top)
    open_share: float  # of them, the share of probing (open) questions
    follow_ups: int  # probes at most per question
    variants: bool  # after a right formula or code answer, ask its variant / why-question
    minutes: float  # per question, on average
    bar: float  # the score at which a candidate of this level is a "lean hire"


LEVELS = {
    "junior": Level(questions=4, open_share=0.5, follow_ups=1, variants=False, minutes=6, bar=0.5),
    "senior": Level(questions=5, open_share=0.6, follow_ups=2, variants=True, minutes=7, bar=0.62),
    "staff": Level(questions=5, open_share=0.8, follow_ups=2, variants=True, minutes=8, bar=0.72),
}


def _pick_topics(
    catalog: Catalog, session: Session, user_id: int, topics: list[str] | None
) -> list[str]:
    if topics:
        for topic in topics:
            catalog.topic(topic)  # raises a 404 naming the unknown topic
        return list(dict.fromkeys(topics))
    summary = progress.progress(session=session, user_id=user_id, catalog=catalog)
    chosen = [*summary["weakest"], *([summary["next_topic"]] if summary["next_topic"] else [])]
    chosen += progress.topological_order(catalog)
    return list(dict.fromkeys(chosen))[:DEFAULT_TOPICS]


def plan(
    catalog: Catalog, topics: list[str], level: Level, rng: random.Random, code_available: bool
) -> list[str]:
    """The questions, topic by topic in turn: each topic's probing (seed) question first, more
    open questions up to the level's share, then a formula or a code task."""
    opens: list[list[str]] = []
    others: list[list[str]] = []
    for topic in topics:
        questions = catalog.content.topics[topic].questions
        probing = [q.id for q in questions if q.kind == "open"]
        rest = [
            q.id
            for q in questions
            if q.kind in ("expression", "derivation", "code")
            and (code_available or q.kind != "code")
            and not get_kind(q.kind).unavailable(q)
        ]
        rng.shuffle(rest)
        opens.append(probing[:1] + rng.sample(probing[1:], len(probing) - 1))
        others.append(rest)
    want_open = round(level.questions * level.open_share)
    chosen: list[str] = []
    for pool, want in ((opens, want_open), (others, level.questions - want_open)):
        taken = 0
        while taken < want and any(pool):
            for queue in pool:
                if queue and taken < want:
                    chosen.append(queue.pop(0))
                    taken += 1
    return chosen


def start(
    *,
    session: Session,
    user_id: int,
    catalog: Catalog,
    topics: list[str] | None,
    level: str,
    code_available: bool,
) -> Interview:
    """Plan an interview and ask its first question."""
    chosen = _pick_topics(catalog, session, user_id, topics)
    count = session.scalar(
        select(func.count()).select_from(Interview).where(Interview.user_id == user_id)
    )
    rng = random.Random(f"{user_id}:{count}")
    questions = plan(catalog, chosen, LEVELS[level], rng, code_available)
    if not questions:
        raise NotFound(f"the topics {', '.join(chosen)} have no questions an interview can ask")
    minutes = max(5, round(LEVELS[level].minutes * len(questions)))
    row = Interview(
        user_id=user_id, topics=chosen, minutes=minutes, question_ids=questions, level=level
    )
    session.add(row)
    session.flush()
    _ask(session, row, "question", questions[0], prompt=catalog.question_model(questions[0]).prompt)
    session.commit()
    return row


def get(*, session: Session, user_id: int, interview_id: int) -> Interview:
    row = session.get(Interview, interview_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"no interview {interview_id} of yours")
    return row


def current(row: Interview) -> InterviewTurn | None:
    """The turn waiting for an answer, or None when the interview is over."""
    if row.finished_at is not None or not row.turns:
        return None
    last = row.turns[-1]
    return last if last.answered_at is None else None


def time_left_s(row: Interview, now: datetime | None = None) -> int:
    started = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    elapsed = ((now or datetime.now(UTC)) - started).total_seconds()
    return max(0, int(row.minutes * 60 - elapsed))


def _ask(
    session: Session,
    row: Interview,
    kind: str,
    question_id: str,
    *,
    prompt: str,
    about: str | None = None,
    reason: str | None = None,
) -> InterviewTurn:
    turn = InterviewTurn(
        interview_id=row.id,
        seq=len(row.turns),
        kind=kind,
        question_id=question_id,
        about=about,
        reason=reason,
        prompt=prompt,
        dont_know=False,
        hints_used=0,
        asked_at=datetime.now(UTC),
    )
    row.turns.append(turn)
    session.flush()
    return turn


def idea_question(question: OpenQuestion, idea_id: str) -> OpenQuestion:
    """The question narrowed to one idea (and the misconceptions about it): a follow-up is
    graded on the idea it probes, not on the whole rubric."""
    idea = next(i for i in question.ideas if i.id == idea_id)
    wrong = [m for m in question.misconceptions if m.about == idea_id]
    return question.model_copy(
        update={"ideas": [idea.model_copy(update={"required": True})], "misconceptions": wrong}
    )


def is_dont_know(answer: str | list[str], flagged: bool) -> bool:
    text = answer if isinstance(answer, str) else " ".join(answer)
    return flagged or not text.strip() or bool(DONT_KNOW.match(text))


def grade_turn(turn: InterviewTurn, question: Question, answer: str | list[str]) -> Verdict:
    """Grade an answer to a turn: a question by its kind, a follow-up by the idea it probes."""
    if turn.kind == "follow-up" and turn.about and isinstance(question, OpenQuestion):
        return grade(idea_question(question, turn.about), answer)
    return grade(question, answer)


def _probes(row: Interview, question_id: str) -> list[InterviewTurn]:
    return [t for t in row.turns if t.kind == "follow-up" and t.question_id == question_id]


def choose_probe(
    question: Question, verdict: dict[str, Any], asked: set[str | None], budget: int
) -> tuple[str, str, str] | None:
    """(idea id, reason, prompt) of the probe to ask about an answer, or None when the answer
    was right or the budget of probes is spent: a contradicted idea is challenged first, then
    the heaviest missing required idea (an optional one only with a budget above one)."""
    if not isinstance(question, OpenQuestion) or verdict.get("status") == "correct":
        return None
    if len(asked) >= budget:
        return None
    ideas = {i.id: i for i in question.ideas}
    found = {i["id"]: i for i in verdict.get("ideas", [])}
    # what was said wrong: a denied idea, or a misconception about one
    wrong = [
        (r["id"], r.get("quote") or "") for r in found.values() if r["status"] == "contradicted"
    ]
    wrong += [(m["about"], m["quote"]) for m in verdict.get("misconceptions", []) if m.get("about")]
    for idea_id, quote in wrong:
        if idea_id in ideas and idea_id not in asked:
            idea = ideas[idea_id]
            return idea.id, "contradicted", f"Are you sure? You said “{quote}”. {idea.follow_up}"
    missing = [
        ideas[i] for i, read in found.items() if read["status"] == "missing" and i not in asked
    ]
    missing.sort(key=lambda i: (not i.required, -i.weight))
    if missing and (missing[0].required or budget > 1):
        return missing[0].id, "missing", missing[0].follow_up
    return None


def next_turn(
    *, session: Session, row: Interview, catalog: Catalog, answered: InterviewTurn
) -> InterviewTurn | None:
    """Ask what comes after ``answered``: a probe on the same question, its variant, or the
    next planned question; None (and the interview ends) when time or questions run out."""
    level = LEVELS[row.level]
    parent = catalog.question_model(answered.question_id)
    verdict = answered.verdict or {}
    if time_left_s(row) > 0:
        if answered.kind == "question" and answered.dont_know and isinstance(parent, OpenQuestion):
            idea = next(i for i in parent.ideas if i.required)
            prompt = f"No problem, a smaller step then. {idea.follow_up}"
            return _ask(session, row, "follow-up", parent.id, prompt=prompt, about=idea.id,
                        reason="dont-know")  # fmt: skip
        if not answered.dont_know:
            asked = {t.about for t in _probes(row, parent.id)}
            probe = choose_probe(parent, _merged(row, parent.id), asked, level.follow_ups)
            if probe is not None:
                idea_id, reason, prompt = probe
                return _ask(session, row, "follow-up", parent.id, prompt=prompt, about=idea_id,
                            reason=reason)  # fmt: skip
        variant = parent.probe
        if (
            answered.kind == "question"
            and level.variants
            and verdict.get("status") == "correct"
            and variant
            and variant in catalog.content.questions
        ):
            prompt = f"Good. Now: {catalog.question_model(variant).prompt}"
            return _ask(session, row, "follow-up", variant, prompt=prompt, reason="variant")
    done = {t.question_id for t in row.turns if t.kind == "question"}
    remaining = [q for q in row.question_ids if q not in done]
    if remaining and time_left_s(row) > 0:
        nxt = remaining[0]
        return _ask(session, row, "question", nxt, prompt=catalog.question_model(nxt).prompt)
    return None


def _merged(row: Interview, question_id: str) -> dict[str, Any]:
    """The question's verdict with what its follow-ups have since shown: an idea covered in a
    follow-up is no longer missing, and is not probed again."""
    main = next(
        (t.verdict for t in row.turns if t.kind == "question" and t.question_id == question_id),
        None,
    )
    merged = dict(main or {})
    ideas = [dict(i) for i in merged.get("ideas", [])]
    for probe in _probes(row, question_id):
        if probe.verdict and probe.about:
            covered = probe.verdict.get("status") == "correct"
            for idea in ideas:
                if idea["id"] == probe.about and covered:
                    idea["status"] = "covered"
    merged["ideas"] = ideas
    return merged


def check_open(row: Interview) -> InterviewTurn:
    """The turn an answer is for; a finished interview takes no more answers."""
    turn = current(row)
    if turn is None:
        raise InterviewClosed(f"interview {row.id} is finished; start a new one")
    return turn
