"""Hostile submissions aimed at the PyTorch sandbox: the whole NumPy list (tests/security/
hostile.py) plus tries that only torch offers. They go to the fixture question ``torch-mse``
(``mse(logits, targets)`` judged as BCE with logits), with the same ``$``-placeholders."""

from __future__ import annotations

from dataclasses import replace

from tests.security.hostile import HOSTILE, WRONG, Hostile, _fn

# The loss driver wants a tensor back: NumPy arrays and tuples are turned away before the
# result-size limits can trip.
CODE_FOR_TORCH = {"huge-return": "not-a-tensor", "huge-tuple": "not-a-tensor"}

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

TORCH_HOSTILE: list[Hostile] = [
    replace(h, code=CODE_FOR_TORCH.get(h.id, h.code)) for h in HOSTILE
] + TORCH_ONLY
