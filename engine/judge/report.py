"""Turn a finished sandbox run into a verdict: one report per case, specific messages."""

from __future__ import annotations

import re
import signal
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from engine.judge.compare import Outcome, article, compare, factor_note, to_plain
from engine.judge.core import Case, Exercise
from engine.judge.text import call as call_text
from engine.judge.text import result as result_text
from engine.sandbox import RunResult
from engine.sandbox.runtime.drivers import drive
from engine.sandbox.runtime.protocol import ProtocolError, decode_output
from engine.verdict import Details, Feedback, Verdict, invalid

MAX_SHOWN_MESSAGES = 3
ISOLATION_FAILED = 71
RULE_CODE = re.compile(r"[a-z][a-z-]{0,39}")


class CaseResult(BaseModel):
    """One case as the learner sees it: hidden cases show neither their call nor the expected
    value."""

    model_config = ConfigDict(extra="forbid")

    name: str
    visible: bool
    passed: bool
    message: str = ""
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    call: str | None = Field(default=None, description="The call, for visible cases.")
    expected: str | None = Field(
        default=None, description="The expected result, for visible cases that failed."
    )


class CodeDetails(Details):
    """What a code verdict adds: one entry per case, in the order they ran."""

    cases: list[CaseResult] = []


@dataclass
class CaseReport:
    name: str
    visible: bool
    passed: bool
    message: str = ""
    code: str = ""
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    call: str | None = None
    expected: str | None = None

    def result(self) -> CaseResult:
        return CaseResult(
            name=self.name,
            visible=self.visible,
            passed=self.passed,
            message=self.message,
            max_abs_error=_rounded(self.max_abs_error),
            max_rel_error=_rounded(self.max_rel_error),
            call=self.call,
            expected=self.expected,
        )


def _rounded(x: float | None) -> float | None:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return None
    return float(f"{x:.3g}")


def stop_reason(run: RunResult) -> tuple[str, str]:
    """Why a run ended early (code, message); ("", "") when it finished normally."""
    lim = run.limits
    if run.killed == "wall":
        return "limit-wall", f"wall time limit {lim.wall_seconds:g} s exceeded"
    if run.killed == "output":
        return "limit-output", f"printed more than {lim.output_bytes // 1024} KiB of output"
    if run.killed == "result":
        return "limit-result", f"returned more than {lim.result_bytes >> 20} MiB of data"
    if run.signal == signal.SIGXCPU or (
        run.signal == signal.SIGKILL and run.cpu_seconds >= lim.cpu_seconds - 0.05
    ):
        return "limit-cpu", f"CPU time limit {lim.cpu_seconds} s exceeded"
    if run.signal == signal.SIGXFSZ:
        return "limit-file", f"wrote a file larger than {lim.file_bytes >> 20} MiB"
    if run.signal is not None:
        name = (
            signal.Signals(run.signal).name if run.signal in signal.valid_signals() else run.signal
        )
        return "crashed", f"the process crashed ({name}) — deep recursion or raw memory access?"
    if not run.complete:
        return (
            "unreadable",
            "the judge could not read the results: something else was written"
            " to its result channel",
        )
    if run.exit_code not in (0, None):
        return "exited", f"the process exited with code {run.exit_code} — do not call exit()"
    return "exited", "the process stopped before finishing — do not call exit()"


class _Run:
    """The events of one run, indexed by case."""

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self.load_error: dict[str, Any] | None = None
        self.results: dict[int, tuple[dict[str, Any], bytes]] = {}
        self.started: set[int] = set()
        self.done = False
        for header, blob in run.frames:
            ev, index = header.get("ev"), header.get("case")
            if ev == "load-error" and self.load_error is None:
                self.load_error = header
            elif ev == "start" and type(index) is int:
                self.started.add(index)
            elif ev in ("result", "error") and type(index) is int and index not in self.results:
                self.results[index] = (header, blob)
            elif ev == "done":
                self.done = True
                break


def build_verdict(exercise: Exercise, function: str, cases: list[Case], run: RunResult) -> Verdict:
    """Judge every case of a finished run."""
    events = _Run(run)
    if run.exit_code == ISOLATION_FAILED and not run.frames:
        return Verdict(
            "error",
            0.0,
            [Feedback("sandbox-error", "the judge could not start your code; please try again")],
        )
    if events.load_error is not None:
        return _load_failure(exercise, function, events.load_error)
    stop = ("", "") if events.done and run.signal is None else stop_reason(run)
    reports = [_case_report(exercise, i, case, events, stop) for i, case in enumerate(cases)]
    if not events.results and stop[0]:
        return Verdict(
            "incorrect",
            0.0,
            [Feedback(stop[0], stop[1])],
            CodeDetails(cases=[r.result() for r in reports]),
        )
    return _summarize(reports)


