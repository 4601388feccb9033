"""Cells every notebook shares: the opening (how to start a server, how the client works), the
set-up cell, the study summary taken from the topic modules, and question cells."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from content.schema import Module, Question

CLIENT = "app.client"


def md(text: str) -> NotebookNode:
    return new_markdown_cell(textwrap.dedent(text).strip())


def code(text: str) -> NotebookNode:
    return new_code_cell(textwrap.dedent(text).strip())


def opening(title: str, purpose: str) -> NotebookNode:
    """The first cell: what the notebook is for, how to start a server, how the client works."""
    return md(
        f"""
        # {title}

        {purpose}

        **Start a Descent server first.** The check cells send your code to it; it runs the code
        in its sandbox against hidden test cases and answers with a verdict. In a terminal, from a
        Descent checkout:

            pip install ".[notebook]"    # once: Descent, Jupyter's kernel, matplotlib, httpx
            descent serve                # http://127.0.0.1:8000

        To use a server elsewhere, set `DESCENT_URL` (e.g. `DESCENT_URL=http://host:8000`)
        before starting Jupyter.

        **How the client works** (`from {CLIENT} import …`):

        - `check("code-huber", huber)` sends a function's source, with the imports, helper
          functions and constants it uses, and shows the verdict: every test case, and what is
          wrong. It is the same request as the web app's Run button, so it gets the same verdict.
        - `ask(question_id, answer)` answers a question in words (or a formula, a number, a list
          of options); `hint(question_id, n)` shows its n-th hint.
        - `compare(notebook, check, ...)` (capstones) compares your numbers with the reference
          computed on the same seeded data, and comments on what they show.
        - `login()` signs you in once: the token is kept in your configuration folder
          (`~/.config/descent` on Linux), and from then on your attempts count toward your
          progress and spaced-repetition reviews. Without it attempts are graded, not kept.
        - Nothing raises for a wrong answer or a missing server: each call says what happened.
        """
    )


def setup(extra_imports: str = "") -> NotebookNode:
    lines = [
        "import numpy as np",
        "import matplotlib.pyplot as plt",
        "",
        f"from {CLIENT} import ask, check, compare, hint, implemented, login, server",
    ]
    if extra_imports:
        lines.insert(2, extra_imports)
    return code(
        "\n".join([*lines, "", "server()  # which Descent answers, and whether you are signed in"])
    )


def study(modules: Iterable[Module], *, steps: bool = True) -> list[NotebookNode]:
    """The study summary of each module: summary, formulas, learning steps and insights."""
    cells = []
    for module in modules:
        parts = [f"## Study summary: {module.title}", "", module.summary.strip()]
        if module.formulas:
            parts += ["", "### Formulas"]
            for f in module.formulas:
                parts += ["", f"**{f.name}**", "", f"$${f.latex.strip()}$$"]
                if f.caption.strip():
                    parts += ["", f.caption.strip()]
        if steps and module.learning_steps:
            parts += ["", "### Learning steps", ""]
            parts += [f"{k}. {' '.join(s.split())}" for k, s in enumerate(module.learning_steps, 1)]
        if module.insights:
            parts += ["", "### Interview insights", ""]
            parts += [f"- {' '.join(insight.text.split())}" for insight in module.insights]
        cells.append(new_markdown_cell("\n".join(parts)))
    return cells


def asked(question: Question, *, solutions: bool) -> list[NotebookNode]:
    """An open question: its prompt in Markdown, then a cell that sends your answer."""
    answer = getattr(question, "model_answer", "") if solutions else ""
    text = "\n".join(textwrap.wrap(" ".join(answer.split()), 96)) if answer else ""
    hints = f' `hint("{question.id}", 1)` shows a hint.' if question.hints else ""
    return [
        md(
            f"**{question.title or 'Question'}** (`{question.id}`)\n\n{question.prompt.strip()}\n\n"
            f"Write your answer in the string below and run the cell.{hints}"
        ),
        new_code_cell(f'answer = """\n{text}\n"""\nask("{question.id}", answer)'),
    ]


def reflection(questions: Iterable[str]) -> list[NotebookNode]:
    """Questions to answer in your own words, each followed by a Markdown cell for the answer."""
    cells = [md("## Questions to answer\n\nAnswer in the Markdown cell under each question.")]
    for k, q in enumerate(questions, 1):
        cells += [md(f"**{k}.** {q}"), md("*Your answer:*")]
    return cells
