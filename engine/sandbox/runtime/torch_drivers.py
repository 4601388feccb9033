"""Drivers of the PyTorch exercises; imported only by the PyTorch zygote (this imports torch).

Inputs arrive as NumPy arrays; tensors are built here (inputs share their memory, so the harness
still sees in-place changes) and whatever the submission returns leaves the child as float64
NumPy arrays — plain data, never a pickled tensor. Losses are backpropagated here and the
``.grad`` of their inputs comes back with the value. Broken rules (no tensor returned, a cut
graph, a forbidden shortcut, a missing base class, hooks that never ran) raise
:class:`~.drivers.Requirement`.

Forbidden shortcuts are trapped twice before the submission loads: the public functions that
name them are replaced, and — whatever path reaches them (``torch._C``, ``torch.ops``, a
thread, a custom backward) — the ATen operators themselves get a kernel in the dispatcher that
reports the operator to the harness on the worker's reply channel and then refuses to run.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import torch
import torch.autograd
import torch.library
import torch.nn.functional
import torch.nn.utils
import torch.optim
import torch.optim.lr_scheduler
from torch import nn

from .drivers import DRIVERS, SETUPS, Requirement
from .protocol import pack

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


class Tolerances(TypedDict):
    eps: float
    atol: float
    rtol: float


GRADCHECK: Tolerances = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
REPLY_FD = 3  # the worker's channel to the harness (see worker.py)
BACKEND_KEYS = (
    "CompositeImplicitAutograd",
    "CompositeExplicitAutograd",
    "CompositeExplicitAutogradNonFunctional",
    "CPU",
)
_LIBRARIES: list[Any] = []  # a Library unregisters its kernels when it is collected
HOOK_METHODS = (
    (torch.Tensor, "register_hook"),
    (nn.Module, "register_full_backward_hook"),
    (nn.Module, "register_backward_hook"),
    (nn.Module, "register_full_backward_pre_hook"),
)


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def tensor(value: Any, grad: bool = False) -> Any:
    """A tensor sharing the array's memory (other values pass through)."""
    if not isinstance(value, np.ndarray):
        return value
    t = torch.from_numpy(value)
    return t.requires_grad_(True) if grad else t


