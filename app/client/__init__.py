"""Check notebook and script code against a running Descent server.

>>> from app.client import check, ask, hint, login        # doctest: +SKIP
>>> check("code-huber", huber)                             # doctest: +SKIP

``check(question_id, function)`` sends the function's source, with the imports, helper functions
and constants it uses, to ``POST /api/v1/questions/{id}/attempts``: the same request the web
app's editor sends, so the verdict is the same. ``ask(question_id, answer)`` answers any other
question (open, formula, derivation, choice, numeric); ``hint(question_id, n)`` shows a hint;
``compare(notebook, check, ...)`` sends a capstone's numbers to be compared with the reference
on the same seeded data. ``login()`` keeps a token in your configuration folder so that attempts
count toward your progress and reviews; ``logout()`` forgets it; ``server()`` says who answers.

The server is ``DESCENT_URL`` (default http://127.0.0.1:8000). Every call returns a result that
shows itself as a table in Jupyter and as text elsewhere, is true when it passed, and never
raises for a wrong answer, an unknown id or a missing server: it says what happened instead.
This package imports only httpx and the standard library, so it loads fast in a kernel.
"""

from __future__ import annotations

import ast
import getpass
import inspect
import math
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from app.client.connection import base_url, config_dir, request, save_login, saved_login
from app.client.display import CheckResult, Message, Problem, Verdict, esc
from app.client.source import SourceUnavailable, collect

__all__ = [
    "CheckResult",
    "Message",
    "Problem",
    "Verdict",
    "ask",
    "check",
    "compare",
    "hint",
    "implemented",
    "login",
    "logout",
    "server",
    "source_of",
]

_functions: dict[tuple[str, str], str | None] = {}  # (server, question) -> function name


def _shown(result: Any) -> Any:
    """Outside Jupyter, print the result now (a script would show nothing otherwise); in a
    kernel, the cell's value is displayed as HTML."""
    if "ipykernel" not in sys.modules:
        print(result)
    return result


def source_of(obj: Callable[..., Any] | type | str) -> str:
    """The source :func:`check` would send for ``obj`` (a function, a class or source text)."""
    return obj if isinstance(obj, str) else collect(obj).source


def _expected_function(question_id: str) -> str | Problem | None:
    """The function name a code question asks for (None for other kinds)."""
    key = (base_url(), question_id)
    if key not in _functions:
        body = request("GET", f"/questions/{question_id}")
        if isinstance(body, Problem):
            return body
        spec = body.get("input", {})
        _functions[key] = spec.get("function") if spec.get("type") == "code" else None
    return _functions[key]


def _submit(
    question_id: str, answer: str | list[str], notes: list[str], self_rating: str | None = None
) -> Any:
    body: dict[str, Any] = {"answer": answer}
    if self_rating is not None:
        body["self_rating"] = self_rating
    raw = request("POST", f"/questions/{question_id}/attempts", json_body=body)
    return raw if isinstance(raw, Problem) else Verdict(raw, notes=notes)


def check(
    question_id: str, code: Callable[..., Any] | type | str, *, self_rating: str | None = None
) -> Verdict | Problem:
    """Send a function (or class, or source text) to a code question and show the verdict.

    The source sent is the function's definition plus the imports, notebook helpers and
    constants it uses (see :func:`source_of`). A function named differently from the one the
    question asks for is sent with an alias line (``huber = my_huber``).
    """
    expected = _expected_function(question_id)
    if isinstance(expected, Problem):
        return _shown(expected)
    if expected is None:
        return _shown(
            Problem(
                "Not a code question", f"{question_id} is not a code question: answer it with ask()"
            )
        )
    notes: list[str] = []
    if isinstance(code, str):
        source = code
    else:
        try:
            found = collect(code)
        except SourceUnavailable as exc:
            return _shown(Problem("Cannot read the source", str(exc), code="no-source"))
        source = found.source
        notes += [
            f"not sent: `{name}` (a {kind}); the sandbox sees only the source, so define it inside"
            " the function or pass it as an argument"
            for name, kind in found.skipped.items()
        ]
        name = getattr(code, "__name__", expected)
        if name != expected:
            source += f"\n\n{expected} = {name}\n"
    return _shown(_submit(question_id, source, notes, self_rating))


