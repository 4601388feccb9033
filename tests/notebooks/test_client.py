"""The client on its own: what source it sends, how results show, where the token lives, and
what it says when no server answers."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from app import client
from app.client import connection, display, source

HELPERS = '''
import math
import numpy as np
from numpy import exp as e

SCALE = 2.0
NAMES = ("a", "b")
DATA = np.arange(3)


def _clip(r, delta):
    return np.clip(r, -delta, delta)


def _half(v):
    return 0.5 * v * SCALE / 2


def huber(y_true, y_pred, delta=1.0):
    r = y_true - y_pred
    inside = _half(r ** 2)
    return float(np.mean(np.where(np.abs(r) <= delta, inside, delta * (np.abs(r) - 0.5 * delta))))


def uses_everything(x):
    def inner(v):
        return e(v) + math.pi
    return inner(x) + len(NAMES) + DATA.sum() + _clip(x, 1.0)


class Doubler:
    factor = SCALE

    def __call__(self, x):
        return np.asarray(x) * self.factor


def stub(a, b):
    """Write me."""
    ...


def not_yet(a):
    raise NotImplementedError("later")
'''


def load(tmp_path: Path, text: str = HELPERS, name: str = "notebook_cells") -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_source_carries_imports_helpers_and_constants(tmp_path: Path) -> None:
    m = load(tmp_path)
    sent = source.collect(m.huber).source
    assert sent.startswith("import numpy as np\n")
    assert "SCALE = 2.0" in sent
    assert sent.index("def _half") < sent.index("def huber") and "def _clip" not in sent
    namespace: dict[str, object] = {}
    exec(compile(sent, "<sent>", "exec"), namespace)  # the sent text alone is a working module
    assert namespace["huber"](np.zeros(2), np.array([0.5, 3.0])) == pytest.approx(1.3125)  # type: ignore[operator]


def test_nested_functions_library_aliases_and_unsendable_values(tmp_path: Path) -> None:
    found = source.collect(load(tmp_path).uses_everything)
    assert "from numpy import exp as e" in found.source and "import math" in found.source
    assert "NAMES = ('a', 'b')" in found.source and "def _clip" in found.source
    assert found.skipped == {"DATA": "ndarray"}


def test_classes_are_sent_with_what_their_methods_use(tmp_path: Path) -> None:
    sent = source.collect(load(tmp_path).Doubler).source
    assert "class Doubler" in sent and "SCALE = 2.0" in sent and "import numpy as np" in sent


def test_a_class_defined_in_a_notebook_cell_is_found_through_its_methods(tmp_path: Path) -> None:
    import linecache

    cell = "class Cell:\n    def go(self):\n        return 1\n"
    filename = str(tmp_path / "ipykernel_cell.py")  # registered in linecache, as IPython does
    linecache.cache[filename] = (len(cell), None, cell.splitlines(True), filename)
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(compile(cell, filename, "exec"), namespace)
    Cell = namespace["Cell"]
    Cell.__module__ = "__main__not_a_file"  # type: ignore[attr-defined]  # no module file to read
    assert source.definition(Cell) == cell


def test_lambdas_cannot_be_sent() -> None:
    with pytest.raises(source.SourceUnavailable, match="lambda"):
        source.collect(lambda x: x)


def test_implemented_tells_a_stub_from_a_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = load(tmp_path)
    assert client.implemented(m.huber)
    assert not client.implemented(m.stub, m.not_yet, m.huber)
    assert "Write `stub`, `not_yet` above and run their cells" in capsys.readouterr().out


def test_numbers_become_plain_json() -> None:
    values = {"a": np.array([1.0, np.nan]), "b": (np.float64(2.5), float("inf")), 3: np.int64(4)}
    assert client._plain(values) == {"a": [1.0, None], "b": [2.5, None], "3": 4}


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("linux", ".config/descent"),
        ("darwin", "Library/Application Support/descent"),
        ("win32", "descent"),
    ],
)
def test_the_token_lives_in_the_platforms_config_folder(
    platform: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DESCENT_CONFIG_DIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setattr(sys, "platform", platform)
    assert connection.config_dir().as_posix().endswith(expected)


def test_saved_tokens_are_private_and_per_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DESCENT_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("DESCENT_URL", "http://a.example:1/")
    path = connection.save_login({"token": "t1", "username": "ada", "expires_at": "x"})
    assert path.stat().st_mode & 0o777 == 0o600
    assert connection.saved_login() == {"token": "t1", "username": "ada", "expires_at": "x"}
    monkeypatch.setenv("DESCENT_URL", "http://b.example:2")
    assert connection.saved_login() is None
    assert json.loads(path.read_text())["http://a.example:1"]["token"] == "t1"


def test_no_server_is_a_clear_message_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.live import free_port

    monkeypatch.setenv("DESCENT_URL", f"http://127.0.0.1:{free_port()}")
    result = client.check("code-mse", "def mse(a, b):\n    return 0\n")
    assert isinstance(result, display.Problem) and not result
    assert "descent serve" in str(result) and "DESCENT_URL" in str(result)
    assert "descent serve" in result._repr_html_()
    assert not client.compare("capstone-regression", "fits", fits={})


def test_verdicts_show_as_tables_in_html_and_text() -> None:
    raw = {
        "question": "code-mse", "kind": "code", "status": "incorrect", "correct": False, "score": 0.0,
        "feedback": [{"code": "mistake-sum", "message": "you summed <b>instead</b> of averaging"}],
        "cases": [{"name": "example 1", "visible": True, "passed": False, "message": "off by 3×",
                   "call": "mse(a, b)", "expected": "0.5", "max_abs_error": 1.0}],
    }  # fmt: skip
    verdict = display.Verdict(raw, notes=["not sent: `DATA` (a ndarray)"])
    assert not verdict and repr(verdict) == "<Verdict code-mse: incorrect, score 0.00>"
    html = verdict._repr_html_()
    assert "<table>" in html and "&lt;b&gt;instead" in html and "expected 0.5" in html
    text = str(verdict)
    assert text.startswith("✗ code-mse: incorrect") and "example 1  failed" in text
    assert "not stored (anonymous" in text and "not sent: `DATA`" in text


def test_check_results_show_both_sides_and_comments() -> None:
    raw = {"notebook": "capstone-regression", "check": "fits", "passed": True, "score": 1.0,
           "summary": "all 3 fits match the reference", "comments": ["MSE tilts."],
           "items": [{"name": "MSE fit", "passed": True, "message": "ok", "yours": {"slope": 1.5},
                      "reference": {"slope": 1.4877}}]}  # fmt: skip
    result = display.CheckResult(raw)
    assert result and "slope 1.5" in str(result) and "slope 1.488" in str(result)
    assert "* MSE tilts." in str(result) and "<li>MSE tilts.</li>" in result._repr_html_()


def test_the_client_imports_no_server_code() -> None:
    probe = (
        "import sys, app.client; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'starlette', 'sqlalchemy', 'engine', 'content', 'pydantic', 'numpy')]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
