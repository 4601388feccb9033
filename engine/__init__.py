"""Descent's pure computation: math text, grading, reference implementations.

The engine imports neither web nor database code; ``app`` and ``content`` depend on it,
never the other way round.
"""

from engine.judge import judge as judge_code  # `engine.judge` stays the subpackage
from engine.mathtext import MathTextError, check_text, latex_to_mathml, render_text
from engine.sandbox import SandboxBusy, SandboxDisabled, default_sandbox

__all__ = [
    "MathTextError",
    "SandboxBusy",
    "SandboxDisabled",
    "check_text",
    "default_sandbox",
    "judge_code",
    "latex_to_mathml",
    "render_text",
]
