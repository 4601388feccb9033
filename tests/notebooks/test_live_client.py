"""The client against a live server: its verdict is the web app's for the same source, and a
signed-in learner's attempts are stored."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import client
from app.client import Verdict
from app.client.display import Problem

HUBER_HALF_MISSING = """import numpy as np


def huber(y_true, y_pred, delta=1.0):
    r = np.abs(y_true - y_pred)
    return float(np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta))))
"""
HUBER_OK = HUBER_HALF_MISSING.replace("r**2", "0.5 * r**2")


def defined(tmp_path: Path, source: str, name: str) -> Any:
    """A function defined from an editor's text, as a notebook cell would define it."""
    path = tmp_path / "cell.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("cell", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def stable(verdict: dict[str, Any]) -> dict[str, Any]:
    """A verdict without what is drawn afresh on every attempt (hidden inputs, their errors)."""
    cases = [
        {k: c.get(k) for k in ("name", "visible", "passed", "call", "expected")}
        for c in verdict.get("cases", [])
    ]
    return {**{k: verdict[k] for k in ("question", "kind", "status", "correct", "score")}, "cases": cases,
            "feedback": [f["code"] for f in verdict["feedback"]]}  # fmt: skip


@pytest.mark.parametrize("source", [HUBER_OK, HUBER_HALF_MISSING])
def test_the_clients_verdict_is_the_web_apps(descent: str, tmp_path: Path, source: str) -> None:
    huber = defined(tmp_path, source, "huber")
    assert client.source_of(huber) == source  # the request is the one the editor would send
    ours = client.check("code-huber", huber)
    assert isinstance(ours, Verdict)
    web = httpx.post(
        f"{descent}/api/v1/questions/code-huber/attempts", json={"answer": source}
    ).json()
    assert stable(ours.raw) == stable(web)
    assert ours.correct == (source == HUBER_OK)


def test_a_renamed_function_is_aliased(descent: str, tmp_path: Path) -> None:
    mine = defined(tmp_path, HUBER_OK.replace("def huber", "def my_huber"), "my_huber")
    assert client.check("code-huber", mine).correct


def test_signed_in_attempts_count_toward_progress(descent: str, tmp_path: Path) -> None:
    assert "signed in as" not in str(client.server())
    made = client.login("nb-learner", "correct horse 42", register=True)
    assert made and "signed in as nb-learner" in str(made)
    assert "signed in as nb-learner" in str(client.server())
    verdict = client.check("code-huber", defined(tmp_path, HUBER_OK, "huber"))
    assert verdict.correct and verdict.raw["attempt"]
    assert "stored as attempt" in str(verdict)
    assert client.ask("mse-compute-batch", "0.375").correct
    token = client.connection.saved_login()
    assert token is not None
    headers = {"Authorization": f"Bearer {token['token']}"}
    attempts = httpx.get(f"{descent}/api/v1/me/attempts", headers=headers).json()["data"]
    assert {a["question"] for a in attempts} == {"code-huber", "mse-compute-batch"}
    progress = httpx.get(f"{descent}/api/v1/me/progress", headers=headers).json()
    huber = next(t for t in progress["topics"] if t["topic"] == "huber")
    assert huber["attempts"] == 1 and huber["answered"] == 1
    due = httpx.get(f"{descent}/api/v1/me/reviews/due", headers=headers)
    assert due.status_code == 200
    assert client.logout() and client.connection.saved_login() is None
    assert httpx.get(f"{descent}/api/v1/me", headers=headers).status_code == 401  # revoked


def test_hints_answers_and_wrong_ids(descent: str) -> None:
    shown = client.hint("code-huber", 1)
    assert shown and str(shown).startswith("Hint 1 of 2:")
    assert "no hint 9" in str(client.hint("code-huber", 9))
    unknown = client.check("code-nope", "def f(): pass")
    assert isinstance(unknown, Problem) and "no question with id 'code-nope'" in str(unknown)
    assert "not a code question" in str(client.check("mse-compute-batch", "def f(): pass"))
    assert not client.ask("mse-compute-batch", "   ")
    wrong = client.login("nobody-here", "wrong password 1")
    assert isinstance(wrong, Problem) and wrong.status == 401


def test_a_script_prints_its_verdict(descent: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        HUBER_OK + '\n\nfrom app.client import check\nassert check("code-huber", huber)\n'
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("✓ code-huber: correct (score 1.00)") and "hidden" in out.stdout
