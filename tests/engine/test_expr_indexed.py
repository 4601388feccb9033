"""Indexed sums, dot products, equations, defined names and derivations that start from the loss
(issue 19): how each is read and graded, including the wrong answers each must tell apart."""

from __future__ import annotations

import time

import pytest

from engine.expr import ExprError, Problem, VarSpec, grade_derivation, grade_expression, parse
from engine.expr.errors import LimitError, ShapeError
from engine.kinds.formula import FormulaTarget


def S(*shape: str, domain: str = "real") -> VarSpec:
    return VarSpec(tuple(shape), domain)


LINEAR = {"X": S("n", "p"), "y": S("n"), "beta": S("p")}
MSE = Problem.build(variables=LINEAR, derivative_of="1/n * sum((y - X beta)^2)", wrt="beta")
RIDGE = Problem.build(
    variables={**LINEAR, "lambda": S(domain="positive")},
    derivative_of="1/n * sum((y - X beta)^2) + lambda * sum(beta^2)",
    wrt="beta",
)
LOGISTIC = Problem.build(
    variables={**LINEAR, "y": S("n", domain="binary")},
    derivative_of="-1/n * sum(y*log(sigmoid(X beta)) + (1 - y)*log(sigmoid(-(X beta))))",
    wrt="beta",
)
HINGE = Problem.build(
    variables={"w": S("p"), "x": S("p"), "y": S(domain="sign")},
    derivative_of="max(0, 1 - y*(w^T x))",
    wrt="w",
)
L2 = Problem.build(
    variables={"w": S("p"), "lambda": S(domain="positive")},
    derivative_of="lambda * sum(w^2)",
    wrt="w",
)
SCALAR_SUMS = Problem.build(expected="385")

# (answer, problem, status, first feedback code)
CASES: list[tuple[str, Problem, str, str]] = [
    # --- the full range, in its spellings ------------------------------------------------------
    (r"-\frac{2}{n}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)", MSE, "correct", "equivalent"),
    (r"-\frac{2}{n}\sum_{i} x_i (y_i - x_i^\top\beta)", MSE, "correct", "equivalent"),
    (r"-\frac{2}{n}\sum_{i=0}^{n-1} x_i (y_i - x_i^\top\beta)", MSE, "correct", "equivalent"),
    (r"\frac{2}{n}\sum_{i=1}^{n} (x_i \cdot \beta - y_i) x_i", MSE, "correct", "equivalent"),
    (
        r"\frac{2}{n}\sum_{i=1}^{n} x^{(i)} (\beta^\top x^{(i)} - y^{(i)})",
        MSE,
        "correct",
        "equivalent",
    ),
    ("2/n sum(i=1..n, x_i (x_i^T beta - y_i))", MSE, "correct", "equivalent"),
    (r"\frac{2}{n}\sum_{i=1}^{n} ((X\beta)_i - y_i) x_i", MSE, "correct", "equivalent"),
    (
        r"\frac{1}{n}\sum_{i=1}^{n} (\sigma(x_i^\top\beta) - y_i) x_i",
        LOGISTIC,
        "correct",
        "equivalent",
    ),
    # --- other ranges are those ranges ---------------------------------------------------------
    (r"-\frac{2}{n}\sum_{i=2}^{n} x_i (y_i - x_i^\top\beta)", MSE, "incorrect", "not-equivalent"),
    (r"-\frac{2}{n}\sum_{i=1}^{n-1} x_i (y_i - x_i^\top\beta)", MSE, "incorrect", "not-equivalent"),
    (r"-\frac{2}{n-1}\sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)", MSE, "incorrect", "not-equivalent"),
    (
        r"\frac{1}{n}\sum_{i=2}^{n} (\sigma(x_i^\top\beta) - y_i) x_i",
        LOGISTIC,
        "incorrect",
        "not-equivalent",
    ),
    # --- a regulariser inside the sum is counted once per term ---------------------------------
    (
        r"\frac{2}{n}\sum_{i=1}^{n} x_i (x_i^\top\beta - y_i) + 2\lambda\beta",
        RIDGE,
        "correct",
        "equivalent",
    ),
    (
        r"\frac{1}{n}\sum_{i=1}^{n} \left(2 x_i (x_i^\top\beta - y_i) + 2\lambda\beta\right)",
        RIDGE,
        "correct",
        "equivalent",
    ),
    (
        r"\sum_{i=1}^{n} \left(\frac{2}{n} x_i (x_i^\top\beta - y_i) + 2\lambda\beta\right)",
        RIDGE,
        "incorrect",
        "not-equivalent",
    ),
    (r"\frac{1}{p}\sum_{j=1}^{p} 2\lambda w", L2, "correct", "equivalent"),
    (r"\sum_{j=1}^{p} 2\lambda w", L2, "incorrect", "factor"),
    ("sum(j=1..p, 2 lambda w)/p", L2, "correct", "equivalent"),
    # --- sums of numbers ---------------------------------------------------------------------
    (r"\sum_{k=1}^{10} k^2", SCALAR_SUMS, "correct", "equivalent"),
    (r"\sum_{k=0}^{10} k^2", SCALAR_SUMS, "correct", "equivalent"),
    (r"\sum_{k=1}^{9} k^2", SCALAR_SUMS, "incorrect", "factor"),
    (r"\sum_{k=2}^{10} k^2 + 1", SCALAR_SUMS, "correct", "equivalent"),
    # --- dot products ------------------------------------------------------------------------
    (r"-y x \mathbb{1}[1 - y\, w \cdot x > 0]", HINGE, "correct", "equivalent"),
    (r"-y x \cdot \mathbb{1}_{y (w \cdot x) < 1}", HINGE, "correct", "equivalent"),
    ("-y x indicator(y w·x < 1)", HINGE, "correct", "equivalent"),
    (r"-y x \mathbb{1}[y\, w \cdot x > 1]", HINGE, "incorrect", "not-equivalent"),
    (r"-y\, w \cdot x", HINGE, "incorrect", "dot-product"),
    # --- equations: a label is dropped, any other side is graded too ---------------------------
    (r"\nabla_\beta L = \frac{2}{n} X^\top (X\beta - y)", MSE, "correct", "equivalent"),
    (
        r"\frac{\partial L}{\partial \beta} = \frac{2}{n} X^\top (X\beta - y) = \frac{2}{n}(X^\top X\beta - X^\top y)",
        MSE,
        "correct",
        "equivalent",
    ),
    (
        r"\frac{2}{n} X^\top (X\beta + y) = \frac{2}{n} X^\top (X\beta - y)",
        MSE,
        "incorrect",
        "equation-sides",
    ),
    ("2/n X^T (X beta - y) = 2/n X^T X beta", MSE, "incorrect", "not-equivalent"),
]


