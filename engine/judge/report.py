"""Turn a finished sandbox run into a verdict: one report per case, specific messages."""

from __future__ import annotations

import re
import signal
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.constants import Status
from engine.judge.compare import Outcome, article
from engine.judge.core import Case, Exercise
from engine.judge.text import call as call_text
from engine.judge.text import result as result_text
from engine.judge.trusted import reference
from engine.judge.values import judge_value
from engine.sandbox import RunResult
from engine.sandbox.runtime.protocol import ProtocolError, clean_text, decode_output
from engine.verdict import Details, Feedback, Verdict, invalid

MAX_SHOWN_MESSAGES = 3
GENERIC_CODES = ("wrong-value", "not-run", "stopped")
CPU_SHARE = 0.75  # a worker killed past 75 % of its CPU limit was killed by the limit
# (under load, rusage runs up to ~15 % behind the clock the kernel checks the limit against)
RULE_CODE = re.compile(r"[a-z][a-z-]{0,39}")
PROTOCOL = {
    "unreadable": (
        "unreadable",
        "the judge could not read what your code returned: something else was written to"
        " its result channel",
    ),
    "flood": ("flood", "your code wrote far more to the judge's result channel than it asked for"),
}


MAX_STREAM_CHARS = 4096  # the harness keeps 4 KiB of each stream per step; text never exceeds it


class Printed(BaseModel):
    """What the submission printed during one step (loading, or a visible case): the start of
    each stream, and how much was cut. Shown, never judged."""

    model_config = ConfigDict(extra="forbid")

    stdout: str | None = Field(
        default=None,
        description="What the code printed to stdout (the first 4 KiB), when it printed anything.",
    )
    stderr: str | None = Field(
        default=None, description="What the code wrote to stderr (the first 4 KiB)."
    )
    output_truncated: bool | None = Field(
        default=None, description="Whether either stream was cut (see the two fields below)."
    )
    stdout_truncated: bool | None = None
    stderr_truncated: bool | None = None
    stdout_dropped_bytes: int | None = Field(
        default=None, description="Bytes printed to stdout beyond what is shown."
    )
    stderr_dropped_bytes: int | None = Field(
        default=None, description="Bytes written to stderr beyond what is shown."
    )


class _Case(BaseModel):
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
    output_hidden: bool | None = Field(
        default=None,
        description="Set on hidden cases: what they print is never shown (it would give their"
        " inputs away).",
    )


class CaseResult(Printed, _Case):  # the case's own fields first, then what it printed
    """One case as the learner sees it: hidden cases show neither their call nor the expected
    value, nor what the code printed."""

    model_config = ConfigDict(extra="forbid")


class CodeDetails(Printed, Details):
    """What a code verdict adds: one entry per case, in the order they ran, and what the code
    printed while it was loaded (``stdout``, ``stderr``…, when it printed anything)."""

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
    mistakes: tuple[str, ...] = ()  # every known mistake that fits this case
    printed: dict[str, Any] | None = None  # Printed's fields, for visible cases only

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
            output_hidden=None if self.visible else True,
            **(self.printed or {}),
        )


def printed(frame: dict[str, Any] | None) -> dict[str, Any] | None:
    """The fields of :class:`Printed` from the harness's ``output`` frame (checked, cut, lone
    surrogates replaced); None when nothing was printed."""
    if not isinstance(frame, dict):
        return None
    fields: dict[str, Any] = {}
    for name in ("stdout", "stderr"):
        text = frame.get(name)
        dropped = frame.get(f"{name}_dropped")
        dropped = dropped if type(dropped) is int and dropped > 0 else 0
        fields[name] = clean_text(text, MAX_STREAM_CHARS) if isinstance(text, str) else ""
        fields[f"{name}_truncated"] = dropped > 0
        fields[f"{name}_dropped_bytes"] = dropped
    if not any(fields[key] for key in ("stdout", "stderr", "stdout_truncated", "stderr_truncated")):
        return None
    fields["output_truncated"] = fields["stdout_truncated"] or fields["stderr_truncated"]
    return fields


def _rounded(x: float | None) -> float | None:
    if x is None or x != x or x in (float("inf"), float("-inf")):
        return None
    return float(f"{x:.3g}")


