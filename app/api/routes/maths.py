"""The formula checker: parse with preview, and check expressions or derivations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field, model_validator

from app import schemas as s
from app.api.deps import SettingsDep
from app.api.responses import problems
from app.errors import DescentError
from app.ops.bounded import graded
from app.ops.ratelimit import GradingLimit
from engine.expr import ExprError, Problem, VarSpec, grade_derivation, grade_expression, parse

router = APIRouter(tags=["maths"])
MAX_BODY_TEXT = 2_000_000  # the engine rejects long input itself, with a clear verdict
Syntax = Literal["auto", "ascii", "latex"]
Domain = Literal["real", "positive", "nonnegative", "unit", "binary", "sign", "onehot", "integer"]
DimName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$")]
VarName = Annotated[str, Field(max_length=40)]


class VariableIn(BaseModel):
    shape: list[DimName] = Field(
        default=[], max_length=2, description="Dimension names; [] is a scalar"
    )
    domain: Domain = "real"


class ParseRequest(BaseModel):
    text: str = Field(max_length=MAX_BODY_TEXT, examples=["-2/n * X^T (y - X beta)"])
    syntax: Syntax = "auto"
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)


class ParseError(BaseModel):
    message: str
    position: int | None
    excerpt: str


class ParseResult(BaseModel):
    ok: bool
    syntax: str | None = None
    interpreted_as: dict[str, str | None] | None = None
    shape: list[str] | None = None
    error: ParseError | None = None


class MistakeIn(BaseModel):
    answer: str = Field(max_length=2000)
    message: str = Field(max_length=500)


class CheckRequest(BaseModel):
    expected: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    derivative_of: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    wrt: str | None = Field(default=None, max_length=40)
    answer: str | None = Field(default=None, max_length=MAX_BODY_TEXT)
    steps: list[Annotated[str, Field(max_length=MAX_BODY_TEXT)]] | None = Field(
        default=None, max_length=100
    )
    variables: dict[VarName, VariableIn] = Field(default={}, max_length=50)
    syntax: Syntax = "auto"
    mistakes: list[MistakeIn] = Field(default=[], max_length=20)

    @model_validator(mode="after")
    def _one_each(self) -> CheckRequest:
        if (self.expected is None) == (self.derivative_of is None):
            raise ValueError("give exactly one target: `expected`, or `derivative_of` with `wrt`")
        if self.derivative_of is not None and not self.wrt:
            raise ValueError("`derivative_of` needs `wrt`")
        if (self.answer is None) == (self.steps is None):
            raise ValueError("give exactly one of `answer` (one formula) or `steps` (a derivation)")
        return self


class InvalidTarget(DescentError):
    status, code, title = 422, "invalid-target", "Invalid target"


def _variables(variables: dict[str, VariableIn]) -> dict[str, VarSpec]:
    return {name: VarSpec(tuple(v.shape), v.domain) for name, v in variables.items()}


@router.post(
    "/parse",
    response_model=ParseResult,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(429, 503),
)
def parse_formula(request: ParseRequest, settings: SettingsDep) -> ParseResult:
    """Show how a formula is read (ASCII, LaTeX, MathML), or where it cannot be read."""
    return graded(
        lambda: _parse(request),
        kind="parse",
        timeout=settings.grading_timeout_s,
        status_of=lambda result: "ok" if result.ok else "invalid",
    )


def _parse(request: ParseRequest) -> ParseResult:
    try:
        parsed = parse(
            request.text,
            syntax=request.syntax,
            variables=_variables(request.variables),
            strict=bool(request.variables),
        )
    except ExprError as exc:
        return ParseResult(ok=False, error=ParseError(**exc.to_dict()))  # type: ignore[arg-type]
    return ParseResult(
        ok=True,
        syntax=parsed.syntax,
        interpreted_as=parsed.interpreted_as(),
        shape=[str(d) for d in parsed.shape],
    )


@router.post(
    "/check/expression",
    response_model=s.VerdictRead,
    response_model_exclude_none=True,
    dependencies=[GradingLimit],
    responses=problems(429, 503),
)
def check_expression(request: CheckRequest, settings: SettingsDep) -> s.VerdictRead:
    """Check a formula or a derivation against a target written out or given as a derivative."""
    problem = Problem.build(
        variables=_variables(request.variables),
        expected=request.expected,
        derivative_of=request.derivative_of,
        wrt=request.wrt,
        syntax=request.syntax,
        mistakes=[(m.answer, m.message, "known-mistake") for m in request.mistakes],
    )
    field = "expected" if request.expected is not None else "derivative_of"
    steps = request.steps
    try:
        verdict = graded(
            lambda: (
                grade_derivation(steps, problem)
                if steps is not None
                else grade_expression(request.answer or "", problem)
            ),
            kind="check-derivation" if steps is not None else "check-expression",
            timeout=settings.grading_timeout_s,
        )
    except ExprError as exc:
        raise InvalidTarget(
            f"the target cannot be used: {exc.message}",
            errors=[{"loc": ["body", field], "msg": exc.message, "type": exc.code}],
        ) from None
    return s.VerdictRead(**verdict.to_dict())
