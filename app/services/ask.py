"""Ask Descent: a learner's doubt answered from our own material, with links into it."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from app import schemas as s
from app.services import learners
from app.services.catalog import Catalog
from content.passages import demo_refs
from engine.assist import OUTSIDE_NAMES, AssistIndex, Hit, Result, rank_demos
from engine.kinds import RichText
from engine.mathtext import render_text

EXAMPLES = "“why is MAE's gradient constant?” or “what does ε do in Adam?”"
BLANK_HINT = f"Type a question about a loss, an optimizer or a formula, e.g. {EXAMPLES}"
UNKNOWN_HINT = (
    "None of those words appear in Descent's material. Name the loss, optimizer, symbol or "
    f"training problem you mean, e.g. {EXAMPLES}"
)
SCOPE = "Descent's material covers loss functions, optimizers and regularization"


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def not_covered_hint(result: Result, titles: list[str]) -> str:
    """Plain words for a doubt the material does not answer, naming the nearest topics."""
    if result.outside:
        subject = _listed([OUTSIDE_NAMES.get(o, o) for o in result.outside])
        head = f"That is not covered: {SCOPE}, not {subject}."
        near = f" They come up in passing in {_listed(titles)}." if titles else ""
    else:
        head = f"That is not covered by the material: {SCOPE}."
        near = f" The nearest topics are {_listed(titles)}." if titles else ""
    return f"{head}{near} Ask about a loss, an optimizer or a training problem, e.g. {EXAMPLES}"


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
    summary = catalog.summary(p.question or "")
    return s.AskQuestion(
        id=p.question or "",
        topic=p.topic,
        kind=summary.kind,
        title=p.title,
        prompt=RichText(text=p.text, html=_html(p.text)),
        available=summary.available,
        unavailable_reason=summary.unavailable_reason,
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
    if not result.covered:
        nearest = [s.AskTopic(id=t, title=catalog.topic(t).title) for t in result.nearest]
        hint = not_covered_hint(result, [t.title for t in nearest])
        return s.AskRead(covered=False, nearest_topics=nearest, hint=hint)
    if result.empty:
        if not body.question.strip():
            return s.AskRead(hint=BLANK_HINT)
        return s.AskRead(covered=False, hint=UNKNOWN_HINT)
    return s.AskRead(
        answers=[_answer(catalog, h) for h in result.answers],
        questions=[_question(catalog, h) for h in result.questions],
        demos=_demos(catalog, result),
    )
