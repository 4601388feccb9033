"""Worked solutions: never served before a right answer or a give-up; a give-up is a failed
attempt, reviewed again soon."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from content import check_content, load_content

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "code_module"
RIGHT = "import numpy as np\ndef mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))\n"
WRONG = "import numpy as np\ndef mse(y_true, y_pred):\n    return float(np.sum((y_true - y_pred) ** 2))\n"
PASSWORD = "correct-horse-1"


def sign_in(client: TestClient) -> dict[str, str]:
    client.post("/api/v1/users", json={"username": "ada", "password": PASSWORD})
    token = client.post("/api/v1/auth/token", data={"username": "ada", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_the_question_says_a_solution_exists_but_never_contains_it(
    code_client: TestClient,
) -> None:
    question = code_client.get("/api/v1/questions/code-mse").json()
    assert question["has_solution"] is True
    assert "solution" not in question and "np.mean((y_true" not in str(question)


def test_a_wrong_answer_gets_no_solution_a_right_one_does(code_client: TestClient) -> None:
    url = "/api/v1/questions/code-mse/attempts"
    wrong = code_client.post(url, json={"answer": WRONG}).json()
    assert not wrong["correct"] and "solution" not in wrong
    right = code_client.post(url, json={"answer": RIGHT}).json()
    assert right["correct"]
    solution = right["solution"]
    assert "def mse" in solution["code"] and "<math" in solution["steps"][0]["mathml"]
    assert solution["notes"]["text"].startswith("Average over every element")


def test_giving_up_shows_the_solution_and_counts_as_a_failed_attempt(
    code_client: TestClient,
) -> None:
    anonymous = code_client.post("/api/v1/questions/code-mse/give-up")
    assert anonymous.status_code == 200 and "attempt" not in anonymous.json()
    assert "def mse" in anonymous.json()["solution"]["code"]
    me = sign_in(code_client)
    reply = code_client.post("/api/v1/questions/code-mse/give-up", headers=me).json()
    assert reply["attempt"] >= 1
    (stored,) = code_client.get("/api/v1/me/attempts", headers=me).json()["data"]
    assert stored["status"] == "incorrect" and stored["self_rating"] == "again"
    assert stored["verdict"]["feedback"][0]["code"] == "gave-up"
    card = code_client.get("/api/v1/me/export", headers=me).json()["review_cards"][0]
    assert card["question_id"] == "code-mse" and card["lapses"] == 1


def test_giving_up_on_a_question_without_a_solution_is_a_404(code_client: TestClient) -> None:
    other = next(
        q["id"]
        for q in code_client.get("/api/v1/questions").json()["data"]
        if not code_client.get(f"/api/v1/questions/{q['id']}").json()["has_solution"]
    )
    reply = code_client.post(f"/api/v1/questions/{other}/give-up")
    assert reply.status_code == 404 and "no worked solution" in reply.json()["detail"]


def test_a_solution_that_fails_its_own_cases_is_a_content_error(tmp_path: Path) -> None:
    text = (
        (FIXTURE / "code.yaml")
        .read_text()
        .replace(
            "return float(np.mean((y_true - y_pred) ** 2))\n      notes",
            "return float(np.sum((y_true - y_pred) ** 2))\n      notes",
            1,
        )
    )
    assert "np.sum((y_true - y_pred) ** 2))\n      notes" in text
    (tmp_path / "code.yaml").write_text(text)
    report = check_content(load_content(tmp_path))
    assert any("solution" in e.field and "fails its own cases" in e.message for e in report.errors)
