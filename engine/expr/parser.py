"""Recursive-descent parser from tokens to our expression tree, resolving names as it goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from engine.expr import ast as A
from engine.expr.errors import ExprError, LimitError, UnknownSymbol
from engine.expr.lexer import Token, lex_latex
from engine.expr.names import ALIASES, CONSTANTS, FUNCTIONS, GREEK, canonical_name, function_name

MAX_DEPTH = 40
GREEK_NAMES = frozenset(GREEK)


def _minus_one(node: A.Node) -> bool:
    return isinstance(node, A.Neg) and isinstance(node.arg, A.Num) and node.arg.value == 1


def _one_word(raw: str, name: str) -> bool:
    """A spelled Greek letter, an alias (eps) or a hatted name (yhat) typed in LaTeX without a
    backslash is one symbol, not a product of letters."""
    return (
        name in GREEK_NAMES
        or raw in ALIASES
        or (len(name) > 3 and name.endswith(("hat", "bar", "tilde")))
        or "_" in name
    )


OPERAND_STARTS = {
    "NUM",
    "ID",
    "FUNC",
    "LP",
    "LB",
    "LC",
    "LABS",
    "LNORM",
    "FRAC",
    "SQRT",
    "SUM",
    "CASES_BEGIN",
    "INDICATOR",
}


@dataclass
class Scope:
    """What names mean: declared variables (name -> shape), dimension names, strictness."""

    shapes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dims: set[str] = field(default_factory=set)
    strict: bool = False  # unknown names are errors (otherwise they are real scalars)

    def known(self, name: str) -> bool:
        return name in self.shapes or name in self.dims

    def listing(self) -> str:
        names = sorted(self.shapes) + sorted(self.dims - set(self.shapes))
        return ", ".join(names) if names else "none"


class Parser:
    def __init__(self, tokens: list[Token], text: str, scope: Scope, latex: bool) -> None:
        self.tokens = tokens
        self.text = text
        self.scope = scope
        self.latex = latex
        self.k = 0
        self.depth = 0
        self.sum_indices: list[str] = []
        self.bar_depth = 0
        self.norm_depth = 0  # norms ‖…‖ open around the current position

    # -- helpers ---------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.k]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.k + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.k]
        self.k += 1
        return token

    def error(self, message: str, token: Token | None = None) -> ExprError:
        token = token or self.tok
        return ExprError(f"{message} at {token.pos}", token.pos, self.text)

    def unexpected(self) -> ExprError:
        token = self.tok
        if token.kind == "EOF":
            return self.error("unexpected end of input")
        return self.error(f"unexpected {token.value!r}")

    def expect(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            if self.tok.kind == "EOF":
                raise self.error(f"missing {what}")
            raise self.error(f"expected {what} but found {self.tok.value!r}")
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LimitError(
                f"nested too deeply (more than {MAX_DEPTH} levels) at {self.tok.pos}",
                self.tok.pos,
                self.text,
            )

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> A.Node:
        node = self.parse_or()
        if self.tok.kind != "EOF":
            raise self.unexpected()
        return node

    def parse_or(self) -> A.Node:
        node = self.parse_and()
        while self.tok.kind == "KW" and self.tok.value == "or":
            self.next()
            node = A.Logic("or", (node, self.parse_and()))
        return node

    def parse_and(self) -> A.Node:
        node = self.parse_not()
        while self.tok.kind == "KW" and self.tok.value == "and":
            self.next()
            node = A.Logic("and", (node, self.parse_not()))
        return node

    def parse_not(self) -> A.Node:
        if self.tok.kind == "KW" and self.tok.value == "not":
            self.next()
            self.enter()
            operand = self.parse_not()
            self.depth -= 1
            return A.Logic("not", (operand,))
        return self.parse_cmp()

    def parse_cmp(self) -> A.Node:
        left = self.parse_add()
        result: A.Node | None = None
        while self.tok.kind == "CMP":
            op = self.next().value
            right = self.parse_add()
            cmp = A.Cmp(op, left, right)
            result = cmp if result is None else A.Logic("and", (result, cmp))
            left = right
        return result if result is not None else left

    def parse_add(self) -> A.Node:
        node = self.parse_mul()
        while self.tok.kind == "OP" and self.tok.value in "+-":
            op = self.next().value
            node = A.Bin(op, node, self.parse_mul())
        return node

    def starts_operand(self) -> bool:
        token = self.tok
        if token.kind in OPERAND_STARTS:
            return True
        if token.kind in ("BAR", "NORM"):
            return self.bar_depth == 0 if token.kind == "BAR" else True
        return token.kind == "KW" and token.value == "true"

    def parse_mul(self) -> A.Node:
        node = self.parse_unary()
        while True:
            if self.tok.kind == "OP" and self.tok.value in "*/@":
                op = self.next().value
                node = A.Bin(op, node, self.parse_unary())
            elif self.starts_operand() and not (
                self.tok.kind == "NORM" and (self.closing_norm() or self.bar_depth > 0)
            ):
                node = A.Bin("jux", node, self.parse_power())
            else:
                return node

    def closing_norm(self) -> bool:
        return self.norm_depth > 0

    def parse_unary(self) -> A.Node:
        if self.tok.kind == "OP" and self.tok.value in "+-":
            op = self.next().value
            self.enter()
            operand = self.parse_unary()
            self.depth -= 1
            return A.Neg(operand) if op == "-" else operand
        return self.parse_power()

    def parse_power(self) -> A.Node:
        self.enter()
        base = self.parse_postfix()
        while self.tok.kind == "OP" and self.tok.value == "^":
            caret = self.next()
            if self.is_transpose_name():
                base = A.Transpose(base)
                base = self.postfix_ops(base)
                continue
            exponent = self.parse_exponent(caret)
            base = self.postfix_ops(A.Bin("^", base, exponent))
        self.depth -= 1
        return base

    def is_transpose_name(self) -> bool:
        """``X^T`` and ``X^{T}`` transpose unless a variable is called T."""
        if self.scope.known("T"):
            return False
        token = self.tok
        if token.kind == "ID" and token.value == "T":
            self.next()
            return True
        if (
            token.kind in ("LC", "LP")
            and self.peek().kind == "ID"
            and self.peek().value == "T"
            and self.peek(2).kind in ("RC", "RP")
        ):
            self.k += 3
            return True
        return False

    def parse_exponent(self, caret: Token) -> A.Node:
        if self.latex and self.tok.kind not in ("LC", "LP", "OP"):
            token = self.tok
            if token.kind == "NUM":
                self.next()
                return self.number(token)
            return self.parse_postfix()
        return self.parse_unary()

    def parse_postfix(self) -> A.Node:
        return self.postfix_ops(self.parse_atom())

    def postfix_ops(self, node: A.Node) -> A.Node:
        while self.tok.kind in ("TRANS", "BANG"):
            token = self.next()
            node = A.Transpose(node) if token.kind == "TRANS" else A.Call("factorial", (node,))
        return node

    def number(self, token: Token) -> A.Num:
        return A.Num(Fraction(token.value), token.value)

    def parse_atom(self) -> A.Node:
        token = self.tok
        kind = token.kind
        if kind == "NUM":
            self.next()
            return self.number(token)
        if kind == "ID":
            return self.name(self.next())
        if kind == "FUNC":
            self.next()
            return self.call(token.value, token)
        if kind in ("LP", "LB", "LC"):
            closer = {"LP": "RP", "LB": "RB", "LC": "RC"}[kind]
            self.next()
            saved, self.bar_depth = self.bar_depth, 0
            node = self.parse_or()
            self.bar_depth = saved
            self.expect(closer, f"closing {dict(LP=')', LB=']', LC='}')[kind]!r}")
            return node
        if kind in ("BAR", "LABS"):
            return self.delimited(kind, "abs")
        if kind in ("NORM", "LNORM"):
            return self.delimited(kind, "norm")
        if kind == "FRAC":
            self.next()
            num, den = self.group(), self.group()
            if token.value == "binomial":
                return A.Call("binomial", (num, den))
            if self.derivative_operator(num, den):
                raise self.error(
                    "d/dx is an operator, not a value: write the derivative itself "
                    "(e.g. 2x rather than \\frac{d}{dx} x^2)",
                    token,
                )
            return A.Bin("/", num, den)
        if kind == "SQRT":
            return self.sqrt()
        if kind == "SUM":
            return self.summation()
        if kind == "CASES_BEGIN":
            return self.cases()
        if kind == "INDICATOR":
            self.next()
            return A.Call("indicator", (self.group(),))
        if kind == "KW" and token.value == "true":
            self.next()
            return A.TrueCond()
        raise self.unexpected()

    def group(self) -> A.Node:
        if self.tok.kind in ("LC", "LP", "LB"):
            return self.parse_atom()
        if (
            self.latex
            and self.tok.kind == "NUM"
            and self.tok.value.isdigit()
            and len(self.tok.value) > 1
        ):
            # \frac12: an unbraced argument is one character
            token = self.tok
            self.tokens[self.k] = Token("NUM", token.value[1:], token.pos + 1)
            return A.Num(Fraction(int(token.value[0])), token.value[0])
        if (
            self.latex
            and self.tok.kind == "ID"
            and self.tok.split_letters
            and self.tok.value.isalpha()
            and len(self.tok.value) > 1
        ):
            # \frac ab: an unbraced argument is one letter; the rest is read next
            token = self.tok
            self.tokens[self.k] = Token("ID", token.value[1:], token.pos + 1, len(token.value) > 2)
            return self.name(Token("ID", token.value[0], token.pos))
        return self.parse_postfix()

    def delimited(self, kind: str, func: str) -> A.Node:
        opener = self.next()
        closers = {
            "BAR": ("BAR", "RABS"),
            "LABS": ("RABS", "BAR"),
            "NORM": ("NORM", "RNORM"),
            "LNORM": ("RNORM", "NORM"),
        }[kind]
        saved_bar = self.bar_depth
        self.bar_depth = 1 if func == "abs" else 0
        if func == "norm":
            self.norm_depth += 1
        self.enter()
        inner = self.parse_or()
        self.depth -= 1
        if func == "norm":
            self.norm_depth -= 1
        self.bar_depth = saved_bar
        if func == "abs" and self.tok.kind == "NORM" and self.tok.value == "||":
            # |x - |y||: the ASCII '||' is two closing bars; the second one stays for the outer
            closer = self.tok
            self.tokens[self.k] = Token("BAR", "|", closer.pos + 1)
            return A.Call(func, (inner,))
        if self.tok.kind not in closers:
            raise self.error(
                f"the {'|' if func == 'abs' else '‖'} opened at {opener.pos} is never closed"
            )
        self.next()
        return A.Call(func, (inner,))

    def sqrt(self) -> A.Node:
        self.next()
        if self.tok.kind == "LB":
            self.next()
            index = self.parse_or()
            self.expect("RB", "']' after the root index")
            return A.Call("root", (self.group(), index))
        return A.Call("sqrt", (self.group(),))

    def summation(self) -> A.Node:
        token = self.next()
        if token.value:
            self.sum_indices.append(token.value)
        self.enter()
        body = self.parse_mul()
        self.depth -= 1
        if token.value:
            self.sum_indices.pop()
        return A.Call("sum", (body,))

    def cases(self) -> A.Node:
        self.next()
        pieces = []
        while True:
            value = self.parse_add()
            if self.tok.kind == "COMMA":
                self.next()
            self.expect("AMP", "'&' between a value and its condition")
            if self.tok.kind == "KW" and self.tok.value == "true":
                self.next()
                cond: A.Node = A.TrueCond()
            else:
                cond = self.parse_or()
            if self.tok.kind == "COMMA":
                self.next()
            pieces.append((value, cond))
            if self.tok.kind == "ROWSEP":
                self.next()
                if self.tok.kind == "CASES_END":
                    break
                continue
            self.expect("CASES_END", "\\end{cases}")
            return A.Piecewise(tuple(pieces))
        self.next()
        return A.Piecewise(tuple(pieces))

    # -- names and calls -------------------------------------------------------------------
    def name(self, token: Token) -> A.Node:
        raw = token.value
        name = canonical_name(raw)
        indexed = self.strip_index(name)
        if indexed:
            return A.Name(indexed)
        if self.tok.kind in ("LP",) or (self.tok.kind == "LC" and self.latex):
            func = function_name(name)
            if func and not self.scope.known(name):
                return self.call(func, token)
        if self.scope.known(name):
            return A.Name(name)
        if name in CONSTANTS:
            return A.Const(name)
        if name == "I" or (name.startswith("I_") and name[2:] in self.scope.dims):
            return A.Identity()  # I, or I_p sized by a dimension name
        func = function_name(name)
        if func and self.tok.kind == "TRANS" and self.tok.value == "'":
            raise self.error(
                f"{raw}' is the derivative of a function, which is not read as maths: write "
                "the derivative out (e.g. sigmoid(z)*(1 - sigmoid(z)))",
                token,
            )
        if func and (self.starts_operand() or self.function_power(name)):
            return self.call(func, token)  # sin x, \operatorname{sech}^2 x, sigmoid^2(z)
        return self.unknown(name, token)

    def derivative_operator(self, num: A.Node, den: A.Node) -> bool:
        """``\\frac{d}{dx}`` (d not a declared variable)."""
        if num != A.Name("d") or self.scope.known("d"):
            return False
        first = den
        while isinstance(first, A.Bin) and first.op in ("jux", "*"):
            first = first.left
        return first == A.Name("d") and den != first

    def function_power(self, name: str) -> bool:
        """Is ``name^k`` the start of a function power (``sin^2 x``)? Looks ahead, consuming
        nothing. A Greek letter that is also a function (σ) is a power of the letter
        (``\\sigma^2`` is a variance) unless a parenthesis follows the exponent."""
        if not (self.tok.kind == "OP" and self.tok.value == "^"):
            return False
        saved_k, saved_depth = self.k, self.depth
        try:
            caret = self.next()
            self.parse_exponent(caret)
            if self.tok.kind == "LP":
                return True
            return name not in GREEK_NAMES and self.starts_operand()
        except ExprError:
            return False
        finally:
            self.k, self.depth = saved_k, saved_depth

    def strip_index(self, name: str) -> str | None:
        """Inside ``\\sum_i``, ``y_i`` is the entries of the vector ``y``."""
        for index in reversed(self.sum_indices):
            suffix = "_" + index
            if name.endswith(suffix):
                base = canonical_name(name[: -len(suffix)])
                if self.scope.shapes.get(base) or not self.scope.strict:
                    return base
        return None

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
        # a subscripted name (m_t) or a spelled Greek letter (beta) is one symbol, never b·eta
        parts = None if "_" in name or name in GREEK_NAMES else self.split(name)
        if parts:
            return self.product(parts)
        raise UnknownSymbol(
            f"unknown symbol {name} at {token.pos} — declared: {self.scope.listing()}",
            token.pos,
            self.text,
        )

    def split(self, name: str) -> list[A.Node] | None:
        """Split ``Xbeta`` into ``X·beta`` when every part is a known name (longest first)."""
        if not name:
            return []
        for end in range(len(name), 0, -1):
            head = canonical_name(name[:end])
            if self.scope.known(head) or head in CONSTANTS or head == "I":
                rest = self.split(name[end:])
                if rest is not None:
                    node: A.Node = (
                        A.Name(head)
                        if self.scope.known(head)
                        else A.Identity()
                        if head == "I"
                        else A.Const(head)
                    )
                    return [node, *rest]
        return None

    @staticmethod
    def product(parts: list[A.Node]) -> A.Node:
        node = parts[0]
        for part in parts[1:]:
            node = A.Bin("jux", node, part)
        return node

    def log_base(self) -> A.Node:
        """The base of ``\\log_{b}``, read from its group with the same rules."""
        token = self.next()
        inner = Parser(lex_latex(token.value), token.value, self.scope, latex=True)
        inner.depth = self.depth
        return inner.parse()

    def call(self, func: str, token: Token) -> A.Node:
        base = self.log_base() if self.tok.kind == "LOGBASE" else None
        power: A.Node | None = None
        if self.tok.kind == "OP" and self.tok.value == "^":
            caret = self.next()
            power = self.parse_exponent(caret)
        if func == "piecewise" and self.tok.kind == "LP":
            node: A.Node = self.piecewise_call(token)
        elif self.tok.kind == "LP":
            self.next()
            saved, self.bar_depth = self.bar_depth, 0
            args = [self.parse_or()]
            while self.tok.kind == "COMMA":
                self.next()
                args.append(self.parse_or())
            self.bar_depth = saved
            self.expect("RP", f"')' to close {func}(")
            node = self.make_call(func, [*args, *([base] if base else [])], token)
        elif self.starts_operand():
            node = self.make_call(func, [self.parse_power(), *([base] if base else [])], token)
        else:
            raise self.error(f"{func} needs an argument", token)
        if power is not None and _minus_one(power) and isinstance(node, A.Call):
            inverse = "a" + func  # sin^{-1} x is arcsin x, by the usual convention
            if inverse in FUNCTIONS:
                return A.Call(inverse, node.args)
        return A.Bin("^", node, power) if power is not None else node

    def make_call(self, func: str, args: list[A.Node], token: Token) -> A.Node:
        low, high = FUNCTIONS[func]
        if not low <= len(args) <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            raise self.error(f"{func} takes {wanted} argument(s), got {len(args)}", token)
        if func == "transpose":
            return A.Transpose(args[0])
        return A.Call(func, tuple(args))

    def piecewise_call(self, token: Token) -> A.Node:
        self.expect("LP", "'(' after piecewise")
        pieces = []
        while True:
            self.expect("LP", "'(value, condition)'")
            value = self.parse_or()
            self.expect("COMMA", "',' between value and condition")
            cond = self.parse_or()
            self.expect("RP", "')' after the condition")
            pieces.append((value, cond))
            if self.tok.kind != "COMMA":
                break
            self.next()
        self.expect("RP", "')' to close piecewise(")
        return A.Piecewise(tuple(pieces))
