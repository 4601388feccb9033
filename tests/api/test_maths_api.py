"""The formula API: POST /api/v1/parse and POST /api/v1/check/expression."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PARSE = "/api/v1/parse"
CHECK = "/api/v1/check/expression"
PROBLEM_JSON = "application/problem+json"

REGRESSION = {"X": {"shape": ["n", "p"]}, "y": {"shape": ["n"]}, "beta": {"shape": ["p"]}}
MSE = {"derivative_of": "1/n * sum((y - X beta)^2)", "wrt": "beta", "variables": REGRESSION}


def check(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(CHECK, json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_problem(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    for key in ("type", "title", "status", "detail"):
        assert key in body
    assert body["status"] == status
    return body


# -- /parse --------------------------------------------------------------------------------


def test_parse_ok(client: TestClient) -> None:
    response = client.post(PARSE, json={"text": "-2/n * X^T (y - X beta)", "variables": REGRESSION})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["syntax"] == "ascii"
    assert body["interpreted_as"]["ascii"] == "-2/n*X^T*(y - X*beta)"
    assert "\\top" in body["interpreted_as"]["latex"]
    assert body["interpreted_as"]["mathml"].startswith("<math")
    assert body["shape"] == ["p", "1"]
    assert "error" not in body


def test_parse_latex_is_detected(client: TestClient) -> None:
    body = client.post(PARSE, json={"text": r"\frac{1}{1 + e^{-z}}"}).json()
    assert body["ok"] is True
    assert body["syntax"] == "latex"
    assert body["interpreted_as"]["ascii"] == "1/(1 + e^(-z))"


def test_parse_syntax_can_be_chosen(client: TestClient) -> None:
    body = client.post(PARSE, json={"text": "x^2", "syntax": "latex"}).json()
    assert body["ok"] is True and body["syntax"] == "latex"


def test_parse_error_has_a_position(client: TestClient) -> None:
    response = client.post(PARSE, json={"text": "sigmoid(z) - y)"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert "interpreted_as" not in body
    assert body["error"]["position"] == 14
    assert body["error"]["message"] == "unexpected ')' at 14"
    assert ")" in body["error"]["excerpt"]


def test_parse_unknown_symbol_with_variables(client: TestClient) -> None:
    body = client.post(PARSE, json={"text": "X q", "variables": REGRESSION}).json()
    assert body["ok"] is False
    assert "unknown symbol q" in body["error"]["message"]
    assert body["error"]["position"] == 2


def test_parse_too_long_is_an_error_not_a_crash(client: TestClient) -> None:
    body = client.post(PARSE, json={"text": "x+" * 5000 + "x"}).json()
    assert body["ok"] is False
    assert "limit" in body["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": 12},
        {"text": "x", "syntax": "maxima"},
        {"text": "x", "variables": {"x": {"domain": "complex"}}},
        {"text": "x", "variables": {"x": {"shape": ["n", "p", "q"]}}},
    ],
)
def test_parse_malformed_body(client: TestClient, body: dict[str, Any]) -> None:
    assert_problem(client.post(PARSE, json=body))


# -- /check/expression: answers --------------------------------------------------------------


def test_check_correct(client: TestClient) -> None:
    body = check(client, **MSE, answer="2/n X^T (X beta - y)")
    assert body["status"] == "correct"
    assert body["correct"] is True
    assert body["score"] == 1.0
    assert body["feedback"][0]["code"] == "equivalent"
    assert body["interpreted_as"]["ascii"] == "2/n*X^T*(X*beta - y)"


def test_check_correct_in_latex(client: TestClient) -> None:
    body = check(client, **MSE, answer=r"-\frac{2}{n} X^\top (y - X\beta)")
    assert body["status"] == "correct"


def test_check_expected_written_out(client: TestClient) -> None:
    body = check(
        client,
        expected="clip(yhat - y, -delta, delta)",
        answer="piecewise((yhat - y, abs(y - yhat) <= delta), (delta*sign(yhat - y), True))",
        variables={"yhat": {}, "y": {}, "delta": {"domain": "positive"}},
    )
    assert body["status"] == "correct"


def test_check_incorrect_with_feedback(client: TestClient) -> None:
    body = check(client, **MSE, answer="2/n X^T (y - X beta)")
    assert body["status"] == "incorrect"
    assert body["correct"] is False
    assert body["score"] == 0.0
    assert body["feedback"][0]["code"] == "sign"
    assert "sign" in body["feedback"][0]["message"]


def test_check_factor_feedback(client: TestClient) -> None:
    body = check(client, **MSE, answer="2 X^T (X beta - y)")
    assert body["feedback"][0]["code"] == "factor"
    assert "n" in body["feedback"][0]["message"]


def test_check_shape_mismatch(client: TestClient) -> None:
    body = check(client, **MSE, answer="y")
    assert body["status"] == "incorrect"
    assert any(
        "your expression is an n-vector; expected a p-vector" in f["message"]
        for f in body["feedback"]
    )


def test_check_question_mistakes(client: TestClient) -> None:
    body = check(
        client,
        **MSE,
        answer="2/n X^T X beta",
        mistakes=[{"answer": "2/n X^T X beta", "message": "you dropped y"}],
    )
    assert body["status"] == "incorrect"
    assert body["feedback"][0] == {"code": "known-mistake", "message": "you dropped y"}


def test_invalid_answer_is_200_with_status_invalid(client: TestClient) -> None:
    body = check(client, **MSE, answer="2/n X^T (X beta - y")
    assert body["status"] == "invalid"
    assert body["correct"] is False
    assert body["feedback"][0]["code"] == "syntax"
    assert body["error"]["position"] == len("2/n X^T (X beta - y")


def test_unknown_symbol_is_200_invalid(client: TestClient) -> None:
    body = check(client, **MSE, answer="2/n X^T (X beta - q)")
    assert body["status"] == "invalid"
    assert body["feedback"][0]["code"] == "unknown-symbol"
    message = body["feedback"][0]["message"]
    assert "unknown symbol q" in message
    for name in ("X", "y", "beta"):
        assert name in message


def test_variables_with_shapes_and_domains(client: TestClient) -> None:
    body = check(
        client,
        derivative_of="-sum(y*log(softmax(z)))",
        wrt="z",
        answer="softmax(z) - y",
        variables={"z": {"shape": ["k"]}, "y": {"shape": ["k"], "domain": "onehot"}},
    )
    assert body["status"] == "correct"
    wrong = check(
        client,
        derivative_of="-sum(y*log(softmax(z)))",
        wrt="z",
        answer="sum(softmax(z) - y)",
        variables={"z": {"shape": ["k"]}, "y": {"shape": ["k"], "domain": "onehot"}},
    )
    assert wrong["status"] == "incorrect"
    assert any("expected a k-vector" in f["message"] for f in wrong["feedback"])


def test_matrix_shape_in_variables(client: TestClient) -> None:
    body = check(
        client,
        expected="A B",
        answer="B^T A^T",
        variables={"A": {"shape": ["n", "p"]}, "B": {"shape": ["p", "m"]}},
    )
    assert body["status"] == "incorrect"
    assert body["feedback"][0]["code"] == "transpose"


def test_syntax_field_is_used(client: TestClient) -> None:
    # in LaTeX `ab` is a times b; in ASCII it is one name
    assert check(client, expected="a*b", answer="ab", syntax="latex")["status"] == "correct"
    assert check(client, expected="a*b", answer="ab", syntax="ascii")["status"] == "incorrect"
    assert check(client, expected="a*b", answer="ab")["status"] == "incorrect"
    body = check(client, expected="a*b", answer=r"\frac{a b}{1}", syntax="ascii")
    assert body["status"] == "invalid"


# -- /check/expression: derivations ---------------------------------------------------------


def test_derivation_steps_correct(client: TestClient) -> None:
    body = check(
        client,
        **MSE,
        steps=["-2/n X^T (y - X beta)", "2/n (X^T X beta - X^T y)", "2/n X^T (X beta - y)"],
    )
    assert body["status"] == "correct"
    assert [s["status"] for s in body["steps"]] == ["correct"] * 3
    assert [s["line"] for s in body["steps"]] == [1, 2, 3]
    assert body["steps"][0]["interpreted_as"]["ascii"] == "-2/n*X^T*(y - X*beta)"


def test_derivation_wrong_middle_line_is_partial(client: TestClient) -> None:
    body = check(
        client,
        **MSE,
        steps=["-2/n X^T (y - X beta)", "2/n X^T X beta", "2/n X^T (X beta - y)"],
    )
    assert body["status"] == "partial"
    assert 0 < body["score"] < 1
    assert body["feedback"][0]["code"] == "first-wrong-line"
    assert "line 2" in body["feedback"][0]["message"]
    assert [s["status"] for s in body["steps"]] == ["correct", "incorrect", "correct"]


def test_derivation_wrong_last_line_is_incorrect(client: TestClient) -> None:
    body = check(client, **MSE, steps=["2/n X^T (X beta - y)", "2/n X^T (y - X beta)"])
    assert body["status"] == "incorrect"
    assert "line 2" in body["feedback"][0]["message"]
    assert body["steps"][1]["feedback"][0]["code"] == "sign"


def test_derivation_with_invalid_line(client: TestClient) -> None:
    body = check(client, **MSE, steps=["2/n X^T (X beta - y)", "2/n X^T (", "2/n X^T (X beta - y)"])
    assert body["status"] == "partial"
    assert body["steps"][1]["status"] == "invalid"


# -- /check/expression: malformed requests -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            {"expected": "x", "derivative_of": "x^2", "wrt": "x", "answer": "x"},
            "exactly one target",
        ),
        ({"answer": "x"}, "exactly one target"),
        ({"expected": "x"}, "exactly one of `answer`"),
        ({"expected": "x", "answer": "x", "steps": ["x"]}, "exactly one of `answer`"),
        ({"derivative_of": "x^2", "answer": "2x"}, "`derivative_of` needs `wrt`"),
        ({"expected": "x", "answer": "x", "variables": {"x": {"domain": "complex"}}}, "domain"),
        ({"expected": "x", "answer": "x", "syntax": "maxima"}, "syntax"),
        ({"expected": "x", "answer": 5}, "answer"),
        ({"expected": "x", "steps": "x"}, "steps"),
        ({"expected": "x", "answer": "x", "variables": {"x": {"shape": ["n p"]}}}, "shape"),
    ],
)
def test_malformed_body_is_422_problem(
    client: TestClient, body: dict[str, Any], fragment: str
) -> None:
    problem = assert_problem(client.post(CHECK, json=body))
    assert problem["type"] == "/problems/invalid-request"
    assert problem["errors"], problem
    assert fragment in problem["detail"] + " ".join(str(e["loc"]) for e in problem["errors"])


def test_bad_domain_names_its_location(client: TestClient) -> None:
    problem = assert_problem(
        client.post(
            CHECK, json={"expected": "x", "answer": "x", "variables": {"x": {"domain": "complex"}}}
        )
    )
    assert problem["errors"][0]["loc"] == ["body", "variables", "x", "domain"]


def test_bad_expected_target_is_422_with_loc(client: TestClient) -> None:
    problem = assert_problem(client.post(CHECK, json={"expected": "x^(", "answer": "x"}))
    assert problem["type"] == "/problems/invalid-target"
    assert problem["errors"][0]["loc"] == ["body", "expected"]
    assert "unexpected end of input" in problem["errors"][0]["msg"]


@pytest.mark.parametrize("text", ["1e400 x", "x¹", "not " * 330 + "x > 0", "x" + "!" * 20])
def test_inputs_that_once_gave_500_are_answered(client: TestClient, text: str) -> None:
    response = client.post(CHECK, json={"expected": "x", "answer": text})
    assert response.status_code == 200
    assert response.json()["status"] in ("invalid", "incorrect", "correct")  # x¹ is x
    assert client.post("/api/v1/parse", json={"text": text}).status_code == 200
    as_target = client.post(CHECK, json={"expected": text, "answer": "x"})
    assert as_target.status_code in (200, 422)
    if as_target.status_code == 422:
        assert assert_problem(as_target)["type"] == "/problems/invalid-target"


def test_target_undefined_everywhere_is_422(client: TestClient) -> None:
    problem = assert_problem(client.post(CHECK, json={"expected": "sqrt(-1 - x^2)", "answer": "1"}))
    assert problem["type"] == "/problems/invalid-target"
    assert "not defined at any sampled point" in problem["errors"][0]["msg"]


def test_bad_derivative_target_is_422_with_loc(client: TestClient) -> None:
    problem = assert_problem(
        client.post(CHECK, json={"derivative_of": "sum(", "wrt": "x", "answer": "x"})
    )
    assert problem["type"] == "/problems/invalid-target"
    assert problem["errors"][0]["loc"] == ["body", "derivative_of"]


def test_wrt_that_is_not_a_variable_is_422(client: TestClient) -> None:
    problem = assert_problem(
        client.post(
            CHECK,
            json={"derivative_of": "x^2", "wrt": "q", "answer": "2x", "variables": {"x": {}}},
        )
    )
    assert problem["type"] == "/problems/invalid-target"
    assert problem["errors"][0]["loc"][0] == "body"
    assert problem["errors"][0]["loc"][1] in ("wrt", "derivative_of")
    assert "q" in problem["errors"][0]["msg"]


def test_non_scalar_loss_is_422(client: TestClient) -> None:
    problem = assert_problem(
        client.post(CHECK, json={**MSE, "derivative_of": "y - X beta", "answer": "X^T"})
    )
    assert problem["type"] == "/problems/invalid-target"
    assert "scalar" in problem["detail"]


def test_openapi_documents_the_maths_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths[PARSE]
    assert "post" in paths[CHECK]


LINEAR = {"X": {"shape": ["n", "p"]}, "y": {"shape": ["n"]}, "beta": {"shape": ["p"]}}


def test_definitions_are_read_and_said(client: TestClient) -> None:
    body = {"text": "2/n X^T (yhat - y)", "variables": LINEAR, "definitions": {"yhat": "X beta"}}
    read = client.post("/api/v1/parse", json=body)
    assert read.status_code == 200, read.text
    assert "X*beta" in read.json()["interpreted_as"]["ascii"]
    assert "yhat" in read.json()["interpreted_as"]["notes"]
    check = {
        "answer": "2/n X^T (yhat - y)",
        "derivative_of": "1/n*sum((y - X beta)^2)",
        "wrt": "beta",
        "variables": LINEAR,
        "definitions": {"yhat": "X beta"},
    }
    assert client.post("/api/v1/check/expression", json=check).json()["status"] == "correct"
    without = client.post("/api/v1/check/expression", json={**check, "definitions": {}})
    assert without.json()["status"] != "correct"


def test_an_unreadable_definition_is_the_requests_fault(client: TestClient) -> None:
    body = {"text": "yhat", "variables": LINEAR, "definitions": {"yhat": "X beta +"}}
    reply = client.post("/api/v1/parse", json=body)
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["loc"] == ["body", "definitions"]
    assert "yhat" in reply.json()["detail"]
