"""Descent's study material: YAML topic modules, their schema and the loader."""

from pathlib import Path

PACKAGED_CONTENT_DIR = Path(__file__).resolve().parent / "modules"

from content.loader import (  # noqa: E402
    CheckReport,
    ContentError,
    ContentSet,
    check_content,
    load_content,
)

__all__ = [
    "PACKAGED_CONTENT_DIR",
    "CheckReport",
    "ContentError",
    "ContentSet",
    "check_content",
    "load_content",
]
