"""The sandbox itself: wire protocol, seccomp program, queueing, disabling, restarts."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import numpy as np
import pytest

from engine.sandbox import IsolationReport, Limits, Sandbox, SandboxBusy, SandboxDisabled
from engine.sandbox.runtime import seccomp
from engine.sandbox.runtime.protocol import (
    BlobWriter,
    ProtocolError,
    Seq,
    Spec,
    Unconvertible,
    decode_input,
    decode_output,
    encode_input,
    encode_output,
    pack,
    split_frames,
)
from engine.sandbox.spawn import visible_paths

_NESTED: dict[str, Any] = {"t": "seq", "v": []}
for _ in range(6):
    _NESTED = {"t": "seq", "v": [_NESTED]}
SLEEPER = "import time\ndef f():\n    time.sleep(1.5)\n    return 1.0\n"
ONE = "def f():\n    return 1.0\n"


def run(box: Sandbox, source: str, limits: Limits | None = None) -> Any:
    return box.run({"source": source, "function": "f", "cases": [{"args": []}]}, b"", limits)


def test_inputs_round_trip_with_their_dtypes() -> None:
    writer = BlobWriter()
    value = [
        np.arange(3.0),
        np.arange(4, dtype=np.int64).reshape(2, 2),
        np.ones(2, np.float32),
        (1, 2.5, None, True),
        Spec(t="rng", seed=3),
        {"k": "v"},
    ]
    back = decode_input(encode_input(value, writer), writer.blob())
    for a, b in zip(value[:3], back[:3], strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b) and b.flags.writeable
    assert back[3] == (1, 2.5, None, True) and back[4] == {"t": "rng", "seed": 3}
    assert back[5] == {"k": "v"}


def test_outputs_become_plain_float64() -> None:
    class Weird:
        def __array__(self, *a: object, **k: object) -> np.ndarray:
            return np.array([1, 2])

    writer = BlobWriter()
    tree = encode_output((np.float32(1.5), [Weird(), "text"], None), writer, 100)
    out = decode_output(tree, writer.blob())
    assert isinstance(out, Seq) and out[0].dtype == np.float64 and float(out[0]) == 1.5
    assert np.array_equal(out[1][0], [1.0, 2.0]) and isinstance(out[1][1], Unconvertible)
    assert out[2] is None


@pytest.mark.parametrize(
    "node",
    [
        {"t": "arr", "shape": [2], "off": 0, "len": 8},  # length does not match the shape
        {"t": "arr", "shape": [1], "off": -8, "len": 8},
        {"t": "arr", "shape": [1], "off": 0, "len": 800},  # past the blob
        {"t": "arr", "shape": [2**40, 2**40], "off": 0, "len": 8},
        {"t": "arr", "shape": "x", "off": 0, "len": 8},
        {"t": "pickle", "v": "gASV"},
        _NESTED,  # too deep
        ["not", "a", "dict"],
    ],
)
def test_malformed_outputs_are_rejected(node: Any) -> None:
    with pytest.raises(ProtocolError):
        decode_output(node, b"\x00" * 16)


def test_split_frames_stops_at_garbage() -> None:
    good = pack({"ev": "start", "case": 0}) + pack({"ev": "done"}, b"xy")
    frames, complete = split_frames(good, 10)
    assert complete and [h["ev"] for h, _ in frames] == ["start", "done"] and frames[1][1] == b"xy"
    frames, complete = split_frames(good + b"\xff" * 11, 10)
    assert not complete and len(frames) == 2
    frames, complete = split_frames(good[:-1], 10)
    assert not complete and len(frames) == 1


def test_seccomp_program_shape() -> None:
    program = seccomp.build_filter()
    assert len(program) % 8 == 0 and len(program) // 8 < 4096
    assert seccomp.X86_64_REFUSED["socket"] == 41


@pytest.mark.parametrize(
    ("layers", "enabled"),
    [
        ({"separate-uid": True, "mount-namespace": False}, True),
        ({"separate-uid": False, "mount-namespace": True}, True),
        ({"separate-uid": False, "mount-namespace": False, "seccomp": True}, False),
    ],
)
def test_code_runs_only_when_confined(layers: dict[str, bool], enabled: bool) -> None:
    report = IsolationReport(layers=layers)
    assert report.enabled == enabled
    assert (report.reason() == "") == enabled


def test_site_packages_are_masked_inside_exposed_folders() -> None:
    expose, mask = visible_paths()
    assert os.path.dirname(os.__file__) in expose
    assert os.path.dirname(np.__file__) in expose
    assert all(any(m.startswith(e + os.sep) for e in expose) for m in mask)


def test_this_machine_confines_code() -> None:
    box = Sandbox(workers=1)
    try:
        report = box.start()
        assert report.enabled, report.reason()
        assert {"rlimits", "clean-environment", "scratch-directory"} <= set(report.active)
    finally:
        box.close()


@pytest.mark.slow
def test_a_full_queue_answers_busy_at_once() -> None:
    box = Sandbox(workers=1, queue=0)
    try:
        box.start()
        worker = threading.Thread(target=run, args=(box, SLEEPER))
        worker.start()
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(SandboxBusy) as err:
            run(box, ONE)
        assert time.monotonic() - started < 0.5 and err.value.retry_after >= 1
        worker.join()
        assert run(box, ONE).exit_code == 0  # free again
    finally:
        box.close()


@pytest.mark.slow
def test_waiting_too_long_for_a_runner_answers_busy() -> None:
    box = Sandbox(workers=1, queue=1, queue_timeout=0.2)
    try:
        box.start()
        worker = threading.Thread(target=run, args=(box, SLEEPER))
        worker.start()
        time.sleep(0.3)
        with pytest.raises(SandboxBusy):
            run(box, ONE)
        worker.join()
    finally:
        box.close()


def test_without_namespaces_or_uid_code_is_refused() -> None:
    box = Sandbox(workers=1, disable=("mount-namespace", "separate-uid", "user-namespace"))
    try:
        assert not box.start().enabled
        with pytest.raises(SandboxDisabled, match="neither namespaces nor a separate uid"):
            run(box, ONE)
    finally:
        box.close()


def test_the_zygote_is_restarted_when_it_dies() -> None:
    box = Sandbox(workers=1)
    try:
        box.start()
        assert box._proc is not None
        box._proc.kill()
        box._proc.wait()
        time.sleep(0.1)
        assert run(box, ONE).exit_code == 0
    finally:
        box.close()


@pytest.mark.slow
def test_uid_only_fallback_kills_leftover_processes(tmp_path: Any) -> None:
    marker = f"/tmp/descent-fallback-{os.getpid()}"
    source = (
        "import os, time\ndef f():\n    if os.fork() == 0:\n        os.setsid()\n"
        "        if os.fork() == 0:\n            time.sleep(1)\n"
        f"            open({marker!r}, 'w').write('x')\n        os._exit(0)\n    return 1.0\n"
    )
    box = Sandbox(workers=1, disable=("mount-namespace", "pid-namespace"))
    try:
        report = box.start()
        if not report.layers.get("separate-uid"):
            pytest.skip("needs root for a separate uid")
        assert run(box, source).exit_code == 0
        time.sleep(1.5)
        assert not os.path.exists(marker)
    finally:
        box.close()


SUBMODULES = """import numpy as np
import numpy.testing, numpy.polynomial, numpy.ma
def mse(y_true, y_pred):
    np.testing.assert_equal(np.shape(y_true), np.shape(y_pred))
    return float(np.mean((y_true - y_pred) ** 2))
