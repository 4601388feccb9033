"""Load every topic module under a folder, collecting all errors as ``file:line: field: message``."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from content.schema import Module, Question, QuestionBank
from content.yamlpos import Path_, YamlSyntaxError, line_of, load_with_lines
from engine.demos import DEMOS, InvalidParams, validate_params
from engine.kinds import get_kind, kind_names, run_check
from engine.mathtext import check_text

SEED_SECTIONS_FILE = Path(__file__).resolve().parent / "seed_sections.yaml"
_MODULE = TypeAdapter(Module)
_BANK = TypeAdapter(QuestionBank)

# Keys whose string values are prose with $…$ maths, and keys holding bare LaTeX.
_PROSE_KEYS = frozenset(
    {
        "summary",
        "learning_steps",
        "insights",
        "caption",
        "prompt",
        "hints",
        "model_answer",
        "text",
        "explanation",
        "message",
        "title",
        "label",
        "claim",
        "paraphrases",
        "correction",
        "follow_up",
        "notes",
    }
)
_LATEX_KEYS = frozenset({"latex", "math"})


@cache
def seed_sections() -> dict[str, str]:
    """Return the seed section ids (``roadmap/1.2``, ``linear/huber``…) with their titles."""
    return yaml.safe_load(SEED_SECTIONS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in the content, located at a file and line."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}: {where}{self.message}"


@dataclass
class ContentSet:
    """Validated modules plus indexes, or the errors that stopped validation."""

    topics: dict[str, Module] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    question_topic: dict[str, str] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    # where each question and module is written, for the errors of `check_content`
    question_where: dict[str, tuple[_Source, int]] = field(default_factory=dict, repr=False)
    module_where: dict[str, _Source] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def kind_counts(self) -> dict[str, int]:
        counts = Counter(q.kind for q in self.questions.values())
        return {kind: counts.get(kind, 0) for kind in kind_names()}


def _field_name(loc: Path_) -> str:
    out = ""
    for item in loc:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


@dataclass
class _Source:
    path: Path
    shown: str
    data: Any
    lines: dict[Path_, int]

    def error(self, loc: Path_, message: str) -> ContentError:
        line, _ = line_of(self.lines, loc)
        return ContentError(self.shown, line, _field_name(_strip_tags(loc)), message)


def _strip_tags(loc: Path_) -> Path_:
    """Drop the union tag pydantic inserts after a list index (``questions.0.open.rubric``)."""
    return tuple(
        item
        for i, item in enumerate(loc)
        if not (i and isinstance(loc[i - 1], int) and item in kind_names())
    )


def _pydantic_errors(src: _Source, exc: ValidationError) -> list[ContentError]:
    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown field (check its spelling or remove it)"
        elif err["type"] == "union_tag_invalid" and "question kind" not in message:
            message = f"unknown question kind; use one of: {', '.join(kind_names())}"
        errors.append(src.error(loc, message))
    return errors


def _text_errors(src: _Source, node: Any, loc: Path_ = (), key: str = "") -> list[ContentError]:
    if isinstance(node, dict):
        return [e for k, v in node.items() for e in _text_errors(src, v, (*loc, k), str(k))]
    if isinstance(node, list):
        return [e for i, v in enumerate(node) for e in _text_errors(src, v, (*loc, i), key)]
    if isinstance(node, str) and (key in _PROSE_KEYS or key in _LATEX_KEYS):
        return [src.error(loc, msg) for msg in check_text(node, bare_latex=key in _LATEX_KEYS)]
    return []


def _read(path: Path, root: Path) -> tuple[_Source | None, list[ContentError]]:
    shown = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        return None, [ContentError(shown, exc.line, "", exc.message)]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentError(shown, 1, "", f"cannot read file: {exc}")]
    src = _Source(path, shown, data, lines)
    if not isinstance(data, dict):
        return None, [src.error((), "a module file must be a YAML mapping with id, title, …")]
    return src, []


def _cross_checks(content: ContentSet, where: dict[str, _Source]) -> list[ContentError]:
    errors: list[ContentError] = []
    known_sources = seed_sections()
    for topic_id, module in content.topics.items():
        src = where[topic_id]
        for i, source in enumerate(module.sources):
            if source not in known_sources:
                errors.append(src.error(("sources", i), f"unknown seed section {source!r}"))
        for i, prereq in enumerate(module.prerequisites):
            if prereq not in content.topics:
                errors.append(src.error(("prerequisites", i), f"unknown topic {prereq!r}"))
            elif prereq == topic_id:
                errors.append(src.error(("prerequisites", i), "a topic cannot require itself"))
    errors.extend(_cycle_errors(content, where))
    return errors


def _probe_errors(
    content: ContentSet, question_where: dict[str, tuple[_Source, int]]
) -> list[ContentError]:
    """A question's interview `probe` names another question that exists."""
    errors = []
    for qid, question in content.questions.items():
        if question.probe is not None and (
            question.probe not in content.questions or question.probe == qid
        ):
            src, index = question_where[qid]
            message = f"unknown question {question.probe!r} (a probe names another question)"
            errors.append(src.error(("questions", index, "probe"), message))
    return errors


