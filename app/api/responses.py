"""The problem responses of the OpenAPI document: per route, and by rule for all routes.

Routes declare what only they can answer (``responses=problems(409, 429)``); every operation
with a request body can also answer 400 (unreadable body) and 413 (body over the limit), and
every operation that accepts a bearer token 401 (bad or expired token). Problems are served
as ``application/problem+json``, so they are documented under that media type.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.errors import PROBLEM_JSON
from app.schemas import Problem

DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8, not the declared format)",
    401: "Missing, unknown or expired token",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "The body is over the size limit (DESCENT_MAX_BODY_BYTES)",
    422: "Invalid request (each error has its location)",
    429: "Too many requests: wait Retry-After seconds",
    501: "The question cannot be graded",
    503: "Busy, disabled or timed out: retry after Retry-After seconds",
}
BY_RULE = {"requestBody": (400, 413), "security": (401,)}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for problem responses with these statuses."""
    return {status: {"model": Problem, "description": DESCRIPTIONS[status]} for status in statuses}


def _problem_entry(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses due by rule and move every problem to problem+json."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for key, statuses in BY_RULE.items():
                for status in statuses if key in operation else ():
                    responses.setdefault(str(status), _problem_entry(status))
            for response in responses.values():
                content = response.get("content", {})
                body = content.get("application/json", {})
                if body.get("schema", {}).get("$ref", "").endswith("/Problem"):
                    content[PROBLEM_JSON] = content.pop("application/json")
    return schema


def install(app: FastAPI) -> None:
    """Post-process the app's OpenAPI document once, when it is first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
