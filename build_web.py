"""Build step of the Python package: the web app's code editor and chart library, from npm.

setuptools runs ``BuildPy`` (see ``[tool.setuptools.cmdclass]`` in pyproject.toml) whenever the
package is built or installed, editable or not. It installs the pinned npm packages
(``package.json``, ``package-lock.json``) and runs ``app/web/editor/build.mjs``, which bundles
the code editor (CodeMirror) and copies Plotly's cartesian bundle into ``app/web/static/build/``
(git-ignored, shipped as package data).

Where Node.js or npm is missing, or npm cannot install, the build is skipped with a warning: the
page then falls back to a plain text box for code and to the full Plotly of the ``plotly``
Python package for charts. ``DESCENT_WEB_BUILD`` changes that: ``skip`` never builds,
``require`` makes a failed build fail the install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "app" / "web" / "static" / "build"
OUTPUTS = (BUILD / "codemirror.js", BUILD / "plotly-cartesian.min.js", BUILD / "LICENSES.txt")
SOURCES = (
    ROOT / "app" / "web" / "editor" / "codemirror.js",
    ROOT / "app" / "web" / "editor" / "build.mjs",
)
LOCK = ROOT / "package-lock.json"
STAMP = ROOT / "node_modules" / ".descent-lock-sha256"  # which lock file node_modules matches


class WebBuildError(RuntimeError):
    """The web build could not run."""


def _say(message: str) -> None:
    print(f"descent web build: {message}", file=sys.stderr, flush=True)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-2000:]
        raise WebBuildError(f"`{' '.join(args)}` failed (exit {done.returncode}):\n{output}")


def _up_to_date() -> bool:
    if not all(path.exists() for path in OUTPUTS):
        return False
    built = min(path.stat().st_mtime for path in OUTPUTS)
    inputs = (*SOURCES, LOCK, ROOT / "package.json")
    return all(path.stat().st_mtime <= built for path in inputs if path.exists())


def build_web() -> bool:
    """Build if an output is missing or older than the inputs; True if the outputs exist."""
    if not LOCK.exists():  # an sdist or checkout without the npm files: nothing to build
        return all(path.exists() for path in OUTPUTS)
    if _up_to_date():
        return True
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise WebBuildError(
            "Node.js and npm are not installed, so the code editor is not bundled (the page "
            "uses a plain text box) and charts load the full Plotly; install them (e.g. "
            "apt-get install nodejs npm) and reinstall Descent"
        )
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text(encoding="utf-8").strip() != digest:
        _say("installing the editor's npm packages (npm ci)")
        _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        STAMP.write_text(digest, encoding="utf-8")
    _run([npm, "run", "--silent", "build"])
    _say(f"built the code editor and Plotly's cartesian bundle into {BUILD.relative_to(ROOT)}")
    return True


def build_or_explain() -> None:
    mode = os.environ.get("DESCENT_WEB_BUILD", "auto").strip().lower()
    if mode == "skip":
        _say("DESCENT_WEB_BUILD=skip: the code editor and Plotly's cartesian bundle are not built")
        return
    try:
        build_web()
    except (WebBuildError, OSError) as exc:
        if mode == "require":
            raise
        _say(f"warning: {exc}")


class BuildPy(build_py):
    """setuptools' build_py, preceded by the web build (before package data is listed)."""

    def run(self) -> None:
        build_or_explain()
        super().run()
