"""Every grading path has a wall-clock bound: a stuck grading is a 503 problem, not a hang."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from app.errors import problem_for
from app.ops import bounded
from app.ops.metrics import REGISTRY
from tests.ops.conftest import ClientFactory, sign_up

BOUND_S = 0.2
STUCK_S = 2.0  # far past the bound; the abandoned call still ends on its own


class Stuck:
    """A call that hangs far past the bound, then says it has ended. A reply that comes while
    it still hangs was bounded; timing the request instead would also count the work around
    the call, which a loaded machine can slow past any fixed figure."""

    def __init__(self) -> None:
        self.ended = threading.Event()

    def __call__(self, *_: Any, **__: Any) -> Any:
        time.sleep(STUCK_S)
        self.ended.set()
        raise AssertionError("an abandoned call's result must never be used")


def test_a_slow_call_is_abandoned_and_counted() -> None:
    before = REGISTRY.get_sample_value(
        "descent_gradings_total", {"kind": "test-slow", "status": "timeout"}
    )
    stuck = Stuck()
    with pytest.raises(bounded.GradingTimeout) as caught:
        bounded.graded(stuck, kind="test-slow", timeout=BOUND_S)
    assert not stuck.ended.is_set()
    response = problem_for(caught.value)
    assert response is not None and response.status_code == 503
    assert response.headers["retry-after"] == "5"
    after = REGISTRY.get_sample_value(
        "descent_gradings_total", {"kind": "test-slow", "status": "timeout"}
    )
    assert after == (before or 0) + 1


def test_fast_calls_return_their_result_with_the_caller_context() -> None:
    from app.ops.logs import REQUEST_ID

    token = REQUEST_ID.set("rid-1")
    try:
        seen = bounded.GRADING_POOL.run(
            lambda: (REQUEST_ID.get(), threading.current_thread().name), 5
        )
    finally:
        REQUEST_ID.reset(token)
    assert seen[0] == "rid-1"  # log lines in the pool thread carry the request id
    assert seen[1].startswith("descent-grading")


def test_an_error_inside_is_raised_not_taken_for_a_timeout() -> None:
    def fails() -> None:
        raise TimeoutError("inner")

    with pytest.raises(TimeoutError, match="inner"):
        bounded.graded(fails, kind="test-error", timeout=5)


def assert_timed_out(reply: Any, code: str) -> None:
    assert reply.status_code == 503, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"] == f"/problems/{code}"
    assert reply.headers["retry-after"] == "5"


@pytest.mark.parametrize(
    ("target", "path", "body"),
    [
        ("app.services.maths.grade_expression", "/api/v1/check/expression",
         {"expected": "2*x", "answer": "x+x"}),
        ("app.services.maths.grade_derivation", "/api/v1/check/expression",
         {"expected": "2*x", "steps": ["x+x"]}),
        ("app.services.maths.parse", "/api/v1/parse", {"text": "x"}),
        ("app.services.attempts.grade", "/api/v1/questions/{open}/attempts",
         {"answer": "squared residuals"}),
    ],
)  # fmt: skip
def test_grading_routes_time_out(
    make_client: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    path: str,
    body: dict[str, Any],
) -> None:
    stuck = Stuck()
    monkeypatch.setattr(target, stuck)
    with make_client(grading_timeout_s=BOUND_S) as client:
        an_open_question = client.get("/api/v1/questions?kind=open").json()["data"][0]["id"]
        reply = client.post(path.format(open=an_open_question), json=body)
        assert not stuck.ended.is_set()  # (stopping the app waits for it: drained)
    assert_timed_out(reply, "grading-timeout")


def test_interview_answers_time_out(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = Stuck()
    monkeypatch.setattr("app.services.interviews.grade", stuck)
    with make_client(grading_timeout_s=BOUND_S) as client:
        headers = sign_up(client, "ada")
        interview = client.post("/api/v1/me/interviews", json={}, headers=headers).json()
        assert interview["turn"]["question"]["kind"] == "open"  # graded in the bounded pool
        reply = client.post(
            f"/api/v1/me/interviews/{interview['id']}/answers",
            json={"answer": "Squaring makes large residuals dominate."},
            headers=headers,
        )
        assert_timed_out(reply, "grading-timeout")
        stored = client.get("/api/v1/me/attempts", headers=headers).json()
        again = client.get(f"/api/v1/me/interviews/{interview['id']}", headers=headers).json()
    assert stored["count"] == 0  # nothing is stored for an abandoned grading
    assert again["turn"]["seq"] == 0 and again["transcript"][0]["answer"] is None


def test_demos_time_out(make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    stuck = Stuck()
    monkeypatch.setattr("app.api.routes.demos.render", stuck)
    with make_client(demo_timeout_s=BOUND_S) as client:
        reply = client.post("/api/v1/demos/lr-schedules", json={})
        assert not stuck.ended.is_set()
    assert_timed_out(reply, "demo-timeout")
    assert REGISTRY.get_sample_value(
        "descent_demo_runs_total", {"demo": "lr-schedules", "outcome": "timeout"}
    )


def test_code_attempts_are_bounded_by_the_sandbox_not_a_pool(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox has its own wall and queue limits; a thread pool would only add a hop."""
    calls: list[str] = []
    monkeypatch.setattr(
        bounded.GRADING_POOL, "run", lambda fn, timeout: calls.append("pool") or fn()
    )
    with make_client() as client:
        client.post("/api/v1/questions/code-softmax/attempts", json={"answer": "def f(:"})
        assert calls == []
        client.post("/api/v1/parse", json={"text": "x"})
        assert calls == ["pool"]


def test_the_pools_work_in_a_forked_child() -> None:
    """A child forked after the pool ran inherits dead threads; it must get a fresh pool."""
    import multiprocessing

    assert bounded.GRADING_POOL.run(lambda: 1, 5) == 1  # the parent's threads exist now
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()

    def child() -> None:
        try:
            out.put(bounded.GRADING_POOL.run(lambda: "ran", 2))
        except bounded.Abandoned:
            out.put("abandoned")

    process = ctx.Process(target=child)
    process.start()
    try:
        assert out.get(timeout=10) == "ran"
    finally:
        process.join(timeout=10)
