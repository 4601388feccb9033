"""Request bodies over DESCENT_MAX_BODY_BYTES are a 413 problem, declared or streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.ops.conftest import ClientFactory

LIMIT = 4096
PROBLEM = "application/problem+json"


def chunks(total: int, size: int = 1024) -> Iterator[bytes]:
    """A JSON body sent in chunks, so the request has no Content-Length."""
    body = json.dumps({"text": "x" * total}).encode()
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_too_large(reply) -> None:  # type: ignore[no-untyped-def]
    assert reply.status_code == 413, reply.text
    assert reply.headers["content-type"] == PROBLEM
    problem = reply.json()
    assert problem["type"] == "/problems/body-too-large"
    assert problem["status"] == 413 and str(LIMIT) in problem["detail"]
    assert reply.headers["connection"] == "close"


def test_declared_length_over_the_limit_is_refused(make_client: ClientFactory) -> None:
    with make_client(max_body_bytes=LIMIT) as client:
        reply = client.post("/api/v1/parse", json={"text": "x" * (LIMIT + 1)})
    assert_too_large(reply)


def test_chunked_body_over_the_limit_is_refused(make_client: ClientFactory) -> None:
    with make_client(max_body_bytes=LIMIT) as client:
        reply = client.post(
            "/api/v1/parse", content=chunks(3 * LIMIT), headers={"content-type": "application/json"}
        )
    assert "content-length" not in reply.request.headers
    assert reply.request.headers["transfer-encoding"] == "chunked"
    assert_too_large(reply)


def test_chunked_form_over_the_limit_is_refused(make_client: ClientFactory) -> None:
    """Form bodies (the sign-in form) are counted by the same receive wrapper."""
    body = iter([b"username=ada&password=", b"x" * (2 * LIMIT)])
    with make_client(max_body_bytes=LIMIT) as client:
        reply = client.post(
            "/api/v1/auth/token",
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert_too_large(reply)


@pytest.mark.parametrize("streamed", [False, True])
def test_bodies_under_the_limit_pass(make_client: ClientFactory, streamed: bool) -> None:
    with make_client(max_body_bytes=LIMIT) as client:
        if streamed:
            reply = client.post(
                "/api/v1/parse", content=chunks(100), headers={"content-type": "application/json"}
            )
        else:
            reply = client.post("/api/v1/parse", json={"text": "x" * 100})
    assert reply.status_code == 200, reply.text


def test_default_limit_admits_the_largest_code_submission(make_client: ClientFactory) -> None:
    """Code answers may be 64 KiB; the 1 MiB default leaves room for them and their JSON."""
    source = "# " + "x" * (64 * 1024 - 3) + "\n"
    with make_client() as client:
        reply = client.post("/api/v1/questions/code-softmax/attempts", json={"answer": source})
    assert reply.status_code in (200, 503), reply.text  # graded, or no sandbox on this machine


def test_limit_is_documented_on_operations_with_a_body(make_client: ClientFactory) -> None:
    with make_client() as client:
        schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "413" in operation["responses"], f"{method.upper()} {path}"
                assert PROBLEM in operation["responses"]["413"]["content"]
