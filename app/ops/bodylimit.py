"""Request body size limit: a 413 problem for a declared or streamed body over the limit.

A pure ASGI middleware: a Content-Length over the limit is refused before the app runs, and
the bytes of every body are counted as they arrive, so a chunked body (no Content-Length) or
one that lies about its length cannot get past it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem

CODE, TITLE = "body-too-large", "Content too large"


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` once the body passes the limit; FastAPI re-raises HTTP
    exceptions met while reading a body, so it reaches :func:`handler` instead of a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=f"the request body is larger than {limit} bytes")


def _response(detail: str) -> JSONResponse:
    # The rest of the body is never read, so the connection cannot be reused.
    return problem(413, TITLE, detail, code=CODE, headers={"Connection": "close"})


async def handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyTooLarge)
    return _response(exc.detail)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 ``body-too-large`` problem."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _response(BodyTooLarge(limit).detail)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:  # read outside FastAPI's body parsing (no handler ran)
            if started:
                raise
            await _response(exc.detail)(scope, receive, send)