def stop_reason(run: RunResult, done: dict[str, Any] | None = None) -> tuple[str, str]:
    """Why a run ended early (code, message), from what the zygote and the harness saw — the
    limits they enforced, the worker's wait status and CPU time — never from an exit code the
    submission chose; ("", "") when nothing stopped it."""
    lim = run.limits
    killed = run.killed or (done or {}).get("killed")
    if killed == "wall":
        return "limit-wall", f"wall time limit {lim.wall_seconds:g} s exceeded"
    if killed == "output":
        return "limit-output", f"printed more than {lim.output_bytes // 1024} KiB of output"
    if killed == "result":
        return "limit-result", f"returned more than {lim.result_bytes >> 20} MiB of data"
    if killed in PROTOCOL:
        return PROTOCOL[killed]
    worker = (done or {}).get("worker")
    if not isinstance(worker, dict):
        return "stopped", "the run stopped before your code finished"
    sig, cpu = worker.get("signal"), worker.get("cpu")
    cpu = float(cpu) if isinstance(cpu, int | float) else 0.0
    if sig in (signal.SIGXCPU, signal.SIGKILL) and cpu >= CPU_SHARE * lim.cpu_seconds:
        return "limit-cpu", f"CPU time limit {lim.cpu_seconds} s exceeded"
    if sig == signal.SIGXFSZ:
        return "limit-file", f"wrote a file larger than {lim.file_bytes >> 20} MiB"
    if isinstance(sig, int):
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        return "crashed", f"the process crashed ({name}) — deep recursion or raw memory access?"
    code = worker.get("exit")
    if isinstance(code, int) and code != 0:
        return "exited", f"the process exited with code {code} — do not call exit()"
    return "exited", "the process stopped before finishing — do not call exit()"


class _Run:
    """The harness's report of one run, indexed by case."""

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self.loaded: dict[str, Any] = {}
        self.load_error: dict[str, Any] | None = None
        self.results: dict[int, tuple[dict[str, Any], bytes]] = {}
        self.started: set[int] = set()
        self.done: dict[str, Any] | None = None
        self.failed = False
        self.load_output: dict[str, Any] | None = None
        self.outputs: dict[int, dict[str, Any]] = {}
        for header, blob in run.frames:
            ev, index = header.get("ev"), header.get("case")
            if ev == "output":
                if type(index) is int:
                    self.outputs.setdefault(index, header)
                elif index is None and self.load_output is None:
                    self.load_output = header
            elif ev == "loaded":
                self.loaded = header
            elif ev == "load-error" and self.load_error is None:
                self.load_error = header
            elif ev == "start" and type(index) is int:
                self.started.add(index)
            elif ev in ("result", "error") and type(index) is int and index not in self.results:
                self.results[index] = (header, blob)
            elif ev == "failed":
                self.failed = True
            elif ev == "done":
                self.done = header
                break

    def stop(self) -> tuple[str, str]:
        return stop_reason(self.run, self.done)


def _ops(header: dict[str, Any] | None) -> list[str]:
    ops = (header or {}).get("ops")
    return [clean_text(op, 100) for op in ops[:8]] if isinstance(ops, list) else []


def forbidden_message(exercise: Exercise, ops: list[str], when: str = "") -> str:
    """``uses aten::huber_loss (F.huber_loss), which this exercise asks you to write
    yourself`` — the label comes from the exercise, never from the run."""
    labels = dict((exercise.setup or {}).get("forbid_ops", {}))
    known = [op for op in ops if op in labels]
    if not known:
        return f"{when}ran an operation this exercise forbids; write the computation yourself"
    op = known[0]
    return f"{when}ran {op} ({labels[op]}), which this exercise asks you to implement yourself"


def build_verdict(exercise: Exercise, function: str, cases: list[Case], run: RunResult) -> Verdict:
    """Judge every case of a finished run; then add what the code printed while loading (the
    cases carry their own). What was printed is shown beside the verdict, never judged."""
    events = _Run(run)
    verdict = _judge_run(exercise, function, cases, events)
    load = printed(events.load_output)
    if load is None or verdict.status == "error":
        return verdict
    if verdict.details is None:
        verdict.details = CodeDetails(**load)
    elif isinstance(verdict.details, CodeDetails):
        verdict.details = verdict.details.model_copy(update=load)
    return verdict


def _judge_run(exercise: Exercise, function: str, cases: list[Case], events: _Run) -> Verdict:
    run = events.run
    if not run.frames or events.failed:
        return Verdict(
            "error",
            0.0,
            [Feedback("sandbox-error", "the judge could not start your code; please try again")],
        )
    load_ops = _ops(events.loaded) or _ops(events.load_error)
    if load_ops:
        message = forbidden_message(exercise, load_ops, "while loading, your code ")
        return Verdict("incorrect", 0.0, [Feedback("forbidden-call", message)])
    if events.load_error is not None:
        return _load_failure(exercise, function, events.load_error)
    finished = len(events.results) == len(cases)
    stop = ("", "") if finished else events.stop()
    if not finished and not events.started:  # the harness runs the cases in order
        events.started.add(next(i for i in range(len(cases)) if i not in events.results))
    reports = [_case_report(exercise, i, case, events, stop) for i, case in enumerate(cases)]
    # Visible cases run first; one that ran after a hidden case could print what it kept of
    # that case's inputs, so only the visible cases before the first hidden one show output.
    shown = next((i for i, case in enumerate(cases) if not case.visible), len(cases))
    for index in range(shown):
        reports[index].printed = printed(events.outputs.get(index))
    if not events.results and stop[0]:
        return Verdict(
            "incorrect",
            0.0,
            [Feedback(stop[0], stop[1])],
            CodeDetails(cases=[r.result() for r in reports]),
        )
    return _summarize(exercise, reports)


