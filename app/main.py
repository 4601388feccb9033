"""FastAPI application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app import __version__
from app.api import responses
from app.api.routes import (
    ask,
    demos,
    health,
    interviews,
    maths,
    me,
    notebooks,
    questions,
    topics,
    users,
    web,
)
from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.errors import install_error_handlers
from app.ops import install as ops
from app.schemas import Problem
from app.services import code_runner
from app.services.attempts import ReplayCache
from app.services.auth import LoginThrottle
from app.services.catalog import Catalog, JsonCache
from app.settings import Settings, get_settings
from content import ContentSet, load_content
from content.passages import build_index
from engine.ideas.model import embedder

API_PREFIX = "/api/v1"
log = logging.getLogger("descent")


class ContentInvalidError(RuntimeError):
    """Raised at start-up when the content folder has errors."""

    def __init__(self, content: ContentSet) -> None:
        self.errors = content.errors
        listing = "\n".join(str(e) for e in content.errors)
        super().__init__(f"{len(content.errors)} content error(s):\n{listing}")


def build_for_serving(settings: Settings | None = None) -> FastAPI:
    """What `descent serve` runs, built in the background after it starts listening: the
    configured content (refusing invalid content), the migrated SQLite database, the app; then
    the open-answer model is warmed so the first open answer is not the one that waits."""
    settings = settings or get_settings()
    content = load_content(settings.content_dir)
    if not content.ok:
        raise ContentInvalidError(content)
    if settings.is_sqlite:
        upgrade(settings.database_url)
    app = create_app(settings, content)
    threading.Thread(target=embedder, name="descent-warm-model", daemon=True).start()
    return app


def create_app(settings: Settings | None = None, content: ContentSet | None = None) -> FastAPI:
    """Build the app: load and check content, connect the database, mount the routers."""
    settings = settings or get_settings()
    content = content if content is not None else load_content(settings.content_dir)
    if not content.ok:
        raise ContentInvalidError(content)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(code_runner.start_and_report)  # logs the active isolation layers
        yield
        await run_in_threadpool(ops.shutdown, app)  # abandoned gradings end, shared limits close
        engine.dispose()

    app = FastAPI(
        title="Descent",
        version=__version__,
        summary="Interview practice for ML loss functions and optimization.",
        lifespan=lifespan,
        responses={404: {"model": Problem}, 422: {"model": Problem}},
        docs_url=None,  # /docs and /redoc are served from installed assets (routes/web.py)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.catalog = Catalog(content)
    app.state.json_cache = JsonCache(app.state.catalog)
    app.state.assist = build_index(content)  # Ask Descent, built once per content set
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    install_error_handlers(app)
    responses.install(app)  # problems documented as problem+json, 400/401/413 by rule
    ops.install(app, settings)  # body and rate limits, request ids, logs, /metrics
    app.state.login_throttle = LoginThrottle(app.state.limits)  # shared on PostgreSQL
    app.state.replays = ReplayCache()  # anonymous attempts' Idempotency-Keys (attempts.py)
    routers = (
        topics.router,
        questions.router,
        maths.router,
        users.router,
        me.router,
        interviews.router,
        health.router,
        ask.router,
        demos.router,
        notebooks.router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.probes)  # /healthz, /healthz/live, /healthz/ready for balancers

    web.install(app, api_prefix=API_PREFIX)  # the browser app at / and every deep link

    return app
