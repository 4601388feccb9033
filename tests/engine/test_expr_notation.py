"""The notation learners really type (issue 19): every item reads as something stated here, with
the reading shown in "interpreted as", or is refused with a message that names the fix.

Each row of ``READINGS`` is ``(input, variables, ascii reading, note fragment)``; each row of
``REFUSALS`` is ``(input, variables, message fragment)``.
"""

from __future__ import annotations

import pytest

from engine.expr import ExprError, VarSpec, parse


def S(*shape: str, domain: str = "real") -> VarSpec:
    return VarSpec(tuple(shape), domain)


LINEAR = {"X": S("n", "p"), "y": S("n"), "w": S("p"), "x": S("p"), "beta": S("p"), "lambda": S()}
HINGE = {"w": S("p"), "x": S("p"), "y": S(domain="sign")}
VECTORS = {"u": S("n"), "v": S("n"), "g": S("p"), "c": S()}

# (input, variables, how it reads (ASCII), a fragment of the note shown with it, or "")
READINGS: list[tuple[str, dict[str, VarSpec] | None, str, str]] = [
    # --- functions spelled in capitals or as commands ------------------------------------------
    (r"\mathrm{ReLU}(x)", None, "relu(x)", ""),
    ("relu(x)", None, "relu(x)", ""),
    (r"\operatorname{ReLU}(z)", None, "relu(z)", ""),
    ("Softmax(z)", None, "softmax(z)", ""),
    (r"\arctanh x", None, "atanh(x)", ""),
    (r"\arsinh(a)", None, "asinh(a)", ""),
    # --- bars, braces and groups ---------------------------------------------------------------
    (r"\vert x\vert", None, "abs(x)", ""),
    (r"\left\vert x - 1 \right\vert", None, "abs(x - 1)", ""),
    (r"\lbrace a + b \rbrace c", None, "(a + b)*c", ""),
    (r"\lbrack a + b \rbrack c", None, "(a + b)*c", ""),
    (r"\lgroup a + b \rgroup c", None, "(a + b)*c", ""),
    (r"\left\lbrace x \right\rbrace y", None, "x*y", ""),
    (r"\lfloor x \rfloor + \lceil y \rceil", None, "floor(x) + ceil(y)", ""),
    (r"\boxed{\frac{1}{3}}", None, "1/3", ""),
    # --- spacing commands ----------------------------------------------------------------------
    *[
        (rf"a {space} b", None, "a*b", "")
        for space in (
            r"\,",
            r"\:",
            r"\;",
            r"\!",
            r"\quad",
            r"\qquad",
            r"\thinspace",
            r"\medspace",
            r"\thickspace",
            r"\negthinspace",
            r"\negmedspace",
            r"\negthickspace",
            "~",
        )
    ],
    # --- max and min of any number of arguments ------------------------------------------------
    (r"\max(a, b, c)", None, "max(max(a, b), c)", ""),
    (r"\min(a, b, c - d, xy)", None, "min(min(min(a, b), c - d), x*y)", ""),
    ("max(0, 1 - y*w^T x, 2)", HINGE, "max(max(0, 1 - y*w^T*x), 2)", ""),
    # --- binomials -----------------------------------------------------------------------------
    (r"\tbinom{n}{k}", None, "binomial(n, k)", ""),
    (r"\dbinom{n}{k}", None, "binomial(n, k)", ""),
    (r"{n \choose k}", None, "binomial(n, k)", ""),
    (r"\binom nk", None, "binomial(n, k)", ""),
    # --- logarithms ----------------------------------------------------------------------------
    (r"\lg x", None, "log(x, 10)", "base 10"),
    (r"\ln 2x", None, "log(2*x)", ""),
    (r"\sin 2xy", None, "sin(2*x*y)", ""),
    (r"\sin -x", None, "sin(-x)", ""),
    # --- a subscript belongs to the letter before it -------------------------------------------
    (r"\sum_{i=1}^{n} wx_i", {"w": S(), "x": S("n")}, "sum(w*x)", ""),
    (r"\sum_{i=1}^{n} \lambda wx_i", LINEAR, "sum(i=1..n, lambda*w*X_i)", ""),
    (r"x^2_1", None, "x_1^2", ""),
    (r"\hat{y_i} - y_i", None, "yhat_i - y_i", ""),
    # --- indicators ----------------------------------------------------------------------------
    (r"\mathbb{1}_{y w^\top x < 1}", HINGE, "indicator(y*w^T*x < 1)", ""),
    (r"-y x \mathbb{1}_{y\, w \cdot x < 1}", HINGE, "-y*x*indicator(dot(y*w, x) < 1)", "inner"),
    (r"\mathbb{1}[x > 0]", None, "indicator(x > 0)", ""),
    (r"\mathbf{1}\{x > 0\}", None, "indicator(x > 0)", ""),
    # --- sums and products with bounds, either order -------------------------------------------
    (r"\sum^{3}_{k=1} c", None, "3*c", "once per term"),
    (r"\sum_{k=1}^{3} c", None, "3*c", "once per term"),
    (r"\sum_{k=1}^{10} k^2", None, "sum(k=1..10, k^2)", ""),
    (r"\sum\limits_{i=1}^{n} y_i", LINEAR, "sum(y)", ""),
    (r"\prod_{a=b}^{c} x", None, "x^(c - b + 1)", "once per term"),
    ("sum(i=1..n, y_i)", LINEAR, "sum(y)", ""),
    ("prod(k=1..4, k)", None, "prod(k=1..4, k)", ""),
    # --- dot products --------------------------------------------------------------------------
    (r"u \cdot v", VECTORS, "dot(u, v)", "inner product"),
    ("u · v", VECTORS, "dot(u, v)", "inner product"),
    (r"u \bullet v", VECTORS, "dot(u, v)", "inner product"),
    (r"c \cdot u", VECTORS, "c*u", ""),
    (r"u \odot v", VECTORS, "u*v", ""),
    ("u * v", VECTORS, "u*v", ""),
    (r"u^\top \cdot v", VECTORS, "u^T @ v", ""),
    # --- labels, equations and words -----------------------------------------------------------
    ("dL/dw = 2(w - 1)", None, "2*(w - 1)", ""),
    (r"\frac{\partial L}{\partial w} = 2(w - 1)", None, "2*(w - 1)", ""),
    (r"\nabla_w L = 2(w - 1)", None, "2*(w - 1)", ""),
    ("L'(w) = 2(w - 1)", None, "2*(w - 1)", ""),
    ("g_t = 2(w - 1)", None, "2*(w - 1)", ""),
    (r"J(\theta) = \theta^2", None, "theta^2", ""),
    ("2(w + 1) = 2w + 2", None, "2*(w + 1) = 2*w + 2", ""),
    ("2(w - 1) by the chain rule", None, "2*(w - 1)", "not read"),
    (r"2(w - 1) \text{ by the chain rule}", None, "2*(w - 1)", "not read"),
    ("2(w - 1), using the product rule.", None, "2*(w - 1)", "not read"),
    (r"\frac{1}{3}.", None, "1/3", ""),
    (r"\frac{1}{3},", None, "1/3", ""),
    # --- Greek letters that are also functions need brackets to be functions --------------------
    (r"\mu + \sigma \epsilon", None, "mu + sigma*epsilon", ""),
    (r"\sigma(z)", None, "sigmoid(z)", ""),
    # --- NumPy-style input, update rules, sizes under other names ----------------------------
    ("np.exp(z)/np.sum(np.exp(z))", None, "exp(z)/sum(exp(z))", ""),
    ("((y - X@beta)**2).sum()/n", LINEAR, "sum((y - X @ beta)^2)/n", ""),
    ("where(z > 0, z, 0)", None, "piecewise((z, z > 0), (0, True))", ""),
    (r"\langle u, v \rangle", VECTORS, "dot(u, v)", "inner product"),
    (r"w \leftarrow w - \eta g", None, "w - eta*g", ""),
    ("w := w - eta g", None, "w - eta*g", ""),
    (r"\frac{1}{N}\sum_{i=1}^{N} y_i", LINEAR, "1/n*sum(y)", "read as n"),
    (r"\frac{1}{m}\sum_{i=1}^{m} y_i", LINEAR, "1/n*sum(y)", "read as n"),
    (r"\lambda \|w\|_1", LINEAR, "lambda*sum(abs(w))", ""),
    (r"\lambda \|w\|^2_2", LINEAR, "lambda*norm(w)^2", ""),
    ("y_i - X_i^T beta", LINEAR, "vector(i=1..n, y_i - X_i^T*beta)", "free index i"),
    ("sum(i=2..n, y_i - X_i^T beta)", LINEAR, "sum(i=2..n, y_i - X_i^T*beta)", ""),
    # --- names in text, not units --------------------------------------------------------------
    (r"\mbox{hello}", None, "hello", ""),
    (r"\textbf{i}", None, "i", ""),
    (r"\mathit{HELLO world}", None, "HELLOworld", ""),
]

