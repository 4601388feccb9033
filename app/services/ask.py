"""Ask Descent: a learner's doubt answered from our own material, with links into it."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from app import schemas as s
from app.services import learners
from app.services.catalog import Catalog
from content.passages import demo_refs
from engine.assist import AssistIndex, Hit, Result, rank_demos
from engine.kinds import RichText
from engine.mathtext import render_text

EXAMPLES = "“why is MAE's gradient constant?” or “what does ε do in Adam?”"
BLANK_HINT = f"Type a question about a loss, an optimizer or a formula, e.g. {EXAMPLES}"
UNKNOWN_HINT = (
    "None of those words appear in Descent's material. Name the loss, optimizer, symbol or "
    f"training problem you mean, e.g. {EXAMPLES}"
)


@lru_cache(maxsize=4096)
def _html(text: str) -> str:
    return render_text(text)


def _answer(catalog: Catalog, hit: Hit) -> s.AskAnswer:
    p = hit.passage
    title = f"{catalog.topic(p.topic).title} — {p.title}"
    return s.AskAnswer(
        topic=p.topic,
        title=title,
        anchor=p.anchor,
        kind=p.kind,
        text=p.text,
        html=_html(p.text),
        score=hit.score,
    )


def _question(catalog: Catalog, hit: Hit) -> s.AskQuestion:
    p = hit.passage
    kind = catalog.question_model(p.question or "").kind
    return s.AskQuestion(
        id=p.question or "",
        topic=p.topic,
        kind=kind,
        title=p.title,
        prompt=RichText(text=p.text, html=_html(p.text)),
    )


def _demos(catalog: Catalog, result: Result) -> list[s.AskDemo]:
    ranked = rank_demos(demo_refs(catalog.content), result)
    return [s.AskDemo(id=d.id, title=d.title) for d in ranked]


def ask(
    *,
    assist: AssistIndex,
    catalog: Catalog,
    session: Session,
    user_id: int | None,
    body: s.AskCreate,
) -> s.AskRead:
    """Answer a doubt with passages of the material, practice questions and demos; answer
    material of questions the learner attempted is unlocked."""
    if body.topic is not None:
        catalog.topic(body.topic)  # an unknown page topic is a 404, not a silent no-op
    unlocked = (
        learners.attempted_questions(session=session, user_id=user_id)
        if user_id is not None
        else frozenset()
    )
    result = assist.search(body.question, topic=body.topic, unlocked=unlocked)
    if result.empty:
        return s.AskRead(hint=UNKNOWN_HINT if body.question.strip() else BLANK_HINT)
    return s.AskRead(
        answers=[_answer(catalog, h) for h in result.answers],
        questions=[_question(catalog, h) for h in result.questions],
        demos=_demos(catalog, result),
    )
