"""Hostile submissions aimed at the PyTorch sandbox: the whole NumPy list (tests/security/
hostile.py) plus tries that only torch offers. They go to the fixture question ``torch-mse``
(``mse(logits, targets)`` judged as BCE with logits), with the same ``$``-placeholders."""

from __future__ import annotations

from dataclasses import replace

from tests.security.hostile import HOSTILE, WRONG, Hostile, _fn

# The loss driver wants a tensor back: NumPy arrays and tuples are turned away before the
# result-size limits can trip. In the PyTorch runtime ctypes (and gc, inspect) are refused
# before running: its forbidden-operation traps live in the worker's own process.
CODE_FOR_TORCH = {
    "huge-return": "not-a-tensor",
    "huge-tuple": "not-a-tensor",
    "ctypes-segfault": "forbidden-call",
    # gc is refused before running here; the in-place ones get tensors, which NumPy-style code fails on
    "overwrite-every-copy-then-mutate": "forbidden-call",
    "patch-the-worker-in-memory": "forbidden-call",
    "patch-array-equal-then-mutate": "exception",
    "restore-inputs-from-a-thread": "exception",
}
BCE_OP = "torch.ops.aten.binary_cross_entropy_with_logits(logits, targets, None, None, 1)"

TORCH_ONLY: list[Hostile] = [
    Hostile(
        "torch-load-crafted-file",
        _fn(
            "import torch\nclass Evil:\n    def __reduce__(self):\n"
            "        return (os.system, ('touch /tmp/descent-sec-$token-torchload;"
            " echo pwned > $dbdir/pwned-$token',))\n"
            "class Connect:\n    def __reduce__(self):\n"
            "        return (socket.create_connection, (('127.0.0.1', $tcp),))\n"
            "torch.save({'w': Evil(), 'c': Connect()}, '/tmp/evil.pt')\nerrors = []\n"
            "for weights_only in (True, False):\n    try:\n"
            "        torch.load('/tmp/evil.pt', weights_only=weights_only)\n"
            "    except Exception as e:\n        errors.append(repr(e)[:80])\n"
            "raise RuntimeError(repr(errors))"
        ),
    ),
    Hostile(
        "torch-hub",
        _fn(
            "import torch\ntorch.hub.set_dir('/tmp/hub')\nerrors = []\n"
            "for call in (lambda: torch.hub.load('pytorch/vision', 'resnet18', trust_repo=True),\n"
            "             lambda: torch.hub.download_url_to_file('http://127.0.0.1:$tcp/$token', '/tmp/x'),\n"
            "             lambda: torch.hub.load_state_dict_from_url('http://127.0.0.1:$tcp/w.pt')):\n"
            "    try:\n        call()\n    except BaseException as e:\n        errors.append(repr(e)[:80])\n"
            "raise RuntimeError(repr(errors))"
        ),
    ),
    Hostile(
        "torch-cpp-extension",
        _fn(
            "from torch.utils import cpp_extension\n"
            "cpp_extension.load_inline(name='evil', cpp_sources='int f() { return 1; }',"
            " functions=['f'], build_directory='/tmp')"
        ),
    ),
    Hostile(
        "torch-thread-bomb",
        _fn(
            "import torch\ntorch.set_num_threads(512)\n"
            "try:\n    torch.set_num_interop_threads(512)\nexcept RuntimeError:\n    pass\n"
            "x = torch.randn(1500, 1500)\nfor _ in range(40):\n    x = torch.tanh(x @ x)\n"
            "futures = [torch.jit._fork(torch.mm, x, x) for _ in range(64)]\n"
            "[torch.jit._wait(f) for f in futures]"
        ),
    ),
    Hostile(
        "torch-multiprocessing",
        "import torch.multiprocessing as mp\n"
        "def touch(i):\n    open('/tmp/descent-sec-$token-mp', 'w').write('x')\n"
        "def mse(a, b):\n    for method in ('spawn', 'fork'):\n        try:\n"
        "            mp.start_processes(touch, nprocs=4, start_method=method)\n"
        "        except Exception:\n            pass\n    return (a * 0).sum()\n",
    ),
    Hostile(
        "torch-read-db-from-file",
        _fn(
            "import torch\n"
            "raise RuntimeError(bytes(torch.from_file('$db', size=8192, dtype=torch.uint8).tolist()))"
        ),
    ),
    Hostile(
        "torch-save-next-to-db",
        _fn("import torch\ntorch.save(torch.ones(3), '$dbdir/pwned-$token')"),
    ),
    Hostile(
        "torch-huge-tensor",
        "import torch\ndef mse(a, b):\n    return torch.ones(30_000_000, requires_grad=True) * 2\n",
        "too-big",
    ),
    Hostile(
        "torch-lying-tensor",
        "import torch\nclass Liar(torch.Tensor):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def numpy(self, *a, **k):\n        raise SystemExit(0)\n"
        "def mse(a, b):\n    return (a * 0).sum().as_subclass(Liar)\n",
    ),
    Hostile(
        "torch-wrong-value", WRONG.replace("return 0.0", "import torch\n    return torch.zeros(())")
    ),
]

