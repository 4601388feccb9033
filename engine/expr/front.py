"""Front door of the expression language: parse text into a checked tree."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine.constants import DOMAINS, Domain
from engine.expr import ast as A
from engine.expr.errors import ExprError, LimitError, UnknownSymbol
from engine.expr.labels import (
    LabelKind,
    Segment,
    check_label_text,
    label_kind,
    split_sides,
    strip_trailing_words,
)
from engine.expr.latex import lex_latex
from engine.expr.lexer import fold_unicode_with_map, lex_ascii
from engine.expr.mathml import equation_mathml, to_mathml
from engine.expr.names import canonical_name
from engine.expr.parser import Parser, Scope
from engine.expr.printer import to_ascii, to_latex
from engine.expr.shapes import Shape, elementwise_products, from_declared, infer

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
    """A formula read: its tree and shape, the label dropped before ``=`` (and whether it names
    a derivative), the other sides of an equation (each graded too), and notes on readings
    worth telling the learner (``·`` read as an inner product, a defined name expanded)."""

    node: A.Node
    text: str
    syntax: str
    shape: Shape
    label_dropped: bool = False
    names: frozenset[str] = field(default_factory=frozenset)
    label: str = ""
    label_kind: LabelKind | None = None
    sides: tuple[Parsed, ...] = ()
    notes: tuple[str, ...] = ()
    elementwise: frozenset[int] = frozenset()  # ids of `*` nodes between two non-scalars

    def interpreted_as(self) -> dict[str, str | None]:
        nodes = [side.node for side in self.sides] + [self.node]
        odot = self.elementwise.union(*(side.elementwise for side in self.sides))
        shown: dict[str, str | None] = {
            "ascii": " = ".join(to_ascii(n) for n in nodes),
            "latex": " = ".join(to_latex(n, odot) for n in nodes),
            "mathml": to_mathml(self.node) if len(nodes) == 1 else equation_mathml(nodes),
        }
        if self.notes:
            shown["notes"] = "; ".join(self.notes)
        return shown


def detect_syntax(text: str) -> str:
    return "latex" if re.search(r"\\[A-Za-z{}|,;:!> %$]|\\\\|\^\{|_\{|~", text) else "ascii"


def make_scope(
    variables: dict[str, VarSpec] | None,
    extra: frozenset[str] = frozenset(),
    strict: bool | None = None,
    definitions: Mapping[str, A.Node] | None = None,
) -> Scope:
    variables = {canonical_name(name): spec for name, spec in (variables or {}).items()}
    shapes = {name: spec.shape for name, spec in variables.items()}
    for name in extra:
        shapes.setdefault(name, ())
    dims = {d for spec in variables.values() for d in spec.shape}
    integers = {name for name, spec in variables.items() if spec.domain == "integer"}
    return Scope(
        shapes=shapes,
        dims=dims,
        strict=bool(shapes) if strict is None else strict,
        definitions=dict(definitions or {}),
        integers=integers,
    )


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


def _read(
    segment: Segment,
    where: list[int],
    text: str,
    chosen: str,
    scope: Scope,
    notes: list[str],
) -> A.Node:
    """Parse one side of a line; errors point into what was typed."""
    try:
        return _read_sizes(segment, chosen, scope, notes)
    except RecursionError:
        raise LimitError("the expression is nested too deeply", None, text) from None
    except ExprError as exc:
        if exc.position is not None:  # back to a position in what was typed
            typed = where[min(exc.position + segment.offset, len(where) - 1)]
            exc.message = re.sub(rf"\bat {exc.position}\b", f"at {typed}", exc.message)
            exc.args = (exc.message,)
            exc.position = typed
        exc.text = text
        raise


MAX_SIZE_LETTERS = 3


def _read_sizes(segment: Segment, chosen: str, scope: Scope, notes: list[str]) -> A.Node:
    """Parse, reading an undeclared letter that bounds a sum of entries as their size (``m`` in
    ``\\frac{1}{m}\\sum_{i=1}^{m} y_i``): the parse is repeated with that letter allowed, and
    it is replaced by the dimension it turned out to be."""
    sizes: dict[str, str | None] = {}
    first: UnknownSymbol | None = None
    scope.components = []
    while True:
        scope.sizes = dict(sizes)
        try:
            tokens = (
                lex_latex(segment.text, notes) if chosen == "latex" else lex_ascii(segment.text)
            )
            parser = Parser(tokens, segment.text, scope, latex=chosen == "latex", notes=notes)
            node = parser.parse()
        except UnknownSymbol as exc:
            name = exc.name
            index = _free_index(name, scope, segment.text)
            if index is not None and len(scope.components) < 2:
                scope.components = [*scope.components, index]
                continue
            if not (scope.strict and len(name) == 1 and name not in sizes):
                raise
            if len(sizes) >= MAX_SIZE_LETTERS or not _bounds_a_sum(name, segment.text):
                raise
            first = first or exc
            sizes[name] = None
            continue
        found = {k: v for k, v in scope.sizes.items() if v is not None}
        unresolved = len(found) < len(scope.sizes)
        scope.sizes = {}
        if unresolved and first is not None:
            raise first  # a letter that bounds no sum of entries stays unknown
        for letter, dim in found.items():
            notes.append(f"{letter} is read as {dim}, the number of terms its sum runs over")
        return A.rename(node, found) if found else node


def _free_index(name: str, scope: Scope, text: str) -> str | None:
    """The index of ``y_j`` when ``y`` is a declared vector (or matrix, or defined name) and
    ``j`` a letter no sum binds: an answer written entry by entry (``X_{ij}`` inside a sum over
    i has the free index j)."""
    base, _, index = name.rpartition("_")
    if len(index) == 2 and index.isalpha():
        summed = [c for c in index if re.search(rf"(sum|prod)\s*_\s*\{{?\s*{c}\b", text)]
        free = [c for c in index if c not in summed]
        index = free[-1] if len(free) == 1 else ""
    if not (scope.strict and len(index) == 1 and index.islower() and base):
        return None
    if index in scope.components or index in scope.dims:
        return None
    base = canonical_name(base)
    matrix = len(base) == 1 and len(scope.shapes.get(base.upper(), ())) == 2
    if scope.shapes.get(base) or base in scope.definitions or matrix:
        return index
    return None


def _bounds_a_sum(name: str, text: str) -> bool:
    """Is ``name`` written as the upper bound of a sum (``^{m}``, ``^m``, ``..m,``)?"""
    return bool(re.search(rf"(\^\s*\{{?\s*{name}\s*\}}?|\.\.\s*{name}\s*,)", text))


def _sides(folded: str, text: str, scope: Scope) -> tuple[list[Segment], str, LabelKind | None]:
    """The sides of the line and the label before them (with its kind), if there is one."""
    segments = split_sides(folded)
    if len(segments) == 1:
        return segments, "", None
    declared = set(scope.shapes) | set(scope.definitions)
    kind = label_kind(segments[0].text, declared)
    label = ""
    check_label_text(segments[0], text, label=kind is not None)
    if kind is not None:
        label, segments = segments[0].text.strip() or "=", segments[1:]
    for segment in segments:
        if not segment.text.strip():
            raise ExprError(f"nothing on one side of '=' at {segment.offset}", segment.offset, text)
    return segments, label, kind


def parse(
    text: str,
    *,
    syntax: str = "auto",
    variables: dict[str, VarSpec] | None = None,
    extra_names: frozenset[str] = frozenset(),
    strict: bool | None = None,
    definitions: Mapping[str, A.Node] | None = None,
) -> Parsed:
    """Parse ASCII or LaTeX maths into a tree; raise :class:`ExprError` with a position.

    ``definitions`` are names the question defines (``p`` for ``sigmoid(z)``): an answer may
    use them, and they read as what they stand for.

    >>> parse("-2/n * X^T (y - X beta)", variables={"X": VarSpec(("n", "p")),
    ...       "y": VarSpec(("n",)), "beta": VarSpec(("p",))}).interpreted_as()["ascii"]
    '-2/n*X^T*(y - X*beta)'
    >>> parse(r"\\frac{1}{n}\\sum_{i=2}^{n} y_i", variables={"y": VarSpec(("n",))}
    ...       ).interpreted_as()["ascii"]
    '1/n*sum(i=2..n, y_i)'
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
    scope = make_scope(variables, extra_names, strict, definitions)
    notes: list[str] = []
    folded, words = strip_trailing_words(folded, set(scope.shapes) | set(scope.definitions))
    chosen = ("latex" if delimited else detect_syntax(folded)) if syntax == "auto" else syntax
    segments, label, kind = _sides(folded, text, scope)
    shapes = {name: from_declared(dims) for name, dims in scope.shapes.items()}
    read: list[Parsed] = []
    for segment in segments:
        node = _read(segment, where, text, chosen, scope, notes)
        _check_bounds(node, text)
        names = frozenset(A.free_names(node))
        odot = elementwise_products(node, shapes)
        read.append(Parsed(node, text, chosen, infer(node, shapes), names=names, elementwise=odot))
    if words:
        notes.append(words)
    main = read[-1]
    return Parsed(
        main.node,
        text,
        chosen,
        main.shape,
        label_dropped=bool(label),
        names=main.names,
        label=label,
        label_kind=kind,
        sides=tuple(read[:-1]),
        notes=tuple(dict.fromkeys(notes)),
        elementwise=main.elementwise,
    )


def parse_definitions(
    definitions: Sequence[tuple[str, str]],
    *,
    syntax: str = "auto",
    variables: dict[str, VarSpec] | None = None,
) -> dict[str, A.Node]:
    """Read a question's defined names in order (a definition may use the ones before it).

    >>> parse_definitions([("p", "sigmoid(z)")], variables={"z": VarSpec()})["p"]
    Call(func='sigmoid', args=(Name(name='z'),))
    """
    out: dict[str, A.Node] = {}
    declared = {canonical_name(v) for v in variables or {}}
    for name, formula in definitions:
        key = canonical_name(name)
        if key in declared:
            raise ExprError(f"{name} is both a variable and a defined name")
        try:
            parsed = parse(formula, syntax=syntax, variables=variables, definitions=out)
        except ExprError as exc:
            raise ExprError(f"the definition of {name} cannot be read: {exc.message}") from None
        if parsed.sides or parsed.label_dropped:
            raise ExprError(f"the definition of {name} must be one formula, without '='")
        out[key] = parsed.node
    return out
