"""The web app's large scripts, fingerprinted, compressed and cached for good.

Plotly (the full bundle from the installed ``plotly`` package), Plotly's cartesian bundle and
the code editor's bundle (both built into ``app/web/static/build/`` by ``build_web.py`` when the
package is installed; absent where Node.js was missing) are served at
``/vendor/{name}.{digest}.js``: the digest is the content's, so the URL changes whenever the
file does and the browser may keep it for a year without asking again. The page learns the
current URLs from ``/vendor/assets.json``. Each file is gzipped once per process, on first
request.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import plotly
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from app.web import STATIC_DIR

ASSET_FILES = {
    "plotly": Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js",
    "plotly-cartesian": STATIC_DIR / "build" / "plotly-cartesian.min.js",
    "codemirror": STATIC_DIR / "build" / "codemirror.js",
}
EDITOR_MISSING = (
    "The code editor was not built when Descent was installed (Node.js and npm were missing): "
    "a plain text box is used."
)
IMMUTABLE = "public, max-age=31536000, immutable"
DIGEST_CHARS = 16

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Asset:
    name: str
    digest: str
    body: bytes
    mtime_ns: int

    @property
    def url(self) -> str:
        return f"/vendor/{self.name}.{self.digest}.js"


_lock = threading.Lock()
_assets: dict[str, Asset] = {}
_gzipped: dict[str, bytes] = {}


def asset(name: str) -> Asset | None:
    """The current version of an asset (re-read when its file changed), or None if absent."""
    path = ASSET_FILES[name]
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        known = _assets.get(name)
        if known is None or known.mtime_ns != mtime:
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:DIGEST_CHARS]
            known = _assets[name] = Asset(name, digest, body, mtime)
        return known


def _gzip(item: Asset) -> bytes:
    with _lock:
        if item.digest not in _gzipped:
            _gzipped[item.digest] = gzip.compress(item.body, compresslevel=6, mtime=0)
        return _gzipped[item.digest]


@router.get("/vendor/assets.json")
def asset_urls() -> JSONResponse:
    """Where the page loads Plotly and the code editor from (null: not available here)."""
    plot, cartesian, editor = asset("plotly"), asset("plotly-cartesian"), asset("codemirror")
    return JSONResponse(
        {
            "plotly": plot.url if plot else None,
            "plotly_cartesian": cartesian.url if cartesian else None,
            "editor": editor.url if editor else None,
            "editor_missing": None if editor else EDITOR_MISSING,
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/vendor/{file_name}")
def fingerprinted(file_name: str, request: Request) -> Response:
    """``{name}.{digest}.js``: gzipped when the browser accepts it; 404 for an old digest."""
    name, _, rest = file_name.partition(".")
    item = asset(name) if name in ASSET_FILES else None
    if item is None or rest != f"{item.digest}.js":
        raise HTTPException(404, f"no asset {file_name}: /vendor/assets.json has the current URLs")
    headers = {"Cache-Control": IMMUTABLE, "ETag": f'"{item.digest}"', "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(_gzip(item), media_type="text/javascript", headers=headers)
    return Response(item.body, media_type="text/javascript", headers=headers)
