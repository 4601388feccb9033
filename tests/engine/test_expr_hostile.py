"""Hostile input: nothing runs, every answer is `invalid` or `incorrect`, within a second.

Each input goes through ``grade_expression`` (against a scalar and a matrix target) and through
the API (``/api/v1/check/expression`` and ``/api/v1/parse``). The checks run in a forked child
process with a hard timeout, so that an input which makes the grader hang fails its own test
instead of hanging the whole suite; the time of each answer is measured inside the child with
``time.perf_counter`` and must be below one second.

The static rule "no eval/exec/sympify/parse_expr/lambdify" for the whole code base lives in
``tests/test_architecture.py::test_no_eval_on_anything``; ``test_expression_engine_never_evals``
below is the stricter version for the formula engine, and ``test_nothing_is_executed`` checks
the same thing at run time.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import multiprocessing
import os
import queue
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from engine.expr import Problem, VarSpec, grade_derivation, grade_expression, parse

REPO = Path(__file__).resolve().parents[2]
BOUND_SECONDS = 1.0  # every answer must arrive within this
HANG_SECONDS = 3.0  # the child is killed when one answer takes longer than this

SCALAR = Problem.build(expected="x^2 + 1")
MATRIX = Problem.build(
    variables={"X": VarSpec(("n", "p")), "y": VarSpec(("n",)), "beta": VarSpec(("p",))},
    derivative_of="1/n * sum((y - X beta)^2)",
    wrt="beta",
)
MATRIX_JSON = {
    "derivative_of": "1/n * sum((y - X beta)^2)",
    "wrt": "beta",
    "variables": {"X": {"shape": ["n", "p"]}, "y": {"shape": ["n"]}, "beta": {"shape": ["p"]}},
}

HOSTILE: dict[str, str] = {
    # --- Python code and object walks ---------------------------------------------------
    "import-os": "__import__('os').system('id')",
    "dunder-bases": "().__class__.__bases__[0]",
    "dunder-subclasses": "().__class__.__bases__[0].__subclasses__()",
    "dunder-globals": "x.__init__.__globals__['os']",
    "lambda": "lambda: 1",
    "lambda-call": "(lambda x: x)(1)",
    "eval": "eval(1)",
    "eval-string": "eval('__import__(\"os\")')",
    "exec": "exec('import os')",
    "compile": "compile('1', '', 'eval')",
    "open": "open('x')",
    "os-system": "os.system('id')",
    "getattr": "getattr(x, '__class__')",
    "format-string": "'{0.__class__}'.format(1)",
    "statements": "x^2 + 1; import os",
    "sympify": "sympify('x**2 + 1')",
    "sympy-symbol": "Symbol('x')**2 + 1",
    "template": "{{7*7}}",
    "html": "<script>alert(1)</script>",
    "sql": "x'); DROP TABLE users;--",
    # --- resource bombs -------------------------------------------------------------------
    "power-tower": "10^10^10",
    "power-tower-x": "x^x^x^x^x^x",
    "power-tower-e": "e^e^e^e^e^x",
    "huge-exponent": "2^(10^10)",
    "huge-literal-exponent": "x^100000",
    "huge-integer-power": "99999999999999999999999^99999999999999999999",
    "factorial-1e9": "factorial(10^9)",
    "factorial-100000": "factorial(100000)",
    "factorial-bang": "100000!",
    "factorial-nested": "factorial(factorial(20))",
    "binomial-huge": "binomial(10^9, 10^8)",
    "exp-huge": "exp(10^300)",
    "exp-nested-7": "exp(exp(exp(exp(exp(exp(exp(x)))))))",
    "exp-nested-30": "exp(" * 30 + "x" + ")" * 30,
    "sin-nested-60": "sin(" * 60 + "x" + ")" * 60,
    "nested-parens-10000": "(" * 10_000 + "x" + ")" * 10_000,
    "nested-parens-999": "(" * 999 + "x" + ")" * 999,
    "nested-brackets": "[" * 900 + "x" + "]" * 900,
    "one-megabyte": "x+" * 500_000 + "x",
    "many-terms": "+".join(["x"] * 1000),
    "big-piecewise": "piecewise(" + ", ".join(f"({i}, x > {i})" for i in range(150)) + ")",
    "float-overflow": "1e999999",
    "nines-5000": "9" * 5000,
    "nines-400": "9" * 400 + " x",
    "root-huge": "root(x, 10^100)",
    # --- LaTeX that a TeX engine would run --------------------------------------------------
    "latex-input": r"\input{/etc/passwd}",
    "latex-include": r"\include{/etc/passwd}",
    "latex-def-loop": r"\def\a{\a}\a",
    "latex-newcommand": r"\newcommand{\x}{\x}\x",
    "latex-renewcommand": r"\renewcommand{\sqrt}{x}\sqrt{2}",
    "latex-write18": r"\write18{id}",
    "latex-verbatim": r"\begin{verbatim}x\end{verbatim}",
    "latex-frac-bomb": r"\frac{" * 300 + "x" + "}{2}" * 300,
    "backslashes": "\\" * 1000,
    # --- homoglyphs and invisible characters --------------------------------------------------
    "cyrillic-x": "х^2 + 1",  # U+0445, looks like x
    "cyrillic-a-e": "x^2 + а - е",  # U+0430, U+0435
    "ukrainian-i-in-function": "sіn(x)^2 + 1",  # U+0456
    "fullwidth-digits": "１０^１０^１０",
    "fullwidth-exec": "ｅｘｅｃ('1')",
    "fullwidth-import": "＿＿import＿＿('os')",
    "nul-byte": "x^2\x00 + 1",
    "rtl-override": "x^2 + \u202e1 + x\u202c",
    "zero-width": "x\u200b^2 + 1",
    "carets": "x^^^^",
    "emoji": "x^2 + 1 + \U0001f642",
    "empty": "",
    "whitespace": " \t\n ",
}


def test_there_are_enough_hostile_inputs() -> None:
    assert len(HOSTILE) >= 25


# ----------------------------------------------------------------------------------------
# Running checks in a forked child with a hard timeout
# ----------------------------------------------------------------------------------------


def _child(func: Callable[[Any], Any], items: Sequence[Any], out: Any) -> None:
    for index, item in enumerate(items):
        try:
            result: Any = func(item)
        except BaseException as exc:  # report, never crash the child silently
            result = {"exception": f"{type(exc).__name__}: {exc}"[:300]}
        out.put((index, result))


def run_isolated(
    func: Callable[[Any], Any], items: Sequence[Any], timeout: float
) -> dict[int, Any]:
    """Run ``func`` on every item in a forked child; an item that takes longer than
    ``timeout`` is recorded as ``"TIMEOUT"``, the child killed and a new one started."""
    ctx = multiprocessing.get_context("fork")
    results: dict[int, Any] = {}
    start = 0
    while start < len(items):
        out = ctx.Queue()
        child = ctx.Process(target=_child, args=(func, items[start:], out), daemon=True)
        child.start()
        expected = start
        try:
            while expected < len(items):
                try:
                    index, result = out.get(timeout=timeout)
                except queue.Empty:
                    results[expected] = "TIMEOUT"
                    expected += 1
                    break
                results[start + index] = result
                expected = start + index + 1
        finally:
            child.kill()
            child.join()
        start = expected
    return results


def _grade_timed(text: str) -> dict[str, Any]:
    found = {}
    for name, problem in (("scalar", SCALAR), ("matrix", MATRIX)):
        began = time.perf_counter()
        verdict = grade_expression(text, problem)
        found[name] = (verdict.status, verdict.codes(), time.perf_counter() - began)
    began = time.perf_counter()
    # blank lines of a derivation are skipped, so a blank input is checked on its own
    verdict = grade_derivation(["x^2 + 1", text] if text.strip() else [text], SCALAR)
    found["derivation"] = (verdict.status, verdict.codes(), time.perf_counter() - began)
    return found


@pytest.fixture(scope="module")
def engine_results() -> dict[str, Any]:
    for problem in (SCALAR, MATRIX):  # targets prepared (and cached) before forking
        grade_expression("x", problem)
    keys = list(HOSTILE)
    found = run_isolated(lambda key: _grade_timed(HOSTILE[key]), keys, HANG_SECONDS)
    return {key: found[i] for i, key in enumerate(keys)}


def _check_result(key: str, result: Any) -> None:
    assert result != "TIMEOUT", f"{key}: no answer within {HANG_SECONDS} s (the grader hangs)"
    assert "exception" not in result, f"{key}: raised {result['exception']}"
    for where, (status, codes, elapsed) in result.items():
        assert status in ("invalid", "incorrect"), f"{key} ({where}): {status} {codes}"
        assert elapsed < BOUND_SECONDS, f"{key} ({where}): took {elapsed:.2f} s"


@pytest.mark.parametrize("key", list(HOSTILE))
def test_engine_rejects_hostile_input(key: str, engine_results: dict[str, Any]) -> None:
    _check_result(key, engine_results[key])


def test_bounds_answer_with_limit_messages() -> None:
    for text in (HOSTILE["one-megabyte"], HOSTILE["nested-parens-10000"]):
        verdict = grade_expression(text, SCALAR)
        assert verdict.status == "invalid" and verdict.codes() == ["limit"]
        assert "2000" in verdict.feedback[0].message
    verdict = grade_expression(HOSTILE["nested-parens-999"], SCALAR)
    assert verdict.codes() == ["limit"] and "nested" in verdict.feedback[0].message
    verdict = grade_expression(HOSTILE["factorial-100000"], SCALAR)
    assert verdict.codes() == ["limit"] and "factorial" in verdict.feedback[0].message
    verdict = grade_expression(HOSTILE["huge-literal-exponent"], SCALAR)
    assert verdict.codes() == ["limit"] and "exponent" in verdict.feedback[0].message


def test_homoglyphs_are_not_folded_into_names() -> None:
    declared = Problem.build(variables={"x": VarSpec()}, expected="x^2 + 1")
    for key in ("cyrillic-x", "cyrillic-a-e", "ukrainian-i-in-function"):
        verdict = grade_expression(HOSTILE[key], declared)
        assert verdict.status == "invalid", (key, verdict.codes())


# ----------------------------------------------------------------------------------------
# Nothing is executed
# ----------------------------------------------------------------------------------------

# called by bare name (builtins or `from sympy import ...`)
BANNED_NAMES = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "lambdify", "S"}
# called as an attribute (`sympy.sympify(...)`, `os.system(...)`)
BANNED_ATTRIBUTES = {
    "eval",
    "exec",
    "sympify",
    "parse_expr",
    "lambdify",
    "parse_latex",
    "S",
    "system",
    "popen",
    "Popen",
    "import_module",
}
BANNED_IMPORTS = {"sympy.parsing", "pickle", "subprocess", "os", "importlib", "ctypes"}


def _math_engine_files() -> Iterator[Path]:
    yield from sorted((REPO / "engine" / "expr").rglob("*.py"))
    yield REPO / "app" / "api" / "routes" / "maths.py"


def test_expression_engine_never_evals() -> None:
    hits = []
    for path in _math_engine_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in BANNED_NAMES:
                    hits.append(f"{where}: calls {func.id}")
                if isinstance(func, ast.Attribute) and func.attr in BANNED_ATTRIBUTES:
                    hits.append(f"{where}: calls .{func.attr}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if any(
                        alias.name == b or alias.name.startswith(b + ".") for b in BANNED_IMPORTS
                    ):
                        hits.append(f"{where}: imports {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module:
                if any(node.module == b or node.module.startswith(b + ".") for b in BANNED_IMPORTS):
                    hits.append(f"{where}: imports from {node.module}")
                for alias in node.names:
                    if alias.name in BANNED_NAMES | BANNED_ATTRIBUTES:
                        hits.append(f"{where}: imports {alias.name} from {node.module}")
    assert not hits, hits


class _Trapped(BaseException):
    """Raised by a trapped function; BaseException so that no ``except Exception`` hides it."""


def test_nothing_is_executed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grade the hostile inputs with eval, exec, sympify & co. trapped.

    ``eval``/``exec``/``compile`` are trapped when our own code calls them or when what they
    are given contains the learner's text; libraries may still run their own generated code
    (module imports, SymPy's monomial code generation)."""
    import sympy
    import sympy.parsing.sympy_parser as sympy_parser

    calls: list[str] = []
    errors: list[str] = []
    current = {"text": ""}
    ours = (str(REPO / "engine"), str(REPO / "app"))

    def trap(name: str, original: Callable[..., Any] | None = None) -> Callable[..., Any]:
        def called(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_filename
            given = str(args[0]) if args else ""
            text = current["text"].strip()
            learner = bool(text) and len(text) >= 3 and text[:60] in given
            if original is not None and not caller.startswith(ours) and not learner:
                return original(*args, **kwargs)
            calls.append(f"{name} from {caller} on {text[:40]!r}")
            raise _Trapped(name)

        return called

    for problem in (SCALAR, MATRIX):  # warm up: lazy imports happen before the traps
        grade_expression("2x + 1", problem)
    quick = [k for k in HOSTILE if not k.startswith("exp-nested")]  # those may hang
    with monkeypatch.context() as patch:  # undone before any assertion is reported
        for name in ("eval", "exec", "compile", "open"):
            patch.setattr(builtins, name, trap(name, getattr(builtins, name)))
        patch.setattr(os, "system", trap("os.system"))
        patch.setattr(os, "popen", trap("os.popen"))
        patch.setattr(subprocess, "Popen", trap("subprocess.Popen"))
        patch.setattr(sympy, "sympify", trap("sympify"))
        patch.setattr(sympy, "lambdify", trap("lambdify"))
        patch.setattr(sympy_parser, "parse_expr", trap("parse_expr"))
        for text in [HOSTILE[k] for k in quick] + ["2x + 1", "x^2 + 1"]:
            current["text"] = text
            try:
                for problem in (SCALAR, MATRIX):
                    grade_expression(text, problem)
                with contextlib.suppress(ValueError):
                    parse(text)
            except BaseException as exc:  # reported below, once the traps are removed
                errors.append(f"{text[:40]!r}: {type(exc).__name__}: {exc}")
    assert calls == [], calls
    assert errors == [], errors


def test_one_answer_does_not_change_another() -> None:
    """Grading is a pure function of (answer, problem): no state leaks between learners."""
    problem = Problem.build(expected="x^2 + 3")
    before = grade_expression("x^2 + 2", problem).to_dict()
    grade_expression("eval(1) + exec(2) + secret", problem)
    after = grade_expression("x^2 + 2", problem).to_dict()
    assert after == before


# ----------------------------------------------------------------------------------------
# Through the API
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory, shipped_content: Any) -> Any:
    from app.db.migrate import upgrade
    from app.main import create_app
    from app.settings import Settings
    from content import PACKAGED_CONTENT_DIR

    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'descent.db'}"
    upgrade(url)
    settings = Settings(database_url=url, content_dir=PACKAGED_CONTENT_DIR, secret_key="test")
    return create_app(settings, shipped_content)


