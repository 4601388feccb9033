"""The read side of the content: rendered once at start-up, served from memory."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from functools import lru_cache
from typing import Any

from app import schemas as s
from app.errors import NotFound
from content import ContentSet
from content.loader import seed_sections
from content.schema import Module, Question
from engine.demos import DEMOS, figure_to_plain, run_demo
from engine.kinds import get_kind, instantiate, kind_names, rich
from engine.mathtext import latex_to_mathml

TITLE_LENGTH = 90


def _randomised(question: Question) -> bool:
    return bool(getattr(question, "randomised", False))


@lru_cache(maxsize=256)
def _figure(key: str) -> dict[str, Any]:
    demo, params = json.loads(key)
    return figure_to_plain(run_demo(demo, params).figure)


def _figures(content: ContentSet) -> dict[str, dict[str, Any]]:
    """Render every question figure (once per process: demos are seeded, figures never change)."""
    return {
        qid: _figure(json.dumps([q.figure.demo, q.figure.params], sort_keys=True))
        for qid, q in content.questions.items()
        if q.figure is not None
    }


def topic_demos(module: Module) -> list[str]:
    """The module's own ``demos:`` then every demo that lists the topic, without repeats."""
    linked = [d.id for d in DEMOS.values() if module.id in d.topics]
    return list(dict.fromkeys([*module.demos, *linked]))


def _short_title(question: Question) -> str:
    if question.title:
        return question.title
    first = " ".join(question.prompt.split())
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"


def input_spec(question: Question) -> s.InputSpec:
    """Describe the expected input of a question without revealing anything that grades it."""
    return get_kind(question.kind).describe_input(question)


class Catalog:
    """Pre-rendered topics and questions, looked up by id."""

    def __init__(self, content: ContentSet) -> None:
        if not content.ok:
            raise ValueError("cannot serve invalid content; run `descent content check`")
        self.content = content
        sources = seed_sections()
        missing = {qid: get_kind(q.kind).unavailable(q) for qid, q in content.questions.items()}
        self._question_summaries = {
            qid: s.QuestionSummary(
                id=qid,
                topic=content.question_topic[qid],
                kind=q.kind,
                title=_short_title(q),
                difficulty=q.difficulty,
                available=missing[qid] is None,
                unavailable_reason=missing[qid],
            )
            for qid, q in content.questions.items()
        }
        figures = _figures(content)
        self._questions = {
            qid: s.QuestionRead(
                **summary.model_dump(),
                prompt=rich(q.prompt),
                hint_count=len(q.hints),
                has_solution=q.solution is not None,
                input=input_spec(q),
                figure=figures.get(qid),
            )
            for (qid, q), summary in zip(
                content.questions.items(), self._question_summaries.values(), strict=True
            )
        }
        self._topics = {tid: self._render_topic(m, sources) for tid, m in content.topics.items()}
        self._topic_list = [
            s.TopicSummary(**t.model_dump(include=set(s.TopicSummary.model_fields)))
            for t in self._topics.values()
        ]

    def _render_topic(self, module: Module, sources: dict[str, str]) -> s.TopicRead:
        counts = Counter(q.kind for q in module.questions)
        return s.TopicRead(
            id=module.id,
            title=module.title,
            summary=rich(module.summary),
            sources=[s.SourceRead(id=src, title=sources[src]) for src in module.sources],
            prerequisites=list(module.prerequisites),
            question_count=len(module.questions),
            question_counts={kind: counts.get(kind, 0) for kind in kind_names()},
            learning_steps=[rich(t) for t in module.learning_steps],
            insights=[
                s.InsightRead(**rich(i.text).model_dump(), references=list(i.references))
                for i in module.insights
            ],
            formulas=[
                s.FormulaRead(
                    name=f.name,
                    latex=f.latex,
                    mathml=latex_to_mathml(f.latex, display=True),
                    caption=rich(f.caption),
                )
                for f in module.formulas
            ],
            demos=topic_demos(module),
            questions=[self._question_summaries[q.id] for q in module.questions],
        )

    def topics(self) -> list[s.TopicSummary]:
        return self._topic_list

    def topic(self, topic_id: str) -> s.TopicRead:
        try:
            return self._topics[topic_id]
        except KeyError:
            raise NotFound(
                f"no topic with id {topic_id!r}; GET /api/v1/topics lists them"
            ) from None

    def questions(
        self, *, topic: str | None = None, kind: str | None = None, available: bool | None = None
    ) -> list[s.QuestionSummary]:
        if topic is not None:
            self.topic(topic)
        return [
            q
            for q in self._question_summaries.values()
            if (topic is None or q.topic == topic)
            and (kind is None or q.kind == kind)
            and (available is None or q.available == available)
        ]

    def question_model(self, question_id: str) -> Question:
        try:
            return self.content.questions[question_id]
        except KeyError:
            raise NotFound(
                f"no question with id {question_id!r}; GET /api/v1/questions lists them"
            ) from None

    def summary(self, question_id: str) -> s.QuestionSummary:
        """A question's summary (title, kind, whether this server can grade it)."""
        self.question_model(question_id)  # a 404 problem for an unknown id
        return self._question_summaries[question_id]

    def question(self, question_id: str, variant: int | None = None) -> s.QuestionRead:
        """The question as served; a randomised one is drawn for ``variant`` (random if None)."""
        model = self.question_model(question_id)
        served = self._questions[question_id]
        if not _randomised(model):
            return served
        variant = secrets.randbelow(2**31) if variant is None else variant
        drawn = instantiate(model, variant)
        return served.model_copy(update={"prompt": rich(drawn.prompt), "variant": variant})

    def hint(self, question_id: str, n: int, variant: int | None = None) -> s.HintRead:
        model = self.question_model(question_id)
        hints = instantiate(model, variant).hints if _randomised(model) else model.hints
        if not 1 <= n <= len(hints):
            available = f"1 to {len(hints)}" if hints else "none"
            raise NotFound(
                f"question {question_id!r} has no hint {n}; hints available: {available}"
            )
        return s.HintRead(question=question_id, n=n, of=len(hints), hint=rich(hints[n - 1]))

    def counts(self) -> s.ContentCounts:
        return s.ContentCounts(
            topics=len(self.content.topics),
            questions=len(self.content.questions),
            by_kind=self.content.kind_counts(),
        )


class JsonCache:
    """Serialized JSON of the read endpoints, built once: the content never changes while the
    process runs, so a read is a dictionary lookup and a byte copy."""

    def __init__(self, catalog: Catalog) -> None:
        topics = catalog.topics()
        self.topics = s.Page(data=topics, count=len(topics)).model_dump_json().encode()
        self.topic = {t.id: catalog.topic(t.id).model_dump_json().encode() for t in topics}
        self.question = {
            qid: catalog.question(qid).model_dump_json().encode()
            for qid, q in catalog.content.questions.items()
            if not _randomised(q)
        }
        summaries = catalog.questions()
        self._summaries = [
            (q.topic, q.kind, q.available, q.model_dump_json().encode()) for q in summaries
        ]

    def questions(
        self,
        *,
        topic: str | None,
        kind: str | None,
        limit: int,
        offset: int,
        available: bool | None = None,
    ) -> bytes:
        matching = [
            raw
            for t, k, a, raw in self._summaries
            if (topic is None or t == topic)
            and (kind is None or k == kind)
            and (available is None or a == available)
        ]
        page = b",".join(matching[offset : offset + limit])
        return b'{"data":[' + page + b'],"count":' + str(len(matching)).encode() + b"}"
