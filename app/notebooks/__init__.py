"""Jupyter notebooks generated from the content: one per capstone, one per topic with code
exercises. Each opens with how to start a server and use the client, then the study summary,
seeded data, starter cells with check cells, plots, and questions to answer.

``build(id, content)`` returns an ``nbformat`` notebook; ``solutions=True`` fills the starters
with the reference solutions (for tests and screenshots; never served). ``catalog(content)``
lists what can be built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_notebook

from app import __version__
from app.notebooks import capstone_classification, capstone_landscapes, capstone_regression, topic
from app.notebooks.cells import asked, opening, reflection, setup, study
from content import ContentSet
from content.schema import Question
from engine.kinds import get_kind
from engine.kinds.code import CodeQuestion

MEDIA_TYPE = "application/x-ipynb+json"


class UnknownNotebook(LookupError):
    """No notebook has this id."""


@dataclass(frozen=True)
class Capstone:
    id: str
    title: str
    purpose: str
    topics: tuple[str, ...]  # their study summaries open the notebook
    demos: tuple[str, ...]
    checks: tuple[str, ...]
    module: ModuleType  # DATA…, cells(solutions=…), QUESTIONS, ASKED


CAPSTONES = {
    c.id: c
    for c in (
        Capstone(
            "capstone-regression",
            "Capstone: regression losses on noisy data with outliers",
            "Fit one line under MSE, MAE and Huber to the same seeded data with outliers, compare"
            " the fits with the exact minimisers, and watch Huber slide from MAE to MSE as δ grows.",
            ("mse", "mae", "huber"),
            ("regression-losses", "loss-surface"),
            ("fits", "delta-sweep"),
            capstone_regression,
        ),
        Capstone(
            "capstone-classification",
            "Capstone: classification losses on separable and overlapping data",
            "Train logistic, hinge and squared-error classifiers on separable and overlapping"
            " data: see the logistic weights grow without bound where the hinge's stop, and see"
            " where each loss puts the boundary.",
            ("binary-cross-entropy", "hinge-loss"),
            ("classification-losses",),
            ("weight-growth", "boundaries"),
            capstone_classification,
        ),
        Capstone(
            "capstone-landscapes",
            "Capstone: loss landscapes and gradient magnitudes",
            "Map the MSE, MAE and Huber surfaces of the regression capstone, measure how each"
            " gradient grows away from the minimum, and follow the gradient norm through training"
            " on the classification capstone's data.",
            ("loss-landscapes",),
            ("loss-surface", "loss-landscape"),
            ("surfaces", "gradient-norms", "training-gradients"),
            capstone_landscapes,
        ),
    )
}


@dataclass(frozen=True)
class NotebookInfo:
    id: str
    kind: str  # "capstone" | "topic"
    title: str
    description: str
    topics: tuple[str, ...]
    demos: tuple[str, ...]
    questions: tuple[str, ...]
    checks: tuple[str, ...]


def _runnable(question: Question) -> bool:
    """False for a question this server cannot judge (PyTorch missing)."""
    return get_kind(question.kind).unavailable(question) is None


def topic_questions(
    content: ContentSet, topic_id: str, *, torch: bool | None = None
) -> list[CodeQuestion]:
    """The topic's code questions; PyTorch ones only where they can be judged (or as told)."""
    questions = [
        q
        for qid, q in content.questions.items()
        if content.question_topic[qid] == topic_id and isinstance(q, CodeQuestion)
    ]
    keep: Callable[[Question], bool] = (
        (lambda q: _runnable(q)) if torch is None else (lambda q: torch)
    )
    return [q for q in questions if not q.id.startswith("torch-") or keep(q)]


def _checked(cells: list[NotebookNode]) -> tuple[str, ...]:
    ids = []
    for cell in cells:
        for call in ("check(", "ask("):
            if cell.cell_type == "code" and (
                cell.source.startswith(call) or f"\n{call}" in cell.source
            ):
                ids.append(cell.source.split(call, 1)[1].split('"')[1])
    return tuple(dict.fromkeys(ids))


def catalog(content: ContentSet) -> list[NotebookInfo]:
    """Every notebook: the capstones, then each topic with code exercises."""
    out = []
    for c in CAPSTONES.values():
        cells = c.module.cells(solutions=False)
        questions = (*_checked(cells), *c.module.ASKED)
        out.append(
            NotebookInfo(
                c.id, "capstone", c.title, c.purpose, c.topics, c.demos, questions, c.checks
            )
        )
    for tid, module in content.topics.items():
        exercises = topic_questions(content, tid)
        if not exercises:
            continue
        opens = [q.id for q in module.questions if q.kind == "open"][:3]
        description = f"The {module.title} code exercises in Jupyter, checked by Descent, with plots and questions."
        out.append(NotebookInfo(tid, "topic", module.title, description, (tid,), (),
                                (*(q.id for q in exercises), *opens), ()))  # fmt: skip
    return out


def ids(content: ContentSet) -> list[str]:
    return [n.id for n in catalog(content)]


def build(
    notebook_id: str, content: ContentSet, *, solutions: bool = False, torch: bool | None = None
) -> NotebookNode:
    """The notebook ``notebook_id`` as an nbformat v4 notebook, validated."""
    if notebook_id in CAPSTONES:
        c = CAPSTONES[notebook_id]
        modules = [content.topics[t] for t in c.topics if t in content.topics]
        cells = [
            opening(c.title, c.purpose),
            setup(),
            *study(modules, steps=False),
            *c.module.cells(solutions=solutions),
        ]
        for qid in c.module.ASKED:
            if qid in content.questions:
                cells += asked(content.questions[qid], solutions=solutions)
        cells += reflection(c.module.QUESTIONS)
    elif notebook_id in content.topics and (
        questions := topic_questions(content, notebook_id, torch=torch)
    ):
        cells = topic.cells(content.topics[notebook_id], questions, solutions=solutions)
    else:
        raise UnknownNotebook(notebook_id)
    for k, cell in enumerate(cells):
        cell["id"] = f"{notebook_id}-{k:03d}"  # stable ids: the same content gives the same file
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "descent": {"notebook": notebook_id, "version": __version__},
    })  # fmt: skip
    nbformat.validate(notebook)
    return notebook


def dumps(notebook: NotebookNode) -> str:
    return nbformat.writes(notebook)