# (input, variables, a fragment of the refusal message: it says what to write instead)
REFUSALS: list[tuple[str, dict[str, VarSpec] | None, str]] = [
    (r"x^\circ", None, "degrees are not supported here"),
    (r"x^{\circ}", None, "degrees are not supported here"),
    ("x°", None, "radians"),
    ("1.1.1", None, "two decimal points"),
    ("2 + 1.5.3", None, "two decimal points"),
    (r"\frac{1}{3}\text{meters}", None, "is a unit"),
    (r"5 \text{ cm}", None, "is a unit"),
    (r"\frac{1}{3} \text{ kg}", None, "remove it"),
    (r"28\%", None, "write the fraction"),
    (r"\$5", None, "currency"),
    (r"\sum_{n=0}^{\infty} \frac{1}{n!}", None, "∞"),
    (r"\sum_{i=1}^{10^9} i^2", None, "closed form"),
    (r"\sum_{i=1}^{n+1} y_i", LINEAR, "n + 1 values but y has n entries"),
    (r"\sum_{i=1}^{p} y_i", LINEAR, "runs to p but y has n entries"),
    (r"\sum_i y_i w_i", LINEAR, "runs over"),
    (
        r"\sum_{k=0}^{t-1} \beta^k",
        {"beta": S(domain="unit"), "t": S(domain="positive")},
        "closed form",
    ),
    (r"\sum_i c", None, "give the bounds"),
    (r"u \cdot g", VECTORS, "inner product"),
    (r"\mathit{21}", None, "as a name"),
    (r"\frac{d}{dx} x^2", None, "write the derivative itself"),
    ("y_1", LINEAR, "unknown symbol y_1"),
    ("(y)_i", LINEAR, "not the index of an enclosing sum"),
    (r"\text{by hand}", None, "words are not part of a formula"),
    (r"\mathbf{1}^\top y", LINEAR, "vector of ones"),
    (r"\|w\|_3", LINEAR, "3-norm is not supported"),
]


