"""Pydantic schema of a topic module. Question schemas belong to their kinds (``engine.kinds``).

Content is data: every model forbids unknown fields so that a typo in YAML is an error that
points at its ``file:line`` instead of a silently ignored key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WrapValidator
from pydantic_core import PydanticCustomError

from engine.kinds import QuestionBase, Strict, UnknownKind, get_kind, kind_names

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=2, max_length=80)]
Text = Annotated[str, Field(min_length=1)]


def _question(value: Any, handler: Callable[[Any], Any]) -> QuestionBase:
    """Validate a question with the schema of the kind it names (looked up when it is read, so
    a kind registered after this module was imported is known too)."""
    if isinstance(value, QuestionBase):
        return value
    if not isinstance(value, dict):
        raise PydanticCustomError("question_type", "a question must be a mapping with a `kind`")
    try:
        kind = get_kind(value.get("kind", ""))
    except UnknownKind:
        raise PydanticCustomError(
            "union_tag_invalid",
            "unknown question kind {kind!r}; use one of: {known}",
            {"kind": value.get("kind"), "known": ", ".join(kind_names())},
        ) from None
    return kind.question.model_validate(value)


# Any registered kind's question, validated by that kind's schema.
Question = Annotated[QuestionBase, WrapValidator(_question)]


Reference = Annotated[str, Field(min_length=8, max_length=300)]


class Insight(Strict):
    """A deeper insight of a module, with the sources of what it claims."""

    text: Text
    references: list[Reference] = Field(
        default=[], description="Paper or book, authors, year, section: where the claim comes from."
    )


def _insight(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value  # a bare sentence: no sources yet


class Formula(Strict):
    """A named formula of a module; ``latex`` is bare LaTeX (no ``$``)."""

    name: Text
    latex: Text
    caption: str = ""


class QuestionBank(Strict):
    """Extra questions for a module kept in a file of their own (e.g. its derivations)."""

    topic: Id
    questions: list[Question] = Field(min_length=1)


class Module(Strict):
    """A topic module: study material plus the questions that practise it."""

    id: Id
    title: Text
    summary: Text
    sources: list[str] = Field(min_length=1)
    prerequisites: list[Id] = []
    learning_steps: list[Text] = Field(min_length=1)
    insights: list[Annotated[Insight, BeforeValidator(_insight)]] = []
    formulas: list[Formula] = []
    demos: list[Id] = []
    questions: list[Question] = []
