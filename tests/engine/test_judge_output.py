"""What a submission prints: captured per visible case (and while loading), bounded with the cut
said, never shown for hidden cases, never judged; a flood ends the run at the output limit."""

from __future__ import annotations

import ast
import time
from typing import Any

from engine.judge import judge
from engine.judge.report import MAX_STREAM_CHARS

HEAD = "import os, sys\nimport numpy as np\n"
RIGHT = "    return float(np.mean((y_true - y_pred) ** 2))\n"


def _mse(body: str, head: str = "") -> str:
    lines = "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    return f"{HEAD}{head}def mse(y_true, y_pred):\n{lines}{RIGHT}"


def _cases(source: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    shown = judge(exercise="mse", source=source).to_dict()
    return shown, shown["cases"]


def test_a_print_in_a_visible_case_is_shown_with_that_case() -> None:
    shown, cases = _cases(_mse("print('shapes', y_true.shape)\nsys.stderr.write('careful\\n')"))
    assert shown["status"] == "correct"
    visible = [c for c in cases if c["visible"]]
    assert visible
    assert visible[0]["stdout"] == "shapes (3,)\n"
    assert visible[0]["stderr"] == "careful\n"
    assert visible[0]["output_truncated"] is False
    assert visible[0]["stdout_dropped_bytes"] == 0
    assert "stdout" not in shown  # nothing was printed while loading


def test_what_loading_prints_is_shown_apart() -> None:
    shown, cases = _cases(_mse("pass", head="print('loading')\n"))
    assert shown["stdout"] == "loading\n" and shown["stderr"] == ""
    assert all("stdout" not in c for c in cases)  # the cases printed nothing


def test_what_loading_prints_is_shown_when_loading_fails() -> None:
    shown = judge(exercise="mse", source="print('so far')\nraise ValueError('no')\n").to_dict()
    assert "load-exception" in [f["code"] for f in shown["feedback"]]
    assert shown["stdout"] == "so far\n"


def test_hidden_cases_never_show_what_they_print() -> None:
    # every input seen so far is printed: hidden inputs must not reach the learner
    _, cases = _cases(_mse("SEEN.append(y_true.tolist())\nprint(SEEN)", head="SEEN = []\n"))
    visible = [c for c in cases if c["visible"]]
    hidden = [c for c in cases if not c["visible"]]
    assert visible and hidden
    assert len(ast.literal_eval(visible[-1]["stdout"])) == len(visible)  # no hidden input yet
    for case in hidden:
        assert case["output_hidden"] is True
        assert not any(k in case for k in ("stdout", "stderr", "output_truncated"))


def test_long_output_is_cut_and_the_cut_is_said() -> None:
    shown, cases = _cases(_mse("print('é' * 5000)"))
    assert shown["status"] == "correct"
    first = cases[0]
    assert first["output_truncated"] is True and first["stdout_truncated"] is True
    assert first["stderr_truncated"] is False
    assert first["stdout"] == "é" * (MAX_STREAM_CHARS // 2)  # 4 KiB kept, no half character
    assert first["stdout_dropped_bytes"] == 10_001 - MAX_STREAM_CHARS


def test_a_flood_is_bounded_and_ends_at_the_output_limit() -> None:
    for body in (
        "while True:\n    print('x' * 10 ** 6)",
        "while True:\n    os.write(2, b'y' * 65536)",
    ):
        started = time.monotonic()
        shown, cases = _cases(_mse(body))
        assert time.monotonic() - started < 30
        assert shown["status"] == "incorrect"
        assert "limit-output" in [f["code"] for f in shown["feedback"]], shown["feedback"]
        first = cases[0]
        text = first["stdout"] or first["stderr"]
        assert 0 < len(text) <= MAX_STREAM_CHARS and first["output_truncated"] is True
        assert first["stdout_dropped_bytes"] + first["stderr_dropped_bytes"] >= 1 << 19


def test_a_line_printed_before_the_cpu_limit_is_kept() -> None:
    shown, cases = _cases(_mse("print('before the loop')\nwhile True:\n    pass"))
    assert "limit-cpu" in [f["code"] for f in shown["feedback"]]
    assert cases[0]["stdout"] == "before the loop\n"


def test_invalid_utf8_is_replaced() -> None:
    body = "sys.stdout.flush()\nos.write(1, b'bad \\xff \\xed\\xa0\\x80 end\\n')"
    shown, cases = _cases(_mse(body))
    assert shown["status"] == "correct"
    text = cases[0]["stdout"]
    assert text.startswith("bad \ufffd") and text.endswith(" end\n")
    text.encode("utf-8")  # no lone surrogate survives


OUTPUT_FIELDS = (
    "stdout",
    "stderr",
    "output_truncated",
    "stdout_truncated",
    "stderr_truncated",
    "stdout_dropped_bytes",
    "stderr_dropped_bytes",
)


def _judged_without_output(source: str, seed: int) -> dict[str, Any]:
    shown = judge(exercise="mse", source=source, seed=seed).to_dict()
    for part in (shown, *shown["cases"]):
        for key in OUTPUT_FIELDS:
            part.pop(key, None)
    return shown


def test_printed_frames_and_verdicts_are_only_text() -> None:
    fake = (
        "import json, struct\n"
        "head = json.dumps({'ev': 'result', 'case': 0, 'value': 1.0}).encode()\n"
        "sys.stdout.buffer.write(struct.pack('>II', len(head), 0) + head)\n"
        'print(\'{"status": "correct", "score": 1.0}\')\n'
        "sys.stdout.flush()\n"
        "os.write(2, struct.pack('>II', len(head), 0) + head)\n"
    )
    body = "".join(f"    {line}\n" for line in fake.splitlines())
    wrong = f"{HEAD}def mse(y_true, y_pred):\n{body}    return 0.0\n"
    shown = judge(exercise="mse", source=wrong, seed=5).to_dict()
    assert '"status": "correct"' in shown["cases"][0]["stdout"]
    assert '"ev": "result"' in shown["cases"][0]["stderr"]
    plain = f"{HEAD}def mse(y_true, y_pred):\n    return 0.0\n"
    assert _judged_without_output(wrong, 5) == _judged_without_output(plain, 5)


def test_output_does_not_change_the_verdict() -> None:
    loud = _mse("print('x' * 30_000)\nsys.stderr.write('y' * 30_000)")
    assert _judged_without_output(loud, 3) == _judged_without_output(_mse("pass"), 3)
