"""Building blocks of the PyTorch exercises: cases, twins (their NumPy references), call text.

A PyTorch case runs a torch driver on the submission in the sandbox (see
``engine/sandbox/runtime/torch_drivers.py``) and the ``twin`` driver here: a twin is a NumPy
function ``(args, kwargs, params) -> expected`` built from ``engine.reference``, returning
exactly what the child's driver returns for a correct submission (loss values with gradients,
parameter trajectories, rates). The service itself never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from engine.judge import text
from engine.judge.core import FLOAT32_ATOL, FLOAT32_RTOL, Case, Mistake
from engine.reference.gradients import numerical_gradient

Twin = Callable[[list[Any], dict[str, Any], dict[str, Any]], Any]
LossFn = Callable[..., tuple[float, np.ndarray]]
FD_STEP = 1e-6


def torch_setup(
    forbidden: Mapping[str, str] | None = None, ops: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The child's set-up: torch seeded per attempt, traps on the library functions the
    exercise asks to write by hand (``{"torch.nn.functional:cross_entropy": "F.cross_entropy"}``)
    and on the ATen operators behind them, however they are reached
    (``{"aten::cross_entropy_loss": "F.cross_entropy"}``): a case that runs one fails."""
    return {"t": "torch", "forbid": dict(forbidden or {}), "forbid_ops": dict(ops or {})}


# -- text -----------------------------------------------------------------------------------------
def tensor_text(v: Any) -> str:
    """``torch.tensor([...], dtype=torch.float64)`` for float64 arrays (the judge's dtype)."""
    if not isinstance(v, np.ndarray):
        return text.value(v)
    body = text.nested(v)
    if v.dtype == np.float64:
        return f"torch.tensor({body}, dtype=torch.float64)"
    return f"torch.tensor({body})"


def call_text(name: str, *args: Any, **kwargs: Any) -> str:
    parts = [tensor_text(a) for a in args] + [f"{k}={tensor_text(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def shown(v: Any) -> str:
    """A result as PyTorch prints it: ``tensor(0.25)``, ``tensor([0.5, 1.0])``."""
    a = np.asarray(v, dtype=float)
    return f"tensor({text.number(float(a)) if a.ndim == 0 else text.nested(a)})"


def show_loss(value: Any, case: Case) -> str:
    """``tensor(…); after backward(): logits.grad = tensor([…])``."""
    loss, *grads = value
    names = (case.params or {}).get("names", ())
    after = "; ".join(f"{n}.grad = {shown(g)}" for n, g in zip(names, grads, strict=False))
    return f"{shown(loss)}; after backward(): {after}" if after else shown(loss)


def show_array(value: Any, _: Case) -> str:
    return text.result(np.asarray(value, dtype=float))


# -- cases ----------------------------------------------------------------------------------------
def loss_case(
    name: str,
    *args: Any,
    names: tuple[str, ...] = ("logits",),
    visible: bool = False,
    about: str = "",
    advice: str = "",
    upstream: float = 1.0,
    function: bool = False,
    call: str = "",
    **kwargs: Any,
) -> Case:
    """A loss called on tensors; the first ``len(names)`` arguments require gradients and come
    back as ``.grad`` after ``backward()`` (with ``upstream`` as the output's gradient)."""
    params = {
        "grad": list(range(len(names))),
        "names": list(names),
        "upstream": upstream,
        "function": function,
    }
    return Case(
        name,
        tuple(args),
        kwargs,
        visible=visible,
        about=about,
        advice=advice,
        driver="torch-loss",
        ref_driver="twin",
        params=params,
        call=call,
    )


def model_case(
    name: str,
    driver: str,
    params: Mapping[str, Any],
    *,
    visible: bool = False,
    about: str = "",
    advice: str = "",
    call: str = "",
    args: tuple[Any, ...] = (),
    check: Callable[[Any, Case], Any] | None = None,
) -> Case:
    """A case whose inputs (model weights, data, settings) travel in ``params``."""
    return Case(
        name,
        args,
        visible=visible,
        about=about,
        advice=advice,
        driver=driver,
        ref_driver="twin",
        params=dict(params),
        call=call,
        check=check,
    )


def as_float32(case: Case) -> Case:
    """The same loss case with float32 tensors (looser tolerance)."""
    args = tuple(
        a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a
        for a in case.args
    )
    return replace(
        case,
        name="edge: float32 input",
        args=args,
        about="float32 input",
        rtol=FLOAT32_RTOL,
        atol=FLOAT32_ATOL,
    )


# -- twins ----------------------------------------------------------------------------------------
def loss_twin(fn: LossFn) -> Twin:
    """The twin of a loss with its gradient: ``(loss, upstream · gradient)``."""

    def twin(args: list[Any], kwargs: dict[str, Any], params: dict[str, Any]) -> Any:
        loss, grad = fn(*args, **kwargs)
        return loss, float(params.get("upstream", 1.0)) * np.asarray(grad, dtype=float)

    return twin


def value_twin(value: Callable[..., float]) -> Twin:
    """The twin of a (wrong) loss known only by its value; the gradient with respect to the
    first argument by central differences (smooth losses only)."""

    def loss(*args: Any, **kwargs: Any) -> tuple[float, np.ndarray]:
        x = np.asarray(args[0], dtype=float)
        rest = args[1:]
        step = FD_STEP * max(1.0, float(np.max(np.abs(x), initial=0.0)))
        grad = numerical_gradient(lambda z: float(value(z, *rest, **kwargs)), x, step)
        return float(value(x, *rest, **kwargs)), grad

    return loss_twin(loss)


def mistake(code: str, message: str, twin: Twin) -> Mistake:
    return Mistake(code, message, twin)


def sum_twin(fn: LossFn, rows: bool = False) -> Twin:
    """The reduction was a sum: value and gradient n times the mean's (n elements, or n rows)."""

    def summed(*args: Any, **kwargs: Any) -> tuple[float, np.ndarray]:
        loss, grad = fn(*args, **kwargs)
        x = np.asarray(args[0])
        n = x.shape[0] if rows else x.size
        return loss * n, grad * n

    return loss_twin(summed)


SUM_MESSAGE = "the loss is a sum over samples — take the mean (.mean()), as the reduction asks"
