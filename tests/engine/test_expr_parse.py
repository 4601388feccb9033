"""The formula parser: what each ASCII or LaTeX construct is read as, and where errors are.

Each row is ``(text, expected interpreted_as["ascii"])``; rows in ``SHAPED`` also declare
variables and check the inferred shape. The constructs are those of the issue and of
docs/formulas.md.
"""

from __future__ import annotations

import pytest

from engine.expr import ExprError, VarSpec, parse
from engine.expr.errors import LimitError, ShapeError, UnknownSymbol


def S(*shape: str, domain: str = "real") -> VarSpec:
    return VarSpec(tuple(shape), domain)


VARS = {
    "X": S("n", "p"),
    "y": S("n"),
    "yhat": S("n"),
    "beta": S("p"),
    "w": S("p"),
    "x": S("p"),
    "g": S("p"),
    "z": S("k"),
    "u": S("n"),
    "v": S("n"),
    "A": S("p", "p"),
    "lambda": S(),
    "delta": S(),
}

# (text, ascii) with nothing declared: every name is a real scalar
UNDECLARED: list[tuple[str, str]] = [
    # --- ASCII operators, implicit multiplication ------------------------------------
    ("2x", "2*x"),
    ("2 x", "2*x"),
    ("a b c", "a*b*c"),
    ("2 pi r", "2*pi*r"),
    ("x(x + 1)", "x*(x + 1)"),
    ("(a + b)(a - b)", "(a + b)*(a - b)"),
    ("2(w - 1)", "2*(w - 1)"),
    ("[a + b] c", "(a + b)*c"),
    ("a*b", "a*b"),
    ("a/b/c", "a/b/c"),
    ("x^-1", "x^(-1)"),
    ("-x^2", "-x^2"),
    ("2^3^2", "2^(3^2)"),
    ("x**2", "x^2"),
    ("sigmoid(z) - y", "sigmoid(z) - y"),
    ("max(0, 1 - y*w)", "max(0, 1 - y*w)"),
    ("|x|", "abs(x)"),
    ("abs(x - y)", "abs(x - y)"),
    # --- names --------------------------------------------------------------------
    ("y_hat", "yhat"),
    ("yhat", "yhat"),
    ("ŷ", "yhat"),
    ("y_hat - yhat", "yhat - yhat"),
    ("beta_hat", "betahat"),
    ("lr_min + 1", "lr_min + 1"),
    ("lr_min*lr_max", "lr_min*lr_max"),
    ("beta1", "beta1"),
    ("beta1 * beta_1", "beta1*beta_1"),
    ("eta_t", "eta_t"),
    ("eps", "epsilon"),
    ("eps + epsilon", "epsilon + epsilon"),
    ("T - t", "T - t"),
    ("beta + delta + lambda + eta + sigma", "beta + delta + lambda + eta + sigma"),
    ("alpha gamma theta mu tau", "alpha*gamma*theta*mu*tau"),
    # --- Unicode --------------------------------------------------------------------
    ("β + 1", "beta + 1"),
    ("σ(z)", "sigmoid(z)"),
    ("ŷ − y", "yhat - y"),
    ("a · b", "a*b"),
    ("a × b", "a*b"),
    ("a − b", "a - b"),
    ("λ + δ + η + ε + θ + α", "lambda + delta + eta + epsilon + theta + alpha"),
    ("x²", "x^2"),
    ("2 ÷ 3", "2/3"),
    ("√x", "sqrt(x)"),
    # --- functions -----------------------------------------------------------------------
    ("exp(x) + log(x) + ln(x)", "exp(x) + log(x) + log(x)"),
    ("sqrt(x) + tanh(x)", "sqrt(x) + tanh(x)"),
    ("sin(x) + cos(x) + tan(x)", "sin(x) + cos(x) + tan(x)"),
    ("sec(x) + csc(x) + cot(x)", "sec(x) + csc(x) + cot(x)"),
    ("asin(x) + arcsin(x) + acos(x) + atan(x)", "asin(x) + asin(x) + acos(x) + atan(x)"),
    ("sinh(x) + cosh(x) + asinh(x)", "sinh(x) + cosh(x) + asinh(x)"),
    ("relu(x) + softplus(x)", "relu(x) + softplus(x)"),
    ("log(x, 2)", "log(x, 2)"),
    ("root(x, 3)", "root(x, 3)"),
    ("factorial(5)", "5!"),
    ("binomial(5, 2)", "binomial(5, 2)"),
    ("sign(x)", "sign(x)"),
    ("clip(yhat - y, -delta, delta)", "clip(yhat - y, -delta, delta)"),
    ("min(a, b)", "min(a, b)"),
    ("e^x + pi", "e^x + pi"),
    ("indicator(x > 0)", "indicator(x > 0)"),
    (
        "piecewise((yhat - y, abs(y - yhat) <= delta), (delta*sign(yhat - y), True))",
        "piecewise((yhat - y, abs(y - yhat) <= delta), (delta*sign(yhat - y), True))",
    ),
    (
        "piecewise((r, abs(r) <= delta), (delta*sign(r), True))",
        "piecewise((r, abs(r) <= delta), (delta*sign(r), True))",
    ),
    # --- labels ----------------------------------------------------------------------------
    ("dL/dw = 2(w - 1)", "2*(w - 1)"),
    ("L'(w) = 2(w - 1)", "2*(w - 1)"),
    ("grad = 2 w", "2*w"),
    # --- LaTeX -----------------------------------------------------------------------------
    (r"\frac{a}{b}", "a/b"),
    (r"\dfrac{a}{b}", "a/b"),
    (r"\tfrac{1}{2}", "1/2"),
    (r"\frac12", "1/2"),
    (r"a \cdot b", "a*b"),
    (r"a \times b", "a*b"),
    (r"\left( a + b \right) c", "(a + b)*c"),
    (r"\sqrt{x}", "sqrt(x)"),
    (r"\sqrt{x^2 + 1}", "sqrt(x^2 + 1)"),
    (r"\sqrt[3]{x}", "root(x, 3)"),
    (r"\log(x)", "log(x)"),
    (r"\ln x", "log(x)"),
    (r"\ln(x)", "log(x)"),
    (r"\log_2 x", "log(x, 2)"),
    (r"\log_{10}(x)", "log(x, 10)"),
    (r"\exp(x)", "exp(x)"),
    (r"\exp{x}", "exp(x)"),
    (r"\exp\left(-\frac{x^2}{2}\right)", "exp(-(x^2/2))"),
    (r"\sigma(z)", "sigmoid(z)"),
    (r"\sigma(z)(1 - \sigma(z))", "sigmoid(z)*(1 - sigmoid(z))"),
    (r"\hat{y} - y", "yhat - y"),
    (r"\hat y", "yhat"),
    (r"\widehat{y}", "yhat"),
    (r"\hat{\beta}", "betahat"),
    (r"\beta + \delta + \lambda + \eta + \epsilon", "beta + delta + lambda + eta + epsilon"),
    (r"\varepsilon", "epsilon"),
    (r"\alpha \gamma \theta \mu \tau", "alpha*gamma*theta*mu*tau"),
    (r"\beta_1", "beta_1"),
    (r"\beta_{1}", "beta_1"),
    (r"x_{min}", "x_min"),
    (r"\mathrm{lr}_{\mathrm{min}}", "lr_min"),
    (r"a_1 + a_{12}", "a_1 + a_12"),
    (r"\max(0, 1 - x)", "max(0, 1 - x)"),
    (r"\min(a, b)", "min(a, b)"),
    (r"\operatorname{sign}(x)", "sign(x)"),
    (r"\mathrm{sign}(x)", "sign(x)"),
    (r"\operatorname{clip}(x, -1, 1)", "clip(x, -1, 1)"),
    (r"\tanh(x)", "tanh(x)"),
    (r"\cosh x", "cosh(x)"),
    (r"\arcsin(x)", "asin(x)"),
    (r"|x|", "abs(x)"),
    (r"\left| x \right|", "abs(x)"),
    (r"\lvert x \rvert", "abs(x)"),
    (r"\pi r^2", "pi*r^2"),
    (r"2\,x", "2*x"),
    (r"a \, b \; c \quad d", "a*b*c*d"),
    (r"x^{2}", "x^2"),
    (r"x^{-1}", "x^(-1)"),
    (r"e^{-z}", "e^(-z)"),
    (r"\mathbb{1}[x > 0]", "indicator(x > 0)"),
    (r"\mathbb{1}\{x > 0\}", "indicator(x > 0)"),
    (
        r"\begin{cases} r & |r| \le \delta \\ \delta\,\operatorname{sign}(r) & "
        r"\text{otherwise} \end{cases}",
        "piecewise((r, abs(r) <= delta), (delta*sign(r), True))",
    ),
    (
        r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
        "piecewise((1, x > 0), (0, True))",
    ),
    (
        r"\begin{cases} x & x \geq 0 \\ -x & x < 0 \end{cases}",
        "piecewise((x, x >= 0), (-x, x < 0))",
    ),
    (r"\frac{dL}{dw} = 2(w - 1)", "2*(w - 1)"),
    (r"\frac{\partial L}{\partial w} = 2(w-1)", "2*(w - 1)"),
]

