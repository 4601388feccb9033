"""Front door of the expression language: parse text into a checked tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.constants import DOMAINS, Domain
from engine.expr import ast as A
from engine.expr.errors import ExprError, LimitError
from engine.expr.lexer import fold_unicode_with_map, known_command, lex_ascii, lex_latex
from engine.expr.mathml import to_mathml
from engine.expr.names import GREEK, canonical_name
from engine.expr.parser import Parser, Scope
from engine.expr.printer import to_ascii, to_latex
from engine.expr.shapes import Shape, from_declared, infer

MAX_CHARS = 2000
MAX_NODES = 600
MAX_TREE_DEPTH = 320  # a sum of 300 terms is a tree 300 deep
MAX_EXPONENT = 10_000
MAX_FACTORIAL_ARG = 1000


@dataclass(frozen=True)
class VarSpec:
    """A variable: the names of its dimensions (empty for a scalar) and its domain."""

    shape: tuple[str, ...] = ()
    domain: Domain = "real"

    def __post_init__(self) -> None:
        if self.domain not in DOMAINS:  # specs built from untyped data are checked too
            raise ExprError(f"unknown domain {self.domain!r}; use one of {', '.join(DOMAINS)}")
        if len(self.shape) > 2:
            raise ExprError("a variable has at most two dimensions (a matrix)")


@dataclass(frozen=True)
class Parsed:
    node: A.Node
    text: str
    syntax: str
    shape: Shape
    label_dropped: bool = False
    names: frozenset[str] = field(default_factory=frozenset)

    def interpreted_as(self) -> dict[str, str | None]:
        return {
            "ascii": to_ascii(self.node),
            "latex": to_latex(self.node),
            "mathml": to_mathml(self.node),
        }


def detect_syntax(text: str) -> str:
    return "latex" if re.search(r"\\[A-Za-z{}|,;!]|\\\\|\^\{|_\{", text) else "ascii"


_LABEL_FORBIDDEN = re.compile(r"[`#%&~@\"$<>!?]|\^\^")  # TeX catcode tricks, not maths
_LABEL_COMMANDS = {
    "partial", "nabla", "frac", "dfrac", "tfrac", "hat", "widehat", "bar", "tilde", "mathrm",
    "operatorname", "mathcal", "mathbf", "boldsymbol", "bm", "ell", "left", "right", "top",
    "intercal", "prime", "text", "cdot", "varepsilon", "vartheta", "varphi", *GREEK,
    *(g.capitalize() for g in GREEK),
}  # fmt: skip


def _split_label(text: str) -> tuple[str, int]:
    """Keep what follows the last top-level ``=`` (``dL/dw = …``); return it and its offset."""
    depth, cut, cuts = 0, -1, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            if (not before or before not in "<>!=") and after != "=":
                cut, cuts = i, cuts + 1
    if cut < 0:
        return text, 0
    if cuts > 1:
        raise ExprError(
            f"more than one '=' (at {cut}): write one formula, with at most a label before '='",
            cut,
            text,
        )
    label = text[:cut]
    commands = set(re.findall(r"\\([A-Za-z]+)", label))
    unknown = {c for c in commands - _LABEL_COMMANDS if not known_command(c)}
    if _LABEL_FORBIDDEN.search(label) or unknown:
        raise ExprError(
            "the part before '=' does not read as a label such as dL/dw or "
            "\\frac{\\partial L}{\\partial w}: remove it",
            0,
            text,
        )
    return text[cut + 1 :], cut + 1


def make_scope(
    variables: dict[str, VarSpec] | None,
    extra: frozenset[str] = frozenset(),
    strict: bool | None = None,
) -> Scope:
    variables = {canonical_name(name): spec for name, spec in (variables or {}).items()}
    shapes = {name: spec.shape for name, spec in variables.items()}
    for name in extra:
        shapes.setdefault(name, ())
    dims = {d for spec in variables.values() for d in spec.shape}
    return Scope(shapes=shapes, dims=dims, strict=bool(shapes) if strict is None else strict)


def _check_bounds(node: A.Node, text: str) -> None:
    count = 0
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        # chains the parser reads without nesting (x'''', not not …, a + b + … + z) still make
        # deep trees, and every later step walks them recursively
        if depth > MAX_TREE_DEPTH:
            raise LimitError(
                f"the expression is nested too deeply (more than {MAX_TREE_DEPTH} levels)",
                None,
                text,
            )
        stack.extend((child, depth + 1) for child in item.children())
        count += 1
        if isinstance(item, A.Bin) and item.op == "^" and isinstance(item.right, A.Num | A.Neg):
            exponent = (
                item.right.value
                if isinstance(item.right, A.Num)
                else getattr(item.right.arg, "value", 0)
            )
            if abs(exponent) > MAX_EXPONENT:
                raise LimitError(
                    f"exponent {exponent} is too large (limit {MAX_EXPONENT})", None, text
                )
        if isinstance(item, A.Call) and item.func in ("factorial", "binomial"):
            arg = item.args[0]
            if isinstance(arg, A.Num) and abs(arg.value) > MAX_FACTORIAL_ARG:
                raise LimitError(
                    f"{item.func} argument {arg.text} is too large (limit {MAX_FACTORIAL_ARG})",
                    None,
                    text,
                )
    if count > MAX_NODES:
        raise LimitError(
            f"the expression is too long ({count} terms; limit {MAX_NODES})", None, text
        )


_MATH_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)"))


def _strip_math_delimiters(text: str) -> tuple[str, bool]:
    """``$…$``, ``$$…$$``, ``\\[…\\]`` and ``\\(…\\)`` around the whole input become spaces
    (so positions in messages still point into what was typed); True when there were some."""
    body = text.strip()
    lead = len(text) - len(text.lstrip())
    for left, right in _MATH_DELIMITERS:
        if len(body) > len(left) + len(right) and body.startswith(left) and body.endswith(right):
            start, end = lead + len(left), lead + len(body) - len(right)
            return " " * start + text[start:end] + " " * (len(text) - end), True
    return text, False


def parse(
    text: str,
    *,
    syntax: str = "auto",
    variables: dict[str, VarSpec] | None = None,
    extra_names: frozenset[str] = frozenset(),
    strict: bool | None = None,
) -> Parsed:
    """Parse ASCII or LaTeX maths into a tree; raise :class:`ExprError` with a position.

    >>> parse("-2/n * X^T (y - X beta)", variables={"X": VarSpec(("n", "p")),
    ...       "y": VarSpec(("n",)), "beta": VarSpec(("p",))}).interpreted_as()["ascii"]
    '-2/n*X^T*(y - X*beta)'
    """
    if len(text) > MAX_CHARS:
        raise LimitError(
            f"the input has {len(text)} characters; the limit is {MAX_CHARS}", None, ""
        )
    if not text.strip():
        raise ExprError("the input is empty", 0, text)
    if syntax not in ("auto", "ascii", "latex"):
        raise ExprError(f"unknown syntax {syntax!r}; use auto, ascii or latex")
    folded, where = fold_unicode_with_map(text)
    folded, delimited = _strip_math_delimiters(folded)
    body, offset = _split_label(folded)
    if not body.strip():
        raise ExprError("nothing after '='", len(text), text)
    chosen = ("latex" if delimited else detect_syntax(folded)) if syntax == "auto" else syntax
    scope = make_scope(variables, extra_names, strict)
    try:
        tokens = (lex_latex if chosen == "latex" else lex_ascii)(body)
        node = Parser(tokens, body, scope, latex=chosen == "latex").parse()
    except RecursionError:
        raise LimitError("the expression is nested too deeply", None, text) from None
    except ExprError as exc:
        if exc.position is not None:  # back to a position in what was typed
            typed = where[min(exc.position + offset, len(where) - 1)]
            exc.message = re.sub(rf"\bat {exc.position}\b", f"at {typed}", exc.message)
            exc.args = (exc.message,)
            exc.position = typed
        exc.text = text
        raise
    _check_bounds(node, text)
    shapes = {name: from_declared(dims) for name, dims in scope.shapes.items()}
    shape = infer(node, shapes)
    return Parsed(
        node, text, chosen, shape, label_dropped=offset > 0, names=frozenset(A.names_in(node))
    )
