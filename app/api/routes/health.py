"""Liveness and readiness."""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app import __version__
from app import schemas as s
from app.api.deps import CatalogDep, SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=s.Health, responses={503: {"model": s.Health}})
def healthz(catalog: CatalogDep, session: SessionDep) -> JSONResponse:
    """Report whether the database answers and how much content is loaded."""
    try:
        session.execute(text("SELECT 1"))
        database: Literal["ok", "unreachable"] = "ok"
    except Exception:  # any driver error means "not reachable" to a probe
        database = "unreachable"
    health = s.Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        content=catalog.counts(),
    )
    return JSONResponse(health.model_dump(), status_code=200 if database == "ok" else 503)
