"""Text with LaTeX in ``$…$`` / ``$$…$$`` rendered to HTML with MathML.

Browsers render MathML natively, so the web page needs no JavaScript for maths.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from latex2mathml.converter import convert

# $$…$$ first so that it wins over two adjacent $…$; a backslash escapes a literal dollar.
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)
_CODE = re.compile(r"`([^`]+)`")
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")


@dataclass(frozen=True)
class MathTextError(ValueError):
    """A piece of LaTeX that does not convert, with the offending snippet."""

    message: str

    def __str__(self) -> str:
        return self.message


def _check_braces(latex: str) -> None:
    depth = 0
    escaped = False
    for ch in latex:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise MathTextError(f"unbalanced braces in ${latex}$: a '}}' has no '{{'")
    if depth:
        raise MathTextError(f"unbalanced braces in ${latex}$: {depth} '{{' not closed")


def latex_to_mathml(latex: str, *, display: bool = False) -> str:
    """Convert bare LaTeX to a MathML ``<math>`` element.

    Raises :class:`MathTextError` when the LaTeX is malformed or uses a command that
    latex2mathml does not know (it would otherwise print the command as text).

    >>> latex_to_mathml("x^2").startswith("<math")
    True
    """
    return _converted(latex, display)


@lru_cache(maxsize=4096)
def _converted(latex: str, display: bool) -> str:
    """The conversion, remembered: content is checked at load and rendered again for the
    pages, and most of its formulas recur (a few MB for every formula of the shipped content)."""
    _check_braces(latex)
    try:
        mathml = convert(latex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        detail = str(exc) or type(exc).__name__
        raise MathTextError(f"LaTeX does not convert: ${latex}$ ({detail})") from exc
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathTextError(f"unknown LaTeX command {unknown.group(1)} in ${latex}$")
    return mathml


def _render_plain(text: str) -> str:
    escaped = html.escape(text.replace("\\$", "$"), quote=False)
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped)


def _render_paragraph(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        parts.append(_render_plain(text[pos : match.start()]))
        display = match.group(1) is not None
        parts.append(latex_to_mathml(match.group(1) or match.group(2), display=display))
        pos = match.end()
    rest = text[pos:]
    if re.search(r"(?<!\\)\$", rest):
        raise MathTextError(f"unclosed $ in: {rest.strip()[:60]!r} (write \\$ for a dollar sign)")
    parts.append(_render_plain(rest))
    return "".join(parts)


def render_text(text: str) -> str:
    """Render text with ``$…$`` maths to HTML: paragraphs, inline code and MathML.

    >>> render_text("Loss $L = x^2$")
    '<p>Loss <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>L</mi><mo>&#x0003D;</mo><msup><mi>x</mi><mn>2</mn></msup></mrow></math></p>'
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{_render_paragraph(p)}</p>" for p in paragraphs)


def check_text(text: str, *, bare_latex: bool = False) -> list[str]:
    """Return the problems of a content string (empty when it renders)."""
    try:
        if bare_latex:
            latex_to_mathml(text, display=True)
        else:
            render_text(text)
    except MathTextError as exc:
        return [str(exc)]
    return []