def ask(question_id: str, answer: Any, *, self_rating: str | None = None) -> Verdict | Problem:
    """Answer a question: text for open questions, a formula or a list of derivation lines, a
    number, or option ids (a list) for choice questions. A function goes to :func:`check`."""
    if callable(answer):
        return check(question_id, answer, self_rating=self_rating)
    if isinstance(answer, (list, tuple)):
        value: str | list[str] = [str(a) for a in answer]
    else:
        value = textwrap.dedent(str(answer)).strip()
    if not value:
        return _shown(
            Problem(
                "No answer yet", "write your answer first, then run the cell again", code="empty"
            )
        )
    return _shown(_submit(question_id, value, [], self_rating))


def hint(question_id: str, n: int = 1) -> Message | Problem:
    """Show the n-th hint of a question (1-based)."""
    body = request("GET", f"/questions/{question_id}/hints/{n}")
    if isinstance(body, Problem):
        return _shown(body)
    text = f"Hint {body['n']} of {body['of']}: {body['hint']['text']}"
    return _shown(
        Message(text, f"<strong>Hint {body['n']} of {body['of']}:</strong> {body['hint']['html']}")
    )


def _plain(value: Any) -> Any:
    """NumPy arrays and scalars as lists and floats; NaN and infinities as None (JSON has none)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def compare(notebook: str, check_name: str, **numbers: Any) -> CheckResult | Problem:
    """Send a capstone's numbers (fits, norms, surfaces…) to be compared with the reference
    computed on the same seeded data; show each beside the reference, with comments."""
    raw = request("POST", f"/notebooks/{notebook}/checks/{check_name}", json_body=_plain(numbers))
    return _shown(raw if isinstance(raw, Problem) else CheckResult(raw))


def _body_is_empty(func: Any) -> bool:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return False
    body = getattr(tree.body[0], "body", [])
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        body = body[1:]  # a docstring

    def empty(statement: ast.stmt) -> bool:
        if isinstance(statement, ast.Pass):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            return statement.value.value is Ellipsis
        return isinstance(statement, ast.Raise) and "NotImplementedError" in ast.unparse(statement)

    return all(empty(s) for s in body)


def implemented(*functions: Callable[..., Any]) -> bool:
    """True when every function has a body (not just ``...``, ``pass`` or ``raise
    NotImplementedError``); otherwise say which to write first and return False."""
    missing = [getattr(f, "__name__", repr(f)) for f in functions if _body_is_empty(f)]
    if missing:
        names = ", ".join(f"`{m}`" for m in missing)
        cells = "its cell" if len(missing) == 1 else "their cells"
        print(f"Write {names} above and run {cells}; then run this cell again.")
    return not missing


def server() -> Message | Problem:
    """Which Descent answers this notebook, and who is signed in."""
    health = request("GET", "/healthz", anonymous=True)
    if isinstance(health, Problem):
        return _shown(health)
    login_ = saved_login()
    who = "anonymous: attempts are graded, not stored (login() to keep your progress)"
    if login_ is not None:
        me = request("GET", "/me")
        who = f"signed in as {me['username']}" if isinstance(me, dict) else str(me)
    counts = health.get("content", {})
    text = (
        f"Descent {health.get('version')} at {base_url()}: {counts.get('topics')} topics,"
        f" {counts.get('questions')} questions; {who}"
    )
    return _shown(Message(text, f"<strong>Descent {esc(health.get('version'))}</strong> at"
                                f" <code>{esc(base_url())}</code>: {esc(text.split(': ', 1)[1])}"))  # fmt: skip


def login(
    username: str | None = None, password: str | None = None, *, register: bool = False
) -> Message | Problem:
    """Sign in (asking for what is not given) and keep the token for this server in the
    configuration folder, so that attempts count toward progress and reviews. With
    ``register=True`` the account is created first."""
    username = username or input("Descent username: ").strip()
    password = password or getpass.getpass("Descent password: ")
    if register:
        made = request(
            "POST", "/users", json_body={"username": username, "password": password}, anonymous=True
        )
        if isinstance(made, Problem):
            return _shown(made)
    token = request(
        "POST", "/auth/token", form={"username": username, "password": password}, anonymous=True
    )
    if isinstance(token, Problem):
        return _shown(token)
    path = save_login(
        {"token": token["access_token"], "username": username, "expires_at": token["expires_at"]}
    )
    return _shown(
        Message(
            f"signed in as {username} at {base_url()} until {token['expires_at']}; token kept in {path}"
        )
    )


def logout() -> Message | Problem:
    """Revoke this server's saved token and forget it."""
    if saved_login() is None:
        return _shown(Message(f"not signed in at {base_url()}"))
    result = request("POST", "/auth/logout")
    save_login(None)
    if isinstance(result, Problem) and result.status != 401:
        return _shown(result)
    return _shown(Message(f"signed out of {base_url()}; the token is forgotten ({config_dir()})"))