"""


@pytest.mark.slow
@pytest.mark.parametrize("base", ["/tmp", "/opt"])
def test_numpy_submodules_import_wherever_numpy_is_installed(base: str) -> None:
    """A service whose NumPy lives under /tmp (a venv there) must not lose it behind the
    sandbox's private /tmp; /opt stands for any other prefix."""
    import shutil
    import subprocess
    import sys
    import tempfile

    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    folder = os.path.dirname(np.__file__)
    try:
        site = tempfile.mkdtemp(prefix="descent-site-", dir=base)
    except OSError:
        pytest.skip(f"cannot write under {base}")
    try:
        shutil.copytree(folder, os.path.join(site, "numpy"), symlinks=True)
        if os.path.isdir(folder + ".libs"):
            shutil.copytree(folder + ".libs", os.path.join(site, "numpy.libs"), symlinks=True)
        script = (
            f"import sys\nsys.path.insert(0, {site!r})\nimport numpy\n"
            f"assert numpy.__file__.startswith({site!r}), numpy.__file__\n"
            "from engine.judge import judge\n"
            f"print(judge(exercise='mse', source={SUBMODULES!r}).status)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=180
        )
        assert out.stdout.split()[-1:] == ["correct"], out.stdout[-2000:] + out.stderr[-2000:]
    finally:
        shutil.rmtree(site, ignore_errors=True)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (pack({"ev": "x"}, b"y" * 2000), "bytes"),
        (b"\x00\x01\x00\x00\x00\x00\x00\x00", "header"),  # announces a 64 KiB header
        (pack({"ev": "x"}) * 50, "frames"),
        (pack({"ev": [{}] * 150}), "items"),  # 152 containers in 460 bytes of JSON
    ],
)
def test_frame_reader_stops_at_its_budget(data: bytes, what: str) -> None:
    from engine.sandbox.runtime.protocol import FrameReader, OverBudget

    reader = FrameReader(max_bytes=1000, max_header=1024, max_frames=20, max_items=100)
    with pytest.raises(OverBudget) as err:
        for i in range(0, len(data), 7):  # arriving in small pieces
            reader.feed(data[i : i + 7])
    assert err.value.what == what


def test_frame_reader_rejects_what_is_not_json() -> None:
    from engine.sandbox.runtime.protocol import PREFIX, FrameReader

    reader = FrameReader(max_bytes=1000)
    with pytest.raises(ProtocolError):
        reader.feed(PREFIX.pack(3, 0) + b"\xff\xfe{")


SNOOPER = """import gc
import numpy as np
SEEN = [o.copy() for o in gc.get_objects() if isinstance(o, np.ndarray)]
BLOBS = [o for o in gc.get_objects() if isinstance(o, (bytes, bytearray)) and len(o) > 64]
def mse(y_true, y_pred):
    known = any(a.shape == y_true.shape and np.array_equal(a, y_true) for a in SEEN)
    known = known or any(y_true.tobytes() in b for b in BLOBS)
    return 1e9 if known else float(np.mean((y_true - y_pred) ** 2))
"""


def test_the_worker_holds_no_input_it_was_not_asked_about() -> None:
    from engine.judge import judge

    verdict = judge(exercise="mse", source=SNOOPER)
    assert verdict.correct, verdict.feedback


def test_a_frame_the_worker_writes_itself_fails_the_case() -> None:
    from engine.judge import judge

    forged = (
        "import json, os, struct\ndef mse(a, b):\n"
        "    h = json.dumps({'ev': 'result', 'value': {'t': 'none'}, 'seq': 0}).encode()\n"
        "    os.write(3, struct.pack('>II', len(h), 0) + h)\n"
        "    return float(((a - b) ** 2).mean())\n"
    )
    verdict = judge(exercise="mse", source=forged)
    assert not verdict.correct and "unreadable" in verdict.codes(), verdict.feedback
