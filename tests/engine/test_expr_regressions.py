"""Cases found by probing the grader with answers it had not seen (each was wrong once)."""

from __future__ import annotations

import pytest

from engine.expr import Problem, VarSpec, grade_expression, parse
from engine.expr.equivalence import TargetError

V = VarSpec
X = {"x": V()}
HUBER = "piecewise((r^2/2, abs(r) <= delta), (delta*(abs(r) - delta/2), True))"
HUBER_VARS = {"r": V(), "delta": V(domain="positive")}


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        (Problem.build(derivative_of="pi*x", wrt="x", variables=X), "pi"),
        (Problem.build(derivative_of="e*x", wrt="x", variables=X), "e"),
        (Problem.build(expected="pi"), "4*atan(1)"),
        (Problem.build(expected="pi"), "acos(-1)"),
        (Problem.build(expected="exp(1)"), "e"),
        (Problem.build(derivative_of="tanh(x)", wrt="x", variables=X), r"\operatorname{sech}^2 x"),
        (Problem.build(expected="sin(x)^2", variables=X), r"\operatorname{sin}^2(x)"),
        (Problem.build(expected="sigmoid(x)^2", variables=X), "sigmoid^2(x)"),
        (
            Problem.build(
                expected="(X^T X + lambda I)^(-1) X^T y",
                variables={"X": V(("n", "p")), "y": V(("n",)), "lambda": V(domain="positive")},
            ),
            "(X'X + λI)^{-1}X'y",
        ),
        (
            Problem.build(derivative_of=HUBER, wrt="r", variables=HUBER_VARS),
            r"\begin{cases} r, & |r|\le\delta,\\ \delta\,\mathrm{sign}(r), & |r|>\delta. "
            r"\end{cases}",
        ),
        (
            Problem.build(derivative_of=HUBER, wrt="r", variables=HUBER_VARS),
            r"\begin{cases} r & |r|\le\delta \\ \delta\,\mathrm{sign}(r) & \text{otherwise.}"
            r"\end{cases}",
        ),
        (Problem.build(expected="x^2 + 1", variables=X), "$x^2 + 1$"),
        (Problem.build(expected="x/2", variables=X), r"\[ \frac{1}{2} x \]"),
        (
            Problem.build(expected="X^T y", variables={"X": V(("n", "p")), "y": V(("n",))}),
            r"X^{\prime} y",
        ),
    ],
)
def test_correct_answers_pass(problem: Problem, answer: str) -> None:
    verdict = grade_expression(answer, problem)
    assert verdict.status == "correct", verdict.feedback


LOGISTIC = {"X": V(("n", "p")), "y": V(("n",), "binary"), "w": V(("p",))}
SOFTMAX = {"X": V(("n", "p")), "W": V(("p", "k")), "Y": V(("n", "k"), "onehot")}


@pytest.mark.parametrize(
    ("problem", "answer", "code"),
    [
        (Problem.build(expected="1/3"), "0.3333333", "rounded"),
        (Problem.build(expected="x^2 + 1", variables=X), "x^2 + 1 + 10^(-20)", "rounded"),
        (
            Problem.build(
                derivative_of="-1/n * sum(y*log(sigmoid(X w)) + (1-y)*log(1-sigmoid(X w)))",
                wrt="w",
                variables=LOGISTIC,
            ),
            "(sigmoid(X w) - y)/n",
            "chain-rule",
        ),
        (
            Problem.build(
                derivative_of="-1/n*sum(Y*log(softmax(X W)))", wrt="W", variables=SOFTMAX
            ),
            "(softmax(X W) - Y)/n",
            "chain-rule",
        ),
        (
            Problem.build(derivative_of=HUBER, wrt="r", variables=HUBER_VARS),
            "piecewise((-delta, r > delta), (delta, r < -delta), (r, True))",
            "branches-swapped",
        ),
    ],
)
def test_mistakes_are_named(problem: Problem, answer: str, code: str) -> None:
    verdict = grade_expression(answer, problem)
    assert verdict.status == "incorrect"
    assert verdict.codes()[0] == code, verdict.feedback
    assert "transpose" not in verdict.codes()  # a scalar is its own transpose


