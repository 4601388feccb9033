"""The loader collects every error as file:line: field: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from content import load_content

VALID = """\
id: alpha
title: Alpha
summary: A topic about $x^2$.
sources: [roadmap/1.1]
learning_steps:
  - Learn the first thing.
questions:
  - id: alpha-open
    kind: open
    prompt: Why?
    model_answer: Because of gradients.
    ideas:
      - id: slope
        label: What moves the weights
        claim: The gradient tells each weight which way to move.
        paraphrases:
          - Every weight follows the slope of the loss downhill.
          - The derivative of the loss gives the direction of each update.
        follow_up: What decides the direction of an update?
      - id: size
        label: How far
        claim: The learning rate scales how far each step goes.
        paraphrases:
          - A step is the learning rate times the gradient.
          - The step size multiplies the slope to give the update.
        required: false
        weight: 0.5
        follow_up: What sets the length of a step?
    misconceptions:
      - claim: The weights move up the gradient to lower the loss.
        correction: They move against the gradient, downhill.
        about: slope
    hints: [Think about slopes.]
  - id: alpha-choice
    kind: choice
    prompt: Pick one.
    options:
      - {id: a, text: Right, correct: true, explanation: It is right.}
      - {id: b, text: Wrong, explanation: It is wrong.}
"""

BETA = """\
id: beta
title: Beta
summary: Second topic.
sources: [linear/mse]
prerequisites: [alpha]
learning_steps: [Step one.]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(folder: Path) -> list[str]:
    return [str(e) for e in load_content(folder).errors]


