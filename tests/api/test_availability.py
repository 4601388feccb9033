"""Questions this server cannot grade (PyTorch questions without PyTorch): marked in every list,
filterable, and answered with what to install — a 501, never "try again in a moment"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

import engine.sandbox.runtimes as runtimes
from app.services import reviews
from app.services.catalog import Catalog, JsonCache
from content import ContentSet
from engine.sandbox.runtimes import TORCH_VERSION
from tests.api.test_learners import sign_up

INSTALL = f"pip install torch=={TORCH_VERSION}"


def torch_ids(content: ContentSet) -> set[str]:
    return {q for q in content.questions if q.startswith("torch-")}


@pytest.fixture
def torchless(
    client: TestClient,
    shared_app: tuple[FastAPI, TestClient],
    shipped_content: ContentSet,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[TestClient]:
    """The shared app as a server without PyTorch: the availability check says it is missing
    (whether or not this venv has it), and the catalog is rebuilt under that check."""
    real = runtimes._find_spec
    monkeypatch.setattr(
        runtimes, "_find_spec", lambda name: None if name == "torch" else real(name)
    )
    app, _ = shared_app
    saved = app.state.catalog, app.state.json_cache
    app.state.catalog = Catalog(shipped_content)
    app.state.json_cache = JsonCache(app.state.catalog)
    try:
        yield client
    finally:
        app.state.catalog, app.state.json_cache = saved


def listed(client: TestClient, query: str = "") -> list[dict[str, Any]]:
    reply = client.get(f"/api/v1/questions?limit=500{query}")
    assert reply.status_code == 200, reply.text
    return list(reply.json()["data"])


def test_every_list_marks_them_with_what_to_install(
    torchless: TestClient, shipped_content: ContentSet
) -> None:
    torch = torch_ids(shipped_content)
    assert torch, "the shipped content has PyTorch questions"
    everything = listed(torchless)
    for q in everything:
        if q["id"] in torch:
            assert q["available"] is False
            assert "PyTorch is not installed" in q["unavailable_reason"]
            assert INSTALL in q["unavailable_reason"]
        else:
            assert q["available"] is True and q["unavailable_reason"] is None
    some = next(iter(sorted(torch)))
    topic = shipped_content.question_topic[some]
    on_page = torchless.get(f"/api/v1/topics/{topic}").json()["questions"]
    assert next(q for q in on_page if q["id"] == some)["available"] is False
    read = torchless.get(f"/api/v1/questions/{some}").json()
    assert read["available"] is False and INSTALL in read["unavailable_reason"]
    assert read["input"]["available"] is False


def test_lists_filter_on_availability(torchless: TestClient, shipped_content: ContentSet) -> None:
    torch = torch_ids(shipped_content)
    gradable = listed(torchless, "&available=true")
    missing = listed(torchless, "&available=false")
    assert {q["id"] for q in missing} == torch
    assert not torch & {q["id"] for q in gradable}
    assert len(gradable) + len(missing) == len(shipped_content.questions)
    count = torchless.get("/api/v1/questions?available=false&limit=1").json()["count"]
    assert count == len(torch)
    bad = torchless.get("/api/v1/questions?available=maybe")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_ask_marks_the_practice_questions_it_suggests(
    torchless: TestClient, shipped_content: ContentSet
) -> None:
    some = shipped_content.questions[sorted(torch_ids(shipped_content))[0]]
    reply = torchless.post("/api/v1/ask", json={"question": some.prompt[:300]}).json()
    marks = {q["id"]: q["available"] for q in reply["questions"]}
    assert marks.get(some.id) is False, marks
    assert all(avail for qid, avail in marks.items() if not qid.startswith("torch-"))


def test_an_attempt_says_what_to_install_not_to_wait(
    torchless: TestClient, shipped_content: ContentSet
) -> None:
    some = sorted(torch_ids(shipped_content))[0]
    reply = torchless.post(f"/api/v1/questions/{some}/attempts", json={"answer": "def f(): pass"})
    assert reply.status_code == 501, reply.text
    assert "retry-after" not in reply.headers
    problem = reply.json()
    assert problem["type"] == "/problems/code-runtime-unavailable"
    assert INSTALL in problem["detail"] and "again" not in problem["detail"]


def test_due_reviews_are_marked(
    torchless: TestClient,
    shared_app: tuple[FastAPI, TestClient],
    shipped_content: ContentSet,
) -> None:
    """A card of a PyTorch question the learner studied where PyTorch was installed."""
    headers = sign_up(torchless)
    some = sorted(torch_ids(shipped_content))[0]
    app, _ = shared_app
    with app.state.session_factory() as session:
        me = torchless.get("/api/v1/me", headers=headers).json()["id"]
        reviews.review(
            session=session,
            user_id=me,
            question_id=some,
            topic_id=shipped_content.question_topic[some],
            rating=reviews.RATINGS["again"],
            source="self",
            attempt_id=None,
        )
        session.commit()
    with app.state.engine.begin() as conn:  # the card falls due
        conn.execute(text("UPDATE review_cards SET due = '2000-01-01 00:00:00.000000'"))
    due = torchless.get("/api/v1/me/reviews/due", headers=headers).json()["data"]
    card = next(c for c in due if c["question"] == some)
    assert card["available"] is False and INSTALL in card["unavailable_reason"]
