"""Notebooks: the generated Jupyter notebooks, and the capstones' checks on a learner's numbers."""

# No `from __future__ import annotations` here: each check's route is made in a loop, and its
# body annotation must be the model class itself for FastAPI to read it.

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app import schemas as s
from app.api.deps import CatalogDep, SettingsDep
from app.api.responses import problems
from app.notebooks import MEDIA_TYPE
from app.ops.ratelimit import DemoLimit
from app.services import notebooks

router = APIRouter(prefix="/notebooks", tags=["notebooks"])
NotebookId = Annotated[str, Path(max_length=80, description="A topic id or a capstone id")]


@router.get("", response_model=s.Page[s.NotebookSummary])
def list_notebooks(catalog: CatalogDep) -> s.Page[s.NotebookSummary]:
    """List every notebook: the capstones, then each topic with code exercises."""
    data = notebooks.get_all(content=catalog.content)
    return s.Page(data=data, count=len(data))


@router.get(
    "/{notebook_id}.ipynb",
    response_class=Response,
    responses={
        200: {"content": {MEDIA_TYPE: {}}, "description": "A Jupyter notebook (nbformat 4)"}
    },
)
def download_notebook(
    catalog: CatalogDep,
    notebook_id: NotebookId,
    torch: Annotated[
        bool | None,
        Query(
            description="Include the PyTorch exercises (default: when this server can judge them)"
        ),
    ] = None,
) -> Response:
    """Download a notebook: study summary, seeded data, starters, check cells, plots, questions."""
    text = notebooks.get(content=catalog.content, notebook_id=notebook_id, torch=torch)
    disposition = f'attachment; filename="{notebook_id}.ipynb"'
    return Response(text, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})


def _check_route(notebook_id: str, check: str, body_model: type[BaseModel]) -> None:
    def run_check(body: body_model, settings: SettingsDep) -> s.CheckResultRead:  # type: ignore[valid-type]
        return notebooks.run_check(
            notebook_id=notebook_id, check=check, body=body, timeout=settings.demo_timeout_s
        )

    run_check.__doc__ = (body_model.__doc__ or "").strip().split("\n")[0] + (
        " Compared with the reference on the same seeded data."
    )
    router.add_api_route(
        f"/{notebook_id}/checks/{check}",
        run_check,
        methods=["POST"],
        response_model=s.CheckResultRead,
        dependencies=[DemoLimit],
        responses=problems(422, 429, 503),
        summary=f"Check {notebook_id}: {check}",
        operation_id=f"check_{notebook_id}_{check}".replace("-", "_"),
    )


for (_notebook, _check), _spec in notebooks.CHECKS.items():
    _check_route(_notebook, _check, _spec.body)


@router.post("/{notebook_id}/checks/{check}", responses=problems(404), include_in_schema=False)
def unknown_check(
    request: Request, notebook_id: NotebookId, check: Annotated[str, Path(max_length=80)]
) -> None:
    """Any other notebook or check: a 404 that lists the checks there are."""
    raise notebooks.unknown_check(notebook_id=notebook_id, check=check)
