"""What a submission may not mention, checked before it runs: refused and allowed sources."""

from __future__ import annotations

import pytest

from engine.judge.policy import refusal
from tests.engine import solutions, torch_solutions

REFUSED = [
    ("import torch\nf = torch._C._nn.cross_entropy_loss\n", "torch", "`_C`"),
    ("from torch.optim.adam import _single_tensor_adam\n", "torch", "private module"),
    ("import torch._C as C\n", "torch", "private module"),
    ("import torch.nn.utils.clip_grad as cg\nf = cg._get_total_norm\n", "torch", "`_get_total_norm`"),
    ("import torch\nf = getattr(torch, '_' + 'C')\n", "torch", "computed attribute name"),
    ("import torch\nf = getattr(torch, '_C')\n", "torch", "`_C`"),
    ("import torch\nvf = torch.zeros.__self__\n", "torch", "`__self__`"),
    ("import torch\nd = torch.__dict__['_C']\n", "torch", "`__dict__`"),
    ("import torch\nv = vars(torch)\n", "torch", "`vars`"),
    ("import importlib\nm = importlib.import_module('torch._C')\n", "torch", "`importlib`"),
    ("m = __import__('torch')\n", "numpy", "`__import__`"),
    ("exec('import torch')\n", "numpy", "`exec`"),
    ("import sys\nm = sys.modules['torch._C']\n", "numpy", "sys.modules"),
    ("from sys import modules\n", "numpy", "sys.modules"),
    ("import numpy as np\nnp.core._methods._mean\n", "numpy", "`_methods`"),
    ("from operator import attrgetter\nf = attrgetter('_C._nn')\n", "torch", "`_C`"),
    ("g = getattr\n", "numpy", "called directly"),
    ("import pickle\n", "torch", "`pickle`"),
    ("import gc\n", "torch", "`gc`"),
    ("import ctypes\n", "torch", "`ctypes`"),
    ("import torch\nlib = torch.library.Library('aten', 'IMPL')\n", "torch", "`.library`"),
    ("import torch\ntorch.ops.aten._fused_adam_\n", "torch", "`_fused_adam_`"),
    ("def f():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__\n", "numpy", "`__traceback__`"),
    ("import descent_sandbox.worker\n", "numpy", "not available"),
    ("class A:\n    def f(self):\n        return self.m._C\n", "torch", "`_C`"),
    # the exemption for a method's own object cannot be borrowed
    ("class A:\n    def f(self):\n        def g(self):\n            return self._C\n        return g\n", "torch", "`_C`"),
    ("import torch\nclass A:\n    def f(self):\n        self = torch\n        return self._C\n", "torch", "`_C`"),
    ("import torch\nclass A:\n    pass\nA = torch\nx = A._C\n", "torch", "`_C`"),
]  # fmt: skip

ALLOWED = [
    ("class A:\n    def __init__(self):\n        self._x = 1\n    def f(self):\n        return self._x\n", "torch"),
    ("class A:\n    def f(self, k):\n        return getattr(self, k)\n", "torch"),
    ("class A:\n    def f(self):\n        return [self._x for _ in range(3)], (lambda: self._y)()\n", "torch"),
    ("def f(model):\n    return [m for m in model.modules()]\n", "torch"),
    ("import torch.nn as nn\nclass D(nn.Module):\n    def __init__(self, p=0.5):\n        super().__init__()\n", "torch"),
    ("import gc, ctypes, inspect\n", "numpy"),  # no trap lives in a NumPy worker
    ("from __future__ import annotations\nimport numpy as np\nfrom numpy.testing import assert_allclose\n", "numpy"),
    ("import os\ndef f():\n    os._exit(0)\n", "numpy"),  # documented public names with an underscore
    ("from collections import namedtuple\nP = namedtuple('P', 'x y')\nq = P(1, 2)._replace(x=3)\n", "numpy"),
    ("import torch\nf = torch.ops.aten.huber_loss\n", "torch"),  # public: trapped while running
    ("x = (1).__class__.__name__\n", "numpy"),
    ("def mse(a, b:\n", "numpy"),  # a syntax error is the worker's to report
]  # fmt: skip


@pytest.mark.parametrize(("source", "runtime", "words"), REFUSED)
def test_refused_before_running(source: str, runtime: str, words: str) -> None:
    found = refusal(source, runtime)
    assert found is not None and words in found.text(), found
    assert found.line is not None


@pytest.mark.parametrize(("source", "runtime"), ALLOWED)
def test_allowed(source: str, runtime: str) -> None:
    assert refusal(source, runtime) is None


def test_no_correct_solution_and_no_typical_mistake_is_refused() -> None:
    for module, runtime in ((solutions, "numpy"), (torch_solutions, "torch")):
        for source in module.CORRECT.values():
            assert refusal(source, runtime) is None, source
        for pairs in module.WRONG.values():
            for source, _ in pairs:
                assert refusal(source, runtime) is None, source


def test_hostile_trees_do_not_break_the_checker() -> None:
    for source in ("-" * 60000 + "1", "(" * 60000, "a" + ".b" * 30000, "x = " + "1+" * 30000 + "1"):
        refusal(source)  # returns (a refusal or None), never raises
