"""Recursive-descent parser from tokens to our expression tree; names are resolved as it goes
(:mod:`engine.expr.naming`), sums closed by :mod:`engine.expr.sums`."""

from __future__ import annotations

from fractions import Fraction

from engine.expr import ast as A
from engine.expr import calls, sum_syntax
from engine.expr.errors import ExprError, LimitError
from engine.expr.latex import lex_latex
from engine.expr.lexer import Token, lex_ascii
from engine.expr.naming import NameResolver, Scope
from engine.expr.sums import OpenSum, SumContext, close_sum

MAX_DEPTH = 40

__all__ = ["MAX_DEPTH", "OPERAND_STARTS", "Parser", "Scope"]


OPERAND_STARTS = {
    "NUM",
    "ID",
    "FUNC",
    "LP",
    "LB",
    "LC",
    "LABS",
    "LNORM",
    "LFLOOR",
    "LCEIL",
    "LANGLE",
    "FRAC",
    "SQRT",
    "SUM",
    "CASES_BEGIN",
    "INDICATOR",
}
_CLOSERS = {"LP": "RP", "LB": "RB", "LC": "RC"}
_DELIMITED = {
    "BAR": ("abs", ("BAR", "RABS")),
    "LABS": ("abs", ("RABS", "BAR")),
    "NORM": ("norm", ("NORM", "RNORM")),
    "LNORM": ("norm", ("RNORM", "NORM")),
    "LFLOOR": ("floor", ("RFLOOR",)),
    "LCEIL": ("ceil", ("RCEIL",)),
}


