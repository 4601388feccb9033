"""The web app: one HTML page for every deep link, its static assets, and a text renderer."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated

import fastapi_offline
import plotly
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.routes import assets
from app.errors import http_error
from app.web import INDEX_HTML, STATIC_DIR
from engine.mathtext import MathTextError, render_text

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
# Swagger UI and ReDoc from an installed package (fastapi-offline ships their release builds),
# so /docs and /redoc work with no network: nothing is fetched from a CDN.
DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
DOCS_ASSETS_URL = "/vendor/api-docs"
# Plotly injects its own <style> elements and the server's MathML needs nothing, so scripts
# stay same-origin only.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# The API reference pages start Swagger UI / ReDoc from an inline script; everything else they
# load must come from this server. ReDoc's bundle links its maker's logo from a CDN: the
# browser is told not to fetch it (the page works without it).
DOCS_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}
PAGES = (
    "/",
    "/topics",
    "/topics/{topic_id}",
    "/questions/{question_id}",
    "/demos",
    "/demos/{demo_id}",
    "/reviews",
    "/progress",
    "/interview",
    "/login",
)
MAX_TEXTS = 100
MAX_TEXT_CHARS = 20_000

NOT_FOUND_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <title>Page not found · Descent</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <header class="site-header"><div class="header-inner">
    <a class="brand" href="/"><span>Descent</span></a>
  </div></header>
  <main id="main">
    <div class="view">
      <h1>Page not found</h1>
      <p class="lede">Nothing lives at <code>{path}</code>: the link may be mistyped or out of
      date.</p>
      <div class="actions">
        <a class="btn btn-primary" href="/">Go to the topics</a>
        <a class="btn" href="/docs">REST API reference</a>
      </div>
    </div>
  </main>
</body>
</html>
"""

pages = APIRouter(include_in_schema=False)
router = APIRouter(tags=["web"])


def page() -> FileResponse:
    return FileResponse(INDEX_HTML, media_type="text/html", headers=PAGE_HEADERS)


for _path in PAGES:
    pages.add_api_route(_path, page, methods=["GET"], response_class=FileResponse)


@pages.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@pages.get("/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(
        PLOTLY_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


class RenderRequest(BaseModel):
    texts: list[Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] = Field(
        max_length=MAX_TEXTS, examples=[["Check the sign of $y - X\\beta$."]]
    )


class RenderResult(BaseModel):
    html: list[str] = Field(description="One HTML fragment per text, maths as MathML.")


def _render(text: str) -> str:
    try:
        return render_text(text)
    except MathTextError:  # echoed learner input may hold a lone '$': show it as written
        return render_text(text.replace("$", "\\$"))


@router.post("/render", response_model=RenderResult)
def render(body: RenderRequest) -> RenderResult:
    """Render texts with LaTeX in $…$ (feedback, explanations) to HTML with MathML."""
    return RenderResult(html=[_render(t) for t in body.texts])


def wants_html(request: Request) -> bool:
    """A browser navigating to a page (not the API, not a script fetching JSON)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.url.path.startswith("/api/")
        and "text/html" in request.headers.get("accept", "")
    )


async def not_found(request: Request, exc: Exception) -> Response:
    """404: an HTML page for a browser's unknown path, a problem+json for everything else."""
    if wants_html(request):
        body = NOT_FOUND_HTML.format(path=html.escape(request.url.path))
        return HTMLResponse(body, status_code=404, headers=PAGE_HEADERS)
    if isinstance(exc, StarletteHTTPException):
        return await http_error(request, exc)
    raise exc  # pragma: no cover  # Starlette sends only HTTPExceptions to a status handler


def _docs_routes(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc, their scripts served from the package."""
    openapi_url = app.openapi_url or "/openapi.json"
    favicon = "/static/favicon.svg"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — REST API",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=favicon,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        page.headers.update(DOCS_HEADERS)
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} — REST API",
            redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
        page.headers.update(DOCS_HEADERS)
        return page

    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="api-docs-assets")


def install(app: FastAPI, *, api_prefix: str) -> None:
    """Mount the pages, the static assets, the API docs and the renderer on the app; unknown
    browser paths get an HTML not-found page."""
    app.include_router(router, prefix=api_prefix)
    app.include_router(pages)
    app.include_router(assets.router)  # Plotly and the code editor, fingerprinted and gzipped
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _docs_routes(app)
    app.add_exception_handler(404, not_found)
