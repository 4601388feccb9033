"""PyTorch training utilities: gradient norms collected with hooks, clip-and-step, a SAM step,
and a ``Dropout`` module judged statistically in train() and eval() mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.judge.compare import numeric_array
from engine.judge.core import Case, Exercise, Mistake, register
from engine.judge.exercises.training import dropout_check
from engine.judge.gen import normal
from engine.judge.text import number
from engine.judge.torchcases import model_case, show_array, torch_setup
from engine.reference.tiny_models import clip_and_step, global_norm, linear_mse, mlp_mse, sam_step
from engine.sandbox.runtime.protocol import Seq

A = np.ndarray
Twin = Callable[[list[Any], dict[str, Any], dict[str, Any]], Any]
MLP_NAMES = ("0.weight", "0.bias", "2.weight", "2.bias")
CLIP_FORBID = {
    f"{module}:{name}": f"torch.nn.utils.{name}"
    for module in ("torch.nn.utils", "torch.nn.utils.clip_grad")
    for name in ("clip_grad_norm_", "clip_grad_norm", "get_total_norm", "clip_grads_with_norm_")
}


def _mlp(rng: np.random.Generator, n: int, p: int, h: int, k: int) -> dict[str, Any]:
    return {
        "W1": normal(rng, h, p, scale=0.8),
        "b1": normal(rng, h, scale=0.3),
        "W2": normal(rng, k, h, scale=0.8),
        "b2": normal(rng, k, scale=0.3),
        "X": normal(rng, n, p),
        "Y": normal(rng, n, k),
    }


def _mlp_params(p: dict[str, Any]) -> list[A]:
    return [np.asarray(p[k], dtype=float) for k in ("W1", "b1", "W2", "b2")]


def _mlp_text(p: dict[str, Any]) -> str:
    W1, W2 = np.asarray(p["W1"]), np.asarray(p["W2"])
    return (
        f"model = nn.Sequential(nn.Linear({W1.shape[1]}, {W1.shape[0]}), nn.Tanh(),"
        f" nn.Linear({W2.shape[1]}, {W2.shape[0]})) with weights"
        f" {', '.join(f'{k} = {np.asarray(p[k]).tolist()}' for k in ('W1', 'b1', 'W2', 'b2'))};"
        f" X = {np.asarray(p['X']).tolist()}, Y = {np.asarray(p['Y']).tolist()}"
    )


EXAMPLE_MLP = {
    "W1": np.array([[0.5, -1.0], [1.5, 0.5]]),
    "b1": np.array([0.0, 0.1]),
    "W2": np.array([[1.0, -0.5]]),
    "b2": np.array([0.2]),
    "X": np.array([[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]]),
    "Y": np.array([[1.0], [0.0], [-1.0]]),
}


# -- gradient norms with hooks -----------------------------------------------------------------
def _norms_twin(kind: str) -> Twin:
    def twin(args: list[Any], kwargs: dict[str, Any], p: dict[str, Any]) -> A:
        _, grads = mlp_mse(p["X"], p["Y"], *_mlp_params(p))
        norms = np.array([np.linalg.norm(g) for g in grads])
        return {"ref": norms, "read-grad": 0.0 * norms, "squared": norms**2}[kind]

    return twin


def _show_norms(value: Any, _: Case) -> str:
    pairs = ", ".join(f"'{n}': {number(float(v))}" for n, v in zip(MLP_NAMES, value, strict=True))
    return "{" + pairs + "}"


def _hooks_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, params: dict[str, Any], **kw: Any) -> Case:
        return model_case(name, "torch-hooks", params, **kw)

    flat = dict(_mlp(rng, 5, 3, 4, 2))
    flat["W2"] = np.zeros_like(flat["W2"])
    small = dict(EXAMPLE_MLP, X=EXAMPLE_MLP["X"][:1], Y=EXAMPLE_MLP["Y"][:1])
    return [
        case("example", EXAMPLE_MLP, visible=True,
             call=f"grad_norms_with_hooks(model, nn.MSELoss(), (X, Y)) with {_mlp_text(EXAMPLE_MLP)}"),
        case("example", small, visible=True,
             call=f"grad_norms_with_hooks(model, nn.MSELoss(), (X, Y)) with {_mlp_text(small)}"),
        case("hidden", _mlp(rng, 6, 3, 4, 2)),
        case("hidden", _mlp(rng, 10, 5, 8, 3), about="a wider model"),
        case("edge: zero output weights", flat, about="output weights of zero (no gradient reaches the first layer)"),
    ]  # fmt: skip


register(
    Exercise(
        name="torch_grad_norms_with_hooks",
        signature="grad_norms_with_hooks(model, loss_fn, batch)",
        reference=_norms_twin("ref"),
        cases=_hooks_cases,
        runtime="torch",
        setup=torch_setup(),
        show=_show_norms,
        mistakes=(
            Mistake(
                "read-grad",
                "every norm is 0: the norms were read from .grad after backward, which the"
                " judge clears as soon as backward has filled it — record them inside the hooks,"
                " from the gradient each hook receives",
                _norms_twin("read-grad"),
            ),
            Mistake(
                "squared",
                "these are squared norms: take the square root, g.norm() = √(Σ g²)",
                _norms_twin("squared"),
            ),
        ),
    )
)


# -- clip and step -------------------------------------------------------------------------------
def _clip_twin(kind: str) -> Twin:
    def twin(args: list[Any], kwargs: dict[str, Any], p: dict[str, Any]) -> Any:
        params = [np.asarray(p["W"], dtype=float), np.asarray(p["b"], dtype=float)]
        _, grads = linear_mse(p["X"], p["Y"], *params)
        lr, max_norm = float(p["lr"]), float(p["max_norm"])
        total, new = clip_and_step(params, grads, max_norm, lr)
        if kind == "per-tensor":
            new = [
                clip_and_step([w], [g], max_norm, lr)[1][0]
                for w, g in zip(params, grads, strict=True)
            ]
        elif kind == "step-before-clip":
            new = [w - lr * g for w, g in zip(params, grads, strict=True)]
        elif kind == "no-min":
            new = [
                w - lr * g * max_norm / (total + 1e-6) for w, g in zip(params, grads, strict=True)
            ]
        elif kind == "clipped-norm":
            total = min(total, total * max_norm / (total + 1e-6))
        return total, np.concatenate([w.reshape(-1) for w in new])

    return twin


def _linear_problem(
    rng: np.random.Generator, n: int, p: int, k: int, scale: float
) -> dict[str, Any]:
    X = normal(rng, n, p)
    return {
        "W": normal(rng, k, p), "b": normal(rng, k),
        "X": X, "Y": scale * normal(rng, n, k),
    }  # fmt: skip


def _clip_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, params: dict[str, Any], lr: float, max_norm: float, **kw: Any) -> Case:
        return model_case(name, "torch-clip", dict(params, lr=lr, max_norm=max_norm), **kw)

    ex = {
        "W": np.array([[1.0, -2.0]]), "b": np.array([0.5]),
        "X": np.array([[1.0, 1.0], [2.0, 0.0]]), "Y": np.array([[3.0], [-1.0]]),
    }  # fmt: skip

    def call(max_norm: float) -> str:
        return (
            f"clip_and_step(model, torch.optim.SGD(model.parameters(), lr=0.1), {max_norm}) after"
            f" MSE.backward() with model = nn.Linear(2, 1), weight {ex['W'].tolist()}, bias"
            f" {ex['b'].tolist()}, X = {ex['X'].tolist()}, Y = {ex['Y'].tolist()}"
        )

    exact = _linear_problem(rng, 5, 3, 2, 1.0)
    exact["Y"] = exact["X"] @ exact["W"].T + exact["b"]
    return [
        case("example", ex, 0.1, 1.0, visible=True, call=call(1.0)),
        case("example", ex, 0.1, 100.0, visible=True, call=call(100.0)),
        case("hidden", _linear_problem(rng, 8, 4, 3, 10.0), 0.05, 0.5, about="a norm far above max_norm"),
        case("hidden", _linear_problem(rng, 6, 3, 2, 0.1), 0.1, 50.0, about="a norm below max_norm"),
        case("edge: zero gradients", exact, 0.1, 1.0, about="zero gradients"),
    ]  # fmt: skip


def _show_clip(value: Any, _: Case) -> str:
    total, params = value
    return f"returns {number(float(total))}; parameters afterwards {show_array(params, _)}"


register(
    Exercise(
        name="torch_clip_and_step",
        signature="clip_and_step(model, optimizer, max_norm)",
        reference=_clip_twin("ref"),
        cases=_clip_cases,
        returns=("total norm", "parameters after the step"),
        runtime="torch",
        setup=torch_setup(CLIP_FORBID, {"aten::_foreach_norm": "clip_grad_norm_'s norm"}),
        show=_show_clip,
        mistakes=(
            Mistake(
                "per-tensor",
                "each parameter was clipped by its own norm — clip_grad_norm_ uses one global"
                " norm √(Σ‖g_i‖²) and one factor for every gradient",
                _clip_twin("per-tensor"),
            ),
            Mistake(
                "step-before-clip",
                "the step used the unclipped gradients: clip first, then call optimizer.step()",
                _clip_twin("step-before-clip"),
            ),
            Mistake(
                "no-min",
                "only scale down: the factor is min(1, max_norm / (norm + 1e-6))",
                _clip_twin("no-min"),
            ),
            Mistake(
                "clipped-norm",
                "return the total norm measured before clipping, as clip_grad_norm_ does",
                _clip_twin("clipped-norm"),
            ),
        ),
    )
)


# -- SAM ----------------------------------------------------------------------------------------
def _sam_twin(kind: str) -> Twin:
    def twin(args: list[Any], kwargs: dict[str, Any], p: dict[str, Any]) -> Any:
        params, lr, rho = _mlp_params(p), float(p["lr"]), float(p["rho"])

        def loss_and_grads(w: Any) -> tuple[float, list[A]]:
            return mlp_mse(p["X"], p["Y"], *w)

        loss, new = sam_step(params, loss_and_grads, rho, lr)
        if kind != "ref":
            _, grads = loss_and_grads(params)
            scale = rho / (global_norm(grads) + 1e-12)
            perturbed = [w + scale * g for w, g in zip(params, grads, strict=True)]
            _, sharp = loss_and_grads(perturbed)
            if kind == "no-restore":
                new = [w - lr * g for w, g in zip(perturbed, sharp, strict=True)]
            elif kind == "first-grad":
                new = [w - lr * g for w, g in zip(params, grads, strict=True)]
        return loss, np.concatenate([w.reshape(-1) for w in new])

    return twin


def _sam_cases(rng: np.random.Generator) -> list[Case]:
    def case(name: str, params: dict[str, Any], lr: float, rho: float, **kw: Any) -> Case:
        return model_case(name, "torch-sam", dict(params, lr=lr, rho=rho), **kw)

    def call(rho: float) -> str:
        return (
            "sam_step(model, nn.MSELoss(), (X, Y), torch.optim.SGD(model.parameters(), lr=0.1),"
            f" rho={rho}) with {_mlp_text(EXAMPLE_MLP)}"
        )

    return [
        case("example", EXAMPLE_MLP, 0.1, 0.05, visible=True, call=call(0.05)),
        case("example", EXAMPLE_MLP, 0.1, 0.5, visible=True, call=call(0.5)),
        case("hidden", _mlp(rng, 6, 3, 4, 2), 0.05, 0.1),
        case("hidden", _mlp(rng, 8, 4, 6, 1), 0.2, 1.0, about="a large rho"),
    ]


def _show_sam(value: Any, _: Case) -> str:
    loss, params = value
    return f"returns {number(float(loss))}; parameters afterwards {show_array(params, _)}"


register(
    Exercise(
        name="torch_sam_step",
        signature="sam_step(model, loss_fn, batch, base_optimizer, rho)",
        reference=_sam_twin("ref"),
        cases=_sam_cases,
        returns=("loss", "parameters after the step"),
        runtime="torch",
        setup=torch_setup(),
        show=_show_sam,
        mistakes=(
            Mistake(
                "no-restore",
                "the weights were not restored: undo the perturbation (w ← w − ε) before"
                " base_optimizer.step(), which must move the original weights",
                _sam_twin("no-restore"),
            ),
            Mistake(
                "first-grad",
                "the step used the gradient at w, a plain SGD step — SAM steps with the gradient"
                " taken at the perturbed weights w + ε",
                _sam_twin("first-grad"),
            ),
        ),
    )
)


# -- Dropout ------------------------------------------------------------------------------------
def _dropout_statistics(got: Any, case: Case) -> tuple[str, str] | None:
    """Train output judged like NumPy's dropout; then gradient, a fresh mask, eval mode."""
    x, p = _module_input(case), float(case.args[0])
    if not isinstance(got, Seq) or len(got) != 4:
        return ("wrong-type", "expected the module's outputs")
    first, grad, second, evaluated = (numeric_array(g) if g is not None else None for g in got)
    if first is None or second is None or evaluated is None:
        return ("wrong-type", "forward must return a tensor shaped like its input")
    if p > 0 and np.count_nonzero(first) == first.size:
        return (
            "train-mode",
            "no unit was dropped in train mode — zero each element with probability p",
        )
    problem = dropout_check(first, Case("train", (x, p)))
    if problem:
        return ("train-mode", problem)
    if _eval_identity(evaluated, case):
        return _eval_identity(evaluated, case)
    if grad is None or grad.shape != x.shape or not np.allclose(grad * x, first, rtol=1e-9):
        return (
            "no-gradient-flow",
            "x.grad must be mask / (1 − p): build the output from x with tensor operations"
            " (x * mask / (1 − p)) so the gradient flows through the kept units",
        )
    if np.array_equal(first != 0, second != 0):
        return (
            "same-mask",
            "two calls dropped the same units — draw a new mask in every forward()",
        )
    return None


