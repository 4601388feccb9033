"""Ask Descent: a learner's doubt answered from our own material, with links into it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app import schemas as s
from app.api.deps import CatalogDep, OptionalUser, SessionDep
from app.api.responses import problems
from app.ops.ratelimit import GradingLimit
from app.services import ask as service
from engine.assist import AssistIndex

router = APIRouter(prefix="/ask", tags=["ask"])


def get_assist(request: Request) -> AssistIndex:
    return request.app.state.assist


AssistDep = Annotated[AssistIndex, Depends(get_assist)]


@router.post("", response_model=s.AskRead, dependencies=[GradingLimit], responses=problems(429))
def ask(
    body: s.AskCreate,
    assist: AssistDep,
    catalog: CatalogDep,
    user: OptionalUser,
    session: SessionDep,
) -> s.AskRead:
    """Answer a doubt with passages of the material, practice questions and demos."""
    return service.ask(
        assist=assist,
        catalog=catalog,
        session=session,
        user_id=user.id if user is not None else None,
        body=body,
    )
