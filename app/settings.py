"""Service configuration, read from ``DESCENT_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from content import PACKAGED_CONTENT_DIR

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

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.lower()
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}; got {value!r}")
        return level

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