def plain(value: Any) -> Any:
    """Tensors (and numbers) as float64 arrays; None stays None."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().to(device="cpu", dtype=torch.float64).numpy().copy()
    return np.asarray(value, dtype=np.float64)


def flat(model: nn.Module) -> np.ndarray:
    """Every parameter of ``model``, flattened and concatenated in ``parameters()`` order."""
    return np.concatenate([plain(p).reshape(-1) for p in model.parameters()])


# -- set-up: seed, and traps on the library functions an exercise asks to write by hand ----------
def _trap(label: str) -> Callable[..., Any]:
    def trapped(*args: Any, **kwargs: Any) -> Any:
        raise Requirement(
            "forbidden-call",
            f"uses {label}, which this exercise asks you to implement yourself",
        )

    return trapped


def _op_trap(
    op: str,
    label: str,
    record: bytes,
    channel: tuple[int, int],
    fstat: Any = os.fstat,
    write: Any = os.write,
    kill: Any = os.kill,
    getpid: Any = os.getpid,
) -> Callable[..., Any]:
    """A kernel for a forbidden operator: tell the harness (on the genuine reply channel —
    checked by device and inode, since a submission could put another file on that number),
    then refuse. If the channel is not the harness's, the worker dies instead: the case then
    fails as unfinished. The system calls are bound here, before the submission exists."""

    def trap(*args: Any, **kwargs: Any) -> Any:
        try:
            info = fstat(REPLY_FD)
            told = (info.st_dev, info.st_ino) == channel and write(REPLY_FD, record) == len(record)
        except OSError:
            told = False
        while not told:
            kill(getpid(), signal.SIGKILL)
        raise Requirement(
            "forbidden-call",
            f"uses {label} ({op}), which this exercise asks you to implement yourself",
        )

    return trap


def trap_operators(forbidden: dict[str, str]) -> None:
    """Give every overload of each forbidden ATen operator (``{"aten::huber_loss":
    "F.huber_loss"}``) a trapping kernel on every backend key it has a kernel for."""
    if not forbidden:
        return
    info = os.fstat(REPLY_FD)
    channel = (info.st_dev, info.st_ino)
    library = torch.library.Library("aten", "IMPL")
    _LIBRARIES.append(library)
    for op, label in forbidden.items():
        name = op.split("::", 1)[1]
        packet = getattr(torch.ops.aten, name, None)
        if packet is None:
            continue
        trap = _op_trap(op, label, pack({"ev": "op", "op": op}), channel)
        for overload in packet.overloads():
            qualified = name if overload == "default" else f"{name}.{overload}"
            for key in BACKEND_KEYS:
                if torch._C._dispatch_has_kernel_for_dispatch_key(f"aten::{qualified}", key):
                    with warnings.catch_warnings():  # "overriding a previously registered kernel"
                        warnings.simplefilter("ignore")
                        library.impl(qualified, trap, key)


def _setup(spec: dict[str, Any]) -> None:
    torch.manual_seed(int(spec.get("seed", 0)))
    for target, label in dict(spec.get("forbid", {})).items():
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attr):
            setattr(module, attr, _trap(label))
    trap_operators(dict(spec.get("forbid_ops", {})))


# -- losses and autograd functions ----------------------------------------------------------------
def _value_and_grads(out: Any, inputs: list[Any], names: list[str], upstream: float) -> Any:
    """The loss value and, after ``backward``, the gradient of each input."""
    if not isinstance(out, torch.Tensor):
        raise Requirement(
            "not-a-tensor",
            f"returned {_a(type(out).__name__[:40])}, not a tensor — return a torch tensor so"
            " that backward() can run through it",
        )
    value = plain(out)
    if out.numel() != 1:
        return (value, *[None] * len(inputs))  # the value's shape is reported first
    if not out.requires_grad:
        raise Requirement(
            "no-gradient",
            "the returned tensor has no gradient history (requires_grad is False): compute it"
            " from the input tensors with torch operations — .item(), .detach(), .numpy() or"
            " torch.tensor(...) cut the graph",
        )
    out.backward(torch.full_like(out, upstream))
    grads = []
    for t, name in zip(inputs, names, strict=True):
        if t.grad is None:
            raise Requirement(
                "no-gradient", f"the result does not depend on {name} (its .grad is None)"
            )
        grads.append(plain(t.grad))
    return (value, *grads)


def _autograd_function(fn: Any) -> Callable[..., Any]:
    if not (isinstance(fn, type) and issubclass(fn, torch.autograd.Function)):
        raise Requirement(
            "wrong-base-class",
            "define a class that subclasses torch.autograd.Function, used through .apply",
        )
    cls: Any = fn  # typed loosely: without torch installed, mypy narrows fn to a bare type
    if cls.backward is torch.autograd.Function.backward:
        raise Requirement(
            "no-backward", "define a static backward(ctx, grad_output) method by hand"
        )
    apply: Callable[..., Any] = cls.apply
    return apply


def _loss(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """``fn(*args)`` with the inputs listed in ``grad`` requiring gradients; returns
    (value, their gradients) after ``backward`` with the ``upstream`` gradient."""
    p = case["params"]
    grad = list(p.get("grad", []))
    args = [tensor(a, grad=i in grad) for i, a in enumerate(case["args"])]
    call = _autograd_function(fn) if p.get("function") else fn
    out = call(*args, **case.get("kwargs", {}))
    names = list(p.get("names", [f"argument {i}" for i in grad]))
    return _value_and_grads(out, [args[i] for i in grad], names, float(p.get("upstream", 1.0)))


def _gradcheck(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """1.0 when ``torch.autograd.gradcheck`` (double precision) accepts the Function, else 0.0."""
    grad = list(case["params"].get("grad", []))
    args = tuple(tensor(a, grad=i in grad) for i, a in enumerate(case["args"]))
    ok = torch.autograd.gradcheck(_autograd_function(fn), args, raise_exception=False, **GRADCHECK)
    return np.float64(1.0 if ok else 0.0)


# -- small models ---------------------------------------------------------------------------------
def _linear_layer(weight: np.ndarray, bias: np.ndarray) -> nn.Linear:
    layer = nn.Linear(weight.shape[1], weight.shape[0], dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weight))
        layer.bias.copy_(torch.from_numpy(bias))
    return layer


def model_of(p: dict[str, Any]) -> nn.Module:
    """``nn.Linear`` from ``W``/``b``, or Linear → Tanh → Linear from ``W1, b1, W2, b2``."""
    if "W" in p:
        return _linear_layer(p["W"], p["b"])
    return nn.Sequential(
        _linear_layer(p["W1"], p["b1"]), nn.Tanh(), _linear_layer(p["W2"], p["b2"])
    )


def _batch(p: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.from_numpy(p["X"]), torch.from_numpy(p["Y"])


def _number(out: Any, what: str) -> Any:
    """A returned number (float, int or one-element tensor) as a 0-d array; None stays None."""
    if out is None:
        return None
    try:
        value = plain(out)
    except (TypeError, ValueError, RuntimeError):
        raise Requirement(
            "wrong-type", f"return {what} as a number, not {_a(type(out).__name__[:40])}"
        ) from None
    if value.size != 1:
        raise Requirement(
            "wrong-type", f"return {what} as one number, not an array of shape {value.shape}"
        )
    return value.reshape(())


def _subclass_of(fn: Any, base: type, what: str, forbidden: tuple[str, ...] = ()) -> None:
    if not (isinstance(fn, type) and issubclass(fn, base)):
        raise Requirement("wrong-base-class", f"define a class that subclasses {what}")
    for parent in fn.__mro__:
        label = f"{parent.__module__}.{parent.__qualname__}"
        if any(label == f or label.endswith("." + f) for f in forbidden):
            raise Requirement(
                "forbidden-call",
                f"subclasses {parent.__qualname__} from torch — implement it yourself",
            )


def _optimizer(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Train ``nn.Linear`` on the MSE for ``steps`` steps with the submitted optimizer class;
    returns the parameters after every step (one row each)."""
    p = case["params"]
    _subclass_of(fn, torch.optim.Optimizer, "torch.optim.Optimizer", tuple(p.get("forbid", ())))
    model = model_of(p)
    groups = p.get("groups")
    params: Any = model.parameters()
    if groups:
        params = [dict(g, params=[t]) for g, t in zip(groups, model.parameters(), strict=True)]
    optimizer = fn(params, **p.get("hyper", {}))
    X, Y = _batch(p)
    rows = []
    for _ in range(int(p["steps"])):
        optimizer.zero_grad()
        ((model(X) - Y) ** 2).mean().backward()
        optimizer.step()
        rows.append(flat(model))
    return np.stack(rows)


