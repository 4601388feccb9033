"""Prometheus metrics of one service process, served as text at ``GET /metrics``.

One registry per process (``descent serve`` runs one process; several instances are scraped
one by one), so prometheus_client's multiprocess mode is not needed. Label values come from
closed sets only (route templates, question kinds, verdict statuses, demo ids) so a scan of
random URLs cannot grow the number of series.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request, Response
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from engine.sandbox import Sandbox, default_sandbox

REGISTRY = CollectorRegistry(auto_describe=True)
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_collector)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
REQUESTS = Counter(
    "descent_http_requests",
    "HTTP requests by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "descent_http_request_duration_seconds",
    "Time from request to the end of the response, by method, route template and status.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
GRADINGS = Counter(
    "descent_gradings",
    "Graded submissions by kind (question kind, check-expression, check-derivation, parse)"
    " and outcome (verdict status, or timeout / busy / disabled / error).",
    ["kind", "status"],
    registry=REGISTRY,
)
GRADING_SECONDS = Histogram(
    "descent_grading_duration_seconds",
    "Wall time of one grading by kind.",
    ["kind"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
DEMO_RUNS = Counter(
    "descent_demo_runs",
    "Demo runs by demo id and outcome (ok, invalid, timeout, busy, disabled, not-found, error).",
    ["demo", "outcome"],
    registry=REGISTRY,
)
DEMO_SECONDS = Histogram(
    "descent_demo_duration_seconds",
    "Wall time of one demo run by demo id.",
    ["demo"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "descent_rate_limited",
    "Requests refused with 429 by bucket (grading, demos) and client key (user, ip).",
    ["bucket", "client"],
    registry=REGISTRY,
)


def sandbox_stats(sandbox: Sandbox) -> dict[str, int]:
    """Runners and queue of a sandbox pool."""
    stats = sandbox.stats()
    return {key: stats[key] for key in ("runners", "busy", "queued", "queue_capacity")}


class SandboxCollector(Collector):
    """Gauges of the process-wide code sandbox, read at scrape time."""

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # nothing to check at registration; reading the pool waits for a scrape

    def collect(self) -> Iterator[GaugeMetricFamily]:
        stats = sandbox_stats(default_sandbox())
        for name, key, text in (
            ("descent_sandbox_runners", "runners", "Code runners (runs executing at once)."),
            ("descent_sandbox_busy_runners", "busy", "Code runners executing a submission now."),
            ("descent_sandbox_queue_depth", "queued", "Submissions waiting for a code runner."),
            ("descent_sandbox_queue_capacity", "queue_capacity", "Waiting submissions allowed."),
        ):
            yield GaugeMetricFamily(name, text, value=stats[key])


REGISTRY.register(SandboxCollector())


def exposition(request: Request) -> Response:
    """Prometheus metrics of this process (text format 0.0.4, or what Accept asks for)."""
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), headers={"Content-Type": content_type})
