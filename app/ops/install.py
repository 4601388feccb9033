"""Wire the production pieces into the app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from app.ops import bodylimit, bounded, metrics
from app.ops.middleware import RequestContextMiddleware
from app.ops.ratelimit import RateLimiter
from app.ops.shared import LimitStore, RunnerShare, limits_for, use_runner_share
from app.settings import Settings
from engine.sandbox import default_sandbox

METRICS_TYPES: dict[str, dict[str, object]] = {
    "text/plain": {},
    "application/openmetrics-text": {},
}  # as Accept chooses


def install(app: FastAPI, settings: Settings) -> None:
    """Add the limits, the request context (ids, logs, metrics) and ``GET /metrics``.

    ``app.state.limits`` is where every per-client limit keeps its state (shared by every
    instance on PostgreSQL); the sign-in throttle and the runner share (a client's code runs
    across instances, held by :func:`app.ops.shared.runner_place`) use it too."""
    app.state.limits = limits_for(settings)
    app.state.rate_limiter = RateLimiter.from_settings(settings, app.state.limits)
    box = default_sandbox()  # not started here: its share of runners is all that is read
    use_runner_share(
        RunnerShare(
            app.state.limits,
            per_client=box.per_client,
            timeout=box.queue_timeout,
            retry_after=max(1, int(box.limits.wall_seconds)),
        )
    )
    app.add_exception_handler(bodylimit.BodyTooLarge, bodylimit.handler)
    # Added last = outermost: the request context sees (and counts) every 413 and 429 too.
    app.add_middleware(bodylimit.BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware, trust_proxy=settings.trust_proxy)
    if settings.metrics_enabled:
        app.add_api_route(
            "/metrics",
            metrics.exposition,
            methods=["GET"],
            response_class=PlainTextResponse,
            tags=["ops"],
            responses={200: {"content": METRICS_TYPES, "description": "Prometheus metrics"}},
        )


def shutdown(app: FastAPI, *, drain_s: float = bounded.DRAIN_S) -> None:
    """After the server stopped taking requests and finished those in flight: let abandoned
    gradings and demo runs end (at most ``drain_s`` seconds), then close the shared limits."""
    bounded.drain(drain_s)
    limits: LimitStore | None = getattr(app.state, "limits", None)
    if limits is not None:
        limits.close()
