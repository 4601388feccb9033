"""The loaded content as passages for Ask Descent, each at a stable anchor of its topic page.

Anchor scheme (the web UI gives the matching elements these ids on ``/topics/{id}``):

========================  ======================  =====================================
passage                   anchor                  kind
========================  ======================  =====================================
topic summary             ``summary``             ``summary``
learning step *n*         ``step-n`` (1-based)    ``step``
insight *n*               ``insight-n``           ``insight``
formula *n*               ``formula-n``           ``formula``
question prompt + hints   ``question-<qid>``      ``question``
its answer material       ``question-<qid>``      ``answer`` (private)
demo                      ``demo-<demo id>``      ``demo``
========================  ======================  =====================================

Answer material (an open question's model answer, a choice question's option explanations, a
numeric question's explanation) is *private*: returned only to a learner who attempted that
question. Rubrics and expression mistakes are never indexed.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from content.loader import ContentSet
from content.schema import Module, Question
from engine.assist import DEMO, QUESTION, AssistIndex, DemoRef, Passage
from engine.kinds import get_kind

log = logging.getLogger("descent")
_PLACEHOLDER = re.compile(r"\[\[[^\]]*\]\]")
DEMO_MODULE, REGISTRY = "engine.demos", "DEMOS"


def anchor(kind: str, key: int | str | None = None) -> str:
    """The element id of a passage on its topic page: the one place the scheme is written.

    >>> anchor("summary"), anchor("step", 3), anchor("question", "mse-outliers")
    ('summary', 'step-3', 'question-mse-outliers')
    """
    if kind == "summary":
        return "summary"
    if kind == "answer":
        kind = QUESTION  # answer material sits with its question
    if key is None:
        raise ValueError(f"a {kind!r} anchor needs a number or an id")
    return f"{kind}-{key}"


def _shown(text: str) -> str:
    """Text as a passage shows it: values drawn per variant (``[[lr]]``) become an ellipsis."""
    return _PLACEHOLDER.sub("…", text)


def _study(module: Module) -> Iterator[Passage]:
    t = module.id
    yield Passage(t, "summary", anchor("summary"), "Summary", module.summary, keywords=module.title)
    for n, step in enumerate(module.learning_steps, 1):
        yield Passage(t, "step", anchor("step", n), f"Learning step {n}", step)
    for n, insight in enumerate(module.insights, 1):
        yield Passage(t, "insight", anchor("insight", n), f"Insight {n}", insight.text)
    for n, formula in enumerate(module.formulas, 1):
        text = f"$${formula.latex}$$\n\n{formula.caption}".strip()
        yield Passage(t, "formula", anchor("formula", n), formula.name, text, keywords=formula.name)


def _answer_text(question: Question) -> str:
    """A question's answer material as one text ("" when it has none worth reading)."""
    return _shown(get_kind(question.kind).answer_text(question))


def _question(topic: str, question: Question) -> Iterator[Passage]:
    title = question.title or " ".join(_shown(question.prompt).split())[:90]
    where = anchor(QUESTION, question.id)
    hints = " ".join(question.hints)
    yield Passage(
        topic,
        QUESTION,
        where,
        title,
        _shown(question.prompt),
        keywords=f"{question.title} {hints}",
        question=question.id,
    )
    answer = _answer_text(question)
    if answer:
        yield Passage(
            topic,
            "answer",
            where,
            f"Your question: {title}",
            answer,
            keywords=question.title,
            question=question.id,
            private=True,
        )


def _demos(content: ContentSet, demos: Sequence[DemoRef]) -> Iterator[Passage]:
    for demo in demos:
        topics = [t for t in demo.topics if t in content.topics]
        if topics and demo.description:
            yield Passage(
                topics[0],
                DEMO,
                anchor(DEMO, demo.id),
                demo.title,
                demo.description,
                keywords=demo.title,
            )


def build_passages(content: ContentSet, demos: Sequence[DemoRef] = ()) -> list[Passage]:
    """Every public study passage and question prompt, plus private answer material."""
    passages: list[Passage] = []
    for module in content.topics.values():
        passages.extend(_study(module))
        for question in module.questions:
            passages.extend(_question(module.id, question))
    passages.extend(_demos(content, demos))
    return passages


_built: dict[int, AssistIndex] = {}  # by id() of a live ContentSet (it is unhashable)
_building = threading.Lock()


def build_index(content: ContentSet) -> AssistIndex:
    """The Ask Descent index of a loaded content set, built once per content set (every app
    made from the same loaded content, as in the tests, shares it; it is read-only)."""
    with _building:
        index = _built.get(id(content))
        if index is None:
            index = AssistIndex(build_passages(content, demo_refs(content)))
            _built[id(content)] = index
            weakref.finalize(content, _built.pop, id(content), None)
        return index


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _registry_items() -> Iterable[Any]:
    """``engine.demos.DEMOS`` (id → demo); importing the package registers every demo."""
    registry = getattr(importlib.import_module(DEMO_MODULE), REGISTRY, None)
    return registry.values() if isinstance(registry, Mapping) else ()


def demo_refs(content: ContentSet | None = None) -> list[DemoRef]:
    """The demos of ``engine.demos`` (read now, defensively: [] while it is absent or broken),
    each with its own topics plus those of the modules that list it under ``demos:``."""
    try:
        items = list(_registry_items())
    except Exception as exc:  # a registry being written may fail in any way; asking must not
        log.debug("demo registry unavailable: %s", exc)
        return []
    listed: dict[str, list[str]] = {}
    for module in content.topics.values() if content else ():
        for demo_id in module.demos:
            listed.setdefault(demo_id, []).append(module.id)
    refs = []
    for item in items:
        demo_id = _field(item, "id")
        if not isinstance(demo_id, str):
            continue
        topics = [*(_field(item, "topics") or ()), *listed.get(demo_id, ())]
        description = _field(item, "description") or ""
        refs.append(
            DemoRef(
                demo_id,
                str(_field(item, "title") or demo_id),
                tuple(dict.fromkeys(map(str, topics))),
                str(description),
            )
        )
    return refs
