"""Descent's pure computation: math text, grading, reference implementations.

The engine imports neither web nor database code; ``app`` and ``content`` depend on it,
never the other way round. :func:`grade` is the one entry point for grading a question.
"""

from engine.judge import judge as judge_code  # `engine.judge` stays the subpackage
from engine.kinds import (
    NotGradable,
    QuestionBase,
    get_kind,
    grade,
    instantiate,
    kind_names,
    kinds,
    run_check,
)
from engine.mathtext import MathTextError, check_text, latex_to_mathml, render_text
from engine.sandbox import RuntimeUnavailable, SandboxBusy, SandboxDisabled, default_sandbox
from engine.verdict import Details, Feedback, Verdict

__all__ = [
    "Details",
    "Feedback",
    "MathTextError",
    "NotGradable",
    "QuestionBase",
    "RuntimeUnavailable",
    "SandboxBusy",
    "SandboxDisabled",
    "Verdict",
    "check_text",
    "default_sandbox",
    "get_kind",
    "grade",
    "instantiate",
    "judge_code",
    "kind_names",
    "kinds",
    "latex_to_mathml",
    "render_text",
    "run_check",
]
