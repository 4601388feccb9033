"""The demo lab: seeded optimizer, loss and regularization experiments with Plotly figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse

from app import schemas as s
from app.api.deps import SettingsDep
from app.api.responses import problems
from app.ops.bounded import demo_run
from app.ops.ratelimit import DemoLimit
from engine.demos import DEMOS, render

router = APIRouter(prefix="/demos", tags=["demos"])


def demo_summaries() -> list[s.DemoSummary]:
    return [
        s.DemoSummary(
            id=d.id,
            title=d.title,
            description=d.description,
            topics=list(d.topics),
            params=d.params_schema(),
        )
        for d in DEMOS.values()
    ]


@router.get("", response_model=s.Page[s.DemoSummary])
def list_demos() -> s.Page[s.DemoSummary]:
    """List every demo with its topics and the JSON schema of its parameters."""
    demos = demo_summaries()
    return s.Page(data=demos, count=len(demos))


@router.post(
    "/{demo_id}",
    response_model=s.DemoRunRead,
    dependencies=[DemoLimit],
    responses=problems(404, 422, 429, 503),
)
def run_demo(
    settings: SettingsDep,
    demo_id: Annotated[str, Path(max_length=80, description="Demo id, e.g. optimizer-paths")],
    params: Annotated[
        dict[str, Any] | None,
        Body(description="Parameters; {} or no body = the defaults", examples=[{"steps": 300}]),
    ] = None,
) -> JSONResponse:
    """Run a demo (seeded: same parameters, same output) and return data, summary and figure."""
    out = demo_run(
        lambda: render(demo_id, params or {}), demo_id=demo_id, timeout=settings.demo_timeout_s
    )
    # Already plain JSON: skip re-validating megabytes of floats against the response model.
    return JSONResponse(out)
