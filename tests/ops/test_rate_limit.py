"""Token buckets per client on the grading and demo routes: 429 problems with Retry-After."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.ops.ratelimit import Rate, TokenBuckets, client_address
from app.settings import Settings
from tests.ops.conftest import ClientFactory, sign_up

# Three grading requests at once, then one per 10 s: small enough to exhaust in a test.
TIGHT = {
    "rate_limit_grading_per_ip": 0.1,
    "rate_limit_grading_per_user": 0.1,
    "rate_limit_demos_per_ip": 0.1,
    "rate_limit_demos_per_user": 0.1,
    "rate_limit_burst_s": 30,
}
LIMITED = [
    ("POST", "/api/v1/parse", {"text": "x^2"}),
    ("POST", "/api/v1/check/expression", {"expected": "2*x", "answer": "x+x"}),
    ("POST", "/api/v1/ask", {"question": "what does epsilon do in adam"}),
    ("POST", "/api/v1/questions/adaptive-optimizers-loss-scaling/attempts", {"answer": ["a"]}),
]


def parse(client: TestClient, **headers: str) -> int:
    return client.post("/api/v1/parse", json={"text": "x^2"}, headers=headers).status_code


def test_buckets_refill_at_their_rate() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0])
    rate = Rate(per_second=2.0, burst=3.0)
    assert [buckets.take("k", rate) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k", rate) == pytest.approx(0.5)  # one token takes 1/2 s
    now[0] += 0.5
    assert buckets.take("k", rate) == 0.0
    assert buckets.take("other", rate) == 0.0  # every key has its own bucket
    now[0] += 100
    assert [buckets.take("k", rate) for _ in range(4)][-1] > 0  # refills up to the burst only


def test_idle_buckets_are_dropped_past_the_key_limit() -> None:
    now = [0.0]
    buckets = TokenBuckets(clock=lambda: now[0], max_keys=10)
    rate = Rate(per_second=1.0, burst=2.0)
    for key in range(10):
        buckets.take(key, rate)
    now[0] += 5  # every bucket is full again
    buckets.take("new", rate)
    assert len(buckets._buckets) == 1


@pytest.mark.parametrize(("method", "path", "body"), LIMITED)
def test_grading_routes_answer_429_with_retry_after(
    make_client: ClientFactory, method: str, path: str, body: dict[str, object]
) -> None:
    with make_client(**TIGHT) as client:
        statuses = [client.request(method, path, json=body).status_code for _ in range(4)]
        assert 429 not in statuses[:3] and statuses[3] == 429, statuses
        reply = client.request(method, path, json=body)
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"] == "/problems/rate-limited"
    assert 1 <= int(reply.headers["retry-after"]) <= 10
    assert "x-request-id" in reply.headers


def test_demo_runs_have_their_own_bucket(make_client: ClientFactory) -> None:
    with make_client(**TIGHT) as client:
        for _ in range(3):
            assert parse(client) == 200
        assert parse(client) == 429
        demo = client.post("/api/v1/demos/lr-schedules", json={})
        assert demo.status_code == 200, demo.text
        statuses = [
            client.post("/api/v1/demos/lr-schedules", json={}).status_code for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


def test_signed_in_learners_are_limited_per_account_not_per_address(
    make_client: ClientFactory,
) -> None:
    with make_client(**TIGHT) as client:
        ada, bob = sign_up(client, "ada"), sign_up(client, "bob")
        assert [parse(client, **ada) for _ in range(4)] == [200, 200, 200, 429]
        assert parse(client, **bob) == 200  # same address, another account
        assert parse(client) == 200  # same address, anonymous: the address's own bucket
        assert [parse(client) for _ in range(3)] == [200, 200, 429]
        assert parse(client, **bob) == 200  # an exhausted address does not limit an account


def test_forwarded_for_counts_only_behind_a_trusted_proxy(make_client: ClientFactory) -> None:
    with make_client(**TIGHT) as client:  # not trusted: every request is the TCP peer's
        assert [parse(client, **{"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(4)][-1] == 429
    with make_client(**TIGHT, trust_proxy=1) as client:
        assert [parse(client, **{"X-Forwarded-For": "10.0.0.1"}) for _ in range(4)][-1] == 429
        assert parse(client, **{"X-Forwarded-For": "10.0.0.2"}) == 200


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        (None, 0, "testclient"),
        ("1.1.1.1", 0, "testclient"),
        ("1.1.1.1", 1, "1.1.1.1"),
        ("6.6.6.6, 1.1.1.1", 1, "1.1.1.1"),  # the client cannot spoof past the proxy's entry
        ("6.6.6.6, 1.1.1.1, 10.0.0.9", 2, "1.1.1.1"),
        ("1.1.1.1", 3, "1.1.1.1"),  # fewer hops than proxies: the farthest one known
    ],
)
def test_client_address(header: str | None, proxies: int, expected: str) -> None:
    headers = [(b"x-forwarded-for", header.encode())] if header else []
    scope = {"headers": headers, "client": ("testclient", 50000)}
    assert client_address(scope, proxies) == expected


def test_trust_proxy_reads_true_as_one_proxy() -> None:
    assert Settings(trust_proxy="true").trust_proxy == 1  # type: ignore[arg-type]
    assert Settings(trust_proxy="false").trust_proxy == 0  # type: ignore[arg-type]
    assert Settings(trust_proxy="2").trust_proxy == 2  # type: ignore[arg-type]


def test_limits_can_be_switched_off(make_client: ClientFactory) -> None:
    with make_client(**TIGHT, rate_limit_enabled=False) as client:
        assert {parse(client) for _ in range(10)} == {200}


def test_defaults_leave_a_classroom_alone(make_client: ClientFactory) -> None:
    """60 anonymous requests at once from one address (a class behind NAT) all pass."""
    with make_client() as client:
        assert {parse(client) for _ in range(60)} == {200}


def test_429_is_documented_on_every_limited_route(make_client: ClientFactory) -> None:
    with make_client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    limited = [
        "/api/v1/parse",
        "/api/v1/check/expression",
        "/api/v1/ask",
        "/api/v1/questions/{question_id}/attempts",
        "/api/v1/me/interviews/{interview_id}/answers",
        "/api/v1/demos/{demo_id}",
    ]
    for path in limited:
        assert "application/problem+json" in paths[path]["post"]["responses"]["429"]["content"]