@pytest.mark.parametrize(
    ("text", "variables", "ascii", "note"), READINGS, ids=[r[0] for r in READINGS]
)
def test_reads_as(text: str, variables: dict[str, VarSpec] | None, ascii: str, note: str) -> None:
    parsed = parse(text, variables=variables)
    shown = parsed.interpreted_as()
    assert shown["ascii"] == ascii
    assert shown["latex"] and shown["mathml"]
    if note:
        assert note in (shown.get("notes") or ""), shown
    else:
        assert not any("not read" in n for n in parsed.notes)


@pytest.mark.parametrize(("text", "variables", "fragment"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_with_the_fix(
    text: str, variables: dict[str, VarSpec] | None, fragment: str
) -> None:
    with pytest.raises(ExprError) as info:
        parse(text, variables=variables)
    assert fragment in info.value.message
    assert info.value.position is not None or "limit" in info.value.code


def test_every_reading_reads_back_the_same() -> None:
    """What "interpreted as" shows (ASCII and LaTeX) is read back as the same formula."""
    for text, variables, ascii, _ in READINGS:
        shown = parse(text, variables=variables).interpreted_as()
        for form, syntax in ((shown["ascii"], "ascii"), (shown["latex"], "latex")):
            assert form is not None
            again = parse(form, syntax=syntax, variables=variables).interpreted_as()["ascii"]
            assert again.replace(" @ ", "*") == ascii.replace(" @ ", "*"), (text, syntax, form)


def test_the_issue_list_is_covered() -> None:
    """Every construct named in issue 19 has a row here."""
    rows = [r[0] for r in READINGS] + [r[0] for r in REFUSALS]
    named = [
        r"\mathrm{ReLU}", "relu", r"\vert", r"\left\vert", r"\lbrace", r"\lbrack", r"\lgroup",
        r"\:", r"\thinspace", r"\medspace", r"\thickspace", r"\negthinspace", r"\max(a, b, c)",
        r"\tbinom", r"\dbinom", r"\choose", r"\lg", "wx_i", r"\mathbb{1}_{", r"\sum^{3}_{k=1}",
        "by the chain rule", r"x^\circ", "1.1.1", r"\text{meters}", r"\cdot", "·", r"\bullet",
    ]  # fmt: skip
    missing = [item for item in named if not any(item in row for row in rows)]
    assert not missing
