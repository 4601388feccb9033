"""Tokens, the Unicode folding done before lexing, and the ASCII tokenizer (the LaTeX one is
:mod:`engine.expr.latex`; both produce the same token kinds)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from engine.expr.errors import ExprError
from engine.expr.names import UNICODE_GREEK, UNICODE_OPS

MAX_NUMBER_DIGITS = 40
MAX_LITERAL = 1e300


@dataclass(frozen=True)
class Token:
    kind: str  # NUM ID FUNC OP LP RP LB RB LC RC COMMA BAR LABS RABS NORM LNORM RNORM CMP KW
    #            TRANS FRAC SQRT SUM CASES_BEGIN CASES_END AMP ROWSEP BANG INDICATOR EOF
    #            SUB (a subscript after a bracket) CHOOSE RANGE LFLOOR RFLOOR LCEIL RCEIL
    #            LANGLE RANGLE METHOD (``.sum()`` after a value)
    value: str
    pos: int
    split_letters: bool = False  # a LaTeX run of letters, which means a product unless declared
    # SUM: the raw subscript and superscript (``i=1``, ``n``) and where each starts
    sub: str | None = None
    sup: str | None = None
    sub_pos: int = 0
    sup_pos: int = 0


DEGREES = "degrees are not supported here: write the angle in radians (x*pi/180)"


_NUMBER = re.compile(r"([0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_LIBRARY = re.compile(r"(?:np|numpy|torch|jnp|math)(?:\.linalg|\.special)?\.(?=[A-Za-z])")
_METHOD = re.compile(r"\.(sum|mean|max|min)\(\s*\)")
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


def number(text: str, pos: int) -> tuple[Token, int]:
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
    end = match.end()
    if "." in digits and text[end : end + 1] == "." and digit(text[end + 1 : end + 2]):
        raise ExprError(
            f"{text[pos : end + 2]}… at {pos} is not a number (two decimal points): "
            "write one number, or an operator between two",
            pos,
            text,
        )
    return Token("NUM", digits, pos), end


def digit(ch: str) -> bool:
    return "0" <= ch <= "9"  # str.isdigit() is also true of ¹, ⁹ and ①


def subscript_after_power(tokens: list[Token]) -> bool:
    """Do the last tokens read ``x ^ 2`` (a name, a caret, one token), so that a subscript
    now belongs to the name?"""
    if len(tokens) < 3:
        return False
    base, caret, exponent = tokens[-3:]
    return (
        base.kind == "ID"
        and "_" not in base.value
        and caret.kind == "OP"
        and caret.value == "^"
        and exponent.kind in ("NUM", "ID")
    )


def lex_ascii(text: str) -> list[Token]:
    """Tokenize ASCII maths such as ``-2/n * X^T (y - X beta)``."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch == "~":
            i += 1
        elif digit(ch) or (ch == "." and i + 1 < n and digit(text[i + 1])):
            token, i = number(text, i)
            tokens.append(token)
        elif prefix := _LIBRARY.match(text, i):  # np.exp(z), torch.sigmoid(z): the function
            i = prefix.end()
        elif method := _METHOD.match(text, i):  # (y - X@b).sum(), z.max()
            tokens.append(Token("METHOD", method.group(1), i))
            i = method.end()
        elif found := _ASCII_NAME.match(text, i):  # an ASCII letter starts a name
            end = found.end()
            word = text[i:end]
            kw = _ASCII_KEYWORDS.get(word)
            tokens.append(Token("KW", kw, i) if kw else Token("ID", word, i))
            i = end
        elif text.startswith("**", i):
            tokens.append(Token("OP", "^", i))
            i += 2
        elif text.startswith("..", i):
            tokens.append(Token("RANGE", "..", i))
            i += 2
        elif ch == "·":
            tokens.append(Token("OP", "·", i))
            i += 1
        elif ch == "°":
            raise ExprError(f"° at {i}: {DEGREES}", i, text)
        elif ch == "_" and subscript_after_power(tokens):
            # x^2_1 is x_1^2: the subscript belongs to the base
            found = re.compile(r"[A-Za-z0-9]+").match(text, i + 1)
            if found is None:
                raise ExprError(f"a subscript needs a name after '_' at {i}", i, text)
            base = tokens[-3]
            tokens[-3] = Token("ID", f"{base.value}_{found.group(0)}", base.pos)
            i = found.end()
        elif ch == "_" and tokens and tokens[-1].kind in ("RP", "RB"):
            # (X beta)_i: an entry of a bracketed expression, inside a sum over i
            found = _ASCII_NAME.match(text, i + 1) or re.compile(r"[0-9]+").match(text, i + 1)
            if found is None:
                raise ExprError(f"a subscript needs an index after '_' at {i}", i, text)
            tokens.append(Token("SUB", found.group(0), i))
            i = found.end()
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
