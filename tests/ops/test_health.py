"""Liveness and readiness for load balancers: what each probe reports and when it says no."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db.migrate import downgrade, upgrade
from app.db.session import make_engine, make_session_factory
from app.settings import Settings
from app.startup import StartingApp
from tests.ops.conftest import ClientFactory

PROBES = ["/healthz", "/healthz/live", "/healthz/ready"]


@pytest.mark.parametrize("prefix", ["", "/api/v1"])
def test_every_probe_answers_at_the_root_and_under_the_api(
    make_client: ClientFactory, prefix: str
) -> None:
    with make_client() as client:
        replies = {path: client.get(prefix + path) for path in PROBES}
    assert {path: r.status_code for path, r in replies.items()} == dict.fromkeys(PROBES, 200)
    health = replies["/healthz"].json()  # the original report, unchanged
    assert health["status"] == "ok" and health["database"] == "ok"
    assert health["content"]["topics"] > 0
    assert replies["/healthz/live"].json()["status"] == "live"
    ready = replies["/healthz/ready"].json()
    assert ready["status"] == "ready" and ready["reasons"] == []
    assert ready["checks"] | {"sandbox": "-"} == {
        "database": "ok",
        "schema": "current",
        "sandbox": "-",
        "content": "loaded",
        "limits": "local",  # SQLite: one process
    }
    assert ready["checks"]["sandbox"] in ("warm", "disabled")  # disabled: still ready


def test_the_probes_are_documented_under_the_api_only(make_client: ClientFactory) -> None:
    with make_client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/healthz", "/api/v1/healthz/live", "/api/v1/healthz/ready"} <= set(paths)
    assert not {"/healthz", "/healthz/ready"} & set(paths)


def test_not_ready_when_the_database_does_not_answer(make_client: ClientFactory) -> None:
    with make_client() as client:
        app: Any = client.app
        gone = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
        app.state.session_factory = make_session_factory(gone)
        ready = client.get("/healthz/ready")
        health = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == "unreachable"
    assert ready.json()["reasons"] == ["the database does not answer"]
    assert health.status_code == 503 and health.json()["status"] == "degraded"


def test_not_ready_on_an_older_schema_ready_on_a_newer_one(
    make_client: ClientFactory, settings: Settings
) -> None:
    with make_client() as client:
        downgrade(settings.database_url, "0003")
        behind = client.get("/healthz/ready")
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        with engine.begin() as conn:  # as if the next release's migrations had run
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_next'"))
        newer = client.get("/healthz/ready")
        engine.dispose()
    assert behind.status_code == 503
    assert behind.json()["checks"]["schema"] == "behind"
    assert "descent db upgrade" in behind.json()["reasons"][0]
    assert newer.status_code == 200 and newer.json()["checks"]["schema"] == "newer"


def test_not_ready_until_the_code_sandbox_started(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_client() as client:
        monkeypatch.setattr(
            "app.api.routes.health.default_sandbox", lambda: SimpleNamespace(report=None)
        )
        ready = client.get("/healthz/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["sandbox"] == "starting"


def test_while_starting_live_answers_and_ready_does_not() -> None:
    building = threading.Event()

    def build() -> Any:
        building.wait(10)
        raise RuntimeError("never built in this test")

    app = StartingApp(build, on_failure=lambda exc: None)
    with TestClient(app) as client:
        try:
            live = client.get("/healthz/live")
            ready = client.get("/healthz/ready")
        finally:
            building.set()  # let the build fail now, so that shutdown need not wait for it
    assert live.status_code == 200 and live.json()["status"] == "live"
    assert ready.status_code == 503 and ready.headers["retry-after"] == "1"
    assert ready.json()["type"] == "/problems/starting"