def test_valid_folder_loads(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", VALID)
    write(tmp_path, "beta.yaml", BETA)
    content = load_content(tmp_path)
    assert content.ok, content.errors
    assert set(content.topics) == {"alpha", "beta"}
    assert content.question_topic == {"alpha-open": "alpha", "alpha-choice": "alpha"}
    assert content.kind_counts()["open"] == 1


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("title: Alpha\n", "title: Alpha\ncolour: red\n", "broken.yaml:3: colour: unknown field"),
        (
            "    hints: [Think about slopes.]\n",
            "    hints: [Think]\n    weight: 2\n",
            "broken.yaml:34: questions[0].weight: unknown field",
        ),
        (
            "sources: [roadmap/1.1]",
            "sources: roadmap/1.1",
            "broken.yaml:4: sources: Input should be a valid list",
        ),
        ("    kind: open", "    kind: essay", "broken.yaml:8: questions[0]: unknown question kind"),
        (
            "    model_answer: Because of gradients.\n",
            "",
            "broken.yaml:8: questions[0].model_answer: Field required",
        ),
        (
            "summary: A topic about $x^2$.",
            "summary: A topic about $x^$.",
            "broken.yaml:3: summary: LaTeX does not convert",
        ),
        (
            "summary: A topic about $x^2$.",
            r"summary: A topic about $\frob x$.",
            r"broken.yaml:3: summary: unknown LaTeX command \frob",
        ),
        (
            "    prompt: Pick one.",
            "    prompt: Costs $5",
            "broken.yaml:36: questions[1].prompt: unclosed $",
        ),
        (
            "sources: [roadmap/1.1]",
            "sources: [roadmap/9.9]",
            "broken.yaml:4: sources[0]: unknown seed section",
        ),
        (
            "      - {id: a, text: Right, correct: true, explanation: It is right.}",
            "      - {id: a, text: Right, explanation: It is right.}",
            "broken.yaml:34: questions[1]: mark at least one option `correct: true`",
        ),
        (
            "learning_steps:\n",
            "prerequisites: [gamma]\nlearning_steps:\n",
            "broken.yaml:5: prerequisites[0]: unknown topic 'gamma'",
        ),
    ],
)
def test_broken_file_names_file_and_line(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    assert replace in VALID
    write(tmp_path, "broken.yaml", VALID.replace(replace, by))
    errors = errors_of(tmp_path)
    assert any(e.startswith(f"{tmp_path.name}/{expected}") for e in errors), errors


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.yaml", VALID.replace("title: Alpha", "title: [Alpha"))
    errors = errors_of(tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path.name}/broken.yaml:")
    assert "YAML syntax" in errors[0]


def test_all_errors_are_collected_not_only_the_first(tmp_path: Path) -> None:
    broken = VALID.replace("title: Alpha\n", "title: Alpha\ncolour: red\n").replace(
        "    prompt: Why?", "    prompt: Why $x^$?"
    )
    write(tmp_path, "broken.yaml", broken)
    write(tmp_path, "other.yaml", BETA.replace("id: beta", "id: beta\nbogus: 1"))
    errors = errors_of(tmp_path)
    assert len(errors) >= 3, errors
    assert any("other.yaml:2: bogus" in e for e in errors)


def test_duplicate_topic_and_question_ids(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", VALID)
    write(tmp_path, "copy.yaml", VALID.replace("title: Alpha", "title: Copy"))
    twin = (
        BETA
        + "questions:\n  - id: alpha-open\n    kind: numeric\n    prompt: N?\n    answer: 1\n    explanation: one\n"
    )
    write(tmp_path, "beta.yaml", twin)
    errors = errors_of(tmp_path)
    assert any("copy.yaml:1: id: duplicate topic id 'alpha'" in e for e in errors), errors
    assert any(
        "beta.yaml:8: questions[0].id: duplicate question id 'alpha-open'" in e for e in errors
    ), errors


def test_prerequisite_cycle(tmp_path: Path) -> None:
    write(
        tmp_path,
        "alpha.yaml",
        VALID.replace("learning_steps:\n", "prerequisites: [beta]\nlearning_steps:\n"),
    )
    write(tmp_path, "beta.yaml", BETA)
    errors = errors_of(tmp_path)
    assert any("prerequisite cycle" in e and "alpha" in e and "beta" in e for e in errors), errors


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert "does not exist" in errors_of(tmp_path / "nope")[0]
    assert "no *.yaml" in errors_of(tmp_path)[0]


def test_non_mapping_file(tmp_path: Path) -> None:
    write(tmp_path, "list.yaml", "- a\n- b\n")
    assert errors_of(tmp_path)[0].startswith(f"{tmp_path.name}/list.yaml:1:")


def test_shipped_content_is_valid(shipped_content) -> None:  # type: ignore[no-untyped-def]
    assert len(shipped_content.topics) >= 3


BANK = """\
topic: alpha
questions:
  - id: alpha-extra
    kind: numeric
    prompt: How much?
    answer: 2
    explanation: Two.
    hints: [Count.]
"""


def test_question_bank_adds_questions_to_its_module(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", VALID)
    (tmp_path / "banks").mkdir()
    write(tmp_path / "banks", "alpha.yaml", BANK)
    content = load_content(tmp_path)
    assert content.ok, content.errors
    assert [q.id for q in content.topics["alpha"].questions][-1] == "alpha-extra"
    assert content.question_topic["alpha-extra"] == "alpha"


def test_question_bank_for_unknown_topic(tmp_path: Path) -> None:
    write(tmp_path, "alpha.yaml", VALID)
    write(tmp_path, "bank.yaml", BANK.replace("topic: alpha", "topic: omega"))
    assert any("bank.yaml:1: topic: unknown topic 'omega'" in e for e in errors_of(tmp_path))


def test_the_check_refuses_an_insight_without_a_source(tmp_path: Path) -> None:
    from content import check_content

    sourced = VALID.replace(
        "learning_steps:",
        "insights:\n  - text: Gradients point uphill.\n"
        '    references: ["Boyd and Vandenberghe (2004), Convex Optimization, section 9.3"]\n'
        "learning_steps:",
    )
    write(tmp_path, "alpha.yaml", sourced)
    report = check_content(load_content(tmp_path))
    assert not [e for e in report.errors if "references" in str(e)], report.errors
    # an open question without sources is a notice, not an error
    assert [n for n in report.unsourced if "questions[0].references" in str(n)], report.unsourced

    unsourced = VALID.replace(
        "learning_steps:", "insights:\n  - text: Gradients point uphill.\nlearning_steps:"
    )
    write(tmp_path, "alpha.yaml", unsourced)
    report = check_content(load_content(tmp_path))
    assert [e for e in report.errors if "insights[0]" in str(e) and "no references" in str(e)]


@pytest.mark.parametrize(
    ("contrasts", "message"),
    [
        ("[[gradient, gradient]]", "names one word twice"),
        ("[[gradient, momentum]]", "not found: momentum"),
        ("[[gradient, rate, step]]", "contrasts"),
    ],
)
def test_a_contrast_must_name_two_words_of_the_rubric(
    tmp_path: Path, contrasts: str, message: str
) -> None:
    write(
        tmp_path,
        "alpha.yaml",
        VALID.replace("    ideas:\n", f"    contrasts: {contrasts}\n    ideas:\n", 1),
    )
    errors = errors_of(tmp_path)
    assert [e for e in errors if "alpha.yaml:" in e and message in e], errors


def test_a_contrast_of_rubric_words_loads(tmp_path: Path) -> None:
    write(
        tmp_path,
        "alpha.yaml",
        VALID.replace("    ideas:\n", "    contrasts: [[slope, rate]]\n    ideas:\n", 1),
    )
    content = load_content(tmp_path)
    assert content.ok, content.errors


def test_the_fast_yaml_parser_reads_the_shipped_content_as_the_pure_python_one_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libyaml (when PyYAML has it) gives the same data and the same line of every key."""
    import yaml

    from content import PACKAGED_CONTENT_DIR, yamlpos

    texts = [p.read_text(encoding="utf-8") for p in sorted(PACKAGED_CONTENT_DIR.rglob("*.yaml"))]
    fast = [yamlpos.load_with_lines(t) for t in texts]
    monkeypatch.setattr(yamlpos, "_LOADER", yaml.SafeLoader)
    assert fast == [yamlpos.load_with_lines(t) for t in texts]


@pytest.mark.parametrize(
    ("text", "line", "names"),
    [("a: 1\n\tb: 2\n", 2, "'\\t'"), ("a: *nope\n", 1, "'nope'"), ("a: [1\nb: 2\n", 2, "','")],
)
def test_a_yaml_syntax_error_names_what_was_found(text: str, line: int, names: str) -> None:
    from content.yamlpos import YamlSyntaxError, load_with_lines

    with pytest.raises(YamlSyntaxError) as caught:
        load_with_lines(text)
    assert caught.value.line == line and names in caught.value.message, caught.value.message