def _load_failure(exercise: Exercise, function: str, event: dict[str, Any]) -> Verdict:
    kind = event.get("kind")
    signature = exercise.signature.replace(exercise.name, function, 1)
    if kind == "syntax":
        line = event.get("line")
        where = f" on line {line}" if isinstance(line, int) else ""
        return invalid(
            "syntax-error", f"syntax error{where}: {clean_text(event.get('message'), 200)}"
        )
    if kind == "missing":
        return invalid("missing-function", f"define `{signature}` — no `{function}` was found")
    if kind == "not-callable":
        return invalid(
            "not-callable",
            f"`{function}` is {article(clean_text(event.get('type'), 60))}, not a function;"
            f" define `{signature}`",
        )
    return Verdict(
        "incorrect",
        0.0,
        [Feedback("load-exception", f"your code raised {_exception_text(event)} while loading")],
    )


def _exception_text(event: dict[str, Any]) -> str:
    kind = clean_text(event.get("type", "an exception"), 80)
    message = clean_text(event.get("message", ""), 300)
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
        if index in events.started and _ops(events.done):
            report.code = "forbidden-call"
            report.message = forbidden_message(exercise, _ops(events.done))
        elif index in events.started:
            report.message, report.code = f"did not finish: {stop[1]}", stop[0] or "stopped"
        else:
            report.message, report.code = "not run: the run stopped at an earlier case", "not-run"
        return report
    header, blob = entry
    if _ops(header):  # seen by traps in the dispatcher, whatever the call returned
        report.message, report.code = forbidden_message(exercise, _ops(header)), "forbidden-call"
        return report
    if header.get("ev") == "error":
        rule = header.get("requirement")
        if isinstance(rule, str) and RULE_CODE.fullmatch(rule):  # a rule the driver enforces
            report.message, report.code = clean_text(header.get("message", "")), rule
        else:
            report.message = f"raised {_exception_text(header)}"
            report.code = "exception"
        return report
    try:
        got = decode_output(header.get("value"), blob)
    except ProtocolError:
        report.message, report.code = "returned data the judge could not read", "unreadable"
        return report
    outcome, report.mistakes = judge_value(exercise, case, got)
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
        expected = reference(exercise, case)
        show = exercise.show or (lambda value, _: result_text(value))
        report.expected = show(expected, case)
    return report


def _one_explanation(exercise: Exercise, failed: list[CaseReport]) -> None:
    """Where several known mistakes fit a case, name the one that fits the most cases (a
    mistake that shows only on some inputs must not be hidden by one that fits only there)."""
    counts = Counter(code for r in failed for code in r.mistakes)
    if not counts:
        return
    order = {m.code: i for i, m in enumerate(exercise.mistakes)}
    best = max(counts, key=lambda code: (counts[code], -order.get(code, 0)))
    message = next(m.message for m in exercise.mistakes if m.code == best)
    for r in failed:
        if best in r.mistakes:
            r.code, r.message = f"mistake-{best}", message


def _order(failed: list[CaseReport]) -> list[CaseReport]:
    """Which failures to show first: named problems before generic ones, the explanation that
    covers the most cases first (a finding that fits one case may be a coincidence), a known
    mistake before a detector's finding, then the order of the cases."""
    covered = Counter((r.code, r.message) for r in failed)

    def key(r: CaseReport) -> tuple[int, int, int]:
        return (
            r.code in GENERIC_CODES,
            -covered[r.code, r.message],
            not r.code.startswith("mistake-"),
        )

    return sorted(failed, key=key)


def _summarize(exercise: Exercise, reports: list[CaseReport]) -> Verdict:
    passed = sum(r.passed for r in reports)
    total = len(reports)
    failed = [r for r in reports if not r.passed]
    _one_explanation(exercise, failed)
    cases = CodeDetails(cases=[r.result() for r in reports])
    n_visible = sum(r.visible for r in reports)
    if passed == total:
        message = f"all {total} cases passed ({n_visible} visible, {total - n_visible} hidden)"
        return Verdict("correct", 1.0, [Feedback("all-cases-passed", message)], cases)
    feedback = [Feedback("cases-failed", f"{len(failed)} of {total} cases failed")]
    seen: set[str] = set()
    for r in _order(failed):
        if r.message not in seen and len(seen) < MAX_SHOWN_MESSAGES:
            seen.add(r.message)
            feedback.append(Feedback(r.code or "case-failed", f"{r.name}: {r.message}"))
    status: Status = "partial" if passed else "incorrect"
    return Verdict(status, passed / total, feedback, cases)