def _module_input(case: Case) -> A:
    """The input ``x`` a module case feeds to the learner's module."""
    return np.asarray((case.params or {})["x"])


def _eval_identity(got: Any, case: Case) -> tuple[str, str] | None:
    x = _module_input(case)
    values = numeric_array(got) if got is not None else None
    if values is not None and values.shape == x.shape and np.array_equal(values, x):
        return None
    return (
        "eval-mode",
        "in eval mode (after model.eval()) Dropout must return its input unchanged —"
        " branch on self.training, which train() and eval() set",
    )


def _dropout_cases(rng: np.random.Generator) -> list[Case]:
    def units(*shape: int) -> A:
        out: A = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        return out

    def case(name: str, p: float, x: A, mode: str = "", **kw: Any) -> Case:
        params = {"x": x, "mode": mode, "forbid": ["torch.nn.modules.dropout._DropoutNd"]}
        return model_case(name, "torch-module", params, args=(p,), **kw)

    def stat(about: str, p: float, x: A) -> Case:
        return case(f"statistics: {about}", p, x, about=about, check=_dropout_statistics)

    x1, x2 = np.array([1.0, 2.0, 3.0]), np.array([[2.0, -4.0]])
    return [
        case("example", 0.5, x1, "eval", visible=True, check=_eval_identity,
             call=f"Dropout(0.5).eval()(torch.tensor({x1.tolist()}, dtype=torch.float64))"),
        case("example", 0.0, x2, "train", visible=True,
             call=f"Dropout(0.0).train()(torch.tensor({x2.tolist()}, dtype=torch.float64))"),
        case("hidden", 0.3, units(5, 4), "eval", about="evaluation mode", check=_eval_identity),
        stat("p = 0.3", 0.3, units(100, 200)),
        stat("p = 0.5", 0.5, units(20000)),
        stat("p = 0.8", 0.8, units(50, 400)),
    ]  # fmt: skip


register(
    Exercise(
        name="torch_dropout",
        signature="class Dropout(nn.Module)",
        reference=lambda args, kwargs, params: np.asarray(params["x"], dtype=float),
        cases=_dropout_cases,
        runtime="torch",
        setup=torch_setup(
            {
                "torch.nn.functional:dropout": "F.dropout",
                "torch:dropout": "torch.dropout",
                "torch:dropout_": "torch.dropout_",
            },
            {
                f"aten::{op}": "torch's dropout"
                for op in (
                    "dropout",
                    "dropout_",
                    "native_dropout",
                    "feature_dropout",
                    "feature_dropout_",
                    "alpha_dropout",
                    "alpha_dropout_",
                    "feature_alpha_dropout",
                    "feature_alpha_dropout_",
                )
            },
        ),
        show=lambda value, _: f"tensor({np.asarray(value).tolist()})",
        shape_hint="Dropout keeps the input's shape",
    )
)
