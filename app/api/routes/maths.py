"""The formula checker: parse with preview, and check expressions or derivations."""

from __future__ import annotations

from fastapi import APIRouter

from app import schemas as s
from app.api.deps import SettingsDep
from app.api.responses import problems
from app.ops.ratelimit import GradingLimit
from app.services import maths

router = APIRouter(tags=["maths"])


@router.post(
    "/parse",
    response_model=s.ParseResult,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(429, 503),
)
def parse_formula(request: s.ParseRequest, settings: SettingsDep) -> s.ParseResult:
    """Show how a formula is read (ASCII, LaTeX, MathML), or where it cannot be read."""
    return maths.read(request=request, timeout=settings.grading_timeout_s)


@router.post(
    "/check/expression",
    response_model=s.VerdictRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(429, 503),
)
def check_expression(request: s.CheckRequest, settings: SettingsDep) -> s.VerdictBase:
    """Check a formula or a derivation against a target written out or given as a derivative."""
    return maths.check(request=request, timeout=settings.grading_timeout_s)
