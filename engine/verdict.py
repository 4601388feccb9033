"""The result of grading one submission."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["correct", "partial", "incorrect", "invalid", "error"]


@dataclass(frozen=True)
class Feedback:
    """One remark about a submission, with a stable machine-readable code."""

    code: str
    message: str


@dataclass
class Verdict:
    """Outcome of grading: status, score in [0, 1], feedback, and kind-specific details."""

    status: Status
    score: float
    feedback: list[Feedback] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def codes(self) -> list[str]:
        return [f.code for f in self.feedback]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "correct": self.correct,
            "score": round(self.score, 4),
            "feedback": [asdict(f) for f in self.feedback],
            **self.details,
        }


def invalid(code: str, message: str, **details: Any) -> Verdict:
    return Verdict("invalid", 0.0, [Feedback(code, message)], dict(details))
