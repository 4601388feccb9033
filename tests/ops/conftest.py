"""An API client on settings of the test's choosing (limits are what these tests are about)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import ContentSet

PASSWORD = "correct horse 42"
ClientFactory = Callable[..., Any]


@pytest.fixture
def make_client(settings: Settings, shipped_content: ContentSet) -> Iterator[ClientFactory]:
    """``with make_client(max_body_bytes=4096) as client:`` — the app on changed settings."""
    upgrade(settings.database_url)

    @contextmanager
    def build(**changes: Any) -> Iterator[TestClient]:
        app = create_app(settings.model_copy(update=changes), shipped_content)
        with TestClient(app) as client:
            yield client

    yield build


def sign_up(client: TestClient, username: str) -> dict[str, str]:
    """Create an account and return its bearer header."""
    reply = client.post("/api/v1/users", json={"username": username, "password": PASSWORD})
    assert reply.status_code == 201, reply.text
    token = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for the shared-limits tests: a new database on
    DESCENT_TEST_POSTGRES_URL's server when it is set, else a throwaway server (skipped where
    PostgreSQL is not installed, except in CI)."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    from tests.conftest import POSTGRES
    from tests.scale.cluster import in_ci, postgres_bin, throwaway_postgres

    with contextlib.ExitStack() as stack:
        if POSTGRES:
            admin = POSTGRES
        elif postgres_bin() is not None:
            admin = stack.enter_context(throwaway_postgres()).url
        else:
            reason = "PostgreSQL is not installed (apt-get install postgresql)"
            if in_ci():
                pytest.fail(f"{reason}; CI installs it")
            pytest.skip(reason)
        server = make_url(admin)
        dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
        name = f"descent_limits_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        try:
            yield url
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
