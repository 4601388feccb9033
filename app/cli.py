"""The ``descent`` command: serve, migrate, check content."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from app import __version__

cli = typer.Typer(
    help="Descent: interview practice for ML loss functions and optimization.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Database maintenance.", no_args_is_help=True)
content_cli = typer.Typer(help="Content authoring tools.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(content_cli, name="content")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"descent {__version__}")
        raise typer.Exit()


@cli.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Descent: interview practice for ML loss functions and optimization."""


def _print_errors(errors: list) -> None:  # type: ignore[type-arg]
    for error in errors:
        typer.echo(str(error), err=True)
    typer.echo(f"{len(errors)} content error(s)", err=True)


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default DESCENT_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default DESCENT_PORT).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (each with its own "
            "code runners); use PostgreSQL or one machine's SQLite.",
        ),
    ] = 1,
) -> None:
    """Load the content, migrate the embedded SQLite database and start the server."""
    import uvicorn

    from app.db.migrate import upgrade
    from app.ops.logs import log_config
    from app.settings import get_settings
    from content import load_content

    settings = get_settings()
    content = load_content(settings.content_dir)
    if not content.ok:
        _print_errors(content.errors)
        typer.echo("refusing to start with invalid content", err=True)
        raise typer.Exit(2)
    if settings.is_sqlite:
        upgrade(settings.database_url)
    options = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level,
    }
    options |= {
        "log_config": log_config(log_format=settings.log_format, level=settings.log_level),
        "access_log": False,  # the request middleware logs every request, with its id
        "proxy_headers": False,  # X-Forwarded-For counts only with DESCENT_TRUST_PROXY
    }
    if reload or workers > 1:  # each process imports the factory itself
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            reload=reload,
            workers=None if reload else workers,
            **options,
        )
        return
    from app.main import create_app

    uvicorn.run(create_app(settings, content), **options)  # content is loaded once


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply database migrations up to REVISION (default: the newest)."""
    from app.db.migrate import current, upgrade
    from app.settings import get_settings

    url = get_settings().database_url
    upgrade(url, revision)
    typer.echo(f"database at revision {current(url)}")


@db_cli.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")],
) -> None:
    """Revert database migrations down to REVISION."""
    from app.db.migrate import current, downgrade
    from app.settings import get_settings

    url = get_settings().database_url
    downgrade(url, revision)
    typer.echo(f"database at revision {current(url) or 'base'}")


@content_cli.command("check")
def content_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Content folder (default: configured).")
    ] = None,
) -> None:
    """Validate every module and run every question's self-checks; print file:line errors
    (exit 1) or a summary (exit 0)."""
    from app.settings import get_settings
    from content import check_content, load_content

    folder = directory or get_settings().content_dir
    content = load_content(folder)
    if not content.ok:
        _print_errors(content.errors)
        raise typer.Exit(1)
    report = check_content(content)
    for reason, count in report.skipped.items():
        typer.echo(f"notice: {reason} ({count} question(s))", err=True)
    if report.errors:
        _print_errors(report.errors)
        raise typer.Exit(1)
    kinds = Counter(q.kind for q in content.questions.values())
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    typer.echo(
        f"{folder}: {len(content.topics)} topics, {len(content.questions)} questions"
        f" ({by_kind or 'none'})"
    )


def main() -> None:
    cli()
