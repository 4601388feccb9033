"""Tokenizers for ASCII and LaTeX input; both produce the same token kinds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from engine.expr.errors import ExprError
from engine.expr.names import GREEK, UNICODE_GREEK, UNICODE_OPS

MAX_NUMBER_DIGITS = 40
MAX_LITERAL = 1e300


@dataclass(frozen=True)
class Token:
    kind: str  # NUM ID FUNC OP LP RP LB RB LC RC COMMA BAR LABS RABS NORM LNORM RNORM CMP KW
    #            TRANS FRAC SQRT SUM CASES_BEGIN CASES_END AMP ROWSEP BANG INDICATOR EOF
    value: str
    pos: int
    split_letters: bool = False  # a LaTeX run of letters, which means a product unless declared


_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_SIMPLE = {
    "+": "OP",
    "-": "OP",
    "*": "OP",
    "/": "OP",
    "@": "OP",
    "^": "OP",
    "(": "LP",
    ")": "RP",
    "[": "LB",
    "]": "RB",
    ",": "COMMA",
    "|": "BAR",
}
_ASCII_KEYWORDS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "True": "true",
    "true": "true",
    "otherwise": "true",
    "else": "true",
}


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-", strict=True))
_HATS = {"y\u0302": "yhat", "p\u0302": "phat"}
# Letters that only look like Latin ones: an omicron in "cοs" would make a new name
_HOMOGLYPHS = {"ο": "o", "Ο": "O"}


def fold_unicode_with_map(text: str) -> tuple[str, list[int]]:
    """Map Unicode operators, superscripts and letters with accents to plain input; also
    return, for every folded character (and the end), the index of the character of ``text``
    it came from, so errors point at what was typed.

    ``x²³`` becomes ``x^(23)``, ``x⁻¹`` becomes ``x^(-1)``, and ``ᵀ`` becomes ``^T `` (with a
    space, so ``xᵀy`` is ``x^T y``).
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            run = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            piece, consumed = (f"^{run}" if len(run) == 1 else f"^({run})"), j - i
        elif text[i : i + 2] in _HATS:
            piece, consumed = _HATS[text[i : i + 2]], 2
        elif ch in _HOMOGLYPHS:
            raise ExprError(
                f"{ch!r} at {i} is a Greek letter that looks like the Latin "
                f"{_HOMOGLYPHS[ch]!r}: type the Latin letter",
                i,
                text,
            )
        elif ch == "ᵀ":
            piece, consumed = "^T ", 1
        else:
            piece, consumed = UNICODE_OPS.get(ch, UNICODE_GREEK.get(ch, ch)), 1
        out.append(piece)
        where.extend([i] * len(piece))
        i += consumed
    where.append(len(text))
    return "".join(out), where


def _number(text: str, pos: int) -> tuple[Token, int]:
    match = _NUMBER.match(text, pos)
    if match is None:
        raise ExprError(f"unexpected character {text[pos]!r} at {pos}", pos, text)
    digits = match.group(0)
    if len(digits.replace(".", "")) > MAX_NUMBER_DIGITS:
        raise ExprError(f"number too long ({len(digits)} digits) at {pos}", pos, text)
    if match.group(2) and abs(int(match.group(2)[1:])) > 300:
        raise ExprError(f"exponent of {digits} is too large at {pos}", pos, text)
    if abs(float(digits)) > MAX_LITERAL:  # beyond a double: 1.8e308
        raise ExprError(f"the number {digits} is too large at {pos}", pos, text)
    return Token("NUM", digits, pos), match.end()


def _digit(ch: str) -> bool:
    return "0" <= ch <= "9"  # str.isdigit() is also true of ¹, ⁹ and ①