@pytest.mark.parametrize(("answer", "problem", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_graded(answer: str, problem: Problem, status: str, code: str) -> None:
    verdict = grade_expression(answer, problem)
    assert verdict.status == status, verdict.to_dict()
    assert verdict.codes()[0] == code, verdict.to_dict()


SOFTMAX = Problem.build(
    variables={"z": S("k"), "y": S("k", domain="onehot")},
    derivative_of="-sum(y * log(softmax(z)))",
    wrt="z",
    definitions={"p": "softmax(z)"},
)


@pytest.mark.parametrize(
    ("answer", "problem", "status", "reading"),
    [
        (r"\frac{\partial L}{\partial z_j} = p_j - y_j", SOFTMAX, "correct", "softmax(z) - y"),
        ("y_j - p_j", SOFTMAX, "incorrect", "y - softmax(z)"),
        (
            r"\frac{\partial L}{\partial \beta_j} = \frac{2}{n}\sum_{i=1}^{n} X_{ij}(x_i^\top\beta - y_i)",
            MSE,
            "correct",
            "vector(j=1..p, 2/n*sum(i=1..n, X_ij*(X_i^T*beta - y_i)))",
        ),
        (
            r"\frac{2}{n}\sum_{i=2}^{n} X_{ij}(x_i^\top\beta - y_i)",
            MSE,
            "incorrect",
            "vector(j=1..p, 2/n*sum(i=2..n, X_ij*(X_i^T*beta - y_i)))",
        ),
    ],
)
def test_an_answer_written_entry_by_entry_is_a_vector(
    answer: str, problem: Problem, status: str, reading: str
) -> None:
    verdict = grade_expression(answer, problem)
    assert verdict.status == status
    shown = verdict.to_dict()["interpreted_as"]
    assert shown["ascii"] == reading
    assert "free index j" in shown["notes"]


def test_the_vector_of_entries_reads_back() -> None:
    text = "vector(j=1..p, 2/n*sum(i=1..n, X_ij*(X_i^T*beta - y_i)))"
    parsed = parse(text, variables=LINEAR)
    assert parsed.shape == ("p", 1)
    assert parsed.interpreted_as()["ascii"] == text
    with pytest.raises(ShapeError):
        parse("vector(j=1..n, beta_j)", variables=LINEAR)


def test_the_summand_decides_what_a_sum_means() -> None:
    variables = {"y": S("n"), "c": S()}
    assert parse(r"\sum_{i=1}^{n} y_i", variables=variables).interpreted_as()["ascii"] == "sum(y)"
    assert parse(r"\sum_{i=1}^{n} c", variables=variables).interpreted_as()["ascii"] == "n*c"
    assert parse(r"\sum_{i=3}^{n} c", variables=variables).interpreted_as()["ascii"] == (
        "(n - 3 + 1)*c"
    )
    shown = parse(r"\sum_{i=2}^{n} y_i", variables=variables).interpreted_as()
    assert shown["ascii"] == "sum(i=2..n, y_i)"
    assert r"\sum_{i=2}^{n}" in (shown["latex"] or "")
    assert "∑" in (shown["mathml"] or "")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (r"\sum_{i=1}^{n+1} y_i", "takes n + 1 values but y has n entries"),
        (r"\sum_{i=1}^{p} y_i", "runs to p but y has n entries"),
        (r"\sum_i y_i \beta_i", "runs over y (n entries) and beta (p entries)"),
        (r"\sum_{i=-1}^{n} y_i", "starts at -1"),
    ],
)
def test_the_index_is_checked_against_the_dimension(text: str, fragment: str) -> None:
    with pytest.raises(ShapeError) as info:
        parse(text, variables=LINEAR)
    assert fragment in info.value.message
    assert info.value.position == 0


