"""A small deployment on this machine: a throwaway PostgreSQL, `descent serve` instances and
HAProxy in front, configured from the example in docs/deploy.md (its compose file and its
haproxy.cfg), so the test exercises the documented ports and settings.

Used by tests/scale (the multi-instance test) and tests/load/scale.py (the scaling figure).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY_DOC = REPO / "docs" / "deploy.md"
POSTGRES_SH = REPO / ".ci" / "postgres.sh"
DEBIAN_PACKAGES = {"haproxy": "haproxy", "postgres": "postgresql"}


# -- tools ----------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian's layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def haproxy_bin() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None
    )


def missing_tools() -> list[str]:
    """Debian packages this machine lacks for a deployment (empty when it has them all)."""
    missing = []
    if postgres_bin() is None:
        missing.append(DEBIAN_PACKAGES["postgres"])
    if haproxy_bin() is None:
        missing.append(DEBIAN_PACKAGES["haproxy"])
    return missing


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the documented example ------------------------------------------------------------------


@dataclass
class Example:
    """What docs/deploy.md prescribes: each instance's environment, HAProxy's configuration."""

    instances: dict[str, dict[str, str]]  # compose service name -> DESCENT_* environment
    haproxy_cfg: str
    public_port: int
    database_url: str


def _block(text: str, first_line: str) -> str:
    """The fenced code block whose first line is ``first_line``."""
    pattern = re.compile(r"```[a-z]*\n(" + re.escape(first_line) + r"\n.*?)```", re.S)
    match = pattern.search(text)
    if match is None:
        raise AssertionError(f"docs/deploy.md has no code block starting with {first_line!r}")
    return match.group(1)


def documented_example(doc: Path = DEPLOY_DOC) -> Example:
    text = doc.read_text(encoding="utf-8")
    compose = yaml.safe_load(_block(text, "# compose.yaml"))
    haproxy_cfg = _block(text, "# haproxy.cfg")
    instances = {
        name: {k: str(v) for k, v in (service.get("environment") or {}).items()}
        for name, service in compose["services"].items()
        if "DESCENT_PORT" in (service.get("environment") or {}) and name.startswith("descent")
    }
    public = re.search(r"^\s*bind\s+\S*:(\d+)\s*$", haproxy_cfg, re.M)
    if not instances or public is None:
        raise AssertionError("docs/deploy.md: no descent-* services or no HAProxy bind line")
    urls = {env["DESCENT_DATABASE_URL"] for env in instances.values()}
    if len(urls) != 1:
        raise AssertionError(f"docs/deploy.md: the instances use different databases: {urls}")
    return Example(instances, haproxy_cfg, int(public.group(1)), urls.pop())


# -- processes -------------------------------------------------------------------------------


@dataclass
class Postgres:
    url: str  # the documented URL with this server's address
    admin_url: str
    port: int
    data: Path

    def connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"))


@contextmanager
def throwaway_postgres(documented_url: str | None = None) -> Iterator[Postgres]:
    """Start a PostgreSQL server on a free loopback port (``.ci/postgres.sh``); with the
    documented URL, create its role and database there. Stopped and deleted afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    port = free_port()
    data = Path(tempfile.gettempdir()) / f"descent-scale-pg-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PGDATA_DIR": str(data), "PGPORT": str(port)}
    out = subprocess.run(
        ["bash", str(POSTGRES_SH), "start"], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"PostgreSQL did not start: {out.stderr or out.stdout}")
    admin = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        url = admin
        if documented_url:
            doc = make_url(documented_url)
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres") as conn:
                conn.autocommit = True
                conn.execute(f"CREATE ROLE \"{doc.username}\" LOGIN PASSWORD '{doc.password}'")
                conn.execute(f'CREATE DATABASE "{doc.database}" OWNER "{doc.username}"')
            url = doc.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        yield Postgres(url=url, admin_url=admin, port=port, data=data)
    finally:
        subprocess.run(
            ["bash", str(POSTGRES_SH), "stop"], env=env, capture_output=True, check=False
        )
        shutil.rmtree(data, ignore_errors=True)


