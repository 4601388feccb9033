"""Attacks on the verdict itself, each against the exercise it targets, through the real
sandbox: shortcuts to the library's own implementation (private names refused before running,
public paths to the ATen operator trapped while running), hooks that never see the judged
backward, dropout masks that do not come from the generator, and exit codes."""

from __future__ import annotations

import pytest

from engine.judge import judge
from engine.sandbox import runtime_unavailable

TORCH = pytest.mark.skipif(bool(runtime_unavailable("torch")), reason="PyTorch is not installed")
CE = "import torch\ndef cross_entropy(logits, labels, label_smoothing=0.0):\n"
BCE = "import torch\ndef bce_with_logits(logits, targets):\n"
DROPOUT = (
    "import torch\nfrom torch import nn\nclass Dropout(nn.Module):\n"
    "    def __init__(self, p=0.5):\n        super().__init__()\n        self.p = p\n"
    "    def forward(self, x):\n"
)
HUBER = (
    "import torch\nclass HuberFunction(torch.autograd.Function):\n    @staticmethod\n"
    "    def forward(ctx, pred, target, delta=1.0):\n"
    "        ctx.save_for_backward(pred, target)\n        ctx.delta = delta\n"
    "        return {forward}\n    @staticmethod\n    def backward(ctx, grad_output):\n"
    "        pred, target = ctx.saved_tensors\n        return {backward}, None, None\n"
)
CLIP = "import torch\ndef clip_and_step(model, optimizer, max_norm):\n"
ADAM = (
    "import torch\nclass Adam(torch.optim.Optimizer):\n"
    "    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n"
    "        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))\n"
    "    @torch.no_grad()\n    def step(self, closure=None):\n"
)
HOOKS = "import torch\ndef grad_norms_with_hooks(model, loss_fn, batch):\n"
NORMS_FROM_AUTOGRAD = (
    "    params = list(model.named_parameters())\n"
    "    loss = loss_fn(model(batch[0]), batch[1])\n"
    "    grads = torch.autograd.grad(loss, [p for _, p in params])\n"
)

# (exercise, what it tries, source, the feedback code it must get)
TORCH_ATTACKS = [
    ("torch_cross_entropy", "torch._C._nn.cross_entropy_loss",
     CE + "    return torch._C._nn.cross_entropy_loss(logits, labels, None, 1, -100, label_smoothing)\n",
     "forbidden-call"),
    ("torch_cross_entropy", "torch.ops.aten.cross_entropy_loss",
     CE + "    return torch.ops.aten.cross_entropy_loss(logits, labels, None, 1, -100, label_smoothing)\n",
     "forbidden-call"),
    ("torch_cross_entropy", "nn.CrossEntropyLoss",
     "from torch import nn\ndef cross_entropy(logits, labels, label_smoothing=0.0):\n"
     "    return nn.CrossEntropyLoss(label_smoothing=label_smoothing)(logits, labels)\n",
     "forbidden-call"),
    ("torch_bce_with_logits", "torch._C._VariableFunctions",
     BCE + "    return torch._C._VariableFunctions.binary_cross_entropy_with_logits(logits, targets, None, None, 1)\n",
     "forbidden-call"),
    ("torch_dropout", "torch._C._VariableFunctions.dropout",
     DROPOUT + "        return torch._C._VariableFunctions.dropout(x, self.p, self.training)\n",
     "forbidden-call"),
    ("torch_dropout", "torch.ops.aten.native_dropout",
     DROPOUT + "        if not self.training:\n            return x\n"
     "        return torch.ops.aten.native_dropout(x, self.p, True)[0]\n",
     "forbidden-call"),
    ("torch_dropout", "nn.functional.dropout through a module attribute",
     DROPOUT + "        return nn.functional.dropout(x, self.p, self.training)\n",
     "forbidden-call"),
    ("torch_clip_and_step", "clip_grad._get_total_norm and _clip_grads_with_norm_",
     CLIP + "    from torch.nn.utils import clip_grad\n    params = list(model.parameters())\n"
     "    total = clip_grad._get_total_norm([p.grad for p in params])\n"
     "    clip_grad._clip_grads_with_norm_(params, max_norm, total)\n    optimizer.step()\n"
     "    return total\n",
     "forbidden-call"),
    ("torch_clip_and_step", "the public get_total_norm",
     CLIP + "    params = list(model.parameters())\n"
     "    total = torch.nn.utils.get_total_norm([p.grad for p in params])\n"
     "    torch.nn.utils.clip_grads_with_norm_(params, max_norm, total)\n    optimizer.step()\n"
     "    return total\n",
     "forbidden-call"),
    ("torch_adam", "torch.optim.adam._single_tensor_adam",
     ADAM + "        from torch.optim.adam import _single_tensor_adam\n        pass\n",
     "forbidden-call"),
    ("torch_adam", "a fused torch.optim.Adam inside",
     ADAM.replace("    @torch.no_grad()", "        self.inner = torch.optim.Adam(self.param_groups, fused=True)\n"
                  "    @torch.no_grad()")
     + "        self.inner.step()\n",
     "forbidden-call"),
    ("torch_huber_function", "torch._C._nn.huber_loss with a custom backward",
     HUBER.format(forward="torch._C._nn.huber_loss(pred, target, 1, delta)",
                  backward="grad_output * torch.clamp(pred - target, -ctx.delta, ctx.delta) / pred.numel()"),
     "forbidden-call"),
    ("torch_huber_function", "torch.ops.aten.huber_loss and its backward",
     HUBER.format(forward="torch.ops.aten.huber_loss(pred, target, 1, delta)",
                  backward="torch.ops.aten.huber_loss_backward(grad_output, pred, target, 1, ctx.delta)"),
     "forbidden-call"),
    ("torch_grad_norms_with_hooks", "a dummy hook registered and removed, norms from autograd.grad",
     HOOKS + "    handle = next(model.parameters()).register_hook(lambda g: g)\n    handle.remove()\n"
     + NORMS_FROM_AUTOGRAD + "    return {n: g.norm().item() for (n, _), g in zip(params, grads)}\n",
     "hooks-not-fired"),
    ("torch_grad_norms_with_hooks", "one hook kept during autograd.grad, norms from its result",
     HOOKS + "    handle = next(model.parameters()).register_hook(lambda g: g)\n"
     + NORMS_FROM_AUTOGRAD + "    handle.remove()\n"
     "    return {n: g.norm().item() for (n, _), g in zip(params, grads)}\n",
     "hooks-not-fired"),
    ("torch_grad_norms_with_hooks", "a module hook that never fires (registered after backward)",
     HOOKS + "    x, y = batch\n    loss_fn(model(x), y).backward()\n"
     "    h = model.register_full_backward_hook(lambda *a: None)\n    h.remove()\n"
     "    return {n: 0.0 for n, _ in model.named_parameters()}\n",
     "hooks-not-fired"),
]  # fmt: skip

