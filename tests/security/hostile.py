"""Hostile submissions to ``code-mse``: what each tries, and (optionally) the feedback code it
must get. ``$``-placeholders are filled in by the test: ``$token`` (unique per run), ``$db`` and
``$dbdir`` (the service's database), ``$tcp``/``$udp`` (listener ports), ``$repo`` (checkout)."""

from __future__ import annotations

from dataclasses import dataclass

WRONG = "def mse(y_true, y_pred):\n    return 0.0\n"


@dataclass(frozen=True)
class Hostile:
    id: str
    source: str
    code: str = ""  # a feedback code the verdict must carry ("" = any failure)


def _fn(body: str) -> str:
    """A submission whose ``mse`` runs ``body`` (indented) and then returns a wrong value."""
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    return f"import os, sys, time, socket, signal\nimport numpy as np\n\ndef mse(y_true, y_pred):\n{lines}\n    return 0.0\n"


FRAME = (  # a frame writer, as a submission that knows the protocol would write it
    "import json, os, struct, signal\n"
    "def frame(h, blob=b''):\n"
    "    b = json.dumps(h).encode()\n"
    "    return struct.pack('>II', len(b), len(blob)) + b + blob\n"
    "RIGHT = {'t': 'arr', 'shape': [], 'off': 0, 'len': 8}, struct.pack('<d', 0.4166666666666667)\n"
)
HONEST_MSE = "    return float(np.mean((y_true - y_pred) ** 2))"
FAKE_FRAME = (  # results for every case claiming example 1's right answer, then "done"
    "import json, os, struct\n"
    "def frame(h, blob=b''):\n"
    "    b = json.dumps(h).encode()\n"
    "    return struct.pack('>II', len(b), len(blob)) + b + blob\n"
    "value = {'t': 'arr', 'shape': [], 'off': 0, 'len': 8}\n"
    "FAKE = b''.join(frame({'ev': 'result', 'case': i, 'value': value, 'mutated': []},"
    " struct.pack('<d', 0.4166666666666667)) for i in range(20)) + frame({'ev': 'done'})\n"
)