# Reaching the forbidden shortcut (BCE with logits, written by hand is the exercise): past the
# public name, through private attributes (refused before running) or public paths to the
# ATen operator (trapped in the dispatcher while running).
SHORTCUTS: list[Hostile] = [
    Hostile(
        "torch-variable-functions",
        "import torch\ndef mse(logits, targets):\n    return torch._C._VariableFunctions"
        ".binary_cross_entropy_with_logits(logits, targets, None, None, 1)\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-variable-functions-via-self",
        "import torch\nVF = torch.zeros.__self__\ndef mse(logits, targets):\n"
        "    return VF.binary_cross_entropy_with_logits(logits, targets, None, None, 1)\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-computed-getattr",
        "import torch\nC = getattr(torch, '_' + 'C')\ndef mse(logits, targets):\n"
        "    return C._VariableFunctions.binary_cross_entropy_with_logits(logits, targets, None, None, 1)\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-importlib",
        "import importlib\nC = importlib.import_module('torch._C')\n" + WRONG,
        "forbidden-call",
    ),
    Hostile(
        "torch-pickle-global",
        "import pickle\nVF = pickle.loads(b'ctorch._C\\n_VariableFunctions\\n.')\n" + WRONG,
        "forbidden-call",
    ),
    Hostile(
        "torch-sys-modules", "import sys\nC = sys.modules['torch._C']\n" + WRONG, "forbidden-call"
    ),
    Hostile(
        "torch-library-override",
        "import torch\nlib = torch.library.Library('aten', 'IMPL')\n" + WRONG,
        "forbidden-call",
    ),
    Hostile(
        "torch-ops-aten",
        f"import torch\ndef mse(logits, targets):\n    return {BCE_OP}\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-ops-aten-caught",
        f"import torch\ndef mse(logits, targets):\n    try:\n        return {BCE_OP}\n"
        "    except Exception:\n        return (logits * 0).sum()\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-op-in-a-thread",
        "import threading, torch\ndef mse(logits, targets):\n    out = []\n"
        "    def run():\n        try:\n            out.append(torch.ops.aten.binary_cross_entropy_with_logits("
        "logits.detach(), targets, None, None, 1))\n        except Exception:\n            pass\n"
        "    t = threading.Thread(target=run)\n    t.start()\n    t.join()\n"
        "    return (logits * 0).sum() + (out[0] if out else 0.0)\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-op-at-import",
        "import torch\nX = torch.ops.aten.binary_cross_entropy_with_logits("
        "torch.zeros(2), torch.zeros(2), None, None, 1)\n" + WRONG,
        "forbidden-call",
    ),
    Hostile(
        "torch-soft-margin-loss",
        "import torch.nn.functional as F\ndef mse(logits, targets):\n"
        "    return F.soft_margin_loss(logits, 2 * targets - 1)\n",
        "forbidden-call",
    ),
    Hostile(
        "torch-hide-the-trap-channel",  # the trap checks the channel's inode, and dies if moved
        "import os, torch\ndef mse(logits, targets):\n    r, w = os.pipe()\n    saved = os.dup(3)\n"
        f"    os.dup2(w, 3)\n    try:\n        value = {BCE_OP}\n    finally:\n"
        "        os.dup2(saved, 3)\n    return value\n",
        "crashed",
    ),
    Hostile(
        "torch-jit-scripted-shortcut",
        "import torch\n@torch.jit.script\ndef f(z, y):\n"
        "    return torch.binary_cross_entropy_with_logits(z, y, None, None, 1)\n"
        "def mse(logits, targets):\n    return f(logits, targets)\n",
    ),
]

TORCH_HOSTILE: list[Hostile] = (
    [replace(h, code=CODE_FOR_TORCH.get(h.id, h.code)) for h in HOSTILE] + TORCH_ONLY + SHORTCUTS
)
