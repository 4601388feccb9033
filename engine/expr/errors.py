"""Errors of the expression language; every one names a position in the input when it can."""

from __future__ import annotations


class ExprError(ValueError):
    """Input that cannot be understood: the message says what to fix, ``position`` where."""

    code = "syntax"

    def __init__(self, message: str, position: int | None = None, text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.text = text

    def excerpt(self) -> str:
        if self.position is None or not self.text:
            return ""
        start = max(0, self.position - 15)
        return self.text[start : self.position + 15]

    def to_dict(self) -> dict[str, object]:
        return {"message": self.message, "position": self.position, "excerpt": self.excerpt()}


class UnknownSymbol(ExprError):
    code = "unknown-symbol"

    def __init__(
        self, message: str, position: int | None = None, text: str = "", name: str = ""
    ) -> None:
        super().__init__(message, position, text)
        self.name = name  # the symbol that is not known


class ShapeError(ExprError):
    code = "shape"


class TransposeError(ShapeError):
    """A product whose sizes would chain if one factor were transposed."""

    code = "transpose"


class LimitError(ExprError):
    """A bound (length, depth, number size, time) was exceeded."""

    code = "limit"


class EvalError(Exception):
    """Raised during numeric evaluation when a bound is hit (never shown as a crash)."""