HOSTILE: list[Hostile] = [
    # -- time ----------------------------------------------------------------------------------
    Hostile("infinite-loop", _fn("while True:\n    pass"), "limit-cpu"),
    Hostile("sleep-at-import", "import time\ntime.sleep(60)\n" + WRONG, "limit-wall"),
    Hostile(
        "ignore-signals",
        _fn(
            "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGXCPU, signal.SIGHUP):\n"
            "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass"
        ),
    ),
    # -- memory --------------------------------------------------------------------------------
    Hostile("memory-bomb", "x = bytearray(16 * 1024 ** 3)\n" + WRONG, "load-exception"),
    Hostile("memory-creep", _fn("keep = []\nwhile True:\n    keep.append(np.ones(1 << 17))")),
    # np.zeros maps its 800 MB lazily: the verdict cannot depend on how long this machine
    # takes to fault 800 MB in ten times (np.ones did, and ran into the CPU limit under load)
    Hostile(
        "huge-return",
        "import numpy as np\ndef mse(a, b):\n    return np.zeros(10 ** 8)\n",
        "too-big",
    ),
    Hostile(
        "huge-tuple",
        "import numpy as np\ndef mse(a, b):\n"
        "    return tuple(np.ones(1 << 20) for _ in range(8))\n",
        "limit-result",
    ),
    # -- processes and threads ------------------------------------------------------------------
    Hostile(
        "fork-bomb",
        _fn("while True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
    ),
    Hostile(
        "thread-bomb",
        _fn(
            "import threading\nwhile True:\n    try:\n"
            "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
            "    except RuntimeError:\n        break"
        ),
    ),
    Hostile(
        "setsid-daemon",
        _fn(
            "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(3)\n"
            "        open('/tmp/descent-sec-$token-daemon', 'w').write('alive')\n"
            "        s = socket.socket(); s.connect(('127.0.0.1', $tcp)); s.send(b'daemon')\n"
            "    os._exit(0)"
        ),
    ),
    Hostile(
        "kill-parent",
        _fn(
            "for pid in (os.getppid(), 1, $server_pid):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n"
            "    except OSError:\n        pass"
        ),
    ),
    Hostile("kill-everything", _fn("os.kill(-1, signal.SIGKILL)")),
    Hostile("os-exit", _fn("os._exit(0)"), "exited"),
    Hostile("sys-exit", _fn("sys.exit(0)"), "exception"),
    Hostile(
        "subprocess-shell",
        _fn(
            "import subprocess\n"
            "subprocess.run('touch /tmp/descent-sec-$token-shell', shell=True, check=True)"
        ),
    ),
    Hostile(
        "execv", _fn("os.execv('/bin/sh', ['sh', '-c', 'touch /tmp/descent-sec-$token-exec'])")
    ),
    # -- crashes -----------------------------------------------------------------------------
    Hostile(
        "deep-recursion",
        "import sys\nsys.setrecursionlimit(10 ** 8)\n"
        "def f(n):\n    return f(n + 1) + 1\n\ndef mse(a, b):\n    return f(0)\n",
    ),
    Hostile(
        "ctypes-segfault",
        "import ctypes\ndef mse(a, b):\n    return ctypes.string_at(1)\n",
        "crashed",
    ),
    # -- output -------------------------------------------------------------------------------
    Hostile("stdout-flood", _fn("while True:\n    print('x' * 65536)"), "limit-output"),
    Hostile("stderr-flood", _fn("while True:\n    sys.stderr.write('y' * 65536)"), "limit-output"),
    Hostile(
        "fake-result-on-stdout",
        _fn('print(\'{"status": "correct", "correct": true, "score": 1.0}\')\nsys.stdout.flush()'),
    ),
    Hostile(
        "fake-frames-on-every-fd",
        FAKE_FRAME + "for fd in range(0, 256):\n    try:\n"
        "        os.write(fd, FAKE)\n    except OSError:\n        pass\n" + WRONG,
    ),
    Hostile(
        "deeply-nested-frame",
        "import os, struct\nh = b'[' * 200000 + b']' * 200000\n"
        "os.write(3, struct.pack('>II', len(h), 0) + h)\n" + WRONG,
    ),
    # -- files ---------------------------------------------------------------------------------
    Hostile("write-tmp", _fn("open('/tmp/descent-sec-$token-tmp', 'w').write('pwned')")),
    Hostile("write-next-to-db", _fn("open('$dbdir/pwned-$token', 'w').write('pwned')")),
    Hostile(
        "fill-disk",
        _fn(
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\ni = 0\nwhile True:\n    try:\n"
            "        with open(f'/tmp/fill{i}', 'wb') as f:\n            f.write(b'x' * (1 << 20))\n"
            "    except OSError:\n        break\n    i += 1"
        ),
    ),
    Hostile(
        "fd-exhaustion",
        _fn(
            "fds = []\nwhile True:\n    try:\n        fds.append(os.pipe())\n"
            "    except OSError:\n        break"
        ),
    ),
    Hostile("read-db", _fn("raise RuntimeError(open('$db', 'rb').read().decode('latin-1'))")),
    Hostile(
        "read-db-through-proc-fd",
        _fn(
            "found = []\nfor pid in os.listdir('/proc'):\n    for fd in os.listdir(f'/proc/{pid}/fd'):\n"
            "        try:\n            found.append(open(f'/proc/{pid}/fd/{fd}', 'rb').read(4096))\n"
            "        except OSError:\n            pass\nraise RuntimeError(repr(found))"
        ),
    ),
    Hostile(
        "read-parent-environ",
        _fn(
            "raise RuntimeError(open(f'/proc/{os.getppid()}/environ').read()"
            " + open('/proc/$server_pid/environ').read())"
        ),
    ),
    Hostile("read-os-environ", _fn("raise RuntimeError(repr(dict(os.environ)))")),
    Hostile("read-passwd", _fn("raise RuntimeError(open('/etc/passwd').read())")),
    Hostile(
        "read-service-source",
        _fn("raise RuntimeError(open('$repo/engine/reference/losses.py').read())"),
    ),
    # -- borrowing the reference ------------------------------------------------------------------
    Hostile("import-service", "from engine.reference.losses import mse\n", "load-exception"),
    Hostile(
        "import-service-via-path",
        "import sys\nsys.path.insert(0, '$repo')\nfrom engine.reference.losses import mse\n",
        "load-exception",
    ),
    Hostile(
        "borrow-from-memory",
        "import gc, sys\n"
        "cands = [m for n, m in sys.modules.items() if n.startswith(('engine', 'content', 'app'))]\n"
        "fns = [o for o in gc.get_objects() if callable(o) and getattr(o, '__module__', '')"
        " and str(getattr(o, '__module__', '')).startswith('engine')]\n"
        "mse = (cands and cands[0].mse) or fns[0]\n",
        "forbidden-call",  # sys.modules is refused before it runs
    ),
    # -- network ------------------------------------------------------------------------------
    Hostile(
        "tcp-to-listener",
        _fn("s = socket.socket()\ns.connect(('127.0.0.1', $tcp))\ns.send(b'$token')"),
    ),
    Hostile(
        "udp-to-listener",
        _fn(
            "socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
            ".sendto(b'$token', ('127.0.0.1', $udp))"
        ),
    ),
    # -- fooling the verdict --------------------------------------------------------------------
    Hostile(
        "lying-eq",
        "class Liar(float):\n    def __eq__(self, other):\n        return True\n"
        "    __ne__ = lambda self, other: False\n\ndef mse(a, b):\n    return Liar(-1.0)\n",
    ),
    Hostile(
        "lying-array",
        "import numpy as np\nclass Liar:\n    def __array__(self, *a, **k):\n"
        "        raise SystemExit(0)\n    def __float__(self):\n        return float('nan')\n"
        "\ndef mse(a, b):\n    return Liar()\n",
    ),
    Hostile("nan", "def mse(a, b):\n    return float('nan')\n"),
    Hostile(
        "patch-numpy",
        "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda *a, **k: True\nnp.asarray = lambda *a, **k: 'correct'\n"
        "np.array_equal = lambda *a, **k: True\n" + WRONG,
    ),
    Hostile(
        "patch-builtins",
        "import builtins, json\nbuiltins.isinstance = lambda *a: True\n"
        'builtins.len = lambda *a: 0\njson.dumps = lambda *a, **k: \'{"ev": "done"}\'\n' + WRONG,
    ),
    # -- forged frames (the worker's channel goes to the harness, which checks every frame) -----
    Hostile(
        "forge-loaded-and-results-at-import",
        FRAME + "os.write(3, frame({'ev': 'loaded'}) + b''.join(frame({'ev': 'result',"
        " 'value': RIGHT[0], 'reshaped': []}, RIGHT[1]) for _ in range(20)))\n" + WRONG,
        "unreadable",
    ),
    Hostile(
        "forge-result-in-every-call",
        FRAME + "def mse(a, b):\n    os.write(3, frame({'ev': 'result', 'value': RIGHT[0],"
        " 'reshaped': [], 'seq': 0}, RIGHT[1]))\n    return 0.0\n",
        "unreadable",
    ),
    Hostile(
        "forge-done-then-exit",
        FRAME + "def mse(a, b):\n    os.write(3, frame({'ev': 'done', 'worker': {'exit': 0,"
        " 'signal': None, 'cpu': 0.0}}))\n    os._exit(0)\n",
    ),
    Hostile(
        "forge-frames-on-every-fd-in-call",
        FRAME + "def mse(a, b):\n    for fd in range(64):\n        try:\n"
        "            os.write(fd, frame({'ev': 'result', 'case': 0, 'value': RIGHT[0]}, RIGHT[1]))\n"
        "        except OSError:\n            pass\n    return 0.0\n",
    ),
    Hostile(
        "claim-a-huge-blob",
        "import os, struct\nos.write(3, struct.pack('>II', 2, 2 ** 31) + b'{}')\n" + WRONG,
        "limit-result",
    ),
    Hostile(
        "claim-a-huge-header",
        "import os, struct\nos.write(3, struct.pack('>II', 2 ** 30, 0) + b'{' * 1000)\n" + WRONG,
        "flood",
    ),
    Hostile(
        "header-flood",  # 24 MiB of tiny frames: the first one is already out of protocol
        "import os, struct\nchunk = (struct.pack('>II', 2, 0) + b'{}') * (1 << 16)\n"
        "for _ in range(48):\n    try:\n        os.write(3, chunk)\n"
        "    except OSError:\n        break\n" + WRONG,
        "unreadable",
    ),
    Hostile(
        "nested-json-flood",
        "import os, struct\nh = b'[' + b'{},' * 20000 + b'{}]'\n"
        "for _ in range(400):\n    try:\n        os.write(3, struct.pack('>II', len(h), 0) + h)\n"
        "    except OSError:\n        break\n" + WRONG,
        "unreadable",
    ),
    Hostile(
        "trap-record-flood",  # well-formed records, as the traps write them: a frame budget
        "import os, struct, json\nh = json.dumps({'ev': 'op', 'op': 'aten::add'}).encode()\n"
        "def mse(a, b):\n    for _ in range(100000):\n        try:\n"
        "            os.write(3, struct.pack('>II', len(h), 0) + h)\n"
        "        except OSError:\n            break\n    return 0.0\n",
        "flood",
    ),
    # -- exit codes: the harness reads the worker's wait status, never a code it chose ---------
    Hostile("exit-71-at-import", "import os\nos._exit(71)\n" + WRONG, "exited"),
    Hostile("exit-152-in-call", _fn("os._exit(152)"), "exited"),
    Hostile("exit-137-in-call", _fn("os._exit(137)"), "exited"),
    Hostile("raise-sigxcpu", _fn("os.kill(os.getpid(), signal.SIGXCPU)\ntime.sleep(1)"), "crashed"),
    Hostile("sigkill-self", _fn("os.kill(os.getpid(), signal.SIGKILL)"), "crashed"),
    # -- patched checkers: the mutation check reads shared memory from the harness ---------------
    Hostile(
        "patch-array-equal-then-mutate",
        "import numpy as np\nnp.array_equal = lambda *a, **k: True\n"
        "np.copy = lambda a, *args, **kwargs: a\n"
        "def mse(y_true, y_pred):\n    y_pred -= y_true\n    return float(np.mean(y_pred ** 2))\n",
        "mutated-input",
    ),
    Hostile(
        "overwrite-every-copy-then-mutate",
        "import gc\nimport numpy as np\n"
        "def mse(y_true, y_pred):\n    answer = float(np.mean((y_true - y_pred) ** 2))\n"
        "    y_pred -= y_true\n    for o in gc.get_objects():\n"
        "        if isinstance(o, np.ndarray) and o is not y_pred and o.shape == y_pred.shape:\n"
        "            try:\n                o[...] = y_pred\n            except ValueError:\n"
        "                pass\n    return answer\n",
        "mutated-input",
    ),
    Hostile(
        "patch-the-worker-in-memory",
        "import gc, types\n"
        "mods = [o for o in gc.get_objects() if isinstance(o, types.ModuleType)"
        " and o.__name__.endswith('worker')]\n"
        "for m in mods:\n    m.describe = lambda exc: {'type': 'x', 'message': 'x', 'line': None}\n"
        "    m.encode_output = lambda *a, **k: {'t': 'arr', 'shape': [], 'off': 0, 'len': 8}\n"
        + WRONG,
    ),
    Hostile(
        "restore-inputs-from-a-thread",
        "import threading, time\nimport numpy as np\n"
        "def mse(y_true, y_pred):\n    saved = y_pred.copy()\n    y_pred -= y_true\n"
        "    value = float(np.mean(y_pred ** 2))\n"
        "    threading.Thread(target=lambda: (time.sleep(0.5), y_pred.__setitem__(Ellipsis, saved)),"
        " daemon=True).start()\n    return value\n",
        "mutated-input",
    ),
    # -- privileges --------------------------------------------------------------------------
    Hostile(
        "regain-privileges",
        _fn(
            "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nerrors = []\n"
            "for call in (lambda: os.setuid(0), lambda: libc.unshare(0x10000000),\n"
            "             lambda: libc.ptrace(16, 1, 0, 0), lambda: libc.mount(b'proc', b'/tmp', b'proc', 0, None)):\n"
            "    try:\n        errors.append(call())\n    except OSError as e:\n        errors.append(e.errno)\n"
            "raise RuntimeError(repr(errors))"
        ),
    ),
    # -- malformed ----------------------------------------------------------------------------
    Hostile("syntax-error", "def mse(a, b)\n    return 0\n", "syntax-error"),
    Hostile("wrong-name", "def mean_squared_error(a, b):\n    return 0.0\n", "missing-function"),
    Hostile("not-callable", "mse = [1, 2, 3]\n", "not-callable"),
    Hostile("two-megabytes", "# " + "x" * (2 << 20) + "\n" + WRONG, "too-long"),
]
