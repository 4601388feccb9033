"""Names the expression language knows: Greek letters, symbol aliases and functions."""

from __future__ import annotations

GREEK = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "chi",
    "psi",
    "omega",
]
UNICODE_GREEK = dict(zip("αβγδεζηθικλμνξοπρστυφχψω", GREEK, strict=True))
UNICODE_GREEK.update(
    {
        "ϵ": "epsilon",
        "ϕ": "phi",
        "ϑ": "theta",
        "ς": "sigma",
        "Δ": "Delta",
        "Σ": "Sigma",
        "Θ": "Theta",
        "Λ": "Lambda",
        "Φ": "Phi",
        "Ω": "Omega",
        "Γ": "Gamma",
        "Π": "Pi",
        "Ψ": "Psi",
    }
)
# Spellings that mean the same symbol.
ALIASES = {
    "eps": "epsilon",
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "lam": "lambda",
    "lmbda": "lambda",
    "y_hat": "yhat",
    "p_hat": "phat",
}
# Unicode operators and symbols folded to ASCII before lexing.
UNICODE_OPS = {
    "⋅": "·",
    "×": "*",
    "∗": "*",
    "−": "-",
    "–": "-",
    "—": "-",
    "÷": "/",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "√": "sqrt ",
    "∑": "\\sum ",
    "∏": "\\prod ",
    "∞": "inf",
    "ŷ": "yhat",
    "\u00a0": " ",
    "∙": "·",
    "•": "·",
    "‖": "||",
    "⊤": "T",
    "∘": "*",
    "⊙": "*",
}
CONSTANTS = {"pi", "e"}

# name -> (min args, max args). Elementwise functions keep the shape of their argument.
ELEMENTWISE = {
    "abs",
    "sign",
    "exp",
    "log",
    "sqrt",
    "sigmoid",
    "tanh",
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "asinh",
    "acosh",
    "atanh",
    "sech",
    "csch",
    "coth",
    "relu",
    "factorial",
    "log1p",
    "expm1",
    "softplus",
    "floor",
    "ceil",
}
FUNCTIONS: dict[str, tuple[int, int]] = {name: (1, 1) for name in ELEMENTWISE}
FUNCTIONS.update(
    {
        "log": (1, 2),
        "root": (2, 2),
        "max": (1, 20),  # three or more arguments nest: max(a, b, c) = max(max(a, b), c)
        "min": (1, 20),
        "clip": (3, 3),
        "sum": (1, 1),
        "mean": (1, 1),
        "norm": (1, 1),
        "dot": (2, 2),
        "diag": (1, 1),
        "inv": (1, 1),
        "transpose": (1, 1),
        "trace": (1, 1),
        "softmax": (1, 1),
        "logsumexp": (1, 1),
        "binomial": (2, 2),
        "piecewise": (1, 20),
        "where": (3, 3),  # where(condition, a, b), as in NumPy: a piecewise expression
        "indicator": (1, 1),
        "outer": (2, 2),
    }
)
FUNCTION_ALIASES = {
    "ln": "log",
    "sgn": "sign",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arsinh": "asinh",
    "arcsinh": "asinh",
    "arcosh": "acosh",
    "arccosh": "acosh",
    "artanh": "atanh",
    "arctanh": "atanh",
    "lse": "logsumexp",
    "choose": "binomial",
    "comb": "binomial",
    "ind": "indicator",
    "sigma": "sigmoid",
    "logistic": "sigmoid",
    "clamp": "clip",
    "expit": "sigmoid",
    "tr": "trace",
    "Tr": "trace",
    "fact": "factorial",
    "nchoosek": "binomial",
    "maximum": "max",
    "minimum": "min",
    "ceiling": "ceil",
}


def function_name(name: str) -> str | None:
    """Return the canonical function for ``name`` or None if it is not a function.

    With capitals (``ReLU``, ``Softmax``) a function name of three letters or more is the
    same function (but not an alias: ``Sigma`` is a letter, not the sigmoid).
    """
    canonical = FUNCTION_ALIASES.get(name, name)
    if canonical not in FUNCTIONS and len(name) >= 3 and name.lower() in FUNCTIONS:
        canonical = name.lower()
    return canonical if canonical in FUNCTIONS else None


def canonical_name(name: str) -> str:
    """Fold spellings of one symbol together: ``y_hat``/``yhat``, ``eps``/``epsilon``, ``β``."""
    name = "".join(UNICODE_GREEK.get(ch, ch) for ch in name)
    if name in ALIASES:
        return ALIASES[name]
    for suffix in ("_hat", "_bar", "_tilde"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + suffix[1:]
    return name