@dataclass
class Instance:
    """One `descent serve` process."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workdir: Path) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
        environment.update(self.env)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from app.cli import main; main()", "serve"],
                cwd=workdir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/healthz/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.proc is not None
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not become ready:\n{self.tail()}")
            time.sleep(0.2)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 40.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@dataclass
class HAProxy:
    cfg: Path
    socket: Path
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = haproxy_bin()
        assert binary, "haproxy is not installed"
        check = subprocess.run([binary, "-c", "-f", str(self.cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"haproxy rejects the configuration:\n{check.stdout}{check.stderr}")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [binary, "-db", "-f", str(self.cfg)], stdout=log, stderr=subprocess.STDOUT
            )

    def servers(self) -> dict[str, str]:
        """Each backend server's state as HAProxy sees it (UP, DOWN, …), from its stats socket."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(str(self.socket))
            sock.sendall(b"show stat\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        states = {}
        for line in data.decode().splitlines():
            parts = line.split(",")
            if len(parts) > 17 and parts[1] not in ("FRONTEND", "BACKEND", "svname"):
                states[parts[1]] = parts[17]
        return states

    def wait_servers(self, want: str, names: list[str], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                states = self.servers()
            except OSError:
                states = {}
            if all(states.get(name) == want for name in names):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"haproxy servers {states}, wanted {want} for {names}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Cluster:
    postgres: Postgres
    instances: list[Instance]
    haproxy: HAProxy
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.haproxy.base


def _free_or_other(port: int, notes: list[str]) -> int:
    if port_free(port):
        return port
    other = free_port()
    notes.append(f"port {port} (from docs/deploy.md) is in use here; used {other} instead")
    return other


def upgrade_database(url: str) -> None:
    """`descent db upgrade`, as the documented deployment runs it before the instances."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESCENT_")}
    env["DESCENT_DATABASE_URL"] = url
    out = subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "db", "upgrade"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"descent db upgrade failed:\n{out.stdout}{out.stderr}")


@contextmanager
def cluster(
    workdir: Path,
    *,
    instances: int | None = None,
    overrides: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """PostgreSQL, the documented instances (the first ``instances`` of them) and HAProxy with
    the documented configuration; the addresses become loopback, the ports stay the
    documented ones unless one is taken on this machine (then ``Cluster.notes`` says so)."""
    example = documented_example()
    names = sorted(example.instances)[: instances or None]
    notes: list[str] = []
    with ExitStack() as stack:
        pg = stack.enter_context(throwaway_postgres(example.database_url))
        upgrade_database(pg.url)
        cfg = example.haproxy_cfg
        started: list[Instance] = []
        for name in names:
            env = dict(example.instances[name])
            documented = int(env["DESCENT_PORT"])
            port = _free_or_other(documented, notes)
            env.update(
                DESCENT_DATABASE_URL=pg.url,
                DESCENT_HOST="127.0.0.1",
                DESCENT_PORT=str(port),
                **(overrides or {}),
            )
            cfg = re.sub(rf"\b{re.escape(name)}:{documented}\b", f"127.0.0.1:{port}", cfg)
            instance = Instance(name, port, env, workdir / f"{name}.log")
            instance.start(workdir)
            stack.callback(instance.stop)
            started.append(instance)
        for name in set(example.instances) - set(names):  # fewer instances than documented
            cfg = re.sub(rf"^\s*server\s+{re.escape(name)}\s.*$\n?", "", cfg, flags=re.M)
        for instance in started:
            instance.wait_ready()
        public = _free_or_other(example.public_port, notes)
        cfg = re.sub(r"^(\s*)bind\s+\S*:\d+\s*$", rf"\g<1>bind 127.0.0.1:{public}", cfg, flags=re.M)
        sock = workdir / "haproxy.sock"
        # test-only: a stats socket, to see when HAProxy counts a server as up or down
        cfg = re.sub(r"^global\s*$", f"global\n    stats socket {sock} mode 600", cfg, flags=re.M)
        path = workdir / "haproxy.cfg"
        path.write_text(cfg, encoding="utf-8")
        proxy = HAProxy(path, sock, public, workdir / "haproxy.log")
        proxy.start()
        stack.callback(proxy.stop)
        proxy.wait_servers("UP", names)
        yield Cluster(pg, started, proxy, notes)
