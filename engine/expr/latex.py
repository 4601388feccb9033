"""The LaTeX tokenizer: commands, groups, subscripts, big operators, delimiters.

It produces the same token kinds as the ASCII one (:mod:`engine.expr.lexer`); each character
class and each command has its handler in a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn

from engine.expr import latex_words as W
from engine.expr.errors import ExprError
from engine.expr.lexer import DEGREES, Token, digit, number, subscript_after_power
from engine.expr.names import function_name


class _LatexLexer:
    def __init__(self, text: str, notes: list[str] | None = None) -> None:
        self.text = text
        self.i = 0
        self.tokens: list[Token] = []
        self.notes = notes if notes is not None else []

    def error(self, message: str, pos: int | None = None) -> ExprError:
        pos = self.i if pos is None else pos
        return ExprError(f"{message} at {pos}", pos, self.text)

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.text[j] if j < len(self.text) else ""

    def skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def command(self) -> str:
        """Read ``\\name`` (or a one-character command) at the cursor; return the name."""
        start = self.i
        self.i += 1
        if self.peek().isalpha():
            while self.peek().isalpha():
                self.i += 1
            return self.text[start + 1 : self.i]
        if not self.peek():
            raise self.error("a lone backslash", start)
        self.i += 1
        return self.text[start + 1 : self.i]

    def group_text(self) -> str:
        """Read a ``{...}`` group (or one character / command) as raw text."""
        return self.group_at()[0]

    def group_at(self) -> tuple[str, int]:
        """A group's raw text and the position where that text starts."""
        self.skip_space()
        if self.peek() == "{":
            depth, start = 0, self.i
            while self.i < len(self.text):
                ch = self.text[self.i]
                if ch == "\\":
                    self.i += 2
                    continue
                depth += ch == "{"
                depth -= ch == "}"
                self.i += 1
                if depth == 0:
                    return self.text[start + 1 : self.i - 1], start + 1
            raise self.error("a '{' is never closed", start)
        start = self.i
        if self.peek() == "\\":
            return "\\" + self.command(), start
        if not self.peek():
            raise self.error("expected a group {...}")
        self.i += 1
        return self.text[self.i - 1], start

    def simple_name(self, raw: str, pos: int) -> str:
        """Turn the content of a group (``y``, ``\\beta``, ``\\text{true}``, ``12``) into a name."""
        raw = raw.strip()
        match = re.fullmatch(
            r"\\(?:text|mathrm|textrm|operatorname|mathit)\{([A-Za-z0-9 ]+)\}", raw
        )
        if match:
            return match.group(1).replace(" ", "")
        match = re.fullmatch(r"\\(?:mathbf|boldsymbol|bm|vec)\{?(\\?[A-Za-z]+)\}?", raw)
        if match:
            raw = match.group(1)
        if raw.startswith("\\") and (raw[1:] in W.GREEK_COMMANDS or raw[1:] in W.FUNC_COMMANDS):
            return raw[1:]  # \eta_{\min} names eta_min
        if re.fullmatch(r"[A-Za-z0-9]+", raw):
            return raw
        pair = re.fullmatch(r"([A-Za-z])\s*,?\s*([A-Za-z])", raw)
        if pair:  # A_{i,j}, A_{i j}: two indices
            return pair.group(1) + pair.group(2)
        raise self.error(f"cannot read {raw!r} as a name", pos)

    def subscripts(self, name: str) -> str:
        while self.peek() == "_":
            pos = self.i
            self.i += 1
            # an unbraced subscript takes its whole run of letters and digits (lr_min, beta_12)
            run = re.match(r"[A-Za-z0-9]+", self.text[self.i :])
            if run and self.peek() not in "{\\":
                self.i += run.end()
                raw = run.group(0)
            else:
                raw = self.group_text()
            sub = self.simple_name(raw, pos)
            name = f"{name}_{sub}"
        return name

    def add(self, kind: str, value: str, pos: int, split: bool = False) -> None:
        self.tokens.append(Token(kind, value, pos, split))

    def add_name(self, name: str, pos: int, split: bool = False) -> None:
        # a run of letters is a product of single letters (LaTeX's xy), unless declared; with a
        # subscript, TeX puts it on the last letter only (wx_i is w x_i): the parser decides
        self.add("ID", self.subscripts(name), pos, split)

    def run(self) -> list[Token]:
        """Tokenize the whole input: each character is read by the handler of its class."""
        while self.i < len(self.text):
            ch = self.text[self.i]
            handler = _LATEX_HANDLERS.get(_char_class(ch), _LatexLexer.unexpected)
            handler(self, ch, self.i)
        self.add("EOF", "", len(self.text))
        return self.tokens

    # -- handlers: one per character class, each called with the character and its position --
    def space(self, ch: str, pos: int) -> None:
        self.i += 1

    def number(self, ch: str, pos: int) -> None:
        token, self.i = number(self.text, pos)
        self.tokens.append(token)

    def letters(self, ch: str, pos: int) -> None:
        end = pos
        while end < len(self.text) and self.text[end].isalpha() and self.text[end].isascii():
            end += 1
        word = self.text[pos:end]
        self.i = end
        if self.big_operator_word(word, pos):
            return
        self.add_name(word, pos, split=len(word) > 1)

    def big_operator_word(self, word: str, pos: int) -> bool:
        """``sum_{i=1}^n``, ``Σ_{i=1}^{n}`` (Σ, Π or the words typed without a backslash, with
        an index subscript) are sums and products."""
        op = {"sum": "sum", "prod": "prod", "Sigma": "sum", "Pi": "prod"}.get(word)
        if op is None or self.peek() != "_":
            return False
        if word in ("Sigma", "Pi"):
            saved = self.i
            self.i += 1
            raw = self.group_text()
            self.i = saved
            if "=" not in raw and "\\in" not in raw:
                return False  # Σ_x is a covariance, not a sum
        self.big_operator(op, pos)
        return True

    def caret(self, ch: str, pos: int) -> None:
        self.i += 1
        self.skip_space()
        if re.match(r"(\\circ|\{\s*\\circ\s*\})", self.text[self.i :]):
            raise self.error(f"^\\circ: {DEGREES}", pos)
        if self.transpose_exponent():
            self.add("TRANS", "^T", pos)
        elif self.peek().isascii() and self.peek().isalpha():
            # an unbraced superscript is one letter: X^TX is X^T X, e^x y is e^x·y
            self.add("OP", "^", pos)
            letter, at = self.peek(), self.i
            self.i += 1
            self.add_name(letter, at)
        else:
            self.add("OP", "^", pos)

    def underscore(self, ch: str, pos: int) -> None:
        last = self.tokens[-1].kind if self.tokens else ""
        if last in ("RP", "RB", "RC", "RABS"):
            # (X\beta)_i, \sigma(z)_j: an entry of a bracketed expression (inside a sum)
            self.i += 1
            raw, at = self.group_at()
            self.tokens.append(Token("SUB", self.simple_name(raw, at), pos))
            return
        at = -1
        if (
            len(self.tokens) >= 3
            and self.tokens[-3].kind in ("NORM", "RNORM")
            and self.tokens[-2].value == "^"
        ):
            at = -3  # \|w\|^2_2: the subscript is the norm's
        elif self.sub_after_power(pos):
            return
        elif last not in ("NORM", "RNORM"):
            raise self.error("a subscript needs a name before it")
        self.i += 1
        sub = self.group_text().strip().replace(" ", "")
        kinds = {"2": "", "F": "", "1": "1-norm", "\\infty": "max-norm", "\\max": "max-norm"}
        if sub not in kinds:
            raise self.error(f"the {sub}-norm is not supported (write the 1-, 2- or ∞-norm)", pos)
        closer = self.tokens[at]
        if kinds[sub]:
            self.tokens[at] = Token(closer.kind, kinds[sub], closer.pos)

    def sub_after_power(self, pos: int) -> bool:
        """``x^2_1`` is ``x_1^2``: a subscript after a one-token exponent belongs to the base."""
        if not subscript_after_power(self.tokens):
            return False
        base = self.tokens[-3]
        self.i += 1
        raw, at = self.group_at()
        name = f"{base.value}_{self.simple_name(raw, at)}"
        self.tokens[-3] = Token("ID", name, base.pos, base.split_letters)
        return True

    def single(self, ch: str, pos: int) -> None:
        """A character that is a token by itself: an operator, a bracket, a comma, ``&``…"""
        self.add(_LATEX_SINGLE[ch], ch, pos)
        self.i += 1

    def middle_dot(self, ch: str, pos: int) -> None:
        self.add("OP", "·", pos)
        self.i += 1

    def degree_sign(self, ch: str, pos: int) -> NoReturn:
        raise self.error(f"° {DEGREES}")

    def bang(self, ch: str, pos: int) -> None:
        if self.peek(1) == "=":
            self.add("CMP", "!=", pos)
            self.i += 2
        else:
            self.single(ch, pos)

    def comparison(self, ch: str, pos: int) -> None:
        two = self.text[pos : pos + 2]
        if two in ("<=", ">=", "=="):
            self.add("CMP", two, pos)
            self.i += 2
        else:
            self.add("CMP", "==" if ch == "=" else ch, pos)
            self.i += 1

    def dot(self, ch: str, pos: int) -> None:
        if digit(self.peek(1)):
            self.number(ch, pos)
        else:
            self.punctuation(ch, pos)

    def punctuation(self, ch: str, pos: int) -> None:
        """Sentence punctuation at the end of a line, a case or the input is skipped."""
        if not re.match(r"[.;,]\s*(\\\\|\\end\b|&|$)", self.text[pos:]):
            self.unexpected(ch, pos)
        self.i += 1

    def comma(self, ch: str, pos: int) -> None:
        if re.match(r",\s*$", self.text[pos:]):  # "1/3," at the end of a sentence
            self.i += 1
        else:
            self.single(ch, pos)

    def unexpected(self, ch: str, pos: int) -> NoReturn:
        raise self.error(f"unexpected character {ch!r}")

    def transpose_exponent(self) -> bool:
        """After ``^``: consume ``\\top``, ``{\\top}``, ``\\intercal``, ``{\\mathsf{T}}``."""
        rest = self.text[self.i :]
        match = re.match(
            r"(\\top|\\intercal|\\prime(?![A-Za-z])|"
            r"\{\s*(\\top|\\intercal|\\prime|\\mathsf\{T\}|\\mathrm\{T\})\s*\})",
            rest,
        )
        if match:
            self.i += match.end()
            return True
        return False

    def backslash(self, ch: str, pos: int) -> None:
        name = self.command()
        if name in W.SKIP_COMMANDS:
            return
        handler = _COMMAND_HANDLERS.get(name)
        if handler is not None:
            handler(self, name, pos)
        elif name in W.FUNC_COMMANDS:
            self.add("FUNC", W.FUNC_COMMANDS[name], pos)
            if name == "log" and self.peek() == "_":  # \log_2 x, \log_{10}(x)
                self.i += 1
                self.add("LOGBASE", self.group_text(), self.i)
        elif name in W.OP_COMMANDS:
            self.add("OP", W.OP_COMMANDS[name], pos)
        elif name in W.CMP_COMMANDS:
            self.add("CMP", W.CMP_COMMANDS[name], pos)
        elif name in W.KW_COMMANDS:
            self.add("KW", W.KW_COMMANDS[name], pos)
        elif name in W.GREEK_COMMANDS:
            if not self.big_operator_word(name, pos):
                self.add_name(name, pos)
        elif name in W.DECORATIONS:
            self.decoration(name, pos)
        elif name in W.STYLE_COMMANDS:
            self.style(pos)
        elif name in W.NAME_COMMANDS:
            self.text_command(pos)
        elif name in W.DELIMITERS:
            self.add(W.DELIMITERS[name], name, pos)
        elif function_name(name):  # \arcsinh, \softmax: a function name typed as a command
            self.add("FUNC", str(function_name(name)), pos)
        else:
            raise self.error(f"unknown LaTeX command \\{name}", pos)

    # -- commands with their own reading (the table _COMMAND_HANDLERS below) -----------------
    def row_separator(self, name: str, pos: int) -> None:
        self.add("ROWSEP", name, pos)

    def left_right(self, name: str, pos: int) -> None:
        self.delimiter(name, pos)

    def brace(self, name: str, pos: int) -> None:
        self.add("LP" if name == "{" else "RP", name, pos)

    def double_bar(self, name: str, pos: int) -> None:
        self.add("NORM", "||", pos)

    def vert(self, name: str, pos: int) -> None:
        kinds = {"lvert": "LABS", "rvert": "RABS", "vert": "BAR"}
        self.add(kinds[name], "|", pos)

    def fraction(self, name: str, pos: int) -> None:
        self.add("FRAC", "binomial" if name.endswith("binom") else "frac", pos)

    def choose(self, name: str, pos: int) -> None:
        self.add("CHOOSE", name, pos)

    def square_root(self, name: str, pos: int) -> None:
        self.add("SQRT", "sqrt", pos)

    def binary_log(self, name: str, pos: int) -> None:
        self.add("FUNC", "log", pos)
        self.add("LOGBASE", "10", pos)
        self.notes.append("\\lg is read as the logarithm to base 10 (write \\log_2 for base 2)")

    def infinity(self, name: str, pos: int) -> None:
        self.add("ID", "infinity", pos)

    def unsupported(self, name: str, pos: int) -> NoReturn:
        fixes = {
            "%": "percentages are not supported here: write the fraction (28/100)",
            "$": "currency is not part of a formula: remove the \\$",
            "approx": "write the exact formula (≈ is not read)",
            "mod": "modular arithmetic is not supported here",
        }
        raise self.error(f"\\{name}: {fixes[name]}", pos)

    def indicator_font(self, name: str, pos: int) -> None:
        inner = self.group_text().strip()
        if inner not in ("1", "I"):
            raise self.error(f"unknown symbol \\{name}{{{inner}}}", pos)
        self.indicator(pos)

    def indicator(self, pos: int) -> None:
        """``\\mathbb{1}[cond]``, ``\\mathbb{1}\\{cond\\}`` or ``\\mathbb{1}_{cond}``."""
        self.add("INDICATOR", "indicator", pos)
        self.skip_space()
        if self.peek() not in ("[", "{", "(", "_", "\\"):
            raise self.error(
                "a 1 in bold without a condition is the vector of ones, which is not read "
                "here: write sum(v) for 1ᵀv",
                pos,
            )
        if self.peek() == "_":
            self.i += 1
            raw, at = self.group_at()
            inner = _LatexLexer(raw, self.notes).run()[:-1]
            self.add("LC", "{", at)
            self.tokens.extend(Token(t.kind, t.value, t.pos + at, t.split_letters) for t in inner)
            self.add("RC", "}", at + len(raw))

    def environment(self, name: str, pos: int) -> None:
        env = self.group_text().strip()
        if env != "cases":
            raise self.error(f"the environment {env!r} is not supported (only cases)", pos)
        self.add("CASES_BEGIN" if name == "begin" else "CASES_END", env, pos)

    def transpose(self, name: str, pos: int) -> None:
        self.add("TRANS", "^T", pos)

    def decoration(self, name: str, pos: int) -> None:
        raw, at = self.group_at()
        raw = raw.strip()
        base, _, sub = raw.partition("_")  # \hat{y_i} is \hat{y}_i
        inner = self.simple_name(base, at)
        mark = W.DECORATIONS[name]
        if sub:
            sub_name = self.simple_name(sub.strip("{} "), at)
            self.add("ID", self.subscripts(f"{inner}{mark}_{sub_name}"), pos)
        else:
            self.add_name(inner + mark, pos)

    def delimiter(self, which: str, pos: int) -> None:
        self.skip_space()
        if self.peek() == "\\":
            sub = self.command()
            kinds = {**W.DELIMITERS, "vert": "LABS" if which == "left" else "RABS"}
            if sub not in kinds:
                raise self.error(f"unknown delimiter \\{sub} after \\{which}", pos)
            self.add(kinds[sub], sub, pos)
            return
        ch = self.peek()
        self.i += 1
        if ch == ".":
            return
        kinds = {
            "(": "LP",
            ")": "RP",
            "[": "LB",
            "]": "RB",
            "|": "LABS" if which == "left" else "RABS",
            "{": "LP",  # \left{ … \right}: a sloppy brace, read as a bracket
            "}": "RP",
        }
        if ch not in kinds:
            raise self.error(f"unknown delimiter {ch!r} after \\{which}", pos)
        self.add(kinds[ch], ch, pos)

    def big_operator(self, name: str, pos: int) -> None:
        """``\\sum``/``\\prod`` with an optional subscript and superscript, in either order."""
        bounds: dict[str, tuple[str, int]] = {}
        while True:
            self.skip_space()
            if self.text.startswith(("\\limits", "\\nolimits", "\\displaystyle"), self.i):
                self.command()
                continue
            mark = self.peek()
            if mark not in ("_", "^") or mark in bounds:
                break
            self.i += 1
            bounds[mark] = self.group_at()
        sub, sub_pos = bounds.get("_", (None, 0))
        sup, sup_pos = bounds.get("^", (None, 0))
        self.tokens.append(Token("SUM", name, pos, False, sub, sup, sub_pos, sup_pos))

    def style(self, pos: int) -> None:
        raw, at = self.group_at()
        raw = raw.strip()
        if raw in ("1",):
            self.indicator(pos)
            return
        name = self.simple_name(" ".join(raw.split()).replace(" ", ""), at)
        if not name[0].isalpha():
            raise self.error(f"cannot read {raw!r} as a name", pos)
        self.add_name(name, pos)

    def text_command(self, pos: int) -> None:
        raw = " ".join(self.group_text().split())
        if raw == "vector" and self.peek() == "_":  # the vector of entries, as printed
            self.big_operator("vector", pos)
            return
        lowered = raw.lower().strip(" ,.;")
        if lowered in W.TEXT_KEYWORDS:
            keyword = W.TEXT_KEYWORDS[lowered]
            if keyword:
                self.add("KW", keyword, pos)
            return
        if lowered.startswith("if "):
            raise self.error("write the condition as maths after \\text{if}", pos)
        if lowered in W.UNITS or (
            lowered.split(" ", 1)[0] in W.UNITS and len(lowered.split()) <= 2
        ):
            raise self.error(f"\\text{{{raw}}} is a unit: a formula has no units, remove it", pos)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", raw):
            raise self.error(
                f"cannot read \\text{{{raw}}} as a name (words are not part of a formula: "
                "remove them)",
                pos,
            )
        self.add_name(raw, pos)


