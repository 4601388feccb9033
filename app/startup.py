"""Listen first, build later: the ASGI app `descent serve` runs.

Building the real app takes seconds (importing the engine, loading and validating the content,
rendering every topic, starting the code sandbox). A person who typed ``descent serve`` should
see the page at once, so the server starts listening with this small wrapper: while the real
app is built in the background it serves the web page and its static files, answers
``/healthz/live``, and answers every API request with a 503 ``starting`` problem carrying
``Retry-After`` (the web page waits and retries). Once the app is built and its own start-up
(the sandbox) has run, every request goes to it.

Only the standard library and Starlette (which FastAPI is built on) are imported here, so the
socket is open within a fraction of a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from app.web import INDEX_HTML, STATIC_DIR

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

RETRY_AFTER_S = 1
PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("descent")
_plotly = importlib.util.find_spec("plotly")
PLOTLY_JS = (
    Path(_plotly.origin).parent / "package_data" / "plotly.min.js"
    if _plotly is not None and _plotly.origin
    else None
)
STARTING_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="1"><title>Descent is starting</title></head>
<body><p>Descent is starting; this page reloads in a second.</p></body></html>"""


def _is_page(path: str) -> bool:
    """A path the browser app answers with its one HTML page (the app routes the rest)."""
    return not path.startswith(("/api/", "/static/", "/healthz", "/metrics", "/docs", "/redoc",
                                "/openapi.json", "/vendor/"))  # fmt: skip


class StartingApp:
    """Serves what needs nothing built while ``build`` runs in a thread, then hands over."""

    def __init__(
        self, build: Callable[[], ASGIApp], *, on_failure: Callable[[BaseException], None]
    ) -> None:
        self._build = build
        self._on_failure = on_failure
        self.failure: BaseException | None = None
        self._app: ASGIApp | None = None
        self._lifespan: contextlib.AbstractAsyncContextManager[Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._static = StaticFiles(directory=STATIC_DIR)

    @property
    def ready(self) -> bool:
        return self._app is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(receive, send)
        elif self._app is not None:
            await self._app(scope, receive, send)
        elif scope["type"] == "http":
            await self._while_starting(scope)(scope, receive, send)

    def _while_starting(self, scope: Scope) -> ASGIApp:
        path: str = scope.get("path", "/")
        if path == "/healthz/live":
            return JSONResponse({"status": "live", "ready": False})
        if path.startswith("/static/"):
            return self._static_file(path.removeprefix("/static"))
        if path == "/vendor/plotly.min.js" and PLOTLY_JS is not None:
            return FileResponse(PLOTLY_JS, media_type="text/javascript")
        if path == "/favicon.ico":
            return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")
        if scope.get("method") == "GET" and _is_page(path):
            return FileResponse(
                INDEX_HTML, media_type="text/html", headers={"Cache-Control": "no-cache"}
            )
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        if path in ("/docs", "/redoc"):
            return Response(STARTING_HTML, 503, headers=headers, media_type="text/html")
        body = {
            "type": "/problems/starting",
            "title": "Starting",
            "status": 503,
            "detail": "Descent is starting (loading its content); retry in a second",
        }
        return Response(json.dumps(body), 503, headers=headers, media_type=PROBLEM_JSON)

    def _static_file(self, path: str) -> ASGIApp:
        async def serve(scope: Scope, receive: Receive, send: Send) -> None:
            await self._static({**scope, "path": path, "root_path": ""}, receive, send)

        return serve

    async def _run_lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._task = asyncio.create_task(self._start())
                await send({"type": "lifespan.startup.complete"})  # listen now
            elif message["type"] == "lifespan.shutdown":
                await self._stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start(self) -> None:
        try:
            app = await asyncio.to_thread(self._build)
            router = getattr(app, "router", None)
            if router is not None:  # the real app's own start-up (the code sandbox)
                self._lifespan = router.lifespan_context(app)
                await self._lifespan.__aenter__()
            self._app = app
            log.info("ready")
        except Exception as exc:
            self.failure = exc
            self._on_failure(exc)

    async def _stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._lifespan is not None:
            await self._lifespan.__aexit__(None, None, None)


def _stop_process(exc: BaseException) -> None:
    log.error("Descent could not start: %s", exc)
    os.kill(os.getpid(), signal.SIGTERM)  # this worker shuts down as on Ctrl+C


def _build() -> ASGIApp:
    from app.main import build_for_serving  # the heavy imports: in the background

    return build_for_serving()


def create_starting_app() -> StartingApp:
    """A worker's app under ``--workers`` or ``--reload`` (uvicorn calls this factory in each
    process): on failure the worker logs why and stops."""
    return StartingApp(_build, on_failure=_stop_process)


def starting_app(on_failure: Callable[[BaseException], None]) -> StartingApp:
    """The app of a single `descent serve` process, which decides itself what a failure means."""
    return StartingApp(_build, on_failure=on_failure)