# (text, ascii, shape) with VARS declared
SHAPED: list[tuple[str, str, tuple[object, object]]] = [
    ("-2/n * X^T (y - X beta)", "-2/n*X^T*(y - X*beta)", ("p", 1)),
    ("2/n X^T (X beta - y)", "2/n*X^T*(X*beta - y)", ("p", 1)),
    ("X.T @ (X@beta - y)", "X^T @ (X @ beta - y)", ("p", 1)),
    ("X @ beta", "X @ beta", ("n", 1)),
    ("X beta", "X*beta", ("n", 1)),
    ("X*beta", "X*beta", ("n", 1)),
    ("X' y", "X^T*y", ("p", 1)),
    ("X'*(y - X*beta)", "X^T*(y - X*beta)", ("p", 1)),
    ("X^T y", "X^T*y", ("p", 1)),
    ("transpose(X)", "X^T", ("p", "n")),
    (r"X^\top y", "X^T*y", ("p", 1)),
    (r"X^{T} y", "X^T*y", ("p", 1)),
    (r"X^{\top} y", "X^T*y", ("p", 1)),
    ("u^T v", "u^T*v", (1, 1)),
    ("u v^T", "u*v^T", ("n", "n")),
    ("y^T", "y^T", (1, "n")),
    ("y*log(yhat)", "y*log(yhat)", ("n", 1)),
    ("1 - y", "1 - y", ("n", 1)),
    ("z - max(z)", "z - max(z)", ("k", 1)),
    ("max(z)", "max(z)", (1, 1)),
    ("max(u, v)", "max(u, v)", ("n", 1)),
    ("log(sum(exp(z - max(z)))) + max(z)", "log(sum(exp(z - max(z)))) + max(z)", (1, 1)),
    ("softmax(z)", "softmax(z)", ("k", 1)),
    ("logsumexp(z)", "logsumexp(z)", (1, 1)),
    ("sum((y - yhat)^2)", "sum((y - yhat)^2)", (1, 1)),
    ("mean(y)", "mean(y)", (1, 1)),
    ("dot(u, v)", "dot(u, v)", (1, 1)),
    ("outer(u, v)", "outer(u, v)", ("n", "n")),
    ("norm(g)", "norm(g)", (1, 1)),
    ("inv(A)", "inv(A)", ("p", "p")),
    ("A^(-1)", "A^(-1)", ("p", "p")),
    (r"A^{-1}", "A^(-1)", ("p", "p")),
    ("trace(A)", "trace(A)", (1, 1)),
    ("diag(A)", "diag(A)", ("p", 1)),
    ("(X^T X + lambda I)^(-1) X^T y", "(X^T*X + lambda*I)^(-1)*X^T*y", ("p", 1)),
    ("1/n", "1/n", (1, 1)),
    (r"\mathrm{softmax}(z)", "softmax(z)", ("k", 1)),
    (r"\operatorname{softmax}(z)", "softmax(z)", ("k", 1)),
    (r"\lVert g \rVert", "norm(g)", (1, 1)),
    (r"\|g\|", "norm(g)", (1, 1)),
    (r"\left\| g \right\|", "norm(g)", (1, 1)),
    (r"\lambda\|w\|^2", "lambda*norm(w)^2", (1, 1)),
    ("λ‖w‖²", "lambda*norm(w)^2", (1, 1)),
    (r"-\frac{2}{n} X^\top (y - X\beta)", "-(2/n)*X^T*(y - X*beta)", ("p", 1)),
    (r"\sum_i y_i", "sum(y)", (1, 1)),
    (r"\sum_{i} y_i", "sum(y)", (1, 1)),
    (r"\sum_i (y_i - \hat{y}_i)^2", "sum((y - yhat)^2)", (1, 1)),
    (
        r"\frac{1}{n}\sum_{i=1}^{n}(y_i-\hat{y}_i)^2",
        "1/n*sum((y - yhat)^2)",
        (1, 1),
    ),
    (r"\hat{y} - y", "yhat - y", ("n", 1)),
    ("y_hat - y", "yhat - y", ("n", 1)),
    ("ŷ − y", "yhat - y", ("n", 1)),
]


