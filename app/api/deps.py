"""Annotated dependencies shared by the routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.db.models import User
from app.services import auth
from app.services.catalog import Catalog
from app.settings import Settings
from content.schema import Question

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
# Row ids are INTEGER keys (32-bit on PostgreSQL): a larger path id is a 422, not a DB error.
MAX_ROW_ID = 2**31 - 1


async def get_catalog(request: Request) -> Catalog:  # async: no threadpool hop for a lookup
    return request.app.state.catalog


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]


async def valid_question(
    catalog: CatalogDep,
    question_id: Annotated[str, Path(max_length=80, description="Question id")],
) -> Question:
    """Resolve a question id once, raising a 404 problem when it is unknown."""
    return catalog.question_model(question_id)


QuestionDep = Annotated[Question, Depends(valid_question)]
Token = Annotated[str | None, Depends(oauth2)]


def optional_user(request: Request, session: SessionDep, token: Token) -> User | None:
    """The signed-in learner, or None for anonymous use; a bad token is a 401, not anonymous."""
    if token is None:
        return None
    user = auth.user_for_token(session=session, token=token)
    request.state.user_id = user.id  # for the request's access log line
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise auth.Unauthorized(
            "sign in first: POST /api/v1/auth/token, then send 'Authorization: Bearer <token>'"
        )
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
