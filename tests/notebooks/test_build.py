"""The generated notebooks: which exist, what each holds, and that they are valid and stable."""

from __future__ import annotations

import ast
from typing import Any

import nbformat
import numpy as np
import pytest

from app import notebooks
from app.notebooks import CAPSTONES, UnknownNotebook, build, catalog, topic_questions
from content import ContentSet
from engine.capstones import classification, regression

CAPSTONE_IDS = ["capstone-regression", "capstone-classification", "capstone-landscapes"]


def sources(nb: Any, kind: str) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == kind]


def test_a_notebook_per_capstone_and_per_topic_with_code_exercises(
    shipped_content: ContentSet,
) -> None:
    ids = [n.id for n in catalog(shipped_content)]
    with_code = {
        shipped_content.question_topic[q]
        for q, m in shipped_content.questions.items()
        if m.kind == "code"
    }
    assert ids[:3] == CAPSTONE_IDS
    assert set(ids[3:]) == with_code
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("solutions", [False, True])
def test_every_notebook_is_valid_and_has_every_part(
    shipped_content: ContentSet, solutions: bool
) -> None:
    for info in catalog(shipped_content):
        nb = build(info.id, shipped_content, solutions=solutions)
        nbformat.validate(nb)
        first = nb.cells[0]
        assert first.cell_type == "markdown"
        for needed in (
            "descent serve",
            "DESCENT_URL",
            "check(",
            "ask(",
            "login()",
            'pip install ".[notebook]"',
        ):
            assert needed in first.source, (info.id, needed)
        code = "\n".join(sources(nb, "code"))
        markdown = "\n".join(sources(nb, "markdown"))
        assert "from app.client import" in code and "server()" in code
        assert "default_rng(seed)" in code, f"{info.id}: no seeded data generator"
        assert "plt." in code, f"{info.id}: no plotting cell"
        assert "$" in markdown and "Study summary" in markdown, (
            f"{info.id}: no study summary with LaTeX"
        )
        assert "ask(" in code, f"{info.id}: no question to answer"
        checks = [s for s in sources(nb, "code") if s.startswith(("check(", "compare("))]
        assert checks, f"{info.id}: no check cells"
        for qid in info.questions:
            assert f'"{qid}"' in code, (info.id, qid)


def test_capstones_check_the_comparison_and_ask_questions_in_markdown(
    shipped_content: ContentSet,
) -> None:
    for capstone in CAPSTONES.values():
        nb = build(capstone.id, shipped_content)
        code = "\n".join(sources(nb, "code"))
        for check in capstone.checks:
            assert f'compare("{capstone.id}", "{check}"' in code
        answers = [s for s in sources(nb, "markdown") if s == "*Your answer:*"]
        assert len(answers) == len(capstone.module.QUESTIONS) >= 3


def test_starters_and_solutions_differ_only_in_the_learners_cells(
    shipped_content: ContentSet,
) -> None:
    for nid in ("capstone-regression", "huber"):
        empty, filled = build(nid, shipped_content), build(nid, shipped_content, solutions=True)
        assert len(empty.cells) == len(filled.cells)
        changed = [
            a.source for a, b in zip(empty.cells, filled.cells, strict=True) if a.source != b.source
        ]
        assert changed and all("..." in s or s.startswith("answer = ") for s in changed)


def test_the_same_content_gives_the_same_file(shipped_content: ContentSet) -> None:
    first = notebooks.dumps(build("mse", shipped_content))
    assert first == notebooks.dumps(build("mse", shipped_content))
    ids = [c["id"] for c in nbformat.reads(first, 4).cells]
    assert ids[0] == "mse-000" and len(set(ids)) == len(ids)


def test_pytorch_exercises_follow_the_flag(shipped_content: ContentSet) -> None:
    def torch_ids(flag: bool | None) -> set[str]:
        return {q.id for q in topic_questions(shipped_content, "huber", torch=flag)}

    assert torch_ids(True) == {"code-huber", "torch-huber-function"}
    assert torch_ids(False) == {"code-huber"}
    with_torch = "\n".join(sources(build("huber", shipped_content, torch=True), "code"))
    assert 'check("torch-huber-function", HuberFunction)' in with_torch
    assert "torch" not in "\n".join(sources(build("huber", shipped_content, torch=False), "code"))


@pytest.mark.parametrize("nid", ["nope", "loss-curves", "../mse", ""])
def test_unknown_ids_and_topics_without_code_are_refused(
    shipped_content: ContentSet, nid: str
) -> None:
    with pytest.raises(UnknownNotebook):
        build(nid, shipped_content)


def _defined(cell_source: str, name: str) -> Any:
    """A function defined by a generated cell (only its definitions run, not its plots)."""
    tree = ast.parse(cell_source)
    tree.body = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    namespace: dict[str, Any] = {"np": np}
    exec(compile(tree, "<cell>", "exec"), namespace)  # our own generated cell, in a test
    return namespace[name]


def test_the_capstone_data_are_the_servers(shipped_content: ContentSet) -> None:
    """The notebooks' generators must draw exactly the data the checks regenerate."""
    reg = next(
        s
        for s in sources(build("capstone-regression", shipped_content), "code")
        if "def make_data" in s
    )
    for seed in (0, 7):
        x, y, out = _defined(reg, "make_data")(seed=seed, n=80, outlier_fraction=0.2)
        ref = regression.make_data(seed=seed, n=80, outlier_fraction=0.2)
        np.testing.assert_array_equal(x, ref.x)
        np.testing.assert_array_equal(y, ref.y)
        np.testing.assert_array_equal(out, ref.outlier)
    cls = next(
        s
        for s in sources(build("capstone-classification", shipped_content), "code")
        if "def make_data" in s
    )
    for dataset in classification.DATASETS:
        Xb, y = _defined(cls, "make_data")(dataset, seed=3)
        ref = classification.make_data(dataset, seed=3)
        np.testing.assert_array_equal(Xb, ref.Xb)
        np.testing.assert_array_equal(y, ref.y)
