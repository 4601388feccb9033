"""Shared fixtures: a temporary SQLite database per test and an API client on it."""

from __future__ import annotations

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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'descent.db'}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, content_dir=PACKAGED_CONTENT_DIR, secret_key="test-secret")


@pytest.fixture
def client(settings: Settings, shipped_content: ContentSet) -> Iterator[TestClient]:
    upgrade(settings.database_url)
    app = create_app(settings, shipped_content)
    with TestClient(app) as test_client:
        yield test_client
