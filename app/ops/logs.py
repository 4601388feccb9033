"""Log lines as JSON objects (or text) carrying the id of the request they belong to."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Set by the request middleware for the duration of a request; copied into the threadpool, so
# a line logged by a route, a service or the sandbox client carries the id without plumbing.
REQUEST_ID: ContextVar[str | None] = ContextVar("descent_request_id", default=None)
ACCESS_FIELDS = ("method", "path", "route", "status", "duration_ms", "user_id", "client")
TEXT_FORMAT = "%(levelname)s:     %(name)s: %(message)s"  # lines up with uvicorn's own
ACCESS_LOGGER = "descent.access"


def _request_id(record: logging.LogRecord) -> str | None:
    return getattr(record, "request_id", None) or REQUEST_ID.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id(record)
        if request_id:
            line["request_id"] = request_id
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """uvicorn-style text, with ``request_id=…`` appended when the line belongs to a request."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request_id = _request_id(record)
        if request_id:
            first, sep, rest = text.partition("\n")  # keep a traceback below the tagged line
            text = f"{first} request_id={request_id}{sep}{rest}"
        return text


def log_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The ``logging.config`` dict `descent serve` hands uvicorn: uvicorn's and Descent's
    loggers share one formatter; uvicorn's access log is off (the request middleware writes
    a richer line to ``descent.access``)."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "descent": {"handlers": ["default"], "level": level, "propagate": False},
            ACCESS_LOGGER: {"level": level},
        },
    }
