"""Submissions for every PyTorch exercise: one correct and two typical wrong ones, each with the
feedback code the judge must give (``mistake-…`` names a known mistake)."""

from __future__ import annotations

CORRECT: dict[str, str] = {
    "torch_bce_with_logits": """
import torch
import torch.nn.functional as F

def bce_with_logits(logits, targets):
    return (F.softplus(logits) - targets * logits).mean()
""",
    "torch_bce": """
import torch

def bce(probs, targets, eps=1e-7):
    p = torch.clamp(probs, eps, 1 - eps)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
""",
    "torch_cross_entropy": """
import torch

def cross_entropy(logits, labels, label_smoothing=0.0):
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    k = logits.shape[1]
    q = torch.nn.functional.one_hot(labels, k).to(logits.dtype)
    q = (1 - label_smoothing) * q + label_smoothing / k
    return -(q * log_p).sum(dim=1).mean()
""",
    "torch_huber_function": """
import torch

class HuberFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        r = pred - target
        ctx.save_for_backward(r)
        ctx.delta = delta
        quad = 0.5 * r ** 2
        lin = delta * (r.abs() - 0.5 * delta)
        return torch.where(r.abs() <= delta, quad, lin).mean()

    @staticmethod
    def backward(ctx, grad_output):
        (r,) = ctx.saved_tensors
        grad = torch.clamp(r, -ctx.delta, ctx.delta) / r.numel()
        return grad_output * grad, None, None
""",
    "torch_focal_loss": """
import torch
import torch.nn.functional as F

def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    ce = F.softplus(logits) - targets * logits
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (alpha_t * (1 - p_t) ** gamma * ce).mean()
""",
    "torch_adam": """
import torch

class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["t"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                state["t"] += 1
                t, m, v = state["t"], state["m"], state["v"]
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                m_hat = m / (1 - b1 ** t)
                v_hat = v / (1 - b2 ** t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
""",
    "torch_adamw": """
import torch

class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.setdefault(p, {})
                if not state:
                    state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["t"] += 1
                t, m, v = state["t"], state["m"], state["v"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                denom = (v / (1 - b2 ** t)).sqrt() + group["eps"]
                p.addcdiv_(m, denom, value=-group["lr"] / (1 - b1 ** t))
""",
    "torch_warmup_cosine": """
import math
from torch.optim.lr_scheduler import LambdaLR

def warmup_cosine(optimizer, warmup_steps, total_steps):
    def factor(step):
        if step < warmup_steps:
            return step / warmup_steps
        span = max(1, total_steps - warmup_steps)
        progress = min(step - warmup_steps, span) / span
        return 0.5 * (1 + math.cos(math.pi * progress))
    return LambdaLR(optimizer, factor)
""",
    "torch_grad_norms_with_hooks": """
import torch

def grad_norms_with_hooks(model, loss_fn, batch):
    norms, handles = {}, []
    for name, p in model.named_parameters():
        def hook(grad, name=name):
            norms[name] = grad.norm().item()
        handles.append(p.register_hook(hook))
    x, y = batch
    loss_fn(model(x), y).backward()
    for h in handles:
        h.remove()
    return norms
""",
    "torch_clip_and_step": """
import torch

def clip_and_step(model, optimizer, max_norm):
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    scale = min(1.0, max_norm / (total.item() + 1e-6))
    for g in grads:
        g.mul_(scale)
    optimizer.step()
    return total.item()
""",
    "torch_sam_step": """
import torch

def sam_step(model, loss_fn, batch, base_optimizer, rho):
    x, y = batch
    params = [p for p in model.parameters()]
    base_optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
    eps = []
    with torch.no_grad():
        for p in params:
            e = rho * p.grad / (norm + 1e-12)
            p.add_(e)
            eps.append(e)
    base_optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    with torch.no_grad():
        for p, e in zip(params, eps):
            p.sub_(e)
    base_optimizer.step()
    base_optimizer.zero_grad()
    return loss.item()
""",
    "torch_dropout": """
import torch
from torch import nn

class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        mask = (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * mask / (1 - self.p)
""",
}

