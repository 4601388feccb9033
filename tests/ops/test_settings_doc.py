"""Every setting has its row in a settings table: the README's Configuration table (what a
newcomer sets) or the Settings table of docs/production.md (limits, timeouts, metrics)."""

from __future__ import annotations

from app.settings import Settings
from tests.conftest import REPO


def _rows(text: str) -> set[str]:
    return {line.split("`")[1] for line in text.splitlines() if line.startswith("| `DESCENT_")}


def test_every_setting_is_in_a_settings_table() -> None:
    readme = _rows((REPO / "README.md").read_text(encoding="utf-8"))
    production = _rows((REPO / "docs" / "production.md").read_text(encoding="utf-8"))
    missing = [
        name
        for name in Settings.model_fields
        if f"DESCENT_{name.upper()}" not in readme | production
    ]
    assert not missing, (
        f"add rows to README's Configuration or docs/production.md#settings: {missing}"
    )


def test_no_table_documents_a_setting_that_does_not_exist() -> None:
    known = {f"DESCENT_{name.upper()}" for name in Settings.model_fields}
    for page in ("README.md", "docs/production.md"):
        unknown = _rows((REPO / page).read_text(encoding="utf-8")) - known
        assert not unknown, f"{page} documents settings that do not exist: {sorted(unknown)}"
