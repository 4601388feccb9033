"""The ``descent`` command: serve, migrate, check content."""

from __future__ import annotations

import errno
import socket
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

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


def _port_free(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, not an address of this machine), or
    None: found in a millisecond, instead of after the whole start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (is Descent already running?)."
                    f" Stop the other server, or start this one on another port:"
                    f" descent serve --port {port + 1}"
                )
            return f"cannot listen on {host}:{port}: {exc.strerror}"
    return None


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
    """Start the server at once; load the content, migrate the embedded SQLite database and
    start the code sandbox in the background (the page says when it is ready)."""
    import uvicorn

    from app.ops.logs import log_config
    from app.settings import get_settings
    from app.startup import starting_app

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    busy = _port_free(host, port)
    if busy:
        typer.echo(busy, err=True)
        raise typer.Exit(2)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    typer.echo(f"Descent: open http://{shown}:{port} (API docs: http://{shown}:{port}/docs)")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": settings.log_level,
        "log_config": log_config(log_format=settings.resolved_log_format, level=settings.log_level),
        "access_log": False,  # the request middleware logs every request, with its id
        "proxy_headers": False,  # X-Forwarded-For counts only with DESCENT_TRUST_PROXY
    }
    if reload or workers > 1:  # each process builds its own app from the factory
        uvicorn.run(
            "app.startup:create_starting_app",
            factory=True,
            reload=reload,
            workers=None if reload else workers,
            **options,
        )
        return
    server: uvicorn.Server | None = None

    def stop(_: BaseException) -> None:
        if server is not None:
            server.should_exit = True

    app = starting_app(on_failure=stop)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    server.run()
    if app.failure is not None:
        errors = getattr(app.failure, "errors", None)
        if errors:
            _print_errors(errors)
            typer.echo("refusing to start with invalid content", err=True)
        else:
            typer.echo(f"Descent could not start: {app.failure}", err=True)
        raise typer.Exit(2)


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
    for missing in report.unsourced:
        typer.echo(f"notice: {missing}", err=True)
    if report.errors:
        _print_errors(report.errors)
        raise typer.Exit(1)
    kinds = Counter(q.kind for q in content.questions.values())
    by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    typer.echo(
        f"{folder}: {len(content.topics)} topics, {len(content.questions)} questions"
        f" ({by_kind or 'none'})"
    )


@cli.command()
def notebook(
    notebook_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="A topic id, or capstone-regression, capstone-classification, capstone-landscapes.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write it (default: ID.ipynb; - for stdout)."),
    ] = None,
    list_ids: Annotated[
        bool, typer.Option("--list", help="List the notebook ids and exit.")
    ] = False,
    torch: Annotated[
        bool | None,
        typer.Option(
            "--torch/--no-torch",
            help="Include the PyTorch exercises (default: when PyTorch is installed here).",
        ),
    ] = None,
) -> None:
    """Write a Jupyter notebook: a capstone, or a topic's code exercises with check cells."""
    from app import notebooks
    from app.settings import get_settings
    from content import load_content

    content = load_content(get_settings().content_dir)
    if not content.ok:
        _print_errors(content.errors)
        raise typer.Exit(2)
    if list_ids or notebook_id is None:
        for info in notebooks.catalog(content):
            typer.echo(f"{info.id:<28} {info.title}")
        if notebook_id is None and not list_ids:
            typer.echo("\nname one: descent notebook ID [-o FILE]", err=True)
            raise typer.Exit(2)
        return
    try:
        text = notebooks.dumps(notebooks.build(notebook_id, content, torch=torch))
    except notebooks.UnknownNotebook:
        typer.echo(
            f"no notebook {notebook_id!r}; `descent notebook --list` shows the ids", err=True
        )
        raise typer.Exit(2) from None
    if output is not None and str(output) == "-":
        typer.echo(text, nl=False)
        return
    path = output or Path(f"{notebook_id}.ipynb")
    path.write_text(text, encoding="utf-8")
    typer.echo(
        f"wrote {path}; with a server running (descent serve), open it in Jupyter or run"
        f" jupyter nbconvert --execute --to notebook {path}"
    )


def main() -> None:
    cli()