def test_a_long_sum_is_refused_or_counted_never_looped() -> None:
    start = time.perf_counter()
    with pytest.raises(LimitError) as info:
        parse(r"\sum_{i=1}^{10^9} i^2")
    assert "closed form" in info.value.message
    counted = parse(r"\sum_{i=1}^{10^9} c")
    assert counted.interpreted_as()["ascii"] == "1000000000*c"
    verdict = grade_expression(r"\sum_{i=1}^{1000000000} c", Problem.build(expected="10^9 c"))
    assert verdict.correct
    assert time.perf_counter() - start < 1.0


def test_a_bound_that_is_not_a_size_is_refused() -> None:
    variables = {"g": S(), "beta": S(domain="unit"), "t": S(domain="positive")}
    with pytest.raises(ExprError) as info:
        parse(r"(1 - \beta) \sum_{k=0}^{t-1} \beta^k g", variables=variables)
    assert "not a whole number" in info.value.message


def test_a_whole_number_variable_may_bound_a_sum() -> None:
    problem = Problem.build(expected="n*(n + 1)/2", variables={"n": S(domain="integer")})
    assert grade_expression(r"\sum_{k=1}^{n} k", problem).status == "incorrect"  # n <= 0: empty
    positive = Problem.build(expected="n*(n + 1)/2 * (n > 0)", variables={"n": S(domain="integer")})
    assert grade_expression(r"\sum_{k=1}^{n} k", positive).correct


def test_dot_product_readings_are_told() -> None:
    variables = {"u": S("n"), "v": S("n"), "w": S("p")}
    parsed = parse(r"u \cdot v", variables=variables)
    assert parsed.shape == (1, 1)
    assert "inner product" in (parsed.interpreted_as().get("notes") or "")
    with pytest.raises(ShapeError) as info:
        parse(r"u \cdot w", variables=variables)
    assert "inner product of an n-vector and a p-vector" in info.value.message
    assert "odot" in info.value.message
    elementwise = parse("u * v", variables=variables).interpreted_as()
    assert r"\odot" in (elementwise["latex"] or "")  # never printed as · between vectors


def test_equation_sides_are_all_shown() -> None:
    parsed = parse("2(w + 1) = 2w + 2")
    assert not parsed.label_dropped and len(parsed.sides) == 1
    assert parsed.interpreted_as()["ascii"] == "2*(w + 1) = 2*w + 2"
    labelled = parse("dL/dw = 2(w - 1) = 2w - 2")
    assert labelled.label_kind == "gradient" and len(labelled.sides) == 1
    assert parse("L(w) = (w - 1)^2").label_kind == "name"
    assert parse("p(1 - p) = p - p^2").label_kind is None