def _load_failure(exercise: Exercise, function: str, event: dict[str, Any]) -> Verdict:
    kind = event.get("kind")
    signature = exercise.signature.replace(exercise.name, function, 1)
    if kind == "syntax":
        line = event.get("line")
        where = f" on line {line}" if isinstance(line, int) else ""
        return invalid("syntax-error", f"syntax error{where}: {str(event.get('message'))[:200]}")
    if kind == "missing":
        return invalid("missing-function", f"define `{signature}` — no `{function}` was found")
    if kind == "not-callable":
        return invalid(
            "not-callable",
            f"`{function}` is {article(str(event.get('type'))[:60])}, not a function;"
            f" define `{signature}`",
        )
    return Verdict(
        "incorrect",
        0.0,
        [Feedback("load-exception", f"your code raised {_exception_text(event)} while loading")],
    )


def _exception_text(event: dict[str, Any]) -> str:
    kind = str(event.get("type", "an exception"))[:80]
    message = str(event.get("message", ""))[:300]
    line = event.get("line")
    where = f" (line {line})" if isinstance(line, int) else ""
    return f"{kind}: {message}{where}" if message else f"{kind}{where}"


def _case_report(
    exercise: Exercise, index: int, case: Case, events: _Run, stop: tuple[str, str]
) -> CaseReport:
    report = CaseReport(case.name, case.visible, False)
    if case.visible:
        report.call = call_text(exercise, case)
    entry = events.results.get(index)
    if entry is None:
        if index in events.started:
            report.message, report.code = f"did not finish: {stop[1]}", stop[0] or "stopped"
        else:
            report.message, report.code = "not run: the run stopped at an earlier case", "not-run"
        return report
    header, blob = entry
    if header.get("ev") == "error":
        rule = header.get("requirement")
        if isinstance(rule, str) and RULE_CODE.fullmatch(rule):  # a rule the driver enforces
            report.message, report.code = str(header.get("message", ""))[:300], rule
        else:
            report.message = f"raised {_exception_text(header)}"
            report.code = "exception"
        return report
    try:
        got = decode_output(header.get("value"), blob)
    except ProtocolError:
        report.message, report.code = "returned data the judge could not read", "unreadable"
        return report
    outcome = _judge_value(exercise, case, got)
    mutated = header.get("mutated")
    if outcome.passed and isinstance(mutated, list) and mutated:
        outcome = Outcome(
            False,
            "modified an input array in place — work on a copy (inputs must not be mutated)",
            "mutated-input",
            outcome.abs_err,
            outcome.rel_err,
        )
    report.passed, report.message, report.code = outcome.passed, outcome.message, outcome.code
    report.max_abs_error, report.max_rel_error = outcome.abs_err, outcome.rel_err
    if case.visible and not outcome.passed and case.check is None:
        expected = _reference(exercise, case)
        show = exercise.show or (lambda value, _: result_text(value))
        report.expected = show(expected, case)
    return report


def _reference(exercise: Exercise, case: Case, fn: Any = None) -> Any:
    """Drive a trusted implementation (the reference by default) on a case's inputs."""
    with np.errstate(all="ignore"):
        return drive(fn or case.target or exercise.reference, case.wire(reference=True))


def _judge_value(exercise: Exercise, case: Case, got: Any) -> Outcome:
    if case.check is not None:
        found = case.check(got, case)
        code, message = found if isinstance(found, tuple) else ("property", found)
        return Outcome(message is None, message or "", "" if message is None else code)
    expected = to_plain(_reference(exercise, case))
    rtol, atol = exercise.tolerance(case)
    outcome = compare(expected, got, rtol, atol, exercise.returns)
    if outcome.passed:
        return outcome
    for mistake in exercise.mistakes:
        try:
            wrong = to_plain(_reference(exercise, case, mistake.fn))
        except Exception:
            continue
        if compare(wrong, got, max(rtol, 1e-9), max(atol, 1e-12), exercise.returns).passed:
            outcome.message, outcome.code = mistake.message, f"mistake-{mistake.code}"
            return outcome
    where = f" for {case.about}" if case.about and case.about not in case.name else ""
    advice = case.advice or exercise.advice
    if outcome.code == "nonfinite":
        outcome.message = f"{outcome.message}{where}" + (f" — {advice}" if advice else "")
    elif outcome.code == "shape" and exercise.shape_hint:
        outcome.message += f" — {exercise.shape_hint}"
    elif outcome.code == "wrong-value":
        note = factor_note(expected, got)
        outcome.message = note or (
            f"wrong values{where} (largest absolute error {outcome.abs_err:.3g})"
            + (f" — {case.advice}" if case.advice else "")
        )
    return outcome


def _summarize(reports: list[CaseReport]) -> Verdict:
    passed = sum(r.passed for r in reports)
    total = len(reports)
    cases = CodeDetails(cases=[r.result() for r in reports])
    n_visible = sum(r.visible for r in reports)
    if passed == total:
        message = f"all {total} cases passed ({n_visible} visible, {total - n_visible} hidden)"
        return Verdict("correct", 1.0, [Feedback("all-cases-passed", message)], cases)
    failed = [r for r in reports if not r.passed]
    feedback = [Feedback("cases-failed", f"{len(failed)} of {total} cases failed")]
    seen: set[str] = set()
    for r in failed:
        if r.message not in seen and len(seen) < MAX_SHOWN_MESSAGES:
            seen.add(r.message)
            feedback.append(Feedback(r.code or "case-failed", f"{r.name}: {r.message}"))
    status = "partial" if passed else "incorrect"
    return Verdict(status, passed / total, feedback, cases)
