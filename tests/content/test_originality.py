"""Prose is our own: no run of eight ordinary words is copied from the seed documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content import PACKAGED_CONTENT_DIR

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
RUN = 8
# Formulas may carry over: runs made of maths words and single letters do not count as prose.
MATHS = set(
    [
        "frac",
        "hat",
        "sum",
        "log",
        "exp",
        "sqrt",
        "theta",
        "beta",
        "eta",
        "nabla",
        "lambda",
        "delta",
        "sigma",
        "mathrm",
        "text",
        "left",
        "right",
        "cdot",
        "quad",
        "top",
        "mathbf",
        "partial",
        "alpha",
        "gamma",
        "epsilon",
        "max",
        "min",
    ]
)


def runs(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def prose(run: str) -> bool:
    words = run.split()
    return sum(len(w) > 2 and w not in MATHS for w in words) >= RUN - 1


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not next to the checkout")
def test_no_sentence_is_copied_from_the_seeds() -> None:
    seed_runs = {r for path in SEEDS.glob("0*.txt") for r in runs(path.read_text(encoding="utf-8"))}
    copied = {}
    for path in PACKAGED_CONTENT_DIR.rglob("*.yaml"):
        shared = [r for r in runs(path.read_text(encoding="utf-8")) & seed_runs if prose(r)]
        if shared:
            copied[path.name] = sorted(shared)[:3]
    assert not copied, f"write these in our own words: {copied}"
