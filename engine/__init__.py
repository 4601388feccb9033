"""Descent's pure computation: math text, grading, reference implementations.

The engine imports neither web nor database code; ``app`` and ``content`` depend on it,
never the other way round.
"""

from engine.mathtext import MathTextError, check_text, latex_to_mathml, render_text

__all__ = ["MathTextError", "check_text", "latex_to_mathml", "render_text"]