class _ApiRunner:
    """Called in the child: one TestClient per child, created on first use."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client: Any = None

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        if self.client is None:
            from fastapi.testclient import TestClient

            self.client = TestClient(self.app)
            self.client.__enter__()
        began = time.perf_counter()
        response = self.client.post(path, json=body)
        elapsed = time.perf_counter() - began
        return response.status_code, response.json(), elapsed

    def hostile(self, text: str) -> dict[str, Any]:
        found = {}
        code, body, elapsed = self.post(
            "/api/v1/check/expression", {"expected": "x^2 + 1", "answer": text}
        )
        found["check-scalar"] = (code, body.get("status"), elapsed)
        code, body, elapsed = self.post("/api/v1/check/expression", {**MATRIX_JSON, "answer": text})
        found["check-matrix"] = (code, body.get("status"), elapsed)
        steps = ["x^2 + 1", text] if text.strip() else [text]
        code, body, elapsed = self.post(
            "/api/v1/check/expression", {"expected": "x^2 + 1", "steps": steps}
        )
        found["check-steps"] = (code, body.get("status"), elapsed)
        code, body, elapsed = self.post("/api/v1/parse", {"text": text})
        found["parse"] = (code, "ok" if body.get("ok") else "error", elapsed)
        return found


@pytest.fixture(scope="module")
def api_results(api_app: Any) -> dict[str, Any]:
    runner = _ApiRunner(api_app)
    keys = list(HOSTILE)
    # the first item of each child also starts the app: give it the same (generous) timeout
    found = run_isolated(lambda key: runner.hostile(HOSTILE[key]), keys, HANG_SECONDS + 2)
    return {key: found[i] for i, key in enumerate(keys)}


@pytest.mark.parametrize("key", list(HOSTILE))
def test_api_rejects_hostile_input(key: str, api_results: dict[str, Any]) -> None:
    result = api_results[key]
    assert result != "TIMEOUT", f"{key}: the API gave no answer within {HANG_SECONDS} s"
    assert "exception" not in result, f"{key}: {result['exception']}"
    for where, (code, status, elapsed) in result.items():
        assert code == 200, f"{key} ({where}): HTTP {code}"
        if where == "parse":
            assert status in ("ok", "error")
        else:
            assert status in ("invalid", "incorrect"), f"{key} ({where}): {status}"
        assert elapsed < BOUND_SECONDS, f"{key} ({where}): took {elapsed:.2f} s"


def test_service_still_answers_after_hostile_input(api_app: Any) -> None:
    """One service instance takes every hostile input, then grades a normal answer."""
    runner = _ApiRunner(api_app)

    def everything(_: object) -> dict[str, Any]:
        for text in HOSTILE.values():
            runner.hostile(text)
        code, body, elapsed = runner.post(
            "/api/v1/check/expression",
            {**MATRIX_JSON, "answer": "2/n X^T (X beta - y)"},
        )
        health = runner.client.get("/api/v1/healthz").status_code
        return {"code": code, "status": body.get("status"), "elapsed": elapsed, "health": health}

    budget = 15.0  # a healthy run needs about a second
    result = run_isolated(everything, [None], budget)[0]
    assert result != "TIMEOUT", "the service stopped answering after the hostile inputs"
    assert "exception" not in result, result
    assert result["code"] == 200 and result["status"] == "correct", result
    assert result["elapsed"] < BOUND_SECONDS
    assert result["health"] == 200
