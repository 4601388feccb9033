"""The web app: one HTML page for every deep link, its static assets, and a text renderer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from app.web import INDEX_HTML, STATIC_DIR
from engine.mathtext import MathTextError, render_text

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
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


def install(app: FastAPI, *, api_prefix: str) -> None:
    """Mount the pages, the static assets and the renderer on the app."""
    app.include_router(router, prefix=api_prefix)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
