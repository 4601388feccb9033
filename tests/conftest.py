"""Shared fixtures: a temporary SQLite database per test and an API client on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.main import create_app
from app.ops.ratelimit import RateLimiter
from app.services.auth import LoginThrottle
from app.settings import Settings
from content import PACKAGED_CONTENT_DIR, ContentSet, load_content

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shipped_content() -> ContentSet:
    content = load_content(PACKAGED_CONTENT_DIR)
    assert content.ok, "\n".join(map(str, content.errors))
    return content


POSTGRES = os.environ.get(
    "DESCENT_TEST_POSTGRES_URL"
)  # e.g. postgresql+psycopg://u@host:5432/postgres


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh empty database per test: an SQLite file, or with DESCENT_TEST_POSTGRES_URL set,
    a new PostgreSQL database on that server (dropped afterwards)."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'descent.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES)
    name = f"descent_test_{uuid.uuid4().hex[:12]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, content_dir=PACKAGED_CONTENT_DIR, secret_key="test-secret")


@pytest.fixture(scope="session")
def shared_app(
    shipped_content: ContentSet, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, TestClient]]:
    """One app (and one running test client) on the shipped content for the whole session:
    building it renders every topic, question and figure, which each test need not repeat."""
    url = f"sqlite:///{tmp_path_factory.mktemp('shared') / 'descent.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url, content_dir=PACKAGED_CONTENT_DIR, secret_key="test-secret"
    )
    app = create_app(settings, shipped_content)
    with TestClient(app) as test_client:
        yield app, test_client


@pytest.fixture
def client(settings: Settings, shared_app: tuple[FastAPI, TestClient]) -> Iterator[TestClient]:
    """The shared app, pointed at this test's own fresh database, with fresh limits."""
    app, test_client = shared_app
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    saved = (app.state.settings, app.state.engine, app.state.session_factory)
    app.state.settings, app.state.engine = settings, engine
    app.state.session_factory = make_session_factory(engine)
    app.state.login_throttle = LoginThrottle()
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    test_client.cookies.clear()
    try:
        yield test_client
    finally:
        app.state.settings, app.state.engine, app.state.session_factory = saved
        engine.dispose()
