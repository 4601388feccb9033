"""Service configuration, read from ``DESCENT_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The shipped modules, found without importing the content package (which imports the whole
# engine): `descent serve` must answer, or report a busy port, before that import is done.
_CONTENT = importlib.util.find_spec("content")
PACKAGED_CONTENT_DIR = (
    Path(_CONTENT.origin if _CONTENT and _CONTENT.origin else ".").parent / "modules"
)

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class Settings(BaseSettings):
    """All settings of the service; each field maps to ``DESCENT_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="DESCENT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./descent.db",
        description="SQLAlchemy URL; SQLite by default, postgresql+psycopg://… for PostgreSQL.",
    )
    content_dir: Path = Field(
        default=PACKAGED_CONTENT_DIR, description="Folder holding the YAML topic modules."
    )
    host: str = Field(default="127.0.0.1", description="Interface `descent serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `descent serve` listens on.")
    log_level: str = Field(default="info", description="One of: " + ", ".join(LOG_LEVELS))
    token_ttl_hours: int = Field(
        default=24 * 14, ge=1, le=24 * 365, description="How long a sign-in token stays valid."
    )
    secret_key: str = Field(
        default_factory=lambda: secrets.token_urlsafe(32),
        description="Secret for signing; a random one per process when unset.",
    )
    # Production limits (README "Production"); every default leaves a classroom behind one NAT
    # address and the 50-learner load test from 127.0.0.1 alone.
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="`descent serve` logs: text on a terminal and JSON otherwise (auto), or"
        " always one JSON object per line (json), or always text.",
    )
    max_body_bytes: int = Field(
        default=1 << 20, ge=1024, description="Largest request body in bytes; larger is a 413."
    )
    trust_proxy: int = Field(
        default=0,
        ge=0,
        le=16,
        description="Reverse proxies in front whose X-Forwarded-For is believed (true = 1).",
    )
    rate_limit_enabled: bool = Field(
        default=True, description="Per-client token buckets on grading and demo endpoints."
    )
    rate_limit_grading_per_user: float = Field(
        default=20.0, gt=0, description="Grading requests per second per signed-in learner."
    )
    rate_limit_grading_per_ip: float = Field(
        default=500.0, gt=0, description="Grading requests per second per anonymous address."
    )
    rate_limit_demos_per_user: float = Field(
        default=2.0, gt=0, description="Demo runs per second per signed-in learner."
    )
    rate_limit_demos_per_ip: float = Field(
        default=50.0, gt=0, description="Demo runs per second per anonymous address."
    )
    rate_limit_burst_s: float = Field(
        default=10.0, gt=0, description="Bucket size: a client may burst rate × this many seconds."
    )
    grading_timeout_s: float = Field(
        default=10.0, gt=0, le=300, description="Wall-clock bound of one formula/rubric grading."
    )
    demo_timeout_s: float = Field(
        default=30.0, gt=0, le=600, description="Wall-clock bound of one demo run."
    )
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.lower()
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}; got {value!r}")
        return level

    @field_validator("trust_proxy", mode="before")
    @classmethod
    def _proxy_count(cls, value: Any) -> Any:
        words = {"true": 1, "yes": 1, "on": 1, "false": 0, "no": 0, "off": 0, "": 0}
        if isinstance(value, str) and value.strip().lower() in words:
            return words[value.strip().lower()]
        return value

    @property
    def resolved_log_format(self) -> Literal["json", "text"]:
        if self.log_format == "auto":
            return "text" if sys.stderr.isatty() else "json"
        return self.log_format

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
