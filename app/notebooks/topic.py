"""A topic's notebook: its study summary, seeded data, and each code exercise as a starter cell,
a check cell and (for NumPy exercises) a plot drawn with the learner's function; then the
topic's open questions to answer."""

from __future__ import annotations

import textwrap

from nbformat import NotebookNode

from app.notebooks.cells import asked, code, md, opening, setup, study
from app.notebooks.plots import RECIPES
from content.schema import Module, Question
from engine.kinds.code import CodeQuestion

DATA = '''
SEED = 23  # the plots' data; change it to draw other samples (the checks do not use it)


def make_regression(n=100, seed=SEED, outliers=0.1):
    """A line y = 2x + 1 with noise, x in [0, 10]; a share of the targets at large x (where
    they have leverage) pulled about 15 below it. Returns X = [x, 1] and y."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    y = 2 * x + 1 + 0.5 * rng.normal(size=n)
    bad = rng.choice(np.flatnonzero(x > 5), size=round(outliers * n), replace=False)
    y[bad] -= 15 * (1 + 0.3 * rng.random(bad.size))
    return np.column_stack([x, np.ones(n)]), y


def make_classification(n=200, seed=SEED, overlap=False):
    """Two Gaussian classes in 2-D, labels 0/1, well apart or overlapping. Returns X = [x1, x2, 1]
    and y."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    centre, spread = (0.8, 1.0) if overlap else (2.0, 0.6)
    x = np.column_stack([(2 * y - 1) * centre, np.zeros(n)]) + spread * rng.normal(size=(n, 2))
    return np.column_stack([x, np.ones(n)]), y
'''


def reference_source(question: Question) -> str | None:
    """The first self-check answer marked correct: a known-good solution of the exercise."""
    return next(
        (
            c.answer
            for c in getattr(question, "checks", [])
            if c.correct and isinstance(c.answer, str)
        ),
        None,
    )


def exercise(question: CodeQuestion, *, solutions: bool) -> list[NotebookNode]:
    """Prompt, examples, the starter (or the reference solution), the check, and a plot."""
    examples = "\n".join(f">>> {e.call}\n{e.result}" for e in getattr(question, "examples", []))
    runtime = "PyTorch" if question.id.startswith("torch-") else "NumPy"
    text = [f"### {question.title or question.id}", "", question.prompt.strip(), "",
            f"Define `{question.signature}` ({runtime}). Check it with the cell below it."]  # fmt: skip
    if examples:
        text += ["", "```python", examples, "```"]
    if question.hints:
        text += [
            "",
            f'Stuck? `hint("{question.id}", 1)` shows the first of {len(question.hints)} hints.',
        ]
    source = reference_source(question) if solutions else None
    cells = [
        md("\n".join(text)),
        code(source or question.starter),
        code(f'check("{question.id}", {question.function})'),
    ]
    recipe = RECIPES.get(question.function) if runtime == "NumPy" else None
    if recipe is not None:
        body = textwrap.indent(textwrap.dedent(recipe.code).strip(), "    ")
        cells += [md(recipe.caption), code(f"if implemented({question.function}):\n{body}")]
    return cells


def cells(module: Module, questions: list[CodeQuestion], *, solutions: bool) -> list[NotebookNode]:
    numpy = [q for q in questions if not q.id.startswith("torch-")]
    torch = [q for q in questions if q.id.startswith("torch-")]
    purpose = (
        f"Implement the code exercises of {module.title} in NumPy"
        + (" and PyTorch" if torch else "")
        + ", check each against the server's hidden test cases, and plot what your code does on"
        " seeded data. The study summary comes first; the questions to answer come last."
    )
    out = [opening(f"{module.title}: exercises", purpose), setup(), *study([module])]
    out += [
        md("## Data\n\nSeeded generators for the plots: the same seed gives the same data."),
        code(DATA),
    ]
    out.append(md("## Exercises"))
    for q in numpy:
        out += exercise(q, solutions=solutions)
    if torch:
        out.append(md(
            "## PyTorch track\n\nThese need PyTorch in this kernel (`pip install torch`); the"
            " server judges them in its own PyTorch sandbox, gradients included."
        ))  # fmt: skip
        for q in torch:
            out += exercise(q, solutions=solutions)
    opens = [q for q in module.questions if q.kind == "open"][:3]
    if opens:
        out.append(
            md("## Questions to answer\n\nAnswers in words, graded on their ideas (not keywords).")
        )
        for question in opens:
            out += asked(question, solutions=solutions)
    return out