@pytest.mark.parametrize(("text", "ascii"), UNDECLARED, ids=[t for t, _ in UNDECLARED])
def test_reads_as(text: str, ascii: str) -> None:
    parsed = parse(text)
    assert parsed.interpreted_as()["ascii"] == ascii


@pytest.mark.parametrize(("text", "ascii", "shape"), SHAPED, ids=[t for t, _, _ in SHAPED])
def test_reads_as_with_shapes(text: str, ascii: str, shape: tuple[object, object]) -> None:
    parsed = parse(text, variables=VARS)
    assert parsed.interpreted_as()["ascii"] == ascii
    assert tuple(str(d) for d in parsed.shape) == tuple(str(d) for d in shape)


ALL_ROWS = [(t, None) for t, _ in UNDECLARED] + [(t, VARS) for t, _, _ in SHAPED]

# Where the LaTeX preview cannot be read back as the same formula, on purpose.
LATEX_NOT_ROUND_TRIP = {
    "beta1": "with nothing declared beta1 and beta_1 are two names; LaTeX shows both as \\beta_{1}",
    "beta1 * beta_1": "as above",
}


def _same(a: str, b: str) -> bool:
    # `@` and juxtaposition are the same matrix product; the preview may print either
    return a.replace(" @ ", "*") == b.replace(" @ ", "*")