def _cycle_errors(content: ContentSet, where: dict[str, _Source]) -> list[ContentError]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    errors: list[ContentError] = []

    def visit(topic: str, path: list[str]) -> None:
        state[topic] = 1
        for prereq in content.topics[topic].prerequisites:
            if prereq not in content.topics or prereq == topic:
                continue
            if state.get(prereq) == 1:
                cycle = (
                    [*path[path.index(prereq) :], topic, prereq]
                    if prereq in path
                    else [topic, prereq]
                )
                idx = content.topics[topic].prerequisites.index(prereq)
                errors.append(
                    where[topic].error(
                        ("prerequisites", idx), "prerequisite cycle: " + " -> ".join(cycle)
                    )
                )
            elif state.get(prereq) is None:
                visit(prereq, [*path, topic])
        state[topic] = 2

    for topic in sorted(content.topics):
        if topic not in state:
            visit(topic, [])
    return errors


@dataclass
class CheckReport:
    """What ``check_content`` found: errors at ``file:line``, and checks it could not run here."""

    errors: list[ContentError] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> number of questions
    # what an author should look at: open questions whose model answer names no source (fine
    # for a textbook fact; a non-obvious claim needs one)
    unsourced: list[ContentError] = field(default_factory=list)


CHECK_THREADS = 4


def _check_question(
    question: Question, src: _Source, index: int
) -> tuple[list[ContentError], str | None]:
    """One question's sanity check, self-checks and solution: the errors, or why they could not
    run here."""
    kind = get_kind(question.kind)
    problem = kind.problem(question)
    if problem:
        field_name = getattr(question, "target_field", "kind")
        return [src.error(("questions", index, field_name), problem)], None
    if not question.checks and question.solution is None:
        return [], None
    skipped = kind.checks_skipped(question)
    if skipped:
        return [], skipped
    errors = []
    for i, check in enumerate(question.checks):
        failure = run_check(question, check)
        if failure:
            errors.append(src.error(("questions", index, "checks", i), failure))
    wrong = kind.solution_problem(question) if question.solution is not None else None
    if wrong:
        errors.append(src.error(("questions", index, "solution"), wrong))
    return errors, None


def check_content(content: ContentSet) -> CheckReport:
    """Run what loading does not: every question's own sanity check (a formula target that
    parses and samples) and its self-checks (sample answers and the verdicts they must get).

    This grades answers, and for code questions starts the sandbox, so it runs in
    ``descent content check``, the test suite and CI, never at start-up.
    """
    report = CheckReport()
    for topic_id, module in content.topics.items():
        src = content.module_where.get(topic_id)
        for n, insight in enumerate(module.insights):
            if not insight.references and src is not None:
                report.errors.append(
                    src.error(("insights", n), "no references: name the source of this claim")
                )
    questions, sources, indices = [], [], []
    for qid, question in content.questions.items():
        src, index = content.question_where[qid]
        questions.append(question)
        sources.append(src)
        indices.append(index)
        if question.kind == "open" and not getattr(question, "references", None):
            report.unsourced.append(
                src.error(
                    ("questions", index, "references"),
                    "the model answer names no source (fine for a textbook fact)",
                )
            )
    # Questions are checked side by side: code questions mostly wait for the sandbox's runners,
    # and the others grade in the meantime.
    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        for errors, skipped in pool.map(_check_question, questions, sources, indices):
            report.errors += errors
            if skipped:
                report.skipped[skipped] = report.skipped.get(skipped, 0) + 1
    report.errors.sort()
    return report


