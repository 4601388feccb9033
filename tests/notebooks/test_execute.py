"""Every generated notebook runs from top to bottom in a real kernel against a live server:
with the reference solutions filled in every check passes; with the starters every check fails
with a message and nothing raises."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from app.notebooks import build, ids
from content import ContentSet

nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

CELL_TIMEOUT_S = 120
PARALLEL = 3  # kernels at once: their start-up is mostly waiting
QUICK = ["capstone-regression", "mse"]


def execute(nb: Any) -> Any:
    nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3").execute()
    return nb


def shown(cell: Any) -> str:
    """What a cell printed and displayed, as plain text and HTML."""
    parts = []
    for out in cell.get("outputs", []):
        assert out.output_type != "error", f"{out.ename}: {out.evalue}\n{cell.source}"
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts += [out.data.get("text/plain", ""), out.data.get("text/html", "")]
    return "\n".join(parts)


def calls(nb: Any) -> list[tuple[str, str]]:
    """(function, output) of every check, compare and ask cell."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = shown(cell)  # also fails on any error output
        last = cell.source.strip().splitlines()[-1]
        if m := re.match(r"(check|compare|ask)\(", last):
            found.append((m.group(1), text))
    return found


def assert_filled(nid: str, nb: Any) -> None:
    results = calls(nb)
    assert results, nid
    for kind, text in results:
        if kind == "check":
            assert re.search(r"<Verdict \S+: correct", text), f"{nid}: {text[:500]}"
        elif kind == "compare":
            assert re.search(r"<CheckResult \S+: all \d+ [\w ]+ match", text), (
                f"{nid}: {text[:800]}"
            )
        else:
            assert "<Verdict " in text, f"{nid}: {text[:300]}"  # graded (its score is the rubric's)


def assert_starters(nid: str, nb: Any) -> None:
    results = calls(nb)
    assert results, nid
    for kind, text in results:
        if kind == "check":
            assert re.search(r"<Verdict \S+: (incorrect|invalid|partial)", text), (
                f"{nid}: {text[:300]}"
            )
            assert "<li>" in text, f"{nid}: a failing verdict without a message"
        elif kind == "compare":
            assert re.search(r"<CheckResult \S+: 0 of \d+", text), f"{nid}: {text[:300]}"
            assert "no " in text or "not" in text
        else:
            assert "<Problem empty" in text and "write your answer first" in text


def run_all(content: ContentSet, names: list[str], *, solutions: bool) -> None:
    check = assert_filled if solutions else assert_starters
    with ThreadPoolExecutor(PARALLEL) as pool:
        done = pool.map(lambda n: (n, execute(build(n, content, solutions=solutions))), names)
        for nid, nb in done:
            check(nid, nb)


@pytest.mark.parametrize("solutions", [True, False], ids=["filled", "starters"])
def test_a_capstone_and_a_topic_run_end_to_end(
    shipped_content: ContentSet, descent: str, solutions: bool
) -> None:
    run_all(shipped_content, QUICK, solutions=solutions)


@pytest.mark.slow
@pytest.mark.parametrize("solutions", [True, False], ids=["filled", "starters"])
def test_every_notebook_runs_end_to_end(
    shipped_content: ContentSet, descent: str, solutions: bool
) -> None:
    run_all(
        shipped_content, [n for n in ids(shipped_content) if n not in QUICK], solutions=solutions
    )
