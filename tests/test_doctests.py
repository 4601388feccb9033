"""The examples in the engine's docstrings run, and hold (as ``pytest --doctest-modules``
would check them, but from the README's one test command)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import engine

# The sandbox runtime runs inside the sandbox (and its PyTorch drivers import torch at load).
SKIP = ("engine.sandbox.runtime",)
MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(engine.__path__, "engine.")
    if not info.name.startswith(SKIP)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"


def test_the_engine_has_examples() -> None:
    finder = doctest.DocTestFinder(exclude_empty=True)
    examples = sum(
        len(t.examples) for n in MODULES for t in finder.find(importlib.import_module(n), n)
    )
    assert examples >= 80
