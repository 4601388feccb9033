"""What the client's calls return: results that show themselves as a table in Jupyter
(``_repr_html_``) and as plain text elsewhere (``str``), and that are true when they passed."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

MARKS = {"correct": "✓", "partial": "◐", "incorrect": "✗", "invalid": "!", "error": "!"}
COLOURS = {
    "correct": "#1a7f37",
    "partial": "#9a6700",
    "incorrect": "#cf222e",
    "invalid": "#cf222e",
    "error": "#cf222e",
}
STYLE = (
    "<style>.descent{font-family:system-ui,sans-serif;font-size:14px;line-height:1.4}"
    ".descent table{border-collapse:collapse;margin:.4em 0}"
    ".descent th,.descent td{border:1px solid #d0d7de;padding:3px 8px;text-align:left!important;vertical-align:top}"
    ".descent th{background:#f6f8fa}.descent .pass{color:#1a7f37}.descent .fail{color:#cf222e}"
    ".descent .muted{color:#57606a}.descent code{font-size:12px}</style>"
)


def esc(value: Any) -> str:
    return html.escape(str(value))


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], classes: Iterable[str] = ()
) -> str:
    """An HTML table; cells are already escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    marks = iter(classes)
    body = "".join(
        f"<tr class='{next(marks, '')}'>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns (long cells are not cut)."""
    widths = [max([len(h), *(len(r[k]) for r in rows)]) for k, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


class Problem:
    """Something went wrong before a verdict: no server, an unknown id, a refused request."""

    def __init__(
        self, title: str, detail: str, *, code: str = "", status: int | None = None
    ) -> None:
        self.title, self.detail, self.code, self.status = title, detail, code, status

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"! {self.title}: {self.detail}"

    def __repr__(self) -> str:
        return f"<Problem {self.code or self.status}: {self.title}>"

    def _repr_html_(self) -> str:
        detail = esc(self.detail).replace("\n", "<br>").replace("    ", "&emsp;")
        return (
            f"{STYLE}<div class='descent' style='border-left:4px solid #cf222e;padding-left:8px'>"
            f"<strong>{esc(self.title)}</strong><br>{detail}</div>"
        )


class Verdict:
    """The server's verdict on one answer, exactly as the web app receives it (``raw``)."""

    def __init__(self, raw: dict[str, Any], *, notes: Sequence[str] = ()) -> None:
        self.raw = raw
        self.notes = list(notes)  # from the client: what it could not send, and why

    status = property(lambda self: self.raw.get("status", "error"))
    correct = property(lambda self: bool(self.raw.get("correct")))
    score = property(lambda self: float(self.raw.get("score", 0.0)))
    feedback = property(lambda self: [f["message"] for f in self.raw.get("feedback", [])])
    cases = property(lambda self: list(self.raw.get("cases", [])))

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"<Verdict {self.raw.get('question')}: {self.status}, score {self.score:.2f}>"

    def _heading(self) -> str:
        stored = self.raw.get("attempt")
        where = (
            f"stored as attempt {stored}"
            if stored
            else "not stored (anonymous: login() to keep your progress)"
        )
        return f"{self.raw.get('question')}: {self.status} (score {self.score:.2f}); {where}"

    def _rows(self) -> tuple[list[str], list[list[str]], list[bool]] | None:
        """The kind's details as a table: code cases, open-answer ideas, derivation lines, options."""
        if self.cases:
            rows = [[c["name"], "passed" if c["passed"] else "failed", c.get("call") or ("" if c["visible"] else "hidden"),
                     c.get("message") or "", (f"expected {c['expected']}" if c.get("expected") else ""),
                     number(c.get("max_abs_error"))] for c in self.cases]  # fmt: skip
            return (
                ["case", "result", "input", "message", "", "max abs error"],
                rows,
                [c["passed"] for c in self.cases],
            )
        if ideas := self.raw.get("ideas"):
            rows = [
                [
                    i["label"],
                    i["status"],
                    i.get("quote") or i.get("hint") or "",
                    i.get("correction") or "",
                ]
                for i in ideas
            ]
            return (
                ["idea", "status", "your words / what to ask yourself", "correction"],
                rows,
                [i["status"] == "covered" for i in ideas],
            )
        if steps := self.raw.get("steps"):
            rows = [
                [
                    str(s["line"]),
                    s["text"],
                    s["status"],
                    " ".join(f["message"] for f in s.get("feedback", [])),
                ]
                for s in steps
            ]
            return (
                ["line", "you wrote", "status", "feedback"],
                rows,
                [s["status"] == "correct" for s in steps],
            )
        if options := self.raw.get("options"):
            rows = [
                [o["id"], "right" if o["correct"] else "wrong", o["explanation"]] for o in options
            ]
            return ["option", "", "why"], rows, [o["correct"] for o in options]
        return None

    def _extras(self) -> list[tuple[str, str]]:
        extras = [
            ("misconception", f"“{m['quote']}”: {m['correction']}")
            for m in self.raw.get("misconceptions", [])
        ]
        for key, label in (
            ("interpreted_as", "read as"),
            ("answer", "expected"),
            ("explanation", "why"),
            ("model_answer", "model answer"),
        ):
            value = self.raw.get(key)
            if isinstance(value, dict):
                value = value.get("text") or ", ".join(f"{k}: {v}" for k, v in value.items() if v)
            if value not in (None, ""):
                extras.append((label, str(value)))
        return extras + [("note", n) for n in self.notes]

    def __str__(self) -> str:
        lines = [
            f"{MARKS.get(self.status, '?')} {self._heading()}",
            *(f"  - {m}" for m in self.feedback),
        ]
        if table := self._rows():
            headers, rows, _ = table
            lines += ["", text_table(headers, rows)]
        lines += [f"{label}: {value}" for label, value in self._extras()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = COLOURS.get(self.status, "#57606a")
        parts = [
            f"{STYLE}<div class='descent'><div style='border-left:4px solid {colour};padding-left:8px'>",
            f"<strong style='color:{colour}'>{MARKS.get(self.status, '?')} {esc(self._heading())}</strong>",
            "<ul>" + "".join(f"<li>{esc(m)}</li>" for m in self.feedback) + "</ul>"
            if self.feedback
            else "",
        ]
        if table := self._rows():
            headers, rows, ok = table
            parts.append(
                html_table(
                    headers,
                    ([esc(c) for c in r] for r in rows),
                    ("pass" if k else "fail" for k in ok),
                )
            )
        parts += [
            f"<p><strong>{esc(label)}:</strong> {esc(value)}</p>" for label, value in self._extras()
        ]
        return "".join(parts) + "</div></div>"


class CheckResult:
    """A capstone check: each of your numbers beside the reference's, then comments."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    passed = property(lambda self: bool(self.raw.get("passed")))
    items = property(lambda self: list(self.raw.get("items", [])))
    comments = property(lambda self: list(self.raw.get("comments", [])))

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"<CheckResult {self.raw.get('notebook')}/{self.raw.get('check')}: {self.raw.get('summary')}>"

    @staticmethod
    def _pairs(values: dict[str, Any]) -> str:
        return ", ".join(f"{k} {number(v)}" for k, v in values.items())

    def _table(self) -> tuple[list[str], list[list[str]]]:
        rows = [[i["name"], "✓" if i["passed"] else "✗", self._pairs(i["yours"]) or "—", self._pairs(i["reference"]), i["message"]]
                for i in self.items]  # fmt: skip
        return ["", "", "yours", "reference", "comment"], rows

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        headers, rows = self._table()
        lines = [
            f"{mark} {self.raw.get('notebook')} / {self.raw.get('check')}: {self.raw.get('summary')}",
            "",
            text_table(headers, rows),
        ]
        return "\n".join([*lines, "", *(f"* {c}" for c in self.comments)])

    def _repr_html_(self) -> str:
        colour = COLOURS["correct" if self.passed else "incorrect"]
        headers, rows = self._table()
        table = html_table(
            headers,
            ([esc(c) for c in r] for r in rows),
            ("pass" if i["passed"] else "fail" for i in self.items),
        )
        return (
            f"{STYLE}<div class='descent'><div style='border-left:4px solid {colour};padding-left:8px'>"
            f"<strong style='color:{colour}'>{'✓' if self.passed else '✗'} {esc(self.raw.get('check'))}:"
            f" {esc(self.raw.get('summary'))}</strong>{table}"
            "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in self.comments) + "</ul></div></div>"
        )


class Message:
    """A short piece of text (a hint, who is signed in) shown as HTML or text."""

    def __init__(self, text: str, html_text: str | None = None, *, ok: bool = True) -> None:
        self.text, self.html, self.ok = text, html_text, ok

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"{STYLE}<div class='descent'>{self.html or esc(self.text)}</div>"
