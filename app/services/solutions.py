"""Worked solutions: rendered once per question, shown after a right answer or a give-up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import schemas as s
from app.errors import NotFound
from app.services import learners
from content.schema import Question
from engine.kinds import Solution, rich
from engine.mathtext import latex_to_mathml
from engine.verdict import Feedback, Verdict

GAVE_UP = "gave-up"


_rendered: dict[int, tuple[Solution, s.SolutionRead]] = {}  # by id(): content is read-only


def _render(solution: Solution) -> s.SolutionRead:
    cached = _rendered.get(id(solution))
    if cached is not None and cached[0] is solution:
        return cached[1]
    read = s.SolutionRead(
        steps=[
            s.SolutionStepRead(
                math=step.math,
                mathml=latex_to_mathml(step.math, display=True) if step.math else None,
                text=rich(step.text) if step.text else None,
            )
            for step in solution.steps
        ],
        code=solution.code,
        notes=rich(solution.notes),
    )
    _rendered[id(solution)] = (solution, read)
    return read


def solution_of(question: Question) -> s.SolutionRead | None:
    """The question's worked solution as served, or None when it has none."""
    return _render(question.solution) if question.solution is not None else None


def give_up(
    *, session: Session, question: Question, topic_id: str, user_id: int | None
) -> s.GiveUpRead:
    """Show the worked solution; for a signed-in learner it counts as a failed attempt, so the
    question comes back for review soon (rated "again")."""
    solution = solution_of(question)
    if solution is None:
        raise NotFound(f"question {question.id!r} has no worked solution")
    attempt = None
    if user_id is not None:
        verdict = s.verdict_read(
            Verdict("incorrect", 0.0, [Feedback(GAVE_UP, "You asked for the solution.")]),
            kind=question.kind,
            question=question.id,
            self_rating="again",
        )
        row = learners.record_attempt(
            session=session,
            user_id=user_id,
            question_id=question.id,
            topic_id=topic_id,
            kind=question.kind,
            submission=s.AttemptCreate(answer="", self_rating="again"),
            verdict=verdict,
        )
        attempt = row.id
    return s.GiveUpRead(question=question.id, solution=solution, attempt=attempt)
