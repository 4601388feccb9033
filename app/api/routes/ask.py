"""Ask Descent: a learner's doubt answered from our own material, with links into it."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import schemas as s
from app.api.deps import CatalogDep, OptionalUser, SessionDep
from app.api.responses import problems
from app.db.models import Attempt
from app.ops.ratelimit import GradingLimit
from app.services.catalog import Catalog
from content.passages import demo_refs
from engine.assist import AssistIndex, Hit, Result, rank_demos
from engine.mathtext import render_text

router = APIRouter(prefix="/ask", tags=["ask"])

EXAMPLES = "“why is MAE's gradient constant?” or “what does ε do in Adam?”"
BLANK_HINT = f"Type a question about a loss, an optimizer or a formula, e.g. {EXAMPLES}"
UNKNOWN_HINT = (
    "None of those words appear in Descent's material. Name the loss, optimizer, symbol or "
    f"training problem you mean, e.g. {EXAMPLES}"
)


def get_assist(request: Request) -> AssistIndex:
    return request.app.state.assist


AssistDep = Annotated[AssistIndex, Depends(get_assist)]


@lru_cache(maxsize=4096)
def _html(text: str) -> str:
    return render_text(text)


def _attempted(session: Session, user_id: int) -> frozenset[str]:
    rows = session.scalars(select(Attempt.question_id).where(Attempt.user_id == user_id).distinct())
    return frozenset(rows)


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
        prompt=s.RichText(text=p.text, html=_html(p.text)),
    )


def _demos(catalog: Catalog, result: Result) -> list[s.AskDemo]:
    ranked = rank_demos(demo_refs(catalog.content), result)
    return [s.AskDemo(id=d.id, title=d.title) for d in ranked]


@router.post("", response_model=s.AskRead, dependencies=[GradingLimit], responses=problems(429))
def ask(
    body: s.AskCreate,
    assist: AssistDep,
    catalog: CatalogDep,
    user: OptionalUser,
    session: SessionDep,
) -> s.AskRead:
    """Answer a doubt with passages of the material, practice questions and demos."""
    if body.topic is not None:
        catalog.topic(body.topic)  # an unknown page topic is a 404, not a silent no-op
    unlocked = _attempted(session, user.id) if user is not None else frozenset()
    result = assist.search(body.question, topic=body.topic, unlocked=unlocked)
    if result.empty:
        return s.AskRead(hint=UNKNOWN_HINT if body.question.strip() else BLANK_HINT)
    return s.AskRead(
        answers=[_answer(catalog, h) for h in result.answers],
        questions=[_question(catalog, h) for h in result.questions],
        demos=_demos(catalog, result),
    )