WRONG: dict[str, list[tuple[str, str]]] = {
    "torch_bce_with_logits": [
        (
            """
import torch
def bce_with_logits(logits, targets):
    p = torch.sigmoid(logits)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
""",
            "nonfinite",
        ),
        (
            """
import torch
import torch.nn.functional as F
def bce_with_logits(logits, targets):
    return (F.softplus(logits) - targets * logits).sum()
""",
            "mistake-sum",
        ),
    ],
    "torch_bce": [
        (
            """
import torch
def bce(probs, targets, eps=1e-7):
    return -(targets * torch.log(probs + eps) + (1 - targets) * torch.log(1 - probs + eps)).mean()
""",
            "mistake-eps-in-log",
        ),
        (
            """
import torch
def bce(probs, targets, eps=1e-7):
    return torch.nn.functional.binary_cross_entropy(probs, targets)
""",
            "forbidden-call",
        ),
    ],
    "torch_cross_entropy": [
        (
            """
import torch
def cross_entropy(logits, labels, label_smoothing=0.0):
    p = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
    k = logits.shape[1]
    q = torch.nn.functional.one_hot(labels, k).to(logits.dtype)
    q = (1 - label_smoothing) * q + label_smoothing / k
    return -(q * torch.log(p)).sum(dim=1).mean()
""",
            "nonfinite",
        ),
        (
            """
import torch
def cross_entropy(logits, labels, label_smoothing=0.0):
    log_p = torch.log_softmax(logits, dim=1)
    k = logits.shape[1]
    onehot = torch.nn.functional.one_hot(labels, k).to(logits.dtype)
    q = (1 - label_smoothing) * onehot + label_smoothing / (k - 1) * (1 - onehot)
    return -(q * log_p).sum(dim=1).mean()
""",
            "mistake-smoothing-other-classes",
        ),
    ],
    "torch_huber_function": [
        (
            """
import torch
class HuberFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        r = pred - target
        ctx.save_for_backward(r)
        ctx.delta = delta
        return torch.where(r.abs() <= delta, 0.5 * r ** 2, delta * (r.abs() - 0.5 * delta)).mean()

    @staticmethod
    def backward(ctx, grad_output):
        (r,) = ctx.saved_tensors
        return torch.clamp(r, -ctx.delta, ctx.delta) / r.numel(), None, None
""",
            "mistake-no-grad-output",
        ),
        (
            """
import torch
class HuberFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, pred, target, delta=1.0):
        r = pred - target
        ctx.save_for_backward(r)
        return torch.where(r.abs() <= delta, 0.5 * r ** 2, delta * (r.abs() - 0.5 * delta)).mean()

    @staticmethod
    def backward(ctx, grad_output):
        (r,) = ctx.saved_tensors
        return grad_output * r / r.numel(), None, None
""",
            "mistake-no-clip",
        ),
    ],
    "torch_focal_loss": [
        (
            """
import torch
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
    return (-alpha_t * (1 - p_t) ** gamma * torch.log(p_t)).mean()
""",
            "nonfinite",
        ),
        (
            """
import torch
import torch.nn.functional as F
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    ce = F.softplus(logits) - targets * logits
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    alpha_t = (1 - alpha) * targets + alpha * (1 - targets)
    return (alpha_t * (1 - p_t) ** gamma * ce).mean()
""",
            "mistake-alpha-swapped",
        ),
    ],
    "torch_adam": [
        (
            """
import torch
class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["m"], state["v"] = torch.zeros_like(p), torch.zeros_like(p)
                state["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                state["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                p.sub_(group["lr"] * state["m"] / (state["v"].sqrt() + group["eps"]))
""",
            "mistake-no-bias",
        ),
        (
            """
import torch
class Adam(torch.optim.Adam):
    pass
""",
            "forbidden-call",
        ),
    ],
    "torch_adamw": [
        (
            """
import torch
class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["t"] += 1
                g = p.grad + group["weight_decay"] * p
                state["m"].mul_(b1).add_(g, alpha=1 - b1)
                state["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                m_hat = state["m"] / (1 - b1 ** state["t"])
                v_hat = state["v"] / (1 - b2 ** state["t"])
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
""",
            "mistake-l2",
        ),
        (
            """
import torch
class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["t"] += 1
                p.mul_(1 - group["weight_decay"])
                state["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                state["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                m_hat = state["m"] / (1 - b1 ** state["t"])
                v_hat = state["v"] / (1 - b2 ** state["t"])
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
""",
            "mistake-no-lr",
        ),
    ],
    "torch_warmup_cosine": [
        (
            """
import math
from torch.optim.lr_scheduler import LambdaLR
def warmup_cosine(optimizer, warmup_steps, total_steps):
    def factor(step):
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = min(step - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * progress))
    return LambdaLR(optimizer, factor)
""",
            "mistake-warmup-off-by-one",
        ),
        (
            """
import math
from torch.optim.lr_scheduler import LambdaLR
def warmup_cosine(optimizer, warmup_steps, total_steps):
    base = optimizer.param_groups[0]["lr"]
    def rate(step):
        if step < warmup_steps:
            return base * step / warmup_steps
        progress = min(step - warmup_steps, total_steps - warmup_steps) / max(1, total_steps - warmup_steps)
        return base * 0.5 * (1 + math.cos(math.pi * progress))
    return LambdaLR(optimizer, rate)
""",
            "mistake-rate-not-factor",
        ),
    ],
    "torch_grad_norms_with_hooks": [
        (
            """
def grad_norms_with_hooks(model, loss_fn, batch):
    x, y = batch
    loss_fn(model(x), y).backward()
    return {name: p.grad.norm().item() for name, p in model.named_parameters()}
""",
            "no-hooks",
        ),
        (
            """
def grad_norms_with_hooks(model, loss_fn, batch):
    norms, handles = {}, []
    for name, p in model.named_parameters():
        handles.append(p.register_hook(lambda g, name=name: norms.__setitem__(name, (g ** 2).sum().item())))
    x, y = batch
    loss_fn(model(x), y).backward()
    for h in handles:
        h.remove()
    return norms
""",
            "mistake-squared",
        ),
    ],
    "torch_clip_and_step": [
        (
            """
import torch
def clip_and_step(model, optimizer, max_norm):
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
    for p in model.parameters():
        n = p.grad.norm().item()
        p.grad.mul_(min(1.0, max_norm / (n + 1e-6)))
    optimizer.step()
    return total
""",
            "mistake-per-tensor",
        ),
        (
            """
import torch
def clip_and_step(model, optimizer, max_norm):
    total = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters())).item()
    optimizer.step()
    for p in model.parameters():
        p.grad.mul_(min(1.0, max_norm / (total + 1e-6)))
    return total
""",
            "mistake-step-before-clip",
        ),
    ],
    "torch_sam_step": [
        (
            """
import torch
def sam_step(model, loss_fn, batch, base_optimizer, rho):
    x, y = batch
    loss = loss_fn(model(x), y)
    loss.backward()
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(rho * p.grad / (norm + 1e-12))
    base_optimizer.zero_grad()
    loss_fn(model(x), y).backward()
    base_optimizer.step()
    return loss.item()
""",
            "mistake-no-restore",
        ),
        (
            """
def sam_step(model, loss_fn, batch, base_optimizer, rho):
    x, y = batch
    loss = loss_fn(model(x), y)
    loss.backward()
    base_optimizer.step()
    return loss.item()
""",
            "mistake-first-grad",
        ),
    ],
    "torch_dropout": [
        (
            """
import torch
from torch import nn
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        mask = (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * mask / (1 - self.p)
""",
            "eval-mode",
        ),
        (
            """
import torch
from torch import nn
class Dropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        return x * (torch.rand_like(x) >= self.p).to(x.dtype)
""",
            "train-mode",
        ),
    ],
}
