"""Shared fixtures: a temporary SQLite database per test and an API client on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db.migrate import upgrade
from app.main import create_app
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


@pytest.fixture
def client(settings: Settings, shipped_content: ContentSet) -> Iterator[TestClient]:
    upgrade(settings.database_url)
    app = create_app(settings, shipped_content)
    with TestClient(app) as test_client:
        yield test_client
