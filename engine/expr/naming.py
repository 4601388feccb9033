"""What a name in a formula stands for: a declared variable, a name the question defines, the
entry of a vector inside a sum, a constant, a function, or a product of shorter names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.expr import ast as A
from engine.expr.errors import ExprError, UnknownSymbol
from engine.expr.lexer import Token
from engine.expr.names import ALIASES, CONSTANTS, GREEK, canonical_name, function_name
from engine.expr.printer import to_ascii
from engine.expr.shapes import SCALAR, Shape, from_declared, infer

if TYPE_CHECKING:
    from engine.expr.sums import OpenSum

GREEK_NAMES = frozenset(GREEK)
INFINITY = ("infinity", "inf", "infty")


def _one_word(raw: str, name: str) -> bool:
    """A spelled Greek letter, an alias (eps) or a hatted name (yhat) typed in LaTeX without a
    backslash is one symbol, not a product of letters."""
    return (
        name in GREEK_NAMES
        or raw in ALIASES
        or (len(name) > 3 and name.endswith(("hat", "bar", "tilde")))
        or "_" in name
    )


@dataclass
class Scope:
    """What names mean: declared variables (name -> shape), dimension names, the names the
    question defines (name -> formula), whole-number variables, strictness."""

    shapes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dims: set[str] = field(default_factory=set)
    strict: bool = False  # unknown names are errors (otherwise they are real scalars)
    definitions: dict[str, A.Node] = field(default_factory=dict)
    integers: set[str] = field(default_factory=set)  # may bound a sum
    # letters read as the size a sum runs over (m in \frac{1}{m}\sum_{i=1}^{m} y_i), with the
    # dimension each turned out to be (None until a sum bounded by it is closed)
    sizes: dict[str, str | None] = field(default_factory=dict)
    # free indices: j in "p_j - y_j" (an answer written entry by entry) makes it a vector
    components: list[str] = field(default_factory=list)

    def known(self, name: str) -> bool:
        return name in self.shapes or name in self.dims or name in self.definitions

    def listing(self) -> str:
        names = sorted(self.shapes) + sorted(self.dims - set(self.shapes))
        names += sorted(set(self.definitions) - set(names))
        return ", ".join(names) if names else "none"


class NameResolver:
    """The part of the parser that resolves names (mixed into :class:`Parser`)."""

    scope: Scope
    latex: bool
    text: str
    notes: list[str]
    sums: list[OpenSum]
    _shape_map: dict[str, Shape] | None = None

    # provided by the parser
    @property
    def tok(self) -> Token:
        raise NotImplementedError

    def peek(self, offset: int = 1) -> Token:
        raise NotImplementedError

    def error(self, message: str, token: Token | None = None) -> ExprError:
        raise NotImplementedError

    def starts_operand(self) -> bool:
        raise NotImplementedError

    def function_power(self, name: str) -> bool:
        raise NotImplementedError

    def call(self, func: str, token: Token) -> A.Node:
        raise NotImplementedError

    def ascii_sum(self, op: str, token: Token) -> A.Node:
        raise NotImplementedError

    # -- shapes ----------------------------------------------------------------------------
    def shape_map(self) -> dict[str, Shape]:
        if self._shape_map is None:
            self._shape_map = {n: from_declared(d) for n, d in self.scope.shapes.items()}
        return self._shape_map

    def shape_of(self, node: A.Node) -> Shape:
        return infer(node, self.shape_map())

    def active_indices(self) -> list[str]:
        return [s.index for s in self.sums]

    # -- names -----------------------------------------------------------------------------
    def name(self, token: Token) -> A.Node:
        raw = token.value
        name = canonical_name(raw)
        if token.split_letters and self.latex and "_" in raw:
            pieces = self.split_subscripted(raw, token)
            if pieces is not None:
                return pieces
        indexed = self.indexed(name, token) or self.superscript_entry(name, token)
        if indexed is not None:
            return indexed
        if name in self.active_indices():
            return A.Name(name)
        if name in ("sum", "prod", "vector") and self.ascii_sum_follows():
            return self.ascii_sum(name, token)
        if self.tok.kind in ("LP",) or (self.tok.kind == "LC" and self.latex):
            func = function_name(name)
            if func and not self.scope.known(name):
                return self.call(func, token)
        if name in self.scope.definitions and name not in self.scope.shapes:
            return self.defined(name)
        if self.scope.known(name):
            return A.Name(name)
        if name in CONSTANTS:
            return A.Const(name)
        if name in INFINITY:
            raise self.error(
                "∞ is not a number a formula can use here (limits and series are not read)", token
            )
        if name == "I" or (name.startswith("I_") and name[2:] in self.scope.dims):
            return A.Identity()  # I, or I_p sized by a dimension name
        func = function_name(name)
        if func and self.tok.kind == "TRANS" and self.tok.value == "'":
            raise self.error(
                f"{raw}' is the derivative of a function, which is not read as maths: write "
                "the derivative out (e.g. sigmoid(z)*(1 - sigmoid(z)))",
                token,
            )
        # σ is a function only with its argument in brackets: μ + σ ε is a scale, not sigmoid
        greek = name in GREEK_NAMES
        if func and not greek and (self.starts_operand() or self.function_power(name)):
            return self.call(func, token)
        if func and greek and self.function_power(name):
            return self.call(func, token)  # sin x, \operatorname{sech}^2 x, sigmoid^2(z)
        return self.unknown(name, token)

    def ascii_sum_follows(self) -> bool:
        """``sum(i=1..n, …)``: an index, '=' and a range after the parenthesis."""
        return (
            self.tok.kind == "LP"
            and self.peek(1).kind == "ID"
            and self.peek(2).kind == "CMP"
            and self.peek(2).value == "=="
        )

    def defined(self, name: str) -> A.Node:
        node = self.scope.definitions[name]
        note = f"{name} is {to_ascii(node)}, as the question defines it"
        if note not in self.notes:
            self.notes.append(note)
        return node

    def split_subscripted(self, raw: str, token: Token) -> A.Node | None:
        """In LaTeX a subscript belongs to the letter before it: ``wx_i`` is ``w x_i``."""
        base, _, sub = raw.partition("_")
        full = canonical_name(raw)
        if (
            len(base) < 2
            or _one_word(base, canonical_name(base))
            or self.scope.known(full)
            or self.scope.known(canonical_name(base))
        ):
            return None
        # outside a sum and with nothing declared, lr_min is one name, as typed
        if sub not in self.active_indices() and not (
            self.scope.strict and all(self.scope.known(letter) for letter in base[:-1])
        ):
            return None
        pieces = [Token("ID", letter, token.pos + j) for j, letter in enumerate(base[:-1])]
        pieces.append(Token("ID", f"{base[-1]}_{sub}", token.pos + len(base) - 1))
        return self.product([self.name(piece) for piece in pieces])

    def indexed(self, name: str, token: Token) -> A.Node | None:
        """Inside ``\\sum_i``: ``y_i`` is an entry of the vector ``y``, ``x_i`` a row of the
        matrix ``X``, ``A_{ij}`` an entry of ``A``; undeclared, ``y_i`` is the scalar ``y``."""
        active = self.active_indices()
        for open_sum in reversed(self.sums):
            i = open_sum.index
            suffixes: list[tuple[str, tuple[str, ...]]] = [(f"_{i}{j}", (i, j)) for j in active]
            suffixes += [(f"_{j}{i}", (j, i)) for j in active]
            suffixes.append((f"_{i}", (i,)))
            for suffix, indices in suffixes:
                if not (name.endswith(suffix) and len(name) > len(suffix)):
                    continue
                base = self.entry_base(canonical_name(name[: -len(suffix)]), open_sum)
                if base is not None:
                    return self.entry(base, indices, token)
        return None

    def superscript_entry(self, name: str, token: Token) -> A.Node | None:
        """``x^{(i)}``: the i-th example, inside a sum over i (the superscript is consumed)."""
        if not (self.tok.kind == "OP" and self.tok.value == "^"):
            return None
        kinds = [self.peek(j).kind for j in range(1, 6)]
        for pattern in (["LC", "LP", "ID", "RP", "RC"], ["LP", "ID", "RP"]):
            if kinds[: len(pattern)] != pattern:
                continue
            index = self.peek(1 + pattern.index("ID")).value
            open_sum = next((s for s in reversed(self.sums) if s.index == index), None)
            base = None if open_sum is None else self.entry_base(name, open_sum)
            if base is None:
                return None
            self.skip(1 + len(pattern))
            return self.entry(base, (index,), token)
        return None

    def skip(self, count: int) -> None:
        raise NotImplementedError

    def entry_base(self, base: str, open_sum: OpenSum) -> A.Node | None:
        """What ``base_i`` takes an entry of: a defined name, a declared variable, or (for a
        lower-case letter) the rows of the matrix of the same letter in capitals. When both
        ``x`` and ``X`` are declared, the sum's upper bound decides which one it runs over."""
        if base in self.scope.definitions and base not in self.scope.shapes:
            return self.defined(base)
        upper = base.upper()
        matrix = len(base) == 1 and base.islower() and len(self.scope.shapes.get(upper, ())) == 2
        if base in self.scope.shapes:
            bound = open_sum.upper
            if matrix and isinstance(bound, A.Name):
                rows = self.scope.shapes[upper][0]
                if bound.name == rows and self.scope.shapes[base][:1] != (rows,):
                    return A.Name(upper)
            return A.Name(base)
        if matrix:
            return A.Name(upper)  # x_i: the i-th row of the matrix X
        return None if self.scope.strict else A.Name(base)

    def entry(self, node: A.Node, indices: tuple[str, ...], token: Token) -> A.Node:
        if self.shape_of(node) == SCALAR:
            # the entries of a scalar are the scalar (nothing declared: names are scalars)
            for open_sum in self.sums:
                if open_sum.index in indices:
                    open_sum.scalar_entries = True
            return node
        return A.Entry(node, indices)

    def unknown(self, name: str, token: Token) -> A.Node:
        if not self.scope.strict:
            if token.split_letters and self.latex and not _one_word(token.value, name):
                return self.product(
                    [A.Name(ch) if ch not in CONSTANTS else A.Const(ch) for ch in name]
                )
            return A.Name(name)
        alias = name.replace("_", "")
        if self.scope.known(alias):
            return A.Name(alias)
        if name in self.scope.sizes:
            return A.Name(name)  # a size, resolved when its sum is closed
        for dim in (name.lower(), name.upper()):
            if len(name) == 1 and dim in self.scope.dims and not self.scope.known(name):
                note = f"{name} is read as {dim}, the size the question calls {dim}"
                if note not in self.notes:
                    self.notes.append(note)
                return A.Name(dim)
        # a subscripted name (m_t) or a spelled Greek letter (beta) is one symbol, never b·eta
        parts = None if "_" in name or name in GREEK_NAMES else self.split(name)
        if parts:
            return self.product(parts)
        split = self.split_before_subscript(name, token) if "_" in name else None
        if split is not None:
            return split
        hint = ""
        base = name.partition("_")[0]
        if "_" in name and self.scope.known(canonical_name(base)) and name[-1].isalpha():
            hint = f" (an entry such as {name} needs a sum over its index: \\sum_{{{name.partition('_')[2]}}})"
        raise UnknownSymbol(
            f"unknown symbol {name} at {token.pos} — declared: {self.scope.listing()}{hint}",
            token.pos,
            self.text,
            name,
        )

    def split_before_subscript(self, name: str, token: Token) -> A.Node | None:
        """``wx_i`` typed as one word: known names, then the subscripted name (``w x_i``)."""
        base, _, sub = name.partition("_")
        for cut in range(len(base) - 1, 0, -1):
            head = self.split(base[:cut])
            tail_name = canonical_name(f"{base[cut:]}_{sub}")
            tail = self.indexed(tail_name, token)
            if tail is None and self.scope.known(tail_name):
                tail = A.Name(tail_name)
            if head and tail is not None:
                return self.product([*head, tail])
        return None

    def split(self, name: str) -> list[A.Node] | None:
        """Split ``Xbeta`` into ``X·beta`` when every part is a known name (longest first)."""
        if not name:
            return []
        for end in range(len(name), 0, -1):
            head = canonical_name(name[:end])
            if self.scope.known(head) or head in CONSTANTS or head == "I":
                rest = self.split(name[end:])
                if rest is not None:
                    node: A.Node
                    if head in self.scope.definitions and head not in self.scope.shapes:
                        node = self.defined(head)
                    elif self.scope.known(head):
                        node = A.Name(head)
                    else:
                        node = A.Identity() if head == "I" else A.Const(head)
                    return [node, *rest]
        return None

    @staticmethod
    def product(parts: list[A.Node]) -> A.Node:
        node = parts[0]
        for part in parts[1:]:
            node = A.Bin("jux", node, part)
        return node