class Parser(NameResolver):
    def __init__(
        self,
        tokens: list[Token],
        text: str,
        scope: Scope,
        latex: bool,
        notes: list[str] | None = None,
    ) -> None:
        self.tokens = tokens
        self.text = text
        self.scope = scope
        self.latex = latex
        self.notes = notes if notes is not None else []
        self.k = 0
        self.depth = 0
        self.sums: list[OpenSum] = []
        self.bar_depth = 0
        self.norm_depth = 0  # norms ‖…‖ open around the current position
        self.upper_from_index: Parser | None = None  # n in \\sum_{i \\in [n]}

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

    def skip(self, count: int) -> None:
        self.k += count

    def error(self, message: str, token: Token | None = None) -> ExprError:
        token = token or self.tok
        return ExprError(f"{message} at {token.pos}", token.pos, self.text)

    def unexpected(self) -> ExprError:
        token = self.tok
        if token.kind == "EOF":
            return self.error("unexpected end of input")
        if token.kind == "CMP" and token.value == "==":
            return self.error("unexpected '=' (only one formula per line, or a label before '=')")
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

    def sub_parser(self, raw: str, offset: int) -> Parser:
        """A parser of a piece of LaTeX read out of a group (a sum's bound, a log's base), whose
        errors point into the whole input."""
        tokens = [
            Token(
                t.kind, t.value, t.pos + offset, t.split_letters, t.sub, t.sup, t.sub_pos, t.sup_pos
            )
            for t in (lex_latex if self.latex else lex_ascii)(raw)
        ]
        inner = Parser(tokens, self.text, self.scope, self.latex, self.notes)
        inner.depth = self.depth
        inner.sums = self.sums
        return inner

    def sum_context(self) -> SumContext:
        return SumContext(
            self.shape_map(), self.scope.dims, self.scope.integers, self.scope.strict,
            self.text, self.notes, self.scope.sizes,
        )  # fmt: skip

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> A.Node:
        if self.scope.components and not self.sums:  # an answer written entry by entry
            opened = [OpenSum("vector", j, None, None, 0) for j in self.scope.components]
            self.sums.extend(opened)
            node = self.parse_or()
            for open_sum in reversed(opened):
                self.sums.remove(open_sum)
                node = close_sum(self.sum_context(), open_sum, node)
        else:
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
            if self.tok.kind == "OP" and self.tok.value in ("*", "/", "@", "·"):
                token = self.next()
                right = self.parse_unary()
                if token.value == "·":
                    node = self.dot_product(node, right, token)
                else:
                    node = A.Bin(token.value, node, right)
            elif self.starts_operand() and not (
                self.tok.kind == "NORM" and (self.norm_depth > 0 or self.bar_depth > 0)
            ):
                node = A.Bin("jux", node, self.parse_power())
            else:
                return node

    def dot_product(self, left: A.Node, right: A.Node, token: Token) -> A.Node:
        return calls.dot_product(self, left, right, token)

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
                base = self.postfix_ops(A.Transpose(base))
                continue
            index = self.superscript_index()
            if index is not None:  # x^{(i)}: the i-th example, inside a sum over i
                base = self.postfix_ops(self.entry(base, (index,), caret))
                continue
            exponent = self.parse_exponent(caret)
            base = self.postfix_ops(A.Bin("^", base, exponent))
        self.depth -= 1
        return base

    def superscript_index(self) -> str | None:
        return sum_syntax.superscript_index(self)

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

    def bracket_index(self) -> tuple[str, ...] | None:
        return sum_syntax.bracket_index(self)

    def postfix_ops(self, node: A.Node) -> A.Node:
        while self.tok.kind == "LB" and self.sums:
            index = self.bracket_index()
            if index is None:
                break
            node = self.entry(node, index, self.tok)
        while self.tok.kind in ("TRANS", "BANG", "SUB", "METHOD"):
            token = self.next()
            if token.kind == "TRANS":
                node = A.Transpose(node)
            elif token.kind == "METHOD":
                node = A.Call(token.value, (node,))
            elif token.kind == "BANG":
                node = A.Call("factorial", (node,))
            else:
                node = self.entry(node, self.subscript_indices(token), token)
        return node

    def subscript_indices(self, token: Token) -> tuple[str, ...]:
        return sum_syntax.subscript_indices(self, token)

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
        if kind in _CLOSERS:
            return self.bracketed(kind)
        if kind in _DELIMITED:
            return self.delimited(kind)
        if kind == "FRAC":
            return self.fraction()
        if kind == "LANGLE":
            return self.inner_product()
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

    def bracketed(self, kind: str) -> A.Node:
        """``( … )``, ``[ … ]``, ``{ … }``; inside, ``{n \\choose k}`` is a binomial."""
        self.next()
        saved, self.bar_depth = self.bar_depth, 0
        node = self.parse_or()
        if self.tok.kind == "CHOOSE":
            self.next()
            node = A.Call("binomial", (node, self.parse_or()))
        self.bar_depth = saved
        closer = _CLOSERS[kind]
        self.expect(closer, f"closing {dict(RP=')', RB=']', RC='}')[closer]!r}")
        return node

    def inner_product(self) -> A.Node:
        return calls.inner_product(self)

    def fraction(self) -> A.Node:
        token = self.next()
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

    def delimited(self, kind: str) -> A.Node:
        opener = self.next()
        func, closers = _DELIMITED[kind]
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
            shown = {"abs": "|", "norm": "‖", "floor": "⌊", "ceil": "⌈"}[func]
            raise self.error(f"the {shown} opened at {opener.pos} is never closed")
        closer = self.next()
        if func == "norm" and closer.value == "1-norm":  # ‖w‖₁ = Σ|w_j|
            return A.Call("sum", (A.Call("abs", (inner,)),))
        if func == "norm" and closer.value == "max-norm":  # ‖w‖_∞ = max |w_j|
            return A.Call("max", (A.Call("abs", (inner,)),))
        return A.Call(func, (inner,))

    def sqrt(self) -> A.Node:
        self.next()
        if self.tok.kind == "LB":
            self.next()
            index = self.parse_or()
            self.expect("RB", "']' after the root index")
            return A.Call("root", (self.group(), index))
        return A.Call("sqrt", (self.group(),))

    # -- sums and products -----------------------------------------------------------------
    def summation(self) -> A.Node:
        return sum_syntax.summation(self)

    def sum_index(self, raw: str, offset: int, token: Token) -> tuple[str, A.Node | None]:
        return sum_syntax.sum_index(self, raw, offset, token)

    def sum_body(self, *open_sums: OpenSum, whole: bool = False) -> A.Node:
        return sum_syntax.sum_body(self, *open_sums, whole=whole)

    def ascii_sum(self, op: str, token: Token) -> A.Node:
        return sum_syntax.ascii_sum(self, op, token)

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

    # -- calls -----------------------------------------------------------------------------
    def derivative_operator(self, num: A.Node, den: A.Node) -> bool:
        return calls.derivative_operator(self, num, den)

    def function_power(self, name: str) -> bool:
        return calls.function_power(self, name)

    def log_base(self) -> A.Node:
        return calls.log_base(self)

    def call(self, func: str, token: Token) -> A.Node:
        return calls.call(self, func, token)

    def bare_argument(self) -> A.Node:
        return calls.bare_argument(self)

    def scope_is_function(self) -> bool:
        return calls.scope_is_function(self)

    def make_call(self, func: str, args: list[A.Node], token: Token) -> A.Node:
        return calls.make_call(self, func, args, token)

    def piecewise_call(self, token: Token) -> A.Node:
        return calls.piecewise_call(self, token)