def lex_ascii(text: str) -> list[Token]:
    """Tokenize ASCII maths such as ``-2/n * X^T (y - X beta)``."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif _digit(ch) or (ch == "." and i + 1 < n and _digit(text[i + 1])):
            token, i = _number(text, i)
            tokens.append(token)
        elif found := _ASCII_NAME.match(text, i):  # an ASCII letter starts a name
            end = found.end()
            word = text[i:end]
            kw = _ASCII_KEYWORDS.get(word)
            tokens.append(Token("KW", kw, i) if kw else Token("ID", word, i))
            i = end
        elif text.startswith("**", i):
            tokens.append(Token("OP", "^", i))
            i += 2
        elif text.startswith("||", i):
            tokens.append(Token("NORM", "||", i))
            i += 2
        elif text[i : i + 2] in ("<=", ">=", "==", "!="):
            tokens.append(Token("CMP", text[i : i + 2], i))
            i += 2
        elif ch in "<>":
            tokens.append(Token("CMP", ch, i))
            i += 1
        elif ch == "=":
            tokens.append(Token("CMP", "==", i))
            i += 1
        elif ch == "&":
            tokens.append(Token("KW", "and", i))
            i += 2 if text.startswith("&&", i) else 1
        elif ch == "!":
            tokens.append(Token("BANG", "!", i))
            i += 1
        elif ch == "'":
            tokens.append(Token("TRANS", "'", i))
            i += 1
        elif (
            ch == "."
            and text.startswith(".T", i)
            and not (i + 2 < n and (text[i + 2].isalnum() or text[i + 2] == "_"))
        ):
            tokens.append(Token("TRANS", ".T", i))
            i += 2
        elif ch in _SIMPLE:
            tokens.append(Token(_SIMPLE[ch], ch, i))
            i += 1
        elif ch == "{":
            tokens.append(Token("LP", "(", i))
            i += 1
        elif ch == "}":
            tokens.append(Token("RP", ")", i))
            i += 1
        else:
            raise ExprError(f"unexpected character {ch!r} at {i}", i, text)
    tokens.append(Token("EOF", "", n))
    return tokens


# ---------------------------------------------------------------------------------------------
# LaTeX

_FUNC_COMMANDS = {
    "log": "log",
    "ln": "log",
    "exp": "exp",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sec": "sec",
    "csc": "csc",
    "cot": "cot",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "coth": "coth",
    "max": "max",
    "min": "min",
    "sgn": "sign",
    "tr": "trace",
}
_OP_COMMANDS = {"cdot": "*", "times": "*", "ast": "*", "div": "/", "odot": "*", "circ": "*"}
_CMP_COMMANDS = {
    "le": "<=",
    "leq": "<=",
    "leqslant": "<=",
    "ge": ">=",
    "geq": ">=",
    "geqslant": ">=",
    "lt": "<",
    "gt": ">",
    "neq": "!=",
    "ne": "!=",
}
_KW_COMMANDS = {
    "land": "and",
    "wedge": "and",
    "lor": "or",
    "vee": "or",
    "lnot": "not",
    "neg": "not",
}
_SKIP_COMMANDS = {
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "displaystyle",
    "textstyle",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "limits",
    "nolimits",
    "mathop",
}
_DECORATIONS = {
    "hat": "hat",
    "widehat": "hat",
    "bar": "bar",
    "overline": "bar",
    "tilde": "tilde",
    "widetilde": "tilde",
}
_STYLE_COMMANDS = {"mathbf", "boldsymbol", "bm", "vec", "mathit", "mathsf", "pmb", "mathnormal"}
_NAME_COMMANDS = {"mathrm", "operatorname", "text", "textrm", "textit", "mathtt", "texttt"}
_TEXT_KEYWORDS = {
    "otherwise": "true",
    "else": "true",
    "and": "and",
    "or": "or",
    "if": None,
    "for": None,
    "when": None,
    "where": None,
    "": None,
    "if and only if": None,
}
_GREEK_COMMANDS = set(GREEK) | {
    "varepsilon",
    "vartheta",
    "varphi",
    "Delta",
    "Sigma",
    "Theta",
    "Lambda",
    "Phi",
    "Omega",
    "Gamma",
    "Pi",
    "Psi",
    "ell",
}


class _LatexLexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.tokens: list[Token] = []

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
                    return self.text[start + 1 : self.i - 1]
            raise self.error("a '{' is never closed", start)
        if self.peek() == "\\":
            return "\\" + self.command()
        if not self.peek():
            raise self.error("expected a group {...}")
        self.i += 1
        return self.text[self.i - 1]

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
        if raw.startswith("\\") and (raw[1:] in _GREEK_COMMANDS or raw[1:] in _FUNC_COMMANDS):
            return raw[1:]  # \eta_{\min} names eta_min
        if re.fullmatch(r"[A-Za-z0-9]+", raw):
            return raw
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
        # a run of letters is a product of single letters (LaTeX's xy), unless subscripted
        split = split and self.peek() != "_"
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
        token, self.i = _number(self.text, pos)
        self.tokens.append(token)

    def letters(self, ch: str, pos: int) -> None:
        end = pos
        while end < len(self.text) and self.text[end].isalpha() and self.text[end].isascii():
            end += 1
        word = self.text[pos:end]
        self.i = end
        self.add_name(word, pos, split=len(word) > 1)

    def caret(self, ch: str, pos: int) -> None:
        self.i += 1
        self.skip_space()
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
        if not (self.tokens and self.tokens[-1].kind in ("NORM", "RNORM")):
            raise self.error("a subscript needs a name before it")
        self.i += 1
        sub = self.group_text().strip()
        if sub not in ("2", "F"):
            raise self.error(f"only the 2-norm is supported, not the {sub}-norm", pos)

    def single(self, ch: str, pos: int) -> None:
        """A character that is a token by itself: an operator, a bracket, a comma, ``&``…"""
        self.add(_LATEX_SINGLE[ch], ch, pos)
        self.i += 1

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
        if _digit(self.peek(1)):
            self.number(ch, pos)
        else:
            self.punctuation(ch, pos)

    def punctuation(self, ch: str, pos: int) -> None:
        """Sentence punctuation at the end of a line, a case or the input is skipped."""
        if not re.match(r"[.;]\s*(\\\\|\\end\b|&|$)", self.text[pos:]):
            self.unexpected(ch, pos)
        self.i += 1

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
        if name in _SKIP_COMMANDS:
            return
        if name == "\\":
            self.add("ROWSEP", name, pos)
        elif name in ("left", "right"):
            self.delimiter(name, pos)
        elif name in ("{", "}"):
            self.add("LP" if name == "{" else "RP", name, pos)
        elif name == "|":
            self.add("NORM", "||", pos)
        elif name in ("lvert", "rvert"):
            self.add("LABS" if name == "lvert" else "RABS", "|", pos)
        elif name in ("lVert", "rVert", "Vert"):
            self.add({"lVert": "LNORM", "rVert": "RNORM", "Vert": "NORM"}[name], "||", pos)
        elif name in ("frac", "dfrac", "tfrac", "cfrac"):
            self.add("FRAC", "frac", pos)
        elif name == "binom":
            self.add("FRAC", "binomial", pos)
        elif name == "sqrt":
            self.add("SQRT", "sqrt", pos)
        elif name == "sum":
            self.sum(pos)
        elif name in _FUNC_COMMANDS:
            self.add("FUNC", _FUNC_COMMANDS[name], pos)
            if name == "log" and self.peek() == "_":  # \log_2 x, \log_{10}(x)
                self.i += 1
                self.add("LOGBASE", self.group_text(), self.i)
        elif name in _OP_COMMANDS:
            self.add("OP", _OP_COMMANDS[name], pos)
        elif name in _CMP_COMMANDS:
            self.add("CMP", _CMP_COMMANDS[name], pos)
        elif name in _KW_COMMANDS:
            self.add("KW", _KW_COMMANDS[name], pos)
        elif name in _GREEK_COMMANDS:
            self.add_name(name, pos)
        elif name in _DECORATIONS:
            inner = self.simple_name(self.group_text(), pos)
            self.add_name(inner + _DECORATIONS[name], pos)
        elif name in _STYLE_COMMANDS:
            self.style(pos)
        elif name in ("mathbb",):
            inner = self.group_text().strip()
            if inner in ("1", "I"):
                self.add("INDICATOR", "indicator", pos)
            else:
                raise self.error(f"unknown symbol \\mathbb{{{inner}}}", pos)
        elif name in _NAME_COMMANDS:
            self.text_command(pos)
        elif name in ("begin", "end"):
            env = self.group_text().strip()
            if env != "cases":
                raise self.error(f"the environment {env!r} is not supported (only cases)", pos)
            self.add("CASES_BEGIN" if name == "begin" else "CASES_END", env, pos)
        elif name == "top":
            self.add("TRANS", "^T", pos)
        else:
            raise self.error(f"unknown LaTeX command \\{name}", pos)

    def delimiter(self, which: str, pos: int) -> None:
        self.skip_space()
        if self.peek() == "\\":
            sub = self.command()
            mapping = {
                "|": "NORM",
                "lVert": "LNORM",
                "rVert": "RNORM",
                "Vert": "NORM",
                "lvert": "LABS",
                "rvert": "RABS",
                "{": "LP",
                "}": "RP",
            }
            if sub not in mapping:
                raise self.error(f"unknown delimiter \\{sub} after \\{which}", pos)
            self.add(mapping[sub], sub, pos)
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
        }
        if ch not in kinds:
            raise self.error(f"unknown delimiter {ch!r} after \\{which}", pos)
        self.add(kinds[ch], ch, pos)

    def sum(self, pos: int) -> None:
        index = ""
        self.skip_space()
        if self.peek() == "_":
            self.i += 1
            raw = self.group_text().strip()
            index = re.split(r"[=\\]", raw, maxsplit=1)[0].strip()
            if not re.fullmatch(r"[A-Za-z]", index):
                raise self.error(f"cannot read the summation index in {raw!r}", pos)
        self.skip_space()
        if self.peek() == "^":
            self.i += 1
            self.group_text()  # the upper bound: sums run over every entry
        self.add("SUM", index, pos)

    def style(self, pos: int) -> None:
        raw = self.group_text().strip()
        if raw in ("1",):
            self.add("INDICATOR", "indicator", pos)
            return
        self.add_name(self.simple_name(raw, pos), pos)

    def text_command(self, pos: int) -> None:
        raw = " ".join(self.group_text().split())
        lowered = raw.lower().strip(" ,.;")
        if lowered in _TEXT_KEYWORDS:
            keyword = _TEXT_KEYWORDS[lowered]
            if keyword:
                self.add("KW", keyword, pos)
            return
        if lowered.startswith("if "):
            raise self.error("write the condition as maths after \\text{if}", pos)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", raw):
            raise self.error(f"cannot read \\text{{{raw}}} as a name", pos)
        self.add_name(raw, pos)


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
    "digit": _LatexLexer.number,
    "letter": _LatexLexer.letters,
    "\\": _LatexLexer.backslash,
    "^": _LatexLexer.caret,
    "_": _LatexLexer.underscore,
    **dict.fromkeys(_LATEX_SINGLE, _LatexLexer.single),
    "!": _LatexLexer.bang,
    **dict.fromkeys("<>=", _LatexLexer.comparison),
    ".": _LatexLexer.dot,
    ";": _LatexLexer.punctuation,
}


def _char_class(ch: str) -> str:
    """The key of ``ch`` in the handler table: a class name, or the character itself."""
    if ch.isspace():
        return "space"
    if _digit(ch):
        return "digit"
    if ch.isalpha() and ch.isascii():
        return "letter"
    return ch


def lex_latex(text: str) -> list[Token]:
    """Tokenize LaTeX maths such as ``-\\frac{2}{n} X^\\top (y - X\\beta)``."""
    return _LatexLexer(text).run()


def known_command(name: str) -> bool:
    """Is ``\\name`` a LaTeX command this lexer reads?"""
    return name in (
        _SKIP_COMMANDS
        | set(_FUNC_COMMANDS)
        | set(_OP_COMMANDS)
        | set(_CMP_COMMANDS)
        | set(_KW_COMMANDS)
        | _GREEK_COMMANDS
        | set(_DECORATIONS)
        | _STYLE_COMMANDS
        | _NAME_COMMANDS
        | {"left", "right", "lvert", "rvert", "lVert", "rVert", "Vert", "frac", "dfrac"}
        | {"tfrac", "cfrac", "binom", "sqrt", "sum", "mathbb", "begin", "end", "top", "prime"}
    )
