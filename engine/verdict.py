"""The result of grading one submission, with typed details that each question kind declares."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.constants import Status


@dataclass(frozen=True)
class Feedback:
    """One remark about a submission, with a stable machine-readable code."""

    code: str
    message: str


class Details(BaseModel):
    """What a kind adds to a verdict (cases, steps, ideas…): each kind subclasses it, and an
    unknown key is an error rather than a field that silently vanishes on its way out."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class Verdict:
    """Outcome of grading: status, score in [0, 1], feedback, and the kind's typed details."""

    status: Status
    score: float
    feedback: list[Feedback] = field(default_factory=list)
    details: Details | None = None

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def codes(self) -> list[str]:
        return [f.code for f in self.feedback]

    def to_dict(self) -> dict[str, Any]:
        """The verdict as plain data: common fields, then the details' fields beside them."""
        shown = self.details.model_dump(exclude_none=True) if self.details else {}
        return {
            "status": self.status,
            "correct": self.correct,
            "score": round(self.score, 4),
            "feedback": [asdict(f) for f in self.feedback],
            **shown,
        }


def invalid(code: str, message: str, details: Details | None = None) -> Verdict:
    """A verdict for input that cannot be graded as it is (the message says what to fix)."""
    return Verdict("invalid", 0.0, [Feedback(code, message)], details)
