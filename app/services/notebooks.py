"""Notebooks: the catalogue, building one, and running a capstone's check on the learner's
numbers (the reference computations are in ``engine.capstones``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from app import notebooks
from app import schemas as s
from app.errors import CheckTimeout, NotFound
from app.ops.bounded import DEMO_POOL, RETRY_AFTER_S, Abandoned
from content import ContentSet
from engine.capstones import Report, classification, landscapes, regression

API = "/api/v1/notebooks"


def _summary(info: notebooks.NotebookInfo) -> s.NotebookSummary:
    return s.NotebookSummary(
        id=info.id, kind=info.kind, title=info.title, description=info.description,  # type: ignore[arg-type]
        topics=list(info.topics), demos=list(info.demos), questions=list(info.questions),
        checks=list(info.checks), download=f"{API}/{info.id}.ipynb",
    )  # fmt: skip


def get_all(*, content: ContentSet) -> list[s.NotebookSummary]:
    """Every notebook this server can build."""
    return [_summary(info) for info in notebooks.catalog(content)]


_BUILT: dict[tuple[str, bool | None], tuple[ContentSet, str]] = {}


def get(*, content: ContentSet, notebook_id: str, torch: bool | None = None) -> str:
    """One notebook as .ipynb JSON text (built once per process: the content does not change)."""
    cached = _BUILT.get((notebook_id, torch))
    if cached is not None and cached[0] is content:
        return cached[1]
    try:
        text = notebooks.dumps(notebooks.build(notebook_id, content, torch=torch))
    except notebooks.UnknownNotebook:
        raise NotFound(
            f"no notebook with id {notebook_id!r}; GET {API} lists them (a capstone id, or a"
            " topic with code exercises)"
        ) from None
    _BUILT[notebook_id, torch] = (content, text)
    return text


def _regression(body: s.RegressionDataIn) -> regression.Data:
    return regression.make_data(**body.model_dump())


def _classification(body: s.ClassificationDataIn) -> dict[str, classification.Data]:
    return {ds: classification.make_data(ds, **body.model_dump()) for ds in classification.DATASETS}


def _pairs(fits: dict[str, s.LineFit]) -> dict[str, tuple[float | None, float | None]]:
    return {loss: (f.slope, f.intercept) for loss, f in fits.items()}


@dataclass(frozen=True)
class Check:
    body: type[BaseModel]
    run: Callable[[Any], Report]


CHECKS: dict[tuple[str, str], Check] = {
    ("capstone-regression", "fits"): Check(
        s.RegressionFitsCheck,
        lambda b: regression.check_fits(_regression(b.data), _pairs(b.fits), b.delta),
    ),
    ("capstone-regression", "delta-sweep"): Check(
        s.DeltaSweepCheck,
        lambda b: regression.check_delta_sweep(_regression(b.data), b.deltas, b.slopes),
    ),
    ("capstone-classification", "weight-growth"): Check(
        s.WeightGrowthCheck,
        lambda b: classification.check_weight_growth(
            _classification(b.data), b.lr, b.checkpoints, b.norms
        ),
    ),
    ("capstone-classification", "boundaries"): Check(
        s.BoundariesCheck,
        lambda b: classification.check_boundaries(
            _classification(b.data), b.weights, b.lam, b.steps
        ),
    ),
    ("capstone-landscapes", "surfaces"): Check(
        s.SurfacesCheck,
        lambda b: landscapes.check_surfaces(
            _regression(b.data), b.surfaces, np.array(b.slopes), np.array(b.intercepts), b.delta
        ),
    ),
    ("capstone-landscapes", "gradient-norms"): Check(
        s.GradientNormsCheck,
        lambda b: landscapes.check_gradient_norms(_regression(b.data), b.offsets, b.norms, b.delta),
    ),
    ("capstone-landscapes", "training-gradients"): Check(
        s.TrainingGradientsCheck,
        lambda b: landscapes.check_training_gradients(
            _classification(b.data), b.lr, b.checkpoints, b.norms
        ),
    ),
}


def _finite(values: Mapping[str, float | None]) -> dict[str, float | None]:
    """JSON has no NaN or infinity: such values (a diverged run) go out as null."""
    return {k: v if v is not None and math.isfinite(v) else None for k, v in values.items()}


def unknown_check(*, notebook_id: str, check: str) -> NotFound:
    known = [c for nb, c in CHECKS if nb == notebook_id]
    if not known:
        return NotFound(f"notebook {notebook_id!r} has no checks; the capstones do: GET {API}")
    return NotFound(f"notebook {notebook_id!r} has no check {check!r}; it has: {', '.join(known)}")


def run_check(
    *, notebook_id: str, check: str, body: BaseModel, timeout: float
) -> s.CheckResultRead:
    """Compare the learner's numbers with the reference (in the demo pool, within ``timeout``)."""
    spec = CHECKS[notebook_id, check]

    def run() -> Report:
        with np.errstate(all="ignore"):  # a learner's rate may make the reference run diverge
            return spec.run(body)

    try:
        result = DEMO_POOL.run(run, timeout)
    except Abandoned:
        raise CheckTimeout(
            f"the check took longer than {timeout:g} s and was abandoned; try again later",
            retry_after=RETRY_AFTER_S,
        ) from None
    return s.CheckResultRead(
        notebook=notebook_id, check=check, passed=result.passed, score=result.score,
        summary=result.summary, comments=list(result.comments),
        items=[s.CheckItemRead(name=i.name, passed=i.passed, message=i.message,
                               yours=_finite(i.yours), reference=_finite(i.reference))
               for i in result.items],
    )  # fmt: skip
