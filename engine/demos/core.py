"""The demo registry: parameters validated by pydantic, ``run`` → data + summary, a figure.

A demo registers itself with :func:`register`; adding one touches one file. Runs are pure and
seeded: the same parameters give the same output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from threadpoolctl import ThreadpoolController

P = TypeVar("P", bound="Params")


class Params(BaseModel):
    """Base of every demo's parameters: unknown fields are errors; values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Result:
    """What a run computed: plain data for clients and a summary of the facts it shows."""

    data: dict[str, Any]
    summary: dict[str, Any]


@dataclass(frozen=True)
class Demo(Generic[P]):
    id: str
    title: str
    topics: tuple[str, ...]
    params: type[P]
    run: Callable[[P], Result]
    figure: Callable[[P, Result], Any]
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def params_schema(self) -> dict[str, Any]:
        """JSON schema of the parameters, with defaults and bounds."""
        return self.params.model_json_schema()


DEMOS: dict[str, Demo[Any]] = {}


def register(
    *,
    id: str,
    title: str,
    topics: tuple[str, ...],
    params: type[P],
    figure: Callable[[P, Result], Any],
    description: str = "",
) -> Callable[[Callable[[P], Result]], Callable[[P], Result]]:
    """Register the decorated ``run(params) -> Result`` as demo ``id``."""

    def decorate(run: Callable[[P], Result]) -> Callable[[P], Result]:
        if id in DEMOS:
            raise ValueError(f"demo {id!r} is registered twice")
        DEMOS[id] = Demo(id, title, topics, params, run, figure, description)
        return run

    return decorate


class UnknownDemo(KeyError):
    """No demo has this id."""

    def __init__(self, demo_id: str) -> None:
        super().__init__(demo_id)
        self.demo_id = demo_id
        self.message = f"no demo with id {demo_id!r}; known demos: {', '.join(sorted(DEMOS))}"

    def __str__(self) -> str:
        return self.message


class InvalidParams(ValueError):
    """Parameters outside their bounds or of the wrong type; ``errors`` locate each problem."""

    def __init__(self, demo_id: str, errors: list[dict[str, Any]]) -> None:
        self.demo_id, self.errors = demo_id, errors
        super().__init__("; ".join(e["msg"] for e in errors))


def get_demo(demo_id: str) -> Demo[Any]:
    try:
        return DEMOS[demo_id]
    except KeyError:
        raise UnknownDemo(demo_id) from None


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for item in loc:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out or "params"


_BOUND_WORDS = {
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
}


def _message(err: Mapping[str, Any], known: list[str]) -> str:
    where, kind, ctx = _where(tuple(err["loc"])), err["type"], err.get("ctx") or {}
    if kind in _BOUND_WORDS:
        key, sign = _BOUND_WORDS[kind]
        return f"{where} must be {sign} {ctx[key]}"
    if kind == "too_long":
        return f"{where} must have at most {ctx['max_length']} items"
    if kind == "too_short":
        return f"{where} must have at least {ctx['min_length']} items"
    if kind == "extra_forbidden":
        return f"unknown parameter {where}; parameters: {', '.join(known)}"
    return f"{where}: {err['msg'].removeprefix('Value error, ')}"


def validate_params(demo_id: str, raw: Mapping[str, Any] | BaseModel | None = None) -> Params:
    """Return the demo's parameters from ``raw`` (``None`` or ``{}`` = defaults).

    Raises :class:`InvalidParams` naming each violated bound ("steps must be ≤ 20000").
    """
    params: type[Params] = get_demo(demo_id).params
    if isinstance(raw, params):
        return raw
    try:
        return params.model_validate(dict(raw or {}))
    except ValidationError as exc:
        known = list(params.model_fields)
        errors = [
            {"loc": list(e["loc"]), "msg": _message(e, known), "type": e["type"]}
            for e in exc.errors(include_url=False)
        ]
        raise InvalidParams(demo_id, errors) from None


@dataclass(frozen=True)
class DemoRun:
    """A finished run: its data, summary and Plotly figure (a ``plotly.graph_objects.Figure``)."""

    demo: str
    params: Params
    data: dict[str, Any]
    summary: dict[str, Any]
    figure: Any


@cache
def single_threaded_blas() -> None:
    """Limit BLAS to one thread for the process (done once, at the first demo run).

    Demo matrices are small: BLAS threads only contend, which made runs 10× slower on a busy
    machine. A per-run limit cannot be undone reliably once OpenBLAS has used its threads.
    """
    ThreadpoolController().limit(limits=1, user_api="blas")


def run_demo(demo_id: str, raw: Mapping[str, Any] | BaseModel | None = None) -> DemoRun:
    """Validate the parameters, run the demo and build its figure.

    Examples
    --------
    >>> out = run_demo("lr-schedules", {"steps": 50})
    >>> out.summary["schedules"][:2]
    ['constant', 'step']
    """
    demo = get_demo(demo_id)
    params = validate_params(demo_id, raw)
    single_threaded_blas()
    result = demo.run(params)
    return DemoRun(demo_id, params, result.data, result.summary, demo.figure(params, result))
