"""The NumPy twins of the PyTorch exercises agree with PyTorch itself: F.cross_entropy and
friends in value and gradient, torch.optim.Adam/AdamW trajectories, LambdaLR rates,
clip_grad_norm_ + SGD, autograd through the small models. Runs in this (test) process, which is
the only place besides the sandbox where torch is imported."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0)")
F = torch.nn.functional

from engine.judge import get_exercise  # noqa: E402
from engine.reference import backprop  # noqa: E402
from engine.sandbox.runtime.drivers import drive  # noqa: E402

RNG = np.random.default_rng(11)


def _autograd(fn: Any, x: np.ndarray, *rest: Any) -> tuple[float, np.ndarray]:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = fn(t, *rest)
    out.backward()
    return float(out.detach()), t.grad.numpy()


def _close(ours: tuple[float, np.ndarray], theirs: tuple[float, np.ndarray]) -> None:
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9, atol=1e-12)


def test_losses_match_torch_in_value_and_gradient() -> None:
    z = np.concatenate([RNG.normal(size=8) * 4, [1000.0, -1000.0]])
    y = (RNG.random(10) < 0.5).astype(float)
    ty = torch.tensor(y)
    _close(backprop.bce_with_logits(z, y), _autograd(F.binary_cross_entropy_with_logits, z, ty))
    p = np.concatenate([RNG.uniform(0.01, 0.99, 8), [0.0, 1.0]])

    def clamped(t: Any) -> Any:
        q = torch.clamp(t, 1e-7, 1 - 1e-7)
        return -(ty * torch.log(q) + (1 - ty) * torch.log(1 - q)).mean()

    _close(backprop.bce(p, y), _autograd(clamped, p))
    logits, labels = RNG.normal(size=(6, 5)) * 3, RNG.integers(0, 5, 6)
    for smoothing in (0.0, 0.15):
        theirs = _autograd(
            lambda t, s=smoothing: F.cross_entropy(t, torch.tensor(labels), label_smoothing=s),
            logits,
        )
        _close(backprop.cross_entropy(logits, labels, smoothing), theirs)
    pred, target = RNG.normal(size=9) * 2, RNG.normal(size=9)
    theirs = _autograd(lambda t: F.huber_loss(t, torch.tensor(target), delta=0.8), pred)
    _close(backprop.huber(pred, target, 0.8), theirs)


def test_focal_loss_matches_torchvisions_formula() -> None:
    z = np.concatenate([RNG.normal(size=8) * 3, [30.0, -30.0]])
    y = (RNG.random(10) < 0.5).astype(float)
    ty = torch.tensor(y)

    def sigmoid_focal_loss(t: Any, gamma: float, alpha: float) -> Any:  # torchvision.ops
        p = torch.sigmoid(t)
        ce = F.binary_cross_entropy_with_logits(t, ty, reduction="none")
        p_t = p * ty + (1 - p) * (1 - ty)
        loss = ce * (1 - p_t) ** gamma
        return ((alpha * ty + (1 - alpha) * (1 - ty)) * loss).mean()

    for gamma, alpha in ((2.0, 0.25), (0.0, 0.5), (3.0, 0.8)):
        theirs = _autograd(lambda t, g=gamma, a=alpha: sigmoid_focal_loss(t, g, a), z)
        _close(backprop.focal_with_logits(z, y, gamma, alpha), theirs)


def _torch_trajectory(cls: Any, p: dict[str, Any]) -> np.ndarray:
    model = torch.nn.Linear(p["W"].shape[1], p["W"].shape[0], dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(p["W"]))
        model.bias.copy_(torch.tensor(p["b"]))
    params: Any = model.parameters()
    if p.get("groups"):
        params = [dict(g, params=[t]) for g, t in zip(p["groups"], model.parameters(), strict=True)]
    optimizer = cls(params, **p["hyper"])
    X, Y, rows = torch.tensor(p["X"]), torch.tensor(p["Y"]), []
    for _ in range(p["steps"]):
        optimizer.zero_grad()
        ((model(X) - Y) ** 2).mean().backward()
        optimizer.step()
        rows.append(np.concatenate([t.detach().numpy().reshape(-1) for t in model.parameters()]))
    return np.stack(rows)


@pytest.mark.parametrize(("name", "cls"), [("torch_adam", "Adam"), ("torch_adamw", "AdamW")])
def test_optimizer_twins_match_torch_optim(name: str, cls: str) -> None:
    exercise = get_exercise(name)
    for case in exercise.build_cases(np.random.default_rng(5)):
        ours = drive(exercise.reference, case.wire(reference=True))
        theirs = _torch_trajectory(getattr(torch.optim, cls), dict(case.params or {}))
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, err_msg=case.name)


def test_schedule_twin_matches_lambda_lr_rates() -> None:
    exercise = get_exercise("torch_warmup_cosine")
    for case in exercise.build_cases(np.random.default_rng(2)):
        warmup, total = case.args
        ours = drive(exercise.reference, case.wire(reference=True))
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=case.params["base_lr"])  # type: ignore[index]
        from engine.reference.schedules import warmup_cosine

        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s, w=warmup, t=total: warmup_cosine(s, w, t, 1.0)
        )
        rates = []
        for _ in range(len(ours)):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
        np.testing.assert_allclose(ours, rates, rtol=1e-12)


def _mlp(p: dict[str, Any]) -> Any:
    model = torch.nn.Sequential(
        torch.nn.Linear(p["W1"].shape[1], p["W1"].shape[0], dtype=torch.float64),
        torch.nn.Tanh(),
        torch.nn.Linear(p["W2"].shape[1], p["W2"].shape[0], dtype=torch.float64),
    )
    with torch.no_grad():
        for t, key in zip(model.parameters(), ("W1", "b1", "W2", "b2"), strict=True):
            t.copy_(torch.tensor(p[key]))
    return model


def test_training_twins_match_torch() -> None:
    sam = get_exercise("torch_sam_step")
    for case in sam.build_cases(np.random.default_rng(4)):
        p = dict(case.params or {})
        model, loss_fn = _mlp(p), torch.nn.MSELoss()
        X, Y = torch.tensor(p["X"]), torch.tensor(p["Y"])
        loss = loss_fn(model(X), Y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        norm = torch.sqrt(sum((g**2).sum() for g in grads))
        with torch.no_grad():
            eps = [p["rho"] * g / (norm + 1e-12) for g in grads]
            for t, e in zip(model.parameters(), eps, strict=True):
                t.add_(e)
        sharp = torch.autograd.grad(loss_fn(model(X), Y), list(model.parameters()))
        with torch.no_grad():
            for t, e, g in zip(model.parameters(), eps, sharp, strict=True):
                t.sub_(e).sub_(p["lr"] * g)
        flat = np.concatenate([t.detach().numpy().reshape(-1) for t in model.parameters()])
        ours_loss, ours_flat = drive(sam.reference, case.wire(reference=True))
        np.testing.assert_allclose(
            [ours_loss, *ours_flat], [float(loss.detach()), *flat], rtol=1e-10
        )
    clip = get_exercise("torch_clip_and_step")
    for case in clip.build_cases(np.random.default_rng(4)):
        p = dict(case.params or {})
        model = torch.nn.Linear(p["W"].shape[1], p["W"].shape[0], dtype=torch.float64)
        with torch.no_grad():
            model.weight.copy_(torch.tensor(p["W"]))
            model.bias.copy_(torch.tensor(p["b"]))
        ((model(torch.tensor(p["X"])) - torch.tensor(p["Y"])) ** 2).mean().backward()
        total = torch.nn.utils.clip_grad_norm_(model.parameters(), p["max_norm"])
        torch.optim.SGD(model.parameters(), lr=p["lr"]).step()
        flat = np.concatenate([t.detach().numpy().reshape(-1) for t in model.parameters()])
        ours_total, ours_flat = drive(clip.reference, case.wire(reference=True))
        np.testing.assert_allclose(
            [ours_total, *ours_flat], [float(total), *flat], rtol=1e-10, atol=1e-14
        )


def test_hook_norms_twin_matches_autograd() -> None:
    hooks = get_exercise("torch_grad_norms_with_hooks")
    for case in hooks.build_cases(np.random.default_rng(6)):
        p = dict(case.params or {})
        model = _mlp(p)
        torch.nn.MSELoss()(model(torch.tensor(p["X"])), torch.tensor(p["Y"])).backward()
        norms = [float(t.grad.norm()) for t in model.parameters()]
        ours = drive(hooks.reference, case.wire(reference=True))
        np.testing.assert_allclose(ours, norms, rtol=1e-10, atol=1e-14)
