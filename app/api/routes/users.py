"""Accounts and sign-in."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app import schemas as s
from app.api.deps import CurrentUser, SessionDep, SettingsDep, Token
from app.api.responses import problems
from app.errors import InvalidBody
from app.services import auth, learners

router = APIRouter(tags=["accounts"])


def _user(user: Any) -> s.UserRead:
    return s.UserRead(id=user.id, username=user.username, created_at=user.created_at)


@router.post("/users", response_model=s.UserRead, status_code=201, responses=problems(409))
def create_user(body: s.UserCreate, session: SessionDep) -> s.UserRead:
    """Create an account (argon2-hashed password); the rules are stated in any 422."""
    return _user(auth.create_user(session=session, username=body.username, password=body.password))


SIGN_IN_EXPECTED = (
    "send the username and password either as a form (Content-Type:"
    " application/x-www-form-urlencoded, username=…&password=…, as OAuth2 clients do) or as"
    ' JSON (Content-Type: application/json, {"username": "…", "password": "…"})'
)
_SIGN_IN_SCHEMA = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 64},
        "password": {"type": "string", "minLength": 1, "maxLength": 256},
        "grant_type": {"type": "string", "enum": ["password"]},
    },
    # OAuth2 forms may also carry scope, client_id and client_secret: ignored
    "additionalProperties": True,
}
_JSON_TYPES = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "true or false",
    "NoneType": "null",
}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _invalid(what: str, errors: list[dict[str, Any]] | None = None) -> InvalidBody:
    return InvalidBody(f"{what}: {SIGN_IN_EXPECTED}", errors=errors or [])


async def sign_in_body(request: Request) -> s.SignIn:
    """The credentials from a form or a JSON body, or a 422 that says what is expected."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    data: Any
    if media in _FORMS:
        form = await request.form()
        data = {k: v for k, v in form.items() if isinstance(v, str)}
    elif media == "application/json" or media.endswith("+json"):
        raw = await request.body()
        if not raw.strip():
            raise _invalid("the body is empty")
        try:
            data = json.loads(raw)
        except UnicodeDecodeError:
            raise _invalid("the body is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", exc.pos),
                        "msg": "JSON decode error",
                        "ctx": {"error": exc.msg},
                    }
                ],
                body=exc.doc,
            ) from None
        if not isinstance(data, dict):
            what = _JSON_TYPES.get(type(data).__name__, "a value")
            raise _invalid(f"the JSON body is {what}, not an object")
    elif media:
        raise _invalid(f"the body was sent as {media}")
    else:
        raise _invalid("the body has no Content-Type" if await request.body() else "no body")
    try:
        return s.SignIn.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False, include_context=False)
        ]
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
        raise _invalid(where, errors) from None


@router.post(
    "/auth/token",
    response_model=s.TokenRead,
    responses=problems(401, 422, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": _SIGN_IN_SCHEMA},
                "application/json": {"schema": _SIGN_IN_SCHEMA},
            },
        }
    },
)
def sign_in(
    request: Request,
    body: Annotated[s.SignIn, Depends(sign_in_body)],
    session: SessionDep,
    settings: SettingsDep,
) -> s.TokenRead:
    """Exchange username and password for a bearer token: an OAuth2 password form
    (`username=…&password=…`) or JSON (`{"username": …, "password": …}`)."""
    token, expires = auth.sign_in(
        session=session,
        throttle=request.app.state.login_throttle,
        username=body.username,
        password=body.password,
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