DEFINED = Problem.build(
    variables={"z": S(), "y": S(domain="binary")},
    derivative_of="-(y*log(sigmoid(z)) + (1 - y)*log(1 - sigmoid(z)))",
    wrt="z",
    definitions={"p": "sigmoid(z)"},
)


def test_defined_names_read_as_their_formula() -> None:
    verdict = grade_expression("p - y", DEFINED)
    assert verdict.correct
    shown = verdict.to_dict()["interpreted_as"]
    assert shown["ascii"] == "sigmoid(z) - y"
    assert "p is sigmoid(z)" in shown["notes"]
    assert grade_expression("y - p", DEFINED).codes()[0] == "sign"
    assert grade_expression(r"\frac{p - y}{p(1 - p)}", DEFINED).codes()[0] == "chain-rule"


def test_definitions_may_use_earlier_ones_and_vectors() -> None:
    problem = Problem.build(
        variables=LINEAR,
        derivative_of="1/n * sum((y - X beta)^2)",
        wrt="beta",
        definitions=[("yhat", "X beta"), ("r", "y - yhat")],
    )
    assert grade_expression(r"-\frac{2}{n} X^\top r", problem).correct
    assert grade_expression(r"-\frac{2}{n} \sum_{i=1}^{n} r_i x_i", problem).correct
    assert grade_expression(r"\frac{2}{n} X^\top r", problem).codes()[0] == "sign"


def test_bad_definitions_are_refused() -> None:
    with pytest.raises(ExprError):
        grade_expression(
            "p", Problem.build(variables={"p": S()}, expected="p", definitions={"p": "1"})
        )
    with pytest.raises(ExprError):
        grade_expression(
            "q", Problem.build(variables={"z": S()}, expected="z", definitions={"q": "zz + "})
        )
    with pytest.raises(ValueError):
        FormulaTarget(
            kind="expression", id="q-1", prompt="x", variables={"p": {}}, expected="p",
            definitions={"p": "1"},
        )  # fmt: skip


def _statuses(lines: list[str], problem: Problem) -> tuple[str, list[tuple[str, str]]]:
    verdict = grade_derivation(lines, problem)
    steps = verdict.to_dict()["steps"]
    return verdict.status, [(s["status"], s["checked_against"]) for s in steps]


def test_a_derivation_may_start_from_the_loss() -> None:
    lines = [
        r"L = \frac{1}{n} \sum_{i=1}^{n} (y_i - x_i^\top \beta)^2",
        r"= \frac{1}{n} \lVert y - X\beta \rVert^2",
        r"\nabla_\beta L = -\frac{2}{n} \sum_{i=1}^{n} x_i (y_i - x_i^\top\beta)",
        r"= \frac{2}{n} X^\top (X\beta - y)",
    ]
    status, steps = _statuses(lines, MSE)
    assert status == "correct"
    assert steps == [("correct", "loss")] * 2 + [("correct", "target")] * 2


def test_a_wrong_loss_line_is_named() -> None:
    lines = [
        r"L = \frac{1}{n} \sum_{i=2}^{n} (y_i - x_i^\top \beta)^2",
        r"\frac{\partial L}{\partial \beta} = \frac{2}{n} X^\top (X\beta - y)",
    ]
    verdict = grade_derivation(lines, MSE)
    assert verdict.status == "partial"
    assert "line 1 is not equivalent to the loss" in verdict.feedback[0].message
    wrong_gradient = [
        lines[0].replace("i=2", "i=1"),
        r"\nabla_\beta L = \frac{2}{n} X^\top (X\beta + y)",
    ]
    status, steps = _statuses(wrong_gradient, MSE)
    assert status == "incorrect" and steps == [("correct", "loss"), ("incorrect", "target")]


def test_without_a_derivative_label_every_line_is_the_gradient() -> None:
    status, steps = _statuses(["2/n X^T (X beta - y)", "2/n (X^T X beta - X^T y)"], MSE)
    assert status == "correct" and {against for _, against in steps} == {"target"}
    status, steps = _statuses(["L = 1/n sum((y - X beta)^2)", "2/n X^T (X beta - y)"], MSE)
    assert steps[0] == ("incorrect", "target")  # no derivative label: the loss is not expected
