"""Per-request context: an id (``X-Request-ID``), one access log line and the HTTP metrics.

A pure ASGI middleware (no BaseHTTPMiddleware, no body buffering) so a read costs a few
microseconds more, not a task and a queue.
"""

from __future__ import annotations

import logging
import re
import uuid
from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem
from app.ops.logs import ACCESS_LOGGER, REQUEST_ID
from app.ops.metrics import REQUEST_SECONDS, REQUESTS
from app.ops.ratelimit import client_address

access_log = logging.getLogger(ACCESS_LOGGER)
if access_log.level == logging.NOTSET:  # access lines only where logging is set up for them:
    access_log.setLevel(logging.WARNING)  # `descent serve` (logs.log_config), not tests or tools
# An incoming id is kept when it is short and plain (so it is safe in a header and a log line).
SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # every path no route knows shares one label


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            return value.decode("ascii") if SANE_ID.fullmatch(value) else None
    return None


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/api/v1/topics/{topic_id}``), never the raw path."""
    # FastAPI >= 0.16x keeps included routers whole: scope["route"] is the router's own route
    # (``/topics/{topic_id}``) and the prefixed template sits in its route context. Older
    # versions copy routes with the prefix, so the route's own path is the whole template.
    context = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(context, "path_format", None) or getattr(scope.get("route"), "path", None)
    return template or UNMATCHED


class RequestContextMiddleware:
    """Give every request an id, answer it in ``X-Request-ID``, log and count the request."""

    def __init__(self, app: ASGIApp, *, trust_proxy: int = 0) -> None:
        self.app = app
        self.trust_proxy = trust_proxy
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id  # for the error handler
        token = REQUEST_ID.set(request_id)
        id_header = (b"x-request-id", request_id.encode("ascii"))
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if not started:  # the 500 problem, with the id; the error handler logs the error
                response = problem(
                    500,
                    "Internal server error",
                    f"an unexpected error occurred; it has been logged as {request_id}",
                    code="internal",
                )
                await response(scope, receive, send_with_id)
            raise
        finally:
            REQUEST_ID.reset(token)
            self._record(scope, status, perf_counter() - start, request_id)

    def _record(self, scope: Scope, status: int, seconds: float, request_id: str) -> None:
        method = scope["method"] if scope["method"] in METHODS else "OTHER"
        route = route_template(scope)
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:  # label lookups cost more than the increments: do each once
            labels = (method, route, str(status))
            series = self._series[key] = (
                REQUESTS.labels(*labels),
                REQUEST_SECONDS.labels(*labels),
            )
        series[0].inc()
        series[1].observe(seconds)
        if access_log.isEnabledFor(logging.INFO):
            duration_ms = round(seconds * 1000, 2)
            access_log.info(
                "%s %s %d %.2f ms",
                method,
                scope["path"],
                status,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": scope.get("state", {}).get("user_id"),
                    "client": client_address(scope, self.trust_proxy),
                },
            )
