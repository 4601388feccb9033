"""The expression language: a safe parser and an equivalence grader for ML formulas.

Public API: :func:`parse`, :class:`VarSpec`, :class:`Problem`, :func:`grade_expression`,
:func:`grade_derivation`, :class:`ExprError`. Nothing here evaluates text as code.
"""

from engine.expr.derivation import grade_derivation
from engine.expr.errors import ExprError
from engine.expr.front import Parsed, VarSpec, parse
from engine.expr.grade import (
    DerivationDetails,
    FormulaDetails,
    Problem,
    grade_expression,
    prepare,
)

__all__ = [
    "DerivationDetails",
    "ExprError",
    "FormulaDetails",
    "Parsed",
    "Problem",
    "VarSpec",
    "grade_derivation",
    "grade_expression",
    "parse",
    "prepare",
]
