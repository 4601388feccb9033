"""Wire the production pieces into the app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from app.ops import bodylimit, metrics
from app.ops.middleware import RequestContextMiddleware
from app.ops.ratelimit import RateLimiter
from app.settings import Settings

METRICS_TYPES: dict[str, dict[str, object]] = {
    "text/plain": {},
    "application/openmetrics-text": {},
}  # as Accept chooses


def install(app: FastAPI, settings: Settings) -> None:
    """Add the limits, the request context (ids, logs, metrics) and ``GET /metrics``."""
    app.state.rate_limiter = RateLimiter.from_settings(settings)
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
