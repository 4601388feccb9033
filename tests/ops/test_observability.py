"""Request ids, one JSON access line per request, errors logged with the id, /metrics."""

from __future__ import annotations

import json
import logging
import logging.config
import re

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.ops.logs import JsonFormatter, TextFormatter, log_config
from tests.ops.conftest import ClientFactory, sign_up

HEX_ID = re.compile(r"[0-9a-f]{32}")


def access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "descent.access"]


def test_every_response_has_a_request_id(make_client: ClientFactory) -> None:
    with make_client(max_body_bytes=1024) as client:
        replies = [
            client.get("/api/v1/topics"),
            client.get("/api/v1/topics/nope"),  # 404 problem
            client.get("/no/such/page"),  # unmatched
            client.post("/api/v1/parse", json={"text": "x" * 2000}),  # 413 before any route
            client.get("/metrics"),
        ]
    ids = [r.headers["x-request-id"] for r in replies]
    assert all(HEX_ID.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("trace.7:span_9", True),
        ("a" * 128, True),
        ("a" * 129, False),  # too long
        ("has space", False),
        ("<script>", False),
        ("-leading-dash", False),
    ],
)
def test_a_sane_incoming_id_is_kept(make_client: ClientFactory, sent: str, kept: bool) -> None:
    with make_client() as client:
        echoed = client.get("/api/v1/topics", headers={"X-Request-ID": sent}).headers
    assert (echoed["x-request-id"] == sent) is kept
    if not kept:
        assert HEX_ID.fullmatch(echoed["x-request-id"])


def test_one_access_record_per_request(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client() as client:
        headers = sign_up(client, "ada")
        with caplog.at_level(logging.INFO, logger="descent.access"):
            caplog.clear()
            client.get("/api/v1/topics/mse", headers={"X-Request-ID": "rid-42"})
            client.get("/api/v1/me", headers=headers)
    first, second = access_records(caplog)
    assert first.request_id == "rid-42"  # type: ignore[attr-defined]
    assert (first.method, first.path, first.route, first.status) == (  # type: ignore[attr-defined]
        "GET",
        "/api/v1/topics/mse",
        "/api/v1/topics/{topic_id}",  # the template, so ids do not multiply series
        200,
    )
    assert first.duration_ms > 0 and first.user_id is None  # type: ignore[attr-defined]
    assert second.user_id is not None  # type: ignore[attr-defined]
    line = json.loads(JsonFormatter().format(first))
    assert line["request_id"] == "rid-42" and line["route"] == "/api/v1/topics/{topic_id}"
    assert {"time", "level", "logger", "message", "status", "duration_ms", "client"} <= set(line)
    assert "request_id=rid-42" in TextFormatter().format(first)


def test_an_unexpected_error_is_a_500_problem_logged_with_its_id(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client() as client:

        def boom() -> None:
            raise RuntimeError("kaput")

        client.app.add_api_route("/api/v1/boom", boom)  # type: ignore[attr-defined]
        quiet = TestClient(client.app, raise_server_exceptions=False)
        with (
            caplog.at_level(logging.INFO, logger="descent"),
            caplog.at_level(logging.INFO, logger="descent.access"),
        ):
            reply = quiet.get("/api/v1/boom", headers={"X-Request-ID": "rid-500"})
    assert reply.status_code == 500
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.headers["x-request-id"] == "rid-500"
    assert "rid-500" in reply.json()["detail"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "descent"]
    assert errors and errors[0].request_id == "rid-500"  # type: ignore[attr-defined]
    assert "kaput" in json.loads(JsonFormatter().format(errors[0]))["error"]
    (access,) = [r for r in access_records(caplog) if r.request_id == "rid-500"]  # type: ignore[attr-defined]
    assert access.status == 500  # type: ignore[attr-defined]


def scrape(client: TestClient) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    reply = client.get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = text_string_to_metric_families(reply.text)  # the exposition format parses
    return {f.name: [(s.name, s.labels, s.value) for s in f.samples] for f in families}


def test_metrics_exposition_has_the_named_series(make_client: ClientFactory) -> None:
    with make_client() as client:
        client.get("/api/v1/topics")
        client.post("/api/v1/check/expression", json={"expected": "2*x", "answer": "x+x"})
        client.post("/api/v1/parse", json={"text": "(("})
        client.post("/api/v1/demos/lr-schedules", json={})
        client.post("/api/v1/demos/lr-schedules", json={"steps": 10**9})
        metrics = scrape(client)
    requests = {(s[1]["route"], s[1]["status"]) for s in metrics["descent_http_requests"]}
    assert ("/api/v1/topics", "200") in requests
    buckets = [
        s for s in metrics["descent_http_request_duration_seconds"] if s[0].endswith("_bucket")
    ]
    assert {s[1]["route"] for s in buckets} >= {"/api/v1/topics", "/api/v1/parse"}
    gradings = {(s[1]["kind"], s[1]["status"]) for s in metrics["descent_gradings"]}
    assert {("check-expression", "correct"), ("parse", "invalid")} <= gradings
    demos = {(s[1]["demo"], s[1]["outcome"]) for s in metrics["descent_demo_runs"]}
    assert {("lr-schedules", "ok"), ("lr-schedules", "invalid")} <= demos
    for gauge in (
        "descent_sandbox_runners",
        "descent_sandbox_busy_runners",
        "descent_sandbox_queue_depth",
        "descent_sandbox_queue_capacity",
    ):
        assert metrics[gauge][0][2] >= 0
    assert "descent_rate_limited" in metrics and "process_cpu_seconds" in metrics


def test_unknown_paths_and_methods_share_one_series(make_client: ClientFactory) -> None:
    with make_client() as client:
        for n in range(5):
            client.get(f"/scan/{n}")
        client.request("BREW", "/api/v1/topics")
        metrics = scrape(client)
    routes = {s[1]["route"] for s in metrics["descent_http_requests"]}
    assert not any(r.startswith("/scan") for r in routes) and "unmatched" in routes
    assert "BREW" not in {s[1]["method"] for s in metrics["descent_http_requests"]}


def test_metrics_can_be_switched_off(make_client: ClientFactory) -> None:
    with make_client(metrics_enabled=False) as client:
        assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_log_config_is_valid_for_both_formats(log_format: str) -> None:
    config = log_config(log_format=log_format, level="info")
    logging.config.dictConfig(config)
    try:
        handler = logging.getLogger("descent").handlers[0]
        expected = JsonFormatter if log_format == "json" else TextFormatter
        assert isinstance(handler.formatter, expected)
        assert logging.getLogger("uvicorn.access").propagate is False
    finally:  # leave logging as pytest's capture expects it
        for name in ("descent", "uvicorn", "uvicorn.access"):
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True
            logger.setLevel(logging.NOTSET)
        logging.getLogger("descent.access").setLevel(logging.WARNING)


def test_access_lines_are_off_unless_logging_is_set_up_for_them(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Tests and tools that build the app get no access line per request; `descent serve`
    turns them on through its logging configuration."""
    assert logging.getLogger("descent.access").level == logging.WARNING
    with make_client() as client, caplog.at_level(logging.INFO, logger="descent"):
        client.get("/api/v1/topics")
    assert not access_records(caplog)
    assert log_config(log_format="json", level="info")["loggers"]["descent.access"] == {
        "level": "INFO"
    }