@pytest.mark.parametrize(("text", "variables"), ALL_ROWS, ids=[t for t, _ in ALL_ROWS])
def test_interpretation_round_trips(text: str, variables: dict[str, VarSpec] | None) -> None:
    """What the preview shows (ASCII and LaTeX) is read back as the same formula."""
    first = parse(text, variables=variables).interpreted_as()
    again_ascii = parse(first["ascii"], syntax="ascii", variables=variables).interpreted_as()
    assert again_ascii["ascii"] == first["ascii"]
    if text in LATEX_NOT_ROUND_TRIP:
        return
    again_latex = parse(first["latex"], syntax="latex", variables=variables).interpreted_as()
    assert _same(again_latex["ascii"], first["ascii"]), first["latex"]


def test_interpreted_as_has_three_forms() -> None:
    shown = parse(r"\frac{2}{n} X^\top (X\beta - y)", variables=VARS).interpreted_as()
    assert set(shown) == {"ascii", "latex", "mathml"}
    assert shown["ascii"] == "2/n*X^T*(X*beta - y)"
    assert "\\top" in shown["latex"] and "\\beta" in shown["latex"]
    assert shown["mathml"] and shown["mathml"].startswith("<math")


def test_syntax_is_detected_or_chosen() -> None:
    assert parse("a/b").syntax == "ascii"
    assert parse(r"\frac{a}{b}").syntax == "latex"
    assert parse("x^{2}").syntax == "latex"
    assert parse("x^2", syntax="latex").interpreted_as()["ascii"] == "x^2"
    assert parse("a b", syntax="ascii").interpreted_as()["ascii"] == "a*b"