@pytest.mark.parametrize(
    ("variables", "answer", "unknown"),
    [
        ({"m": V(), "beta1": V(domain="unit"), "t": V()}, r"\frac{m_t}{1-\beta_1^t}", "m_t"),
        ({"b": V(), "eta": V(), "x": V()}, "beta*x", "beta"),
        ({"a": V(), "b": V(), "t": V()}, "beta", "beta"),
    ],
)
def test_subscripted_and_greek_names_are_never_split(
    variables: dict, answer: str, unknown: str
) -> None:
    problem = Problem.build(expected="1", variables=variables)
    verdict = grade_expression(answer, problem)
    assert verdict.status == "invalid"
    assert f"unknown symbol {unknown} " in verdict.feedback[0].message


@pytest.mark.parametrize("target", ["sqrt(-1 - x^2)", "1/0", "log(0)", "sqrt(-1)"])
def test_a_target_undefined_everywhere_is_refused(target: str) -> None:
    with pytest.raises(TargetError, match="not defined at any sampled point"):
        grade_expression("42", Problem.build(expected=target, variables=X))


def test_delimiters_do_not_shift_error_positions() -> None:
    with pytest.raises(Exception) as info:
        parse("$x + )$")
    assert info.value.to_dict()["position"] == 5  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "ascii"),
    [
        (r"\sigma^2", "sigma^2"),  # a variance, not sigmoid squared
        (r"\frac{1}{\sigma^2}", "1/sigma^2"),
        (r"\sigma^2 x", "sigma^2*x"),
        (r"\sigma^2(z)", "sigmoid(z)^2"),
        (r"\sin^{-1}(x)", "asin(x)"),
        (r"\tan^{-1} x", "atan(x)"),
        ("|x - |y||", "abs(x - abs(y))"),
        ("|-|y||", "abs(-abs(y))"),
        ("xᵀy", "x^T*y"),
        ("x⁻¹ + x²³", "x^(-1) + x^23"),
        (r"\hat\beta = (X^TX)^{-1}X^Ty", "(X^T*X)^(-1)*X^T*y"),
        (r"\frac{1}{2} beta", "1/2*beta"),
        (r"\frac{1}{2} yhat", "1/2*yhat"),
        (r"\eta \cdot lr_min", "eta*lr_min"),
        (r"\frac ab", "a/b"),
    ],
)
def test_readings(text: str, ascii: str) -> None:
    assert parse(text).interpreted_as()["ascii"] == ascii


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x + 1 = ", "nothing on one side of '='"),
        (r"\write18{ls} = x", "before '='"),
        ("\\catcode`\\^^M=13 x", "before '='"),
        ("1e400 x", "too large"),
        ("x + 1.8e308", "too large"),
        ("x¹²³⁴⁵⁶⁷⁸⁹⁰⁰⁰⁰", "exponent"),
        ("①+x", "unexpected character"),
        ("cοs(x)", "looks like the Latin"),
        ("not " * 330 + "x > 0", "nested too deeply"),
        ("x" + "'" * 495, "nested too deeply"),
        ("tanh'(x)", "derivative"),
        (r"\frac{\mathrm{d}}{\mathrm{d}x} x^2", "d/dx"),
    ],
)
def test_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(Exception) as info:
        parse(text)
    assert message in str(info.value)
    assert type(info.value).__name__ in ("ExprError", "LimitError")


def test_positions_point_into_what_was_typed() -> None:
    for text, position in [("ŷ − y)", 5), ("√x + )", 5), ("xᵀ + )", 5)]:
        with pytest.raises(Exception) as info:
            parse(text)
        assert info.value.position == position, text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    ["x" + "!" * 20, "factorial(" * 24 + "x" + ")" * 24, "root(" * 30 + "x" + ", 2)" * 30],
)
def test_rendering_is_linear_in_nesting(text: str) -> None:
    import time

    start = time.perf_counter()
    try:
        parse(text).interpreted_as()
    except Exception as exc:  # a bound may refuse it; it must not take long either way
        assert type(exc).__name__ in ("ExprError", "LimitError")
    assert time.perf_counter() - start < 0.5


def test_unicode_labels_are_labels() -> None:
    variables = {"X": V(("n", "p")), "y": V(("n",)), "beta": V(("p",))}
    problem = Problem.build(expected="2/n X^T (X beta - y)", variables=variables)
    assert grade_expression("∂L/∂β = 2/n Xᵀ(Xβ − y)", problem).status == "correct"


def test_binomial_of_any_n_with_a_whole_k() -> None:
    problem = Problem.build(expected="n*(n-1)/2", variables={"n": V(domain="integer")})
    assert grade_expression("binomial(n, 2)", problem).status == "correct"
    assert grade_expression(r"\binom{n}{2}", problem).status == "correct"
    assert grade_expression("binomial(n, 3)", problem).status == "incorrect"
