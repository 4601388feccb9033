"""Accounts and sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app import schemas as s
from app.api.deps import CurrentUser, SessionDep, SettingsDep, Token
from app.api.responses import problems
from app.services import auth, learners

router = APIRouter(tags=["accounts"])


def _user(user: Any) -> s.UserRead:
    return s.UserRead(id=user.id, username=user.username, created_at=user.created_at)


@router.post("/users", response_model=s.UserRead, status_code=201, responses=problems(409))
def create_user(body: s.UserCreate, session: SessionDep) -> s.UserRead:
    """Create an account (argon2-hashed password); the rules are stated in any 422."""
    return _user(auth.create_user(session=session, username=body.username, password=body.password))


@router.post("/auth/token", response_model=s.TokenRead, responses=problems(401, 429))
def sign_in(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> s.TokenRead:
    """Exchange username and password (OAuth2 password form) for a bearer token."""
    token, expires = auth.sign_in(
        session=session,
        throttle=request.app.state.login_throttle,
        username=form.username,
        password=form.password,
        ttl=timedelta(hours=settings.token_ttl_hours),
    )
    return s.TokenRead(access_token=token, expires_at=expires)


@router.post("/auth/logout", status_code=204)
def sign_out(user: CurrentUser, token: Token, session: SessionDep) -> Response:
    """Revoke the token used for this request."""
    auth.revoke(session=session, token=token or "")
    return Response(status_code=204)


@router.get("/me", response_model=s.UserRead)
def me(user: CurrentUser) -> s.UserRead:
    """Return the signed-in account."""
    return _user(user)


@router.delete("/me", status_code=204)
def delete_me(user: CurrentUser, session: SessionDep) -> Response:
    """Delete the account and everything it owns (attempts, cards, interviews, tokens)."""
    learners.delete_account(session=session, user=user)
    return Response(status_code=204)


@router.get("/me/export")
def export_me(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Download every stored row of yours as JSON."""
    return learners.export(session=session, user=user)
