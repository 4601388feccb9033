"""Errors that say what to fix: an HTML not-found page for browsers, malformed JSON with its
line and column, sign-in as a form or JSON; and API docs served from installed files."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_learners import PASSWORD

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON_BODY = {"content-type": "application/json"}
TOKEN = "/api/v1/auth/token"


@pytest.mark.parametrize("path", ["/no-such-page", "/topics/mse/extra", "/static/nothing.js"])
def test_a_browser_gets_an_html_not_found_page(client: TestClient, path: str) -> None:
    reply = client.get(path, headers=HTML)
    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in reply.text and path in reply.text
    assert 'href="/"' in reply.text and "{" not in reply.text.split("<body>")[1]
    assert reply.headers["content-security-policy"].startswith("default-src 'self'")


def test_the_not_found_page_escapes_the_path(client: TestClient) -> None:
    reply = client.get("/<script>alert(1)</script>", headers=HTML)
    assert reply.status_code == 404 and "<script>alert" not in reply.text
    assert "&lt;script&gt;" in reply.text


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/api/v1/nothing-here", HTML), ("/no-such-page", {"Accept": "application/json"})],
)
def test_api_paths_and_scripts_get_problem_json(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    reply = client.get(path, headers=headers)
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"] == "/problems/not-found"


def test_a_known_page_is_still_the_app(client: TestClient) -> None:
    reply = client.get("/topics", headers=HTML)
    assert reply.status_code == 200 and '<main id="main"' in reply.text


def post_raw(client: TestClient, body: str) -> dict[str, Any]:
    reply = client.post("/api/v1/parse", content=body.encode(), headers=JSON_BODY)
    assert reply.status_code == 400, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = reply.json()
    assert problem["type"] == "/problems/malformed-json"
    return problem


@pytest.mark.parametrize(
    ("body", "line", "column", "expected"),
    [
        ('{"text": "x" "syntax": "ascii"}', 1, 14, "a comma"),
        ('{"text": "x",}', 1, 14, "property name in double quotes"),
        ("{'text': 'x'}", 1, 2, "not single quotes"),
        ('{\n  "text": "x",\n  "syntax": \n}', 4, 1, "a value"),
        ('{"text": "x"} trailing', 1, 15, "the end of the body"),
        ('{"text": "a\tb"}', 1, 12, "no raw line break or tab"),
        ('{"text": "x', 1, 10, "closing double quote"),
    ],
)
def test_malformed_json_names_the_place_and_what_was_expected(
    client: TestClient, body: str, line: int, column: int, expected: str
) -> None:
    problem = post_raw(client, body)
    (error,) = problem["errors"]
    assert (error["line"], error["column"]) == (line, column), problem
    assert f"line {line}, column {column}" in problem["detail"]
    assert expected in problem["detail"] and expected in error["expected"]
    assert "⟨here⟩" in problem["detail"]  # the excerpt marks the place


def test_a_body_that_is_not_json_says_how_to_send_it(client: TestClient) -> None:
    reply = client.post(
        "/api/v1/parse", content=b'{"text": "x"}', headers={"content-type": "text/plain"}
    )
    assert reply.status_code == 422
    assert "Content-Type: application/json" in reply.json()["detail"]
    empty = client.post("/api/v1/parse")
    assert empty.status_code == 422 and "has no body" in empty.json()["detail"]


def make_account(client: TestClient) -> None:
    created = client.post("/api/v1/users", json={"username": "ada", "password": PASSWORD})
    assert created.status_code == 201


@pytest.mark.parametrize(
    "send",
    [
        {"data": {"username": "ada", "password": PASSWORD}},
        {"data": {"username": "ada", "password": PASSWORD, "grant_type": "password"}},
        {"json": {"username": "ada", "password": PASSWORD}},
        {
            "content": f'{{"username": "ada", "password": "{PASSWORD}"}}'.encode(),
            "headers": {"content-type": "application/json; charset=utf-8"},
        },
    ],
)
def test_sign_in_takes_a_form_or_json(client: TestClient, send: dict[str, Any]) -> None:
    make_account(client)
    reply = client.post(TOKEN, **send)
    assert reply.status_code == 200, reply.text
    token = reply.json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "ada"


@pytest.mark.parametrize(
    ("send", "fragment"),
    [
        ({"json": {"user": "ada", "pass": PASSWORD}}, "body.username: Field required"),
        ({"json": ["ada", PASSWORD]}, "the JSON body is an array"),
        ({"content": b"ada:secret", "headers": {"content-type": "text/plain"}}, "text/plain"),
        ({}, "no body"),
        ({"data": {"username": "ada"}}, "body.password: Field required"),
        ({"data": {"username": "a", "password": "b", "grant_type": "client"}}, "grant_type"),
    ],
)
def test_a_wrong_sign_in_body_says_what_is_expected(
    client: TestClient, send: dict[str, Any], fragment: str
) -> None:
    reply = client.post(TOKEN, **send)
    assert reply.status_code == 422, reply.text
    problem = reply.json()
    assert fragment in problem["detail"]
    assert "application/x-www-form-urlencoded" in problem["detail"]
    assert '{"username": "…", "password": "…"}' in problem["detail"]


def test_malformed_sign_in_json_is_located(client: TestClient) -> None:
    reply = client.post(TOKEN, content=b'{"username": "ada" "password": "x"}', headers=JSON_BODY)
    assert reply.status_code == 400 and "line 1, column 20" in reply.json()["detail"]


def test_wrong_credentials_in_json_are_401(client: TestClient) -> None:
    make_account(client)
    reply = client.post(TOKEN, json={"username": "ada", "password": "wrong-pass-1"})
    assert reply.status_code == 401 and reply.json()["detail"] == "wrong username or password"


def test_the_sign_in_operation_documents_both_bodies(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][TOKEN]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/x-www-form-urlencoded", "application/json"}
    for media in content.values():
        assert media["schema"]["required"] == ["username", "password"]
    assert {"400", "401", "413", "422", "429"} <= set(operation["responses"])


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_another_host(client: TestClient, page: str) -> None:
    reply = client.get(page)
    assert reply.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', reply.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "fonts.googleapis" not in reply.text and "cdn." not in reply.text
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 100


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_forbid_the_browser_other_hosts(client: TestClient, page: str) -> None:
    """ReDoc's bundle links its maker's logo from a CDN: the page's policy keeps every fetch on
    this server (the e2e test checks that the browser obeys, with the network blocked)."""
    policy = client.get(page).headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    for name in ("default-src", "img-src", "font-src", "connect-src"):
        assert "http" not in directives[name] and "*" not in directives[name], (name, policy)
    assert directives["default-src"] == "'self'"