def _demo_errors(
    content: ContentSet, where: dict[str, _Source], question_where: dict[str, tuple[_Source, int]]
) -> list[ContentError]:
    """Modules' ``demos:`` name registered demos; question figures name one with valid params."""
    known = ", ".join(sorted(DEMOS))
    errors = [
        where[topic_id].error(("demos", i), f"unknown demo {demo!r}; known demos: {known}")
        for topic_id, module in content.topics.items()
        if topic_id in where
        for i, demo in enumerate(module.demos)
        if demo not in DEMOS
    ]
    for qid, question in content.questions.items():
        if question.figure is None:
            continue
        src, index = question_where[qid]
        loc = ("questions", index, "figure")
        if question.figure.demo not in DEMOS:
            message = f"unknown demo {question.figure.demo!r}; known demos: {known}"
            errors.append(src.error((*loc, "demo"), message))
            continue
        try:
            validate_params(question.figure.demo, question.figure.params)
        except InvalidParams as exc:
            errors.extend(src.error((*loc, "params", *e["loc"]), e["msg"]) for e in exc.errors)
    return errors


def _register_questions(
    content: ContentSet,
    topic: str,
    questions: list[Question],
    src: _Source,
    question_where: dict[str, tuple[_Source, int]],
) -> None:
    for i, question in enumerate(questions):
        if question.id in content.questions:
            other, _ = question_where[question.id]
            message = f"duplicate question id {question.id!r} (also in {other.shown})"
            content.errors.append(src.error(("questions", i, "id"), message))
            continue
        content.questions[question.id] = question
        content.question_topic[question.id] = topic
        question_where[question.id] = (src, i)


def _validate(src: _Source, content: ContentSet) -> Module | QuestionBank | None:
    content.errors.extend(_text_errors(src, src.data))
    adapter = _BANK if "topic" in src.data and "id" not in src.data else _MODULE
    try:
        return adapter.validate_python(src.data)
    except ValidationError as exc:
        content.errors.extend(_pydantic_errors(src, exc))
        return None


def load_content(directory: Path | str) -> ContentSet:
    """Load and validate every ``*.yaml`` file under ``directory``; never raises on bad content.

    A file is a topic module, or a question bank (``topic:`` + ``questions:``) that adds
    questions to the module it names. Loading grades nothing and runs nothing: the questions'
    self-checks are :func:`check_content`'s job.
    """
    root = Path(directory)
    content = ContentSet()
    if not root.is_dir():
        content.errors.append(ContentError(str(root), 0, "", "content folder does not exist"))
        return content
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    if not files:
        content.errors.append(ContentError(str(root), 0, "", "no *.yaml module files found"))
    where: dict[str, _Source] = {}
    question_where: dict[str, tuple[_Source, int]] = {}
    banks: list[tuple[_Source, QuestionBank]] = []
    for path in files:
        src, errors = _read(path, root)
        content.errors.extend(errors)
        parsed = _validate(src, content) if src is not None else None
        if isinstance(parsed, QuestionBank):
            banks.append((src, parsed))  # type: ignore[arg-type]
        elif isinstance(parsed, Module):
            if parsed.id in content.topics:
                message = f"duplicate topic id {parsed.id!r} (also in {where[parsed.id].shown})"
                content.errors.append(src.error(("id",), message))  # type: ignore[union-attr]
                continue
            content.topics[parsed.id] = parsed
            where[parsed.id] = src  # type: ignore[assignment]
            _register_questions(content, parsed.id, parsed.questions, src, question_where)  # type: ignore[arg-type]
    for src, bank in banks:
        module = content.topics.get(bank.topic)
        if module is None:
            content.errors.append(src.error(("topic",), f"unknown topic {bank.topic!r}"))
            continue
        content.topics[bank.topic] = module.model_copy(
            update={"questions": [*module.questions, *bank.questions]}
        )
        _register_questions(content, bank.topic, bank.questions, src, question_where)
    content.errors.extend(_cross_checks(content, where))
    content.errors.extend(_demo_errors(content, where, question_where))
    content.errors.extend(_probe_errors(content, question_where))
    content.errors.sort()
    content.question_where = question_where
    content.module_where = where
    return content