def test_label_is_dropped_and_recorded() -> None:
    assert parse("dL/dw = 2(w - 1)").label_dropped
    assert not parse("2(w - 1)").label_dropped


def test_names_are_case_sensitive() -> None:
    parsed = parse("T t", variables={"T": S(), "t": S()})
    assert parsed.names == {"T", "t"}


def test_hat_forms_are_one_name() -> None:
    forms = ["y_hat", "yhat", "ŷ", r"\hat{y}", r"\hat y", r"\widehat{y}"]
    assert {frozenset(parse(f).names) for f in forms} == {frozenset({"yhat"})}


def test_dimension_names_are_scalars_in_formulas() -> None:
    parsed = parse("sum(y)/n", variables={"y": S("n")})
    assert parsed.shape == (1, 1)


# ----------------------------------------------------------------------------------------
# Errors name a position
# ----------------------------------------------------------------------------------------

# (text, message fragment, position)
ERRORS: list[tuple[str, str, int]] = [
    ("sigmoid(z) - y)", "unexpected ')' at 14", 14),
    ("(a + b))", "unexpected ')' at 7", 7),
    ("1 + (2 * 3))", "unexpected ')' at 11", 11),
    ("()", "unexpected ')' at 1", 1),
    ("a + * b", "unexpected '*' at 4", 4),
    ("x^^^^", "unexpected '^' at 2", 2),
    ("a +", "unexpected end of input at 3", 3),
    ("2/(3", "missing closing ')'", 4),
    ("sin(x", "missing ')'", 5),
    (r"\frac{1}{2", "missing closing '}'", 10),
    (r"\unknowncmd{x}", "unknown LaTeX command \\unknowncmd", 0),
    ("dL/dw = 2(w - 1))", "unexpected ')' at 16", 16),
]


@pytest.mark.parametrize(("text", "fragment", "position"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_positions(text: str, fragment: str, position: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    exc = info.value
    assert exc.position == position
    assert fragment in exc.message
    found = exc.to_dict()
    assert found["position"] == position
    assert found["message"] == exc.message
    assert found["excerpt"] and found["excerpt"] in text


def test_unknown_symbol_with_declared_variables() -> None:
    with pytest.raises(UnknownSymbol) as info:
        parse("2/n X^T (X beta - q)", variables={k: VARS[k] for k in ("X", "y", "beta")})
    assert "unknown symbol q" in info.value.message
    assert info.value.position == 18
    for name in ("X", "y", "beta"):
        assert name in info.value.message.split("declared:")[1]


def test_shape_errors_are_reported() -> None:
    with pytest.raises(ShapeError) as info:
        parse("X y", variables=VARS)
    assert "transpose" in info.value.message
    with pytest.raises(ShapeError):
        parse("y + beta", variables=VARS)


def test_empty_and_bad_syntax_argument() -> None:
    with pytest.raises(ExprError):
        parse("   ")
    with pytest.raises(ExprError):
        parse("x", syntax="maxima")
    with pytest.raises(ExprError):
        parse("dL/dw = ")


def test_bounds_are_limit_errors() -> None:
    with pytest.raises(LimitError):
        parse("x" * 2001)
    with pytest.raises(LimitError):
        parse("x^100000")
    with pytest.raises(LimitError):
        parse("factorial(100000)")
    with pytest.raises(LimitError):
        parse("(" * 100 + "x" + ")" * 100)


def test_unknown_domain_is_rejected() -> None:
    with pytest.raises(ExprError):
        VarSpec((), "complex")
    with pytest.raises(ExprError):
        VarSpec(("a", "b", "c"))
