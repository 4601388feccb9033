"""Fixtures shared by the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import load_content

CODE_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "code_module"


@pytest.fixture
def code_client(db_url: str) -> Iterator[TestClient]:
    """The app serving the small code module of tests/fixtures, on this test's database."""
    content = load_content(CODE_FIXTURE)
    assert content.ok, content.errors
    settings = Settings(database_url=db_url, content_dir=CODE_FIXTURE, secret_key="test")
    upgrade(db_url)
    with TestClient(create_app(settings, content)) as client:
        yield client
