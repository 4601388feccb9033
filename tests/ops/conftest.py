"""An API client on settings of the test's choosing (limits are what these tests are about)."""

from __future__ import annotations

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
