"""Liveness and readiness, for people and for load balancers.

- ``/healthz/live``: the process answers (200 as soon as it listens, even while it starts).
- ``/healthz/ready``: this instance should get traffic: the database answers, its schema is the
  one this release needs (or a newer, additive one: an upgrade ran for the next release), the
  code sandbox has started (warm, or disabled on a machine that cannot confine code: every
  other request still works) and the content is loaded. 503 with the failing check otherwise.
- ``/healthz``: the original report (database and content counts), kept as it was.

Each is served at the root (for balancers and container health checks) and under ``/api/v1``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from app import __version__
from app import schemas as s
from app.api.deps import CatalogDep, SessionDep
from engine.sandbox import default_sandbox

router = APIRouter(tags=["health"])
probes = APIRouter(include_in_schema=False)  # the same routes at the root

Database = Literal["ok", "unreachable"]
Schema = Literal["current", "newer", "behind", "unknown"]
Sandbox = Literal["warm", "disabled", "starting"]


class Live(BaseModel):
    status: Literal["live"]
    version: str


class Ready(BaseModel):
    status: Literal["ready", "not-ready"]
    version: str
    checks: dict[str, str]
    reasons: list[str]


@lru_cache
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """This release's migration heads and every revision it knows."""
    from alembic.script import ScriptDirectory

    from app.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = frozenset(rev.revision for rev in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


def _database(session: Session) -> tuple[Database, Schema]:
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not reachable" to a probe
        return "unreachable", "unknown"
    try:
        rows = session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except Exception:
        session.rollback()
        return "ok", "behind"  # never migrated
    heads, known = _revisions()
    found = set(rows)
    if found == heads:
        return "ok", "current"
    if found and not found & known:
        return "ok", "newer"  # a later release's migrations (additive) ran: keep serving
    return "ok", "behind"


def _sandbox() -> Sandbox:
    report = default_sandbox().report
    if report is None:
        return "starting"
    return "warm" if report.enabled else "disabled"


@router.get("/healthz", response_model=s.Health, responses={503: {"model": s.Health}})
@probes.get("/healthz")
def healthz(catalog: CatalogDep, session: SessionDep) -> JSONResponse:
    """Report whether the database answers and how much content is loaded."""
    try:
        session.execute(text("SELECT 1"))
        database: Database = "ok"
    except Exception:  # any driver error means "not reachable" to a probe
        database = "unreachable"
    health = s.Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        content=catalog.counts(),
    )
    return JSONResponse(health.model_dump(), status_code=200 if database == "ok" else 503)


@router.get("/healthz/live", response_model=Live)
@probes.get("/healthz/live")
def live() -> Live:
    """The process answers (it may still be starting: see /healthz/ready)."""
    return Live(status="live", version=__version__)


@router.get("/healthz/ready", response_model=Ready, responses={503: {"model": Ready}})
@probes.get("/healthz/ready")
def ready(request: Request, catalog: CatalogDep, session: SessionDep) -> JSONResponse:
    """Whether this instance should get traffic: database, schema, code sandbox, content."""
    database, schema = _database(session)
    sandbox = _sandbox()
    limits = getattr(request.app.state, "limits", None)
    checks = {
        "database": database,
        "schema": schema,
        "sandbox": sandbox,
        "content": "loaded" if catalog.counts().topics else "empty",
        "limits": "shared" if getattr(limits, "shared", False) else "local",
    }
    reasons = []
    if database != "ok":
        reasons.append("the database does not answer")
    if schema == "behind":
        reasons.append("the database schema is older than this release: run `descent db upgrade`")
    if sandbox == "starting":
        reasons.append("the code sandbox has not started yet")
    if checks["content"] != "loaded":
        reasons.append("no content is loaded")
    body = Ready(
        status="not-ready" if reasons else "ready",
        version=__version__,
        checks=checks,
        reasons=reasons,
    )
    return JSONResponse(body.model_dump(), status_code=503 if reasons else 200)
