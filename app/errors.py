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


class TurnMismatch(DescentError):
    """An answer names a turn that is not the one waiting (or repeats one with other words)."""


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


class IdempotencyKeyReused(DescentError):
    """An ``Idempotency-Key`` sent again with a different request than the first time."""


class InvalidBody(DescentError):
    """A body that is readable but not what the operation expects (says what it expects)."""


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


HTTP_ERRORS: dict[type[Exception], Http] = {
    NotFound: Http(404, "not-found", "Not found"),
    UnknownDemo: Http(404, "not-found", "Not found"),
    Unauthorized: Http(
        401, "unauthorized", "Unauthorized", headers=lambda _: {"WWW-Authenticate": "Bearer"}
    ),
    UsernameTaken: Http(409, "username-taken", "Username taken"),
    InterviewClosed: Http(409, "interview-finished", "Interview finished"),
    TurnMismatch: Http(409, "interview-turn-mismatch", "Not the current turn"),
    IdempotencyKeyReused: Http(422, "idempotency-key-reused", "Idempotency key reused"),
    InvalidBody: Http(422, "invalid-request", "Invalid request"),
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
    # Not coming back by waiting: the server lacks a package or cannot confine code. 501, not
    # 503, and no Retry-After; the detail says what to install or change.
    RuntimeUnavailable: Http(
        501,
        "code-runtime-unavailable",
        "Code runtime not installed",
        detail=lambda e: f"this question cannot be answered on this server: {e}",
    ),
    SandboxDisabled: Http(
        501,
        "code-execution-disabled",
        "Code execution disabled",
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


# json's messages, and what the parser expected at that point in plain words.
_JSON_EXPECTED = {
    "Expecting ',' delimiter": "a comma before the next item, or the closing } or ]",
    "Expecting ':' delimiter": "a colon after the property name",
    "Expecting property name enclosed in double quotes": (
        "a property name in double quotes (not single quotes, not a bare name, and no comma"
        " before a closing })"
    ),
    "Expecting value": (
        "a value: a string in double quotes, a number, an object, an array, true, false or null"
        " (and no comma before a closing ])"
    ),
    "Extra data": "the end of the body: it holds one JSON value and then more text",
    "Unterminated string starting at": "a closing double quote for the string that starts here",
    "Invalid control character at": "no raw line break or tab inside a string: write \\n or \\t",
    "Invalid \\escape": 'a valid escape after the backslash: \\\\, \\", \\n, \\t or \\uXXXX',
    "Invalid \\uXXXX escape": "four hexadecimal digits after \\u",
}
_EXCERPT = 24  # characters shown on each side of a JSON error


def _printable(text: str) -> str:
    return "".join(" " if ord(ch) < 0x20 else ch for ch in text)


def _json_problem(error: dict[str, Any], document: Any) -> JSONResponse:
    """400 for a body that is not JSON: where (line, column) and what the parser expected."""
    text = document if isinstance(document, str) else ""
    loc = error.get("loc", ())
    position = loc[-1] if loc and isinstance(loc[-1], int) else 0
    position = max(0, min(position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    message = str((error.get("ctx") or {}).get("error", "")) or "JSON decode error"
    expected = _JSON_EXPECTED.get(message, message[0].lower() + message[1:])
    start, end = max(0, position - _EXCERPT), min(len(text), position + _EXCERPT)
    excerpt = (
        ("…" if start else "")
        + _printable(text[start:position])
        + "⟨here⟩"
        + _printable(text[position:end])
        + ("…" if end < len(text) else "")
    )
    detail = (
        f"the body is not valid JSON: at line {line}, column {column} (character {position})"
        f" the parser expected {expected} — {excerpt}"
    )
    return problem(
        400,
        "Malformed JSON",
        detail,
        code="malformed-json",
        errors=[
            {
                "loc": ["body"],
                "msg": message,
                "type": "json_invalid",
                "line": line,
                "column": column,
                "position": position,
                "expected": expected,
            }
        ],
    )


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _body_hint(request: Request, err: dict[str, Any]) -> str | None:
    """A plain sentence for the two ways a whole body goes wrong: none, or not sent as JSON."""
    if tuple(err.get("loc", ())) != ("body",):
        return None
    if err.get("type") == "missing":
        return "the request has no body: send a JSON object with Content-Type: application/json"
    content_type = request.headers.get("content-type", "")
    if not _is_json(content_type):
        sent = content_type.split(";", 1)[0] or "no Content-Type"
        return (
            f"the body was sent as {sent}: send a JSON object with Content-Type: application/json"
        )
    return None


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    broken = next((e for e in raw if e.get("type") == "json_invalid"), None)
    if broken is not None:
        return _json_problem(broken, exc.body)
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in raw
    ]
    hint = next((h for h in (_body_hint(request, e) for e in raw) if h), None)
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:5])
    return problem(
        422,
        "Invalid request",
        hint or where or "the request is not valid",
        code="invalid-request",
        errors=errors,
    )


async def http_error(_: Request, exc: Exception) -> JSONResponse:
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
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, _unexpected)