NUMPY_ATTACKS = [
    ("dropout", "a generator of its own, seeded on every call",
     "import numpy as np\ndef dropout(x, p, training=True, rng=None):\n"
     "    if not training or p == 0:\n        return x.copy()\n"
     "    mask = np.random.default_rng(1234).random(x.shape) >= p\n    return x * mask / (1 - p)\n",
     "rng-not-used"),
    ("dropout", "a fixed, evenly spread mask",
     "import numpy as np\ndef dropout(x, p, training=True, rng=None):\n"
     "    if not training or p == 0:\n        return x.copy()\n"
     "    keep = (np.arange(x.size).reshape(x.shape) * 0.6180339887) % 1.0 >= p\n"
     "    return x * keep / (1 - p)\n",
     "rng-not-used"),
    ("dropout", "the global NumPy generator instead of rng",
     "import numpy as np\ndef dropout(x, p, training=True, rng=None):\n"
     "    if not training or p == 0:\n        return x.copy()\n"
     "    return x * (np.random.random(x.shape) >= p) / (1 - p)\n",
     "rng-not-used"),
    ("mse", "os._exit(71): not 'the judge could not start'",
     "import os\ndef mse(y_true, y_pred):\n    os._exit(71)\n", "exited"),
    ("mse", "os._exit(152): not 'CPU time limit'",
     "import os\nos._exit(152)\n", "exited"),
    ("mse", "private NumPy internals",
     "import numpy as np\ndef mse(y_true, y_pred):\n    return np.core._methods._mean((y_true - y_pred) ** 2)\n",
     "forbidden-call"),
]  # fmt: skip


@TORCH
@pytest.mark.parametrize(
    ("exercise", "what", "source", "code"), TORCH_ATTACKS, ids=[a[1] for a in TORCH_ATTACKS]
)
def test_torch_shortcuts_and_hooks(exercise: str, what: str, source: str, code: str) -> None:
    verdict = judge(exercise=exercise, source=source)
    assert not verdict.correct
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]


@pytest.mark.parametrize(
    ("exercise", "what", "source", "code"), NUMPY_ATTACKS, ids=[a[1] for a in NUMPY_ATTACKS]
)
def test_numpy_attacks(exercise: str, what: str, source: str, code: str) -> None:
    verdict = judge(exercise=exercise, source=source)
    assert not verdict.correct and verdict.status != "error"
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]
