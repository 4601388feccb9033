"""Domain errors, and the one table that says how each reaches HTTP.

Services and the engine raise errors that know nothing of HTTP; :data:`HTTP_ERRORS` maps each
(by class, most specific first through the MRO) to a status, a stable code, a title and headers,
and one handler renders them as ``application/problem+json``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.capstones import CheckInputError
from engine.demos import InvalidParams, UnknownDemo
from engine.kinds import NotGradable
from engine.sandbox import RuntimeUnavailable, SandboxBusy, SandboxDisabled

PROBLEM_JSON = "application/problem+json"
DISABLED_RETRY_AFTER_S = 3600  # code execution off, or PyTorch missing: not coming back soon
log = logging.getLogger("descent")


class DescentError(Exception):
    """A failure the service reports on purpose: what went wrong and what to do about it."""

    def __init__(self, detail: str, *, retry_after: int | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
        self.extra = extra


class NotFound(DescentError):
    """No such topic, question, demo, attempt or interview (of yours)."""


class Unauthorized(DescentError):
    """No token, or one that is unknown, expired or revoked; or wrong credentials."""


class UsernameTaken(DescentError):
    """Somebody already has that username."""


class InterviewClosed(DescentError):
    """The interview is finished: it takes no more answers."""


class TooManyAttempts(DescentError):
    """Too many failed sign-ins for one username."""


class RateLimited(DescentError):
    """Too many requests from one account or address."""


class GradingTimeout(DescentError):
    """A grading took longer than its bound and was abandoned."""


class DemoTimeout(DescentError):
    """A demo took longer than its bound and was abandoned."""


class InvalidTarget(DescentError):
    """A formula check's own target (not the answer) cannot be used."""


class CheckTimeout(DescentError):
    """A notebook's capstone check took longer than its bound and was abandoned."""


@dataclass(frozen=True)
class Http:
    """How one error class is answered."""

    status: int
    code: str
    title: str
    headers: Callable[[Any], dict[str, str]] | None = None
    detail: Callable[[Any], str] | None = None


def _retry_after(exc: Any) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}


def _disabled(_: Any) -> dict[str, str]:
    return {"Retry-After": str(DISABLED_RETRY_AFTER_S)}


HTTP_ERRORS: dict[type[Exception], Http] = {
    NotFound: Http(404, "not-found", "Not found"),
    UnknownDemo: Http(404, "not-found", "Not found"),
    Unauthorized: Http(
        401, "unauthorized", "Unauthorized", headers=lambda _: {"WWW-Authenticate": "Bearer"}
    ),
    UsernameTaken: Http(409, "username-taken", "Username taken"),
    InterviewClosed: Http(409, "interview-finished", "Interview finished"),
    InvalidTarget: Http(422, "invalid-target", "Invalid target"),
    InvalidParams: Http(
        422, "invalid-demo-params", "Invalid demo parameters", detail=lambda e: str(e)
    ),
    CheckInputError: Http(
        422, "invalid-check-input", "Invalid check input", detail=lambda e: str(e)
    ),
    TooManyAttempts: Http(429, "too-many-attempts", "Too many attempts", headers=_retry_after),
    RateLimited: Http(429, "rate-limited", "Too many requests", headers=_retry_after),
    NotGradable: Http(501, "kind-not-gradable", "Not gradable", detail=lambda e: str(e)),
    GradingTimeout: Http(503, "grading-timeout", "Grading timed out", headers=_retry_after),
    DemoTimeout: Http(503, "demo-timeout", "Demo timed out", headers=_retry_after),
    CheckTimeout: Http(503, "check-timeout", "Check timed out", headers=_retry_after),
    SandboxBusy: Http(
        503,
        "code-runners-busy",
        "Code runners busy",
        headers=_retry_after,
        detail=lambda e: f"every code runner is busy; retry in {e.retry_after} s",
    ),
    RuntimeUnavailable: Http(
        503,
        "code-runtime-unavailable",
        "Code runtime unavailable",
        headers=_disabled,
        detail=lambda e: f"this question cannot be answered on this server: {e}",
    ),
    SandboxDisabled: Http(
        503,
        "code-execution-disabled",
        "Code execution disabled",
        headers=_disabled,
        detail=lambda e: f"code execution is disabled on this server: {e}",
    ),
}


def http_of(exc: BaseException) -> Http | None:
    """The table entry for an error: its own class's, else its nearest base's."""
    return next((HTTP_ERRORS[c] for c in type(exc).__mro__ if c in HTTP_ERRORS), None)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    code: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_for(exc: BaseException) -> JSONResponse | None:
    """The problem response for a mapped error, or None when the table does not know it."""
    http = http_of(exc)
    if http is None:
        return None
    detail = http.detail(exc) if http.detail else getattr(exc, "detail", str(exc))
    headers = http.headers(exc) if http.headers else None
    extra = getattr(exc, "extra", None) or {}
    if isinstance(exc, InvalidParams):
        extra = {"errors": [{**e, "loc": ["body", *e["loc"]]} for e in exc.errors]}
    return problem(http.status, http.title, detail, code=http.code, headers=headers, **extra)


async def _mapped_error(request: Request, exc: Exception) -> JSONResponse:
    response = problem_for(exc)
    return response if response is not None else await _unexpected(request, exc)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(
        422,
        "Invalid request",
        where or "the request is not valid",
        code="invalid-request",
        errors=errors,
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else title
    code = title.lower().replace(" ", "-")
    return problem(exc.status_code, title, detail, code=code, headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = request.scope.get("state", {}).get("request_id")  # set by the request context
    log.exception(
        "unhandled error in %s %s",
        request.method,
        request.url.path,
        exc_info=exc,
        extra={"request_id": request_id},
    )
    return problem(
        500,
        "Internal server error",
        "an unexpected error occurred; it has been logged",
        code="internal",
    )


def install_error_handlers(app: FastAPI) -> None:
    for error in HTTP_ERRORS:
        app.add_exception_handler(error, _mapped_error)
    app.add_exception_handler(DescentError, _mapped_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
