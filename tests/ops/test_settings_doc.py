"""Every setting has its row in the README's Configuration table."""

from __future__ import annotations

from app.settings import Settings
from tests.conftest import REPO


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [
        name for name in Settings.model_fields if f"| `DESCENT_{name.upper()}` |" not in readme
    ]
    assert not missing, f"add README Configuration rows for {missing}"
