"""How a case calls a function: once, along an optimizer trajectory, or over a schedule.

The same code drives the submission (inside the child) and the reference (in the service), so
both see exactly the same calls. ``build`` turns a :class:`~.protocol.Spec` into the callable or
generator it describes; specs are how functions and random generators travel as plain data.

PyTorch exercises drive the submission with drivers of their own (:mod:`.torch_drivers`, loaded
only by the PyTorch zygote); their NumPy references are driven by ``twin`` in the service.
A rule of the exercise that a submission breaks raises :class:`Requirement`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .protocol import Spec
from .surfaces import GRADIENTS


class Requirement(Exception):
    """The submission broke a rule of the exercise (returned no tensor, called a forbidden
    function…); ``code`` names the rule in the verdict."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def build(value: Any) -> Any:
    """Replace every :class:`Spec` inside ``value`` by the object it describes."""
    if isinstance(value, Spec):
        return SPECS[value["t"]](value)
    if isinstance(value, list):
        return [build(v) for v in value]
    if isinstance(value, tuple):
        return tuple(build(v) for v in value)
    return value


def _surface_grad(
    surface: Callable[[np.ndarray], np.ndarray],
) -> Callable[[np.ndarray], np.ndarray]:
    def grad_fn(w: np.ndarray) -> np.ndarray:
        return surface(np.asarray(w, dtype=float))

    return grad_fn


def _quadratic_grad(spec: Spec) -> Callable[[np.ndarray], np.ndarray]:
    A, b = np.asarray(spec["A"], dtype=float), np.asarray(spec["b"], dtype=float)

    def grad_fn(w: np.ndarray) -> np.ndarray:
        out: np.ndarray = A @ np.asarray(w, dtype=float) - b
        return out

    return grad_fn


def _smooth_fn(spec: Spec) -> Callable[[np.ndarray], float]:
    """f(x) = Σ a·sin(x) + ½ Σ c·x² + Σ d·x³/6 — smooth, with curvature everywhere."""
    a, c, d = (np.asarray(spec[k], dtype=float) for k in ("a", "c", "d"))

    def f(x: np.ndarray) -> float:
        x = np.asarray(x, dtype=float)
        return float(np.sum(a * np.sin(x)) + 0.5 * np.sum(c * x**2) + np.sum(d * x**3) / 6)

    return f


def _rng(spec: Spec) -> np.random.Generator:
    return np.random.default_rng(int(spec["seed"]))


SPECS: dict[str, Callable[[Spec], Any]] = {
    "quadratic_grad": _quadratic_grad,
    "smooth_fn": _smooth_fn,
    "rng": _rng,
}


def drive(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Run ``fn`` as the case says and return what is to be compared."""
    return DRIVERS[case.get("driver", "call")](fn, case)


def _call(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    return fn(*build(case["args"]), **{k: build(v) for k, v in case.get("kwargs", {}).items()})


def _optimizer(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Iterate a step function on f(w) = ½wᵀAw − bᵀw (or on the named demo ``objective``)
    and return the stacked iterates.

    The call is ``fn(w, grad, *state, [t,] *hyper)``; with state the function must return
    ``(w, *state)``; with ``grad_fn`` the gradient function is passed instead of its value.
    """
    p = case["params"]
    w, state = np.array(p["w0"], dtype=float), [np.array(s, dtype=float) for s in p["state"]]
    if p.get("objective") in GRADIENTS:
        grad_fn = _surface_grad(GRADIENTS[p["objective"]])
    else:
        A, b = np.asarray(p["A"], dtype=float), np.asarray(p["b"], dtype=float)
        grad_fn = _quadratic_grad(Spec(A=A, b=b))
    iterates = []
    for k in range(int(p["steps"])):
        grad = grad_fn if p.get("grad_fn") else grad_fn(w)
        extra = [k + 1] if p.get("with_t") else []
        out = fn(w, grad, *state, *extra, *p.get("hyper", []))
        if state:
            if not isinstance(out, tuple | list) or len(out) != 1 + len(state):
                raise TypeError(
                    f"step {k + 1}: expected a tuple of {1 + len(state)} arrays"
                    f" (w, {', '.join(p.get('state_names', ['state'] * len(state)))}),"
                    f" got {type(out).__name__}"
                )
            w, state = out[0], list(out[1:])
        else:
            w = out
        iterates.append(np.array(w, dtype=float))
    return np.stack(iterates)


def _sweep(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Call ``fn(step, *args)`` for every step and return the values as one array."""
    args = build(case["args"])
    return np.array([float(fn(step, *args)) for step in case["params"]["steps"]])


def _repeat(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Call ``fn(*args, rng)`` once per entry of ``calls`` and return every output: an entry
    is a seed (a fresh generator), ``[seed]`` (one generator shared by every such entry, so its
    state carries over) or None. Shows whether randomness comes from the generator given."""
    args = build(case["args"])
    shared: dict[int, np.random.Generator] = {}
    outs = []
    for call in case["params"]["calls"]:
        if call is None:
            rng = None
        elif isinstance(call, list | tuple):
            rng = shared.setdefault(int(call[0]), np.random.default_rng(int(call[0])))
        else:
            rng = np.random.default_rng(int(call))
        outs.append(fn(*args, rng))
    return tuple(outs)


def _twin(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """A reference of a PyTorch exercise: ``fn(args, kwargs, params)`` gives what the child's
    driver returns for the submission."""
    kwargs = {k: build(v) for k, v in case.get("kwargs", {}).items()}
    return fn(build(case["args"]), kwargs, dict(case.get("params") or {}))


DRIVERS: dict[str, Callable[[Callable[..., Any], dict[str, Any]], Any]] = {
    "call": _call,
    "optimizer": _optimizer,
    "sweep": _sweep,
    "repeat": _repeat,
    "twin": _twin,
}
# Run once in the child before the submission loads (e.g. seed torch, set traps); by name.
SETUPS: dict[str, Callable[[dict[str, Any]], None]] = {}


def setup(spec: dict[str, Any]) -> None:
    """Prepare the child for a run as ``spec`` (``{"t": name, …}``) says."""
    SETUPS[spec["t"]](spec)
