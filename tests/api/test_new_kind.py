"""A new question kind is one module plus its content: a toy kind (tests/fixtures/toy_kind),
registered by importing its module, is loaded, checked, served, graded, stored, exported and
documented without a change to any other file.

It runs in a fresh interpreter: kinds register when their module is imported, before the app
is built (as the built-in kinds do when ``engine.kinds`` is imported).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from engine.kinds import kinds

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "toy_kind"
SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import word_kind  # registers the kind, like any kind module

from fastapi.testclient import TestClient
from app.db.migrate import upgrade
from app.main import create_app
from app.settings import Settings
from content import check_content, load_content

content = load_content(sys.argv[1] + "/content")
report = check_content(content)
url = "sqlite:///" + sys.argv[2]
upgrade(url)
out = {"load_errors": [str(e) for e in content.errors], "check_errors": [str(e) for e in report.errors]}
with TestClient(create_app(Settings(database_url=url, content_dir=sys.argv[1] + "/content",
                                    secret_key="t"), content)) as client:
    api = "/api/v1"
    out["listed"] = client.get(api + "/questions?kind=word").json()
    out["question"] = client.get(api + "/questions/toy-adam-name").json()
    out["anonymous"] = client.post(api + "/questions/toy-adam-name/attempts",
                                   json={"answer": "Adam"}).json()
    client.post(api + "/users", json={"username": "ada", "password": "correct-horse-1"})
    token = client.post(api + "/auth/token",
                        data={"username": "ada", "password": "correct-horse-1"}).json()
    me = {"Authorization": "Bearer " + token["access_token"]}
    out["signed_in"] = client.post(api + "/questions/toy-adam-name/attempts",
                                   json={"answer": "rmsprop", "time_taken_ms": 3000},
                                   headers=me).json()
    out["attempts"] = client.get(api + "/me/attempts", headers=me).json()
    out["export"] = client.get(api + "/me/export", headers=me).json()
    out["topic"] = client.get(api + "/topics/toy-topic").json()
    out["openapi"] = client.get("/openapi.json").json()["components"]["schemas"]
print(json.dumps(out))
"""


def test_a_toy_kind_is_served_graded_and_stored_end_to_end(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(FIXTURE), str(tmp_path / "toy.db")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["load_errors"] == [] and out["check_errors"] == []
    assert [q["id"] for q in out["listed"]["data"]] == ["toy-adam-name"]
    assert out["question"]["kind"] == "word"
    assert out["question"]["input"] == {"type": "word", "letters": 4}
    assert "accept" not in json.dumps(out["question"])  # never the answer before an attempt
    anonymous = out["anonymous"]
    assert anonymous["kind"] == "word" and anonymous["status"] == "correct"
    assert anonymous["accepted"] == ["Adam", "AdamW"] and "attempt" not in anonymous
    signed_in = out["signed_in"]
    assert signed_in["status"] == "incorrect" and signed_in["attempt"] >= 1
    (stored,) = out["attempts"]["data"]
    assert stored["kind"] == "word" and stored["verdict"]["why"].startswith("Adam tracks")
    (card,) = out["export"]["review_cards"]  # the wrong answer scheduled a review
    assert card["question_id"] == "toy-adam-name" and card["lapses"] == 1
    assert out["topic"]["question_counts"]["word"] == 1
    schemas = out["openapi"]
    assert set(schemas["WordVerdict"]["properties"]) >= {"kind", "status", "accepted", "why"}
    assert schemas["WordInput"]["properties"]["letters"]["type"] == "integer"


def test_openapi_lists_each_kinds_typed_verdict(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    for kind in kinds():
        name = "".join(part.capitalize() for part in kind.name.split("-")) + "Verdict"
        fields = set(schemas[name]["properties"])
        assert set(kind.details.model_fields) <= fields, name
        assert schemas[name].get("additionalProperties") is False, name  # no key vanishes
    assert schemas["CodeVerdict"]["properties"]["cases"]["items"]["$ref"].endswith("/CaseResult")
    steps = schemas["DerivationVerdict"]["properties"]["steps"]["items"]["$ref"]
    assert steps.endswith("/LineResult")
    attempt = document["paths"]["/api/v1/questions/{question_id}/attempts"]["post"]
    body = attempt["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "kind"
