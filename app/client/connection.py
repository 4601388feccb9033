"""Talking to a Descent server: its address, the sign-in token kept on disk, and requests
that turn every failure into a :class:`~app.client.display.Problem` instead of a traceback."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from app.client.display import Problem

DEFAULT_URL = "http://127.0.0.1:8000"
API = "/api/v1"
START_SERVER = 'pip install ".[notebook]"  # from a Descent checkout, once\ndescent serve'
TIMEOUT = httpx.Timeout(60.0, connect=5.0)  # code runs in the server's sandbox: allow time
RETRIES = 3  # for "runners busy" (503) and rate limits (429) that say when to come back
MAX_WAIT_S = 10.0
CREDENTIALS = "credentials.json"


def base_url() -> str:
    """The server: ``DESCENT_URL``, else http://127.0.0.1:8000 (read at every call)."""
    return os.environ.get("DESCENT_URL", DEFAULT_URL).rstrip("/")


def config_dir() -> Path:
    """Where the sign-in token is kept: ``DESCENT_CONFIG_DIR``, else the platform's per-user
    configuration folder (``~/.config/descent`` on Linux, ``~/Library/Application Support/
    descent`` on macOS, ``%APPDATA%\\descent`` on Windows)."""
    if override := os.environ.get("DESCENT_CONFIG_DIR"):
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "descent"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "descent"
    return Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "descent"


def _credentials_file() -> Path:
    return config_dir() / CREDENTIALS


def _read_credentials() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_credentials_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_login() -> dict[str, str] | None:
    """The token saved for this server (``{token, username, expires_at}``), if any."""
    entry = _read_credentials().get(base_url())
    return entry if isinstance(entry, dict) and "token" in entry else None


def save_login(entry: dict[str, str] | None) -> Path:
    """Keep (or with None, forget) the token for this server; the file is private (0600)."""
    data = _read_credentials()
    if entry is None:
        data.pop(base_url(), None)
    else:
        data[base_url()] = entry
    path = _credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
    return path


def unreachable(url: str, error: Exception) -> Problem:
    return Problem(
        "No Descent server answers",
        f"nothing answers at {url} ({type(error).__name__}). Start one in a terminal:\n\n"
        f"    {START_SERVER.replace(chr(10), chr(10) + '    ')}\n\n"
        "or point this notebook at another: set DESCENT_URL (e.g. DESCENT_URL=http://host:8000)"
        " before starting Jupyter.",
        code="unreachable",
    )


def _problem(response: httpx.Response) -> Problem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = str(body.get("detail") or response.reason_phrase or "request failed")
    code = str(body.get("type", "")).rsplit("/", 1)[-1] or str(response.status_code)
    if response.status_code == 401 and saved_login() is not None:
        detail += "; your saved sign-in is no longer valid: run login() again, or logout()"
    return Problem(
        str(body.get("title") or f"HTTP {response.status_code}"),
        detail,
        code=code,
        status=response.status_code,
    )


def request(method: str, path: str, *, json_body: Any = None, form: dict[str, str] | None = None,
            anonymous: bool = False) -> Any:  # fmt: skip
    """Call the API; the decoded JSON body (None for 204), or a :class:`Problem`."""
    url = base_url()
    headers = {"Accept": "application/json"}
    login = None if anonymous else saved_login()
    if login is not None:
        headers["Authorization"] = f"Bearer {login['token']}"
    for attempt in range(RETRIES + 1):
        try:
            response = httpx.request(method, url + API + path, json=json_body, data=form,
                                     headers=headers, timeout=TIMEOUT)  # fmt: skip
        except httpx.TransportError as error:
            return unreachable(url, error)
        wait = _retry_after(response)
        if wait is None or attempt == RETRIES:
            break
        time.sleep(wait)
    if response.status_code == 204:
        return None
    if response.is_error:
        return _problem(response)
    try:
        return response.json()
    except ValueError:
        return Problem(
            "Not a Descent server",
            f"{url} answered {path} with something other than JSON",
            code="not-descent",
        )


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait before trying again, for a busy or rate-limited answer that says so."""
    if response.status_code not in (429, 503):
        return None
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return wait if 0 <= wait <= MAX_WAIT_S else None