def _scheduler(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """The learning rate of an SGD optimizer at every step under the returned scheduler."""
    p = case["params"]
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=float(p["base_lr"]))
    scheduler = fn(optimizer, *case["args"], **case.get("kwargs", {}))
    if not isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler):
        raise Requirement(
            "wrong-type",
            f"returned {_a(type(scheduler).__name__[:40])} — return a"
            " torch.optim.lr_scheduler.LambdaLR built on the optimizer",
        )
    rates = []
    for _ in range(int(p["steps"])):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        scheduler.step()
    return np.array(rates)


# -- hooks ----------------------------------------------------------------------------------------
@dataclass
class HookLog:
    """The gradient hooks a submission registered while it ran, and those that fired."""

    registered: list[str] = field(default_factory=list)
    fired: int = 0
    tensors_fired: set[int] = field(default_factory=set)  # ids of tensors whose hook ran
    module_hooks: bool = False


@contextlib.contextmanager
def _counting_hooks() -> Iterator[HookLog]:
    """Wrap every hook the submission registers, to see whether (and where) it fires."""
    log = HookLog()
    saved = [(owner, name, getattr(owner, name)) for owner, name in HOOK_METHODS]

    def counted(original: Callable[..., Any], name: str) -> Callable[..., Any]:
        def register(owner: Any, hook: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            log.registered.append(name)
            log.module_hooks |= isinstance(owner, nn.Module)

            def fired(*hook_args: Any, **hook_kwargs: Any) -> Any:
                log.fired += 1
                log.tensors_fired.add(id(owner))
                return hook(*hook_args, **hook_kwargs)

            return original(owner, fired, *args, **kwargs)

        return register

    try:
        for owner, name, original in saved:
            setattr(owner, name, counted(original, name))
        yield log
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _attached_hooks(model: nn.Module) -> int:
    tensors = sum(len(getattr(p, "_backward_hooks", None) or {}) for p in model.parameters())
    modules = sum(len(m._backward_hooks) + len(m._backward_pre_hooks) for m in model.modules())
    return tensors + modules


def _clear_grad(param: torch.Tensor) -> None:
    assert param.grad is not None
    param.grad.zero_()


def _hooks(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """Per-parameter gradient norms collected by the submission's hooks.

    Once backward has accumulated a gradient, the judge zeroes ``.grad``: norms read from
    ``.grad`` afterwards come out 0, while hooks see the gradients as backward computes them.
    """
    p = case["params"]
    model = model_of(p)
    for param in model.parameters():
        param.register_post_accumulate_grad_hook(_clear_grad)
    names = [name for name, _ in model.named_parameters()]
    with _counting_hooks() as seen:
        out = fn(model, nn.MSELoss(), _batch(p))
    if not seen.registered:
        raise Requirement(
            "no-hooks",
            "no gradient hook was registered — collect the norms in hooks (p.register_hook or"
            " module.register_full_backward_hook) while backward runs, not from .grad afterwards",
        )
    if not seen.fired:
        raise Requirement(
            "hooks-not-fired",
            "your hooks never ran during backward — register them before calling backward() and"
            " remove them only after it has finished; the norms must come from the gradients"
            " the hooks receive",
        )
    if not seen.module_hooks:
        missed = [n for n, t in model.named_parameters() if id(t) not in seen.tensors_fired]
        if missed:
            raise Requirement(
                "hooks-not-fired",
                f"no hook saw the gradient of {missed[0]!r} during backward — register a hook"
                " on every parameter and read its norm from the gradient the hook receives",
            )
    if _attached_hooks(model):
        raise Requirement(
            "hooks-left",
            "hooks are still attached when the function returns — keep the handles and call"
            " handle.remove() on each",
        )
    if not isinstance(out, dict):
        raise Requirement(
            "wrong-type",
            f"returned {_a(type(out).__name__[:40])} — return a dict {{parameter name: norm}}",
        )
    missing = [n for n in names if n not in out]
    if missing:
        raise Requirement(
            "wrong-keys",
            f"no norm for parameter {missing[0]!r}: key the dict by the names of"
            " model.named_parameters()",
        )
    return np.array([float(_number(out[n], "each norm")) for n in names])


# -- training steps -------------------------------------------------------------------------------
def _clip(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """``fn(model, optimizer, max_norm)`` after a backward pass; returns (its total norm, the
    parameters after the step)."""
    p = case["params"]
    model = model_of(p)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(p["lr"]))
    X, Y = _batch(p)
    ((model(X) - Y) ** 2).mean().backward()
    out = fn(model, optimizer, float(p["max_norm"]))
    return (_number(out, "the total norm"), flat(model))


def _sam(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """``fn(model, loss_fn, batch, base_optimizer, rho)``; returns (its loss, the parameters)."""
    p = case["params"]
    model = model_of(p)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(p["lr"]))
    out = fn(model, nn.MSELoss(), _batch(p), optimizer, float(p["rho"]))
    return (_number(out, "the loss"), flat(model))


def _module(fn: Callable[..., Any], case: dict[str, Any]) -> Any:
    """A module built as ``fn(*args)``, called in train() mode (twice, the first backpropagated)
    and in eval() mode; returns (train output, x.grad, second train output, eval output), or
    only the output of the one ``mode`` asked for."""
    p = case["params"]
    _subclass_of(fn, nn.Module, "torch.nn.Module", tuple(p.get("forbid", ())))
    module = fn(*case["args"], **case.get("kwargs", {}))
    x = torch.from_numpy(p["x"])
    if p.get("mode") in ("train", "eval"):
        module.train(p["mode"] == "train")
        return plain(_tensor_out(module(x)))
    x.requires_grad_(True)
    module.train()
    first = _tensor_out(module(x))
    if first.requires_grad:
        first.sum().backward()
    second = _tensor_out(module(x))
    module.train(False)  # what module.eval() does
    return (plain(first), plain(x.grad), plain(second), plain(_tensor_out(module(x))))


def _tensor_out(out: Any) -> torch.Tensor:
    if not isinstance(out, torch.Tensor):
        raise Requirement(
            "not-a-tensor", f"forward returned {_a(type(out).__name__[:40])}, not a tensor"
        )
    return out


DRIVERS.update(
    {
        "torch-loss": _loss,
        "torch-gradcheck": _gradcheck,
        "torch-optimizer": _optimizer,
        "torch-scheduler": _scheduler,
        "torch-hooks": _hooks,
        "torch-clip": _clip,
        "torch-sam": _sam,
        "torch-module": _module,
    }
)
SETUPS["torch"] = _setup


def _warm_up() -> None:
    """Run each kind of work once in the zygote, so children start with torch's lazy set-up
    (dispatch tables, autograd, optimizers) done — copied on fork instead of redone per run."""
    x = torch.linspace(-1, 1, 6, dtype=torch.float64).reshape(3, 2).requires_grad_(True)
    model = nn.Sequential(nn.Linear(2, 2, dtype=torch.float64), nn.Tanh())
    optimizer = torch.optim.Adam([*model.parameters(), x], lr=0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    loss = torch.nn.functional.mse_loss(model(x), torch.zeros(3, 2, dtype=torch.float64))
    loss = loss + torch.logsumexp(x, dim=1).mean() + torch.sigmoid(x).sum()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    torch.autograd.gradcheck(torch.sin, (x.detach().clone().requires_grad_(True),))


_warm_up()
