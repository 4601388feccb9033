"""PyTorch submissions judged end to end in the PyTorch sandbox: a correct solution of every
exercise passes, two typical wrong ones fail with a specific message, rules the judge enforces
(a tensor with a graph, hooks, train/eval, no shortcuts) have their own codes, and the service
itself never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0)")

from engine.judge import TORCH_EXERCISES, get_exercise, judge
from engine.judge.text import number
from tests.engine.torch_solutions import CORRECT, WRONG

REPO = Path(__file__).resolve().parents[2]
WRONG_CASES = [(name, src, code) for name, pairs in sorted(WRONG.items()) for src, code in pairs]
BCE = "import torch\nimport torch.nn.functional as F\n\ndef bce_with_logits(logits, targets):\n"


def test_every_exercise_has_solutions() -> None:
    assert set(CORRECT) == set(TORCH_EXERCISES) == set(WRONG)
    assert all(len(pairs) >= 2 for pairs in WRONG.values())


@pytest.mark.parametrize("name", sorted(TORCH_EXERCISES))
def test_a_correct_implementation_passes(name: str) -> None:
    verdict = judge(exercise=name, source=CORRECT[name])
    assert verdict.correct, [(f.code, f.message) for f in verdict.feedback]
    assert all(case["passed"] for case in verdict.to_dict()["cases"])


@pytest.mark.parametrize(
    ("name", "source", "code"),
    WRONG_CASES,
    ids=[f"{n}:{c}" for n, _, c in WRONG_CASES],
)
def test_a_typical_wrong_implementation_fails_with_a_named_problem(
    name: str, source: str, code: str
) -> None:
    verdict = judge(exercise=name, source=source)
    assert not verdict.correct
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]
    message = next(f.message for f in verdict.feedback if f.code == code)
    mistake = next((m for m in get_exercise(name).mistakes if f"mistake-{m.code}" == code), None)
    assert mistake is None or mistake.message in message


@pytest.mark.parametrize(
    ("name", "source", "code", "words"),
    [
        (
            "torch_bce_with_logits",
            BCE + "    return float((F.softplus(logits) - targets * logits).mean())\n",
            "not-a-tensor",
            "returned a float, not a tensor",
        ),
        (
            "torch_bce_with_logits",
            BCE
            + "    return torch.tensor((F.softplus(logits) - targets * logits).mean().item())\n",
            "no-gradient",
            "cut the graph",
        ),
        (
            "torch_bce_with_logits",
            BCE + "    z = logits.detach().requires_grad_()\n"
            "    return (F.softplus(z) - targets * z).mean()\n",
            "no-gradient",
            "does not depend on logits",
        ),
        (  # finite value, nan gradient: torch.where over two unstable branches
            "torch_bce_with_logits",
            BCE + "    pos = torch.log1p(torch.exp(-logits)) + (1 - targets) * logits\n"
            "    neg = torch.log1p(torch.exp(logits)) - targets * logits\n"
            "    return torch.where(logits >= 0, pos, neg).mean()\n",
            "nonfinite",
            "gradient of logits: returned nan",
        ),
        (
            "torch_bce_with_logits",
            BCE + "    return F.binary_cross_entropy_with_logits(logits, targets)\n",
            "forbidden-call",
            "F.binary_cross_entropy_with_logits",
        ),
        (
            "torch_cross_entropy",
            "import torch.nn as nn\ndef cross_entropy(logits, labels, label_smoothing=0.0):\n"
            "    return nn.CrossEntropyLoss(label_smoothing=label_smoothing)(logits, labels)\n",
            "forbidden-call",
            "F.cross_entropy",
        ),
        (
            "torch_huber_function",
            "def HuberFunction(pred, target, delta=1.0):\n    return (pred - target).abs().mean()\n",
            "wrong-base-class",
            "torch.autograd.Function",
        ),
        (
            "torch_adam",
            "class Adam:\n    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):\n"
            "        pass\n",
            "wrong-base-class",
            "torch.optim.Optimizer",
        ),
        (
            "torch_grad_norms_with_hooks",
            "def grad_norms_with_hooks(model, loss_fn, batch):\n    norms = {}\n"
            "    for name, p in model.named_parameters():\n"
            "        p.register_hook(lambda g, name=name: norms.__setitem__(name, g.norm().item()))\n"
            "    loss_fn(model(batch[0]), batch[1]).backward()\n    return norms\n",
            "hooks-left",
            "handle.remove()",
        ),
        (
            "torch_grad_norms_with_hooks",
            "def grad_norms_with_hooks(model, loss_fn, batch):\n    norms, hs = {}, []\n"
            "    for name, p in model.named_parameters():\n"
            "        hs.append(p.register_hook(lambda g: None))\n"
            "    loss_fn(model(batch[0]), batch[1]).backward()\n"
            "    for h in hs:\n        h.remove()\n"
            "    return {n: p.grad.norm().item() for n, p in model.named_parameters()}\n",
            "mistake-read-grad",
            "every norm is 0",
        ),
        (
            "torch_dropout",
            "import torch\nfrom torch import nn\nclass Dropout(nn.Module):\n"
            "    def __init__(self, p=0.5):\n        super().__init__()\n        self.p, self.mask = p, None\n"
            "    def forward(self, x):\n        if not self.training:\n            return x\n"
            "        if self.mask is None or self.mask.shape != x.shape:\n"
            "            self.mask = (torch.rand_like(x) >= self.p).to(x.dtype)\n"
            "        return x * self.mask / (1 - self.p)\n",
            "same-mask",
            "new mask in every forward()",
        ),
        (
            "torch_dropout",
            "import torch.nn as nn\nclass Dropout(nn.Module):\n    def __init__(self, p=0.5):\n"
            "        super().__init__()\n    def forward(self, x):\n        return x\n",
            "train-mode",
            "no unit was dropped",
        ),
        (
            "torch_dropout",
            "import torch.nn as nn\nclass Dropout(nn.Dropout):\n    pass\n",
            "forbidden-call",
            "Dropout",
        ),
        (
            "torch_warmup_cosine",
            "def warmup_cosine(optimizer, warmup_steps, total_steps):\n    return [0.0]\n",
            "wrong-type",
            "LambdaLR",
        ),
    ],
)
def test_broken_rules_are_named(name: str, source: str, code: str, words: str) -> None:
    verdict = judge(exercise=name, source=source)
    assert not verdict.correct
    assert code in verdict.codes(), [(f.code, f.message) for f in verdict.feedback]
    assert any(words in f.message for f in verdict.feedback), verdict.feedback


def test_hidden_inputs_stay_hidden() -> None:
    seed = 99
    verdict = judge(
        exercise="torch_bce_with_logits", source=WRONG["torch_bce_with_logits"][1][0], seed=seed
    )
    text = json.dumps(verdict.to_dict())
    cases = get_exercise("torch_bce_with_logits").build_cases(np.random.default_rng(seed))
    hidden = {
        number(float(v)) for c in cases if not c.visible for a in c.args for v in np.ravel(a)[:3]
    }
    assert not any(v in text for v in hidden if len(v) > 4)
    assert all(("call" in c) == c["visible"] for c in verdict.to_dict()["cases"])


def test_the_limits_leave_room_for_torch() -> None:
    big = "import torch\nkeep = torch.ones(75_000_000, dtype=torch.float64)\n"  # 600 MB
    verdict = judge(exercise="torch_bce_with_logits", source=big + CORRECT["torch_bce_with_logits"])
    assert verdict.correct, verdict.feedback
    bomb = "import torch\nkeep = torch.ones(1_000_000_000, dtype=torch.float32)\n"  # 4 GB
    verdict = judge(
        exercise="torch_bce_with_logits", source=bomb + CORRECT["torch_bce_with_logits"]
    )
    assert not verdict.correct and "load-exception" in verdict.codes()


def test_judging_never_imports_torch_in_the_service() -> None:
    script = (
        "import sys\nfrom engine.judge import judge\n"
        f"v = judge(exercise='torch_bce_with_logits', source={CORRECT['torch_bce_with_logits']!r})\n"
        "print(v.correct, 'torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.split() == ["True", "False"], out.stderr[-2000:]
