"""Code gradings hold a runner place across instances (app.ops.shared.runner_place): the
grading path enters the installed share for code questions, with the client it runs for, and a
client at its cap across instances gets 503 code-runners-busy; other kinds never touch it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from app.ops import shared
from engine.sandbox import SandboxBusy
from tests.api.test_code_attempts import MSE_OK


class RecordingShare:
    """Stands in for the PostgreSQL-backed share: records who asked, refuses when told to."""

    def __init__(self, refuse: bool = False) -> None:
        self.clients: list[str | None] = []
        self.refuse = refuse

    @contextmanager
    def __call__(self, client: str | None) -> Iterator[None]:
        self.clients.append(client)
        if self.refuse:
            raise SandboxBusy("this client's code runners are all in use", 5)
        yield


@pytest.fixture
def share() -> Iterator[RecordingShare]:
    saved = shared._installed
    recording = RecordingShare()
    shared.use_runner_share(recording)  # type: ignore[arg-type]
    yield recording
    shared.use_runner_share(saved)


def test_a_code_grading_holds_a_place_for_its_client(
    code_client: TestClient,
    share: RecordingShare,
) -> None:
    response = code_client.post("/api/v1/questions/code-mse/attempts", json={"answer": MSE_OK})
    assert response.status_code == 200, response.text
    assert len(share.clients) == 1 and (share.clients[0] or "").startswith("ip:")


def test_a_client_at_its_cap_across_instances_is_told_to_retry(
    code_client: TestClient,
    share: RecordingShare,
) -> None:
    share.refuse = True
    response = code_client.post("/api/v1/questions/code-mse/attempts", json={"answer": MSE_OK})
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "code-runners-busy" in response.json()["type"]
    assert response.headers.get("retry-after")


def test_other_kinds_hold_no_place(client: TestClient, share: RecordingShare) -> None:
    for qid, answer in [("mse-compute-batch", "0.375"), ("mse-gradient-form", "x")]:
        response = client.post(f"/api/v1/questions/{qid}/attempts", json={"answer": answer})
        assert response.status_code == 200, response.text
    assert share.clients == []
