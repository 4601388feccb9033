"""The shipped content as Ask Descent passages: anchors, what is public, the demo registry."""

from __future__ import annotations

import re
import sys
import types
from collections import Counter
from dataclasses import dataclass

import pytest

from content import ContentSet
from content.passages import anchor, build_passages, demo_refs
from engine.assist import DemoRef, Passage

ANCHOR = re.compile(r"^(summary|(step|insight|formula)-[1-9][0-9]*|(question|demo)-[a-z0-9-]+)$")


@pytest.fixture(scope="module")
def passages(shipped_content: ContentSet) -> list[Passage]:
    return build_passages(shipped_content)


@pytest.mark.parametrize(
    ("kind", "key", "expected"),
    [
        ("summary", None, "summary"),
        ("step", 1, "step-1"),
        ("insight", 4, "insight-4"),
        ("formula", 2, "formula-2"),
        ("question", "mse-outliers", "question-mse-outliers"),
        ("answer", "mse-outliers", "question-mse-outliers"),
        ("demo", "momentum", "demo-momentum"),
    ],
)
def test_anchor_scheme(kind: str, key: int | str | None, expected: str) -> None:
    assert anchor(kind, key) == expected


def test_an_anchor_needs_its_key() -> None:
    with pytest.raises(ValueError, match="needs a number or an id"):
        anchor("step")


def test_every_passage_has_a_well_formed_anchor_unique_on_its_page(
    passages: list[Passage],
) -> None:
    assert all(ANCHOR.match(p.anchor) for p in passages)
    public = Counter((p.topic, p.anchor) for p in passages if not p.private)
    assert [key for key, n in public.items() if n > 1] == []


def test_every_piece_of_study_material_is_a_passage(
    shipped_content: ContentSet, passages: list[Passage]
) -> None:
    kinds = Counter((p.topic, p.kind) for p in passages)
    for topic, module in shipped_content.topics.items():
        assert kinds[topic, "summary"] == 1
        assert kinds[topic, "step"] == len(module.learning_steps)
        assert kinds[topic, "insight"] == len(module.insights)
        assert kinds[topic, "formula"] == len(module.formulas)
        assert kinds[topic, "question"] == len(module.questions)


def test_answer_material_is_private_and_tied_to_its_question(
    shipped_content: ContentSet, passages: list[Passage]
) -> None:
    private = {p.question: p for p in passages if p.private}
    assert all(p.kind == "answer" for p in private.values())
    for qid, question in shipped_content.questions.items():
        if question.kind == "open":
            assert private[qid].text == question.model_answer
        if question.kind == "choice":
            assert all(o.explanation in private[qid].text for o in question.options)
        if question.kind in ("open", "choice", "numeric"):
            assert private[qid].anchor == f"question-{qid}"


def test_public_passages_carry_no_answer_material(
    shipped_content: ContentSet, passages: list[Passage]
) -> None:
    public = "\n".join(f"{p.text}\n{p.keywords}" for p in passages if not p.private)
    for question in shipped_content.questions.values():
        if question.kind == "open":
            assert question.model_answer not in public, question.id
        elif question.kind == "choice":
            leaked = [o.id for o in question.options if o.explanation in public]
            assert not leaked, f"{question.id}: explanations of {leaked} are public"


def test_drawn_values_are_shown_as_an_ellipsis(passages: list[Passage]) -> None:
    assert not [p.anchor for p in passages if "[[" in p.text]


# -- the demo registry, read defensively ------------------------------------------------------


@dataclass(frozen=True)
class FakeDemo:
    id: str
    title: str
    topics: tuple[str, ...]
    description: str = ""


def fake_registry(monkeypatch: pytest.MonkeyPatch, **attrs: object) -> None:
    module = types.ModuleType("engine.demos")
    for name, value in attrs.items():
        setattr(module, name, value)
    monkeypatch.setitem(sys.modules, "engine.demos", module)


def test_demos_come_from_the_registry(
    monkeypatch: pytest.MonkeyPatch, shipped_content: ContentSet
) -> None:
    demo = FakeDemo("momentum", "Momentum on a quadratic", ("momentum",), "Slide β and watch.")
    fake_registry(monkeypatch, DEMOS={"momentum": demo})
    refs = demo_refs(shipped_content)
    assert refs == [
        DemoRef("momentum", "Momentum on a quadratic", ("momentum",), "Slide β and watch.")
    ]
    demo_passages = [p for p in build_passages(shipped_content, refs) if p.kind == "demo"]
    assert [(p.topic, p.anchor) for p in demo_passages] == [("momentum", "demo-momentum")]


def test_a_registry_of_dicts_works_and_odd_entries_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = {"lr": {"id": "lr", "title": "LR", "topics": ["a"]}, "odd": object()}
    fake_registry(monkeypatch, DEMOS=entries)
    assert demo_refs() == [DemoRef("lr", "LR", ("a",), "")]


class Broken(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        raise RuntimeError("half-written registry")


@pytest.mark.parametrize("module", [None, Broken("engine.demos")])
def test_no_demos_while_the_registry_is_absent_or_broken(
    monkeypatch: pytest.MonkeyPatch, module: types.ModuleType | None
) -> None:
    monkeypatch.setitem(sys.modules, "engine.demos", module)  # None makes the import fail
    assert demo_refs() == []
