"""The browser app: static HTML, CSS and ES modules calling the public REST API."""

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
INDEX_HTML = WEB_DIR / "index.html"
STATIC_DIR = WEB_DIR / "static"
