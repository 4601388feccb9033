"""Descent's study material: YAML topic modules, their schema and the loader."""

from pathlib import Path

PACKAGED_CONTENT_DIR = Path(__file__).resolve().parent / "modules"

from content.loader import ContentError, ContentSet, load_content  # noqa: E402

__all__ = ["PACKAGED_CONTENT_DIR", "ContentError", "ContentSet", "load_content"]
