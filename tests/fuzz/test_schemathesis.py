"""Schemathesis against the app's own OpenAPI document: every operation, anonymous and signed
in, with valid and invalid input; no 5xx, and every response (status, content type, body) is
one the document declares.

The operations are driven one by one through schemathesis' Hypothesis strategies rather than
its pytest plugin (whose lazy fixture loading does not run on pytest 9), so one test per
client kind collects every distinct failure with a curl line to reproduce it. Path
parameters are drawn both at random and from the real ids (questions, topics, demos, the
learner's interview and attempt), so grading, demos and learner routes are reached, not only
their 404s. ``DESCENT_FUZZ_EXAMPLES=200 pytest tests/fuzz`` digs deeper than CI's default.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import PACKAGED_CONTENT_DIR, ContentSet
from engine.demos import DEMOS
from engine.kinds.code import CodeQuestion, unavailable

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("DESCENT_FUZZ_EXAMPLES", "40"))  # about 70 s for both tests
PASSWORD = "correct horse 42"
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
# Signed in, these would end the session the rest of the run uses; they run anonymously.
ENDS_SESSION = {"DELETE /api/v1/me", "POST /api/v1/auth/logout"}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every CI run
    database=None,
    phases=[Phase.explicit, Phase.generate],  # failures are collected, not shrunk
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, shipped_content: ContentSet) -> FastAPI:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'descent.db'}"
    upgrade(url)
    # Rate limits off so that the grading routes are explored, not refused (tests/api covers
    # the 429s); every other setting is the production default.
    config = Settings(
        database_url=url,
        content_dir=PACKAGED_CONTENT_DIR,
        secret_key="fuzz",
        rate_limit_enabled=False,
    )
    return create_app(config, shipped_content)


@pytest.fixture(scope="module")
def learner(fuzz_app: FastAPI) -> Iterator[dict[str, Any]]:
    """A signed-in learner with an interview and an attempt, so their ids exist."""
    with TestClient(fuzz_app) as client:
        client.post("/api/v1/users", json={"username": "fuzzer", "password": PASSWORD})
        reply = client.post("/api/v1/auth/token", data={"username": "fuzzer", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {reply.json()['access_token']}"}
        interview = client.post("/api/v1/me/interviews", json={}, headers=headers).json()
        question = interview["questions"][0]["id"]
        client.post(f"/api/v1/questions/{question}/attempts", json={"answer": "1"}, headers=headers)
        attempt = client.get("/api/v1/me/attempts", headers=headers).json()["data"][0]
        yield {"headers": headers, "interview_id": interview["id"], "attempt_id": attempt["id"]}


def answerable(question: Any) -> bool:
    """Not a question whose runtime this machine lacks (PyTorch): its documented answer is a
    501 `code-runtime-unavailable`, which the server-error check would count as a fault
    (`tests/api/test_availability.py` covers it)."""
    return not (isinstance(question, CodeQuestion) and unavailable(question))


def known_ids(content: ContentSet, learner: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        "question_id": sorted(q.id for q in content.questions.values() if answerable(q)),
        "topic_id": sorted(content.topics),
        "demo_id": sorted(DEMOS),
        "interview_id": [learner["interview_id"]],
        "attempt_id": [learner["attempt_id"]],
    }


def strategy(operation: Any, mode: GenerationMode, ids: dict[str, list[Any]]) -> Any:
    """Random cases, and cases whose path parameters are real ids."""
    names = {p.name for p in operation.path_parameters}
    real = [name for name in names if name in ids]
    options = [operation.as_strategy(generation_mode=mode)]
    if real:
        chosen = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in real})
        options.append(
            chosen.flatmap(
                lambda params: operation.as_strategy(generation_mode=mode, path_parameters=params)
            )
        )
    return st.one_of(options)


def fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    ids: dict[str, list[Any]],
    failures: dict[tuple[str, str], str],
) -> None:
    """Send the operation's cases; record each distinct failure once."""
    label = operation.label

    @FUZZ_SETTINGS
    @given(case=strategy(operation, mode, ids))
    def run(case: Any) -> None:
        try:
            case.call_and_validate(checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:
            title = str(exc).strip().splitlines()[0]
            failures.setdefault((label, title), f"{label}: {exc}")
        except Exception as exc:  # the app raised: a 500 for a real client
            title = f"{type(exc).__name__}: {exc}"
            failures.setdefault((label, title), f"{label}: {title}\n{case.as_curl_command()}")

    run()


def fuzz(app: FastAPI, headers: dict[str, str], ids: dict[str, list[Any]]) -> list[str]:
    """Run every operation; return one report per distinct failure."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: dict[tuple[str, str], str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        secured = "security" in operation.definition.raw
        if headers and (operation.label in ENDS_SESSION or not secured):
            continue  # a route that ignores tokens is fuzzed once, anonymously
        has_input = bool(operation.body) or any(True for _ in operation.iter_parameters())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.POSITIVE or has_input:  # negative needs something to break
                fuzz_operation(operation, mode, headers, ids, failures)
    return list(failures.values())


def test_fuzz_anonymous(fuzz_app: FastAPI, learner: dict[str, Any], shipped_content: ContentSet):
    failures = fuzz(fuzz_app, {}, known_ids(shipped_content, learner))
    assert not failures, "\n\n".join(failures)


def test_fuzz_signed_in(fuzz_app: FastAPI, learner: dict[str, Any], shipped_content: ContentSet):
    failures = fuzz(fuzz_app, learner["headers"], known_ids(shipped_content, learner))
    assert not failures, "\n\n".join(failures)