CommandHandler = Callable[[_LatexLexer, str, int], None]
_COMMAND_HANDLERS: dict[str, CommandHandler] = {
    "\\": _LatexLexer.row_separator,
    "left": _LatexLexer.left_right,
    "right": _LatexLexer.left_right,
    "{": _LatexLexer.brace,
    "}": _LatexLexer.brace,
    "|": _LatexLexer.double_bar,
    **dict.fromkeys(("lvert", "rvert", "vert"), _LatexLexer.vert),
    **dict.fromkeys(
        ("frac", "dfrac", "tfrac", "cfrac", "binom", "tbinom", "dbinom"), _LatexLexer.fraction
    ),
    "choose": _LatexLexer.choose,
    "sqrt": _LatexLexer.square_root,
    "lg": _LatexLexer.binary_log,
    "infty": _LatexLexer.infinity,
    **dict.fromkeys(("%", "$", "approx", "mod"), _LatexLexer.unsupported),
    **dict.fromkeys(W.INDICATOR_FONTS, _LatexLexer.indicator_font),
    "begin": _LatexLexer.environment,
    "end": _LatexLexer.environment,
    "top": _LatexLexer.transpose,
    "sum": _LatexLexer.big_operator,
    "prod": _LatexLexer.big_operator,
}

LatexHandler = Callable[[_LatexLexer, str, int], None]
_LATEX_SINGLE = {
    **dict.fromkeys("+-*/@", "OP"),
    "(": "LP",
    ")": "RP",
    "[": "LB",
    "]": "RB",
    ",": "COMMA",
    "|": "BAR",
    "!": "BANG",
    "{": "LC",
    "}": "RC",
    "&": "AMP",
    "'": "TRANS",
}
# What reads each class of character (see _char_class); anything else is unexpected.
_LATEX_HANDLERS: dict[str, LatexHandler] = {
    "space": _LatexLexer.space,
    "~": _LatexLexer.space,  # a non-breaking space
    "digit": _LatexLexer.number,
    "letter": _LatexLexer.letters,
    "\\": _LatexLexer.backslash,
    "^": _LatexLexer.caret,
    "_": _LatexLexer.underscore,
    **dict.fromkeys(_LATEX_SINGLE, _LatexLexer.single),
    "·": _LatexLexer.middle_dot,
    "°": _LatexLexer.degree_sign,
    "!": _LatexLexer.bang,
    **dict.fromkeys("<>=", _LatexLexer.comparison),
    ".": _LatexLexer.dot,
    ";": _LatexLexer.punctuation,
    ",": _LatexLexer.comma,
}


def _char_class(ch: str) -> str:
    """The key of ``ch`` in the handler table: a class name, or the character itself."""
    if ch.isspace():
        return "space"
    if digit(ch):
        return "digit"
    if ch.isalpha() and ch.isascii():
        return "letter"
    return ch


def lex_latex(text: str, notes: list[str] | None = None) -> list[Token]:
    """Tokenize LaTeX maths such as ``-\\frac{2}{n} X^\\top (y - X\\beta)``; readings worth
    telling the learner (``\\lg`` is base 10) are appended to ``notes``."""
    return _LatexLexer(text, notes).run()


def known_command(name: str) -> bool:
    """Is ``\\name`` a LaTeX command this lexer reads?"""
    return function_name(name) is not None or name in (
        W.SKIP_COMMANDS
        | set(W.FUNC_COMMANDS)
        | set(W.OP_COMMANDS)
        | set(W.CMP_COMMANDS)
        | set(W.KW_COMMANDS)
        | W.GREEK_COMMANDS
        | set(W.DECORATIONS)
        | W.STYLE_COMMANDS
        | W.NAME_COMMANDS
        | set(W.DELIMITERS)
        | set(_COMMAND_HANDLERS)
        | {"prime", "partial", "nabla"}
    )
