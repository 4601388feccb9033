"""Learner-facing text speaks to the learner: no authoring notes leak into it."""

from __future__ import annotations

import re
from pathlib import Path

from content import PACKAGED_CONTENT_DIR

# How authors talk about their sources and drafts, never how a page talks to a learner.
LEAKS = re.compile(
    r"\bthe seed(?:'s|s)?\b|\bin our (?:own )?words\b|\bTODO\b|\bFIXME\b|\blorem ipsum\b",
    re.IGNORECASE,
)


def test_no_authoring_notes_in_learner_facing_text() -> None:
    found = []
    for path in sorted(Path(PACKAGED_CONTENT_DIR).rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LEAKS.search(line) and "the seed the caller" not in line:
                found.append(f"{path.relative_to(PACKAGED_CONTENT_DIR)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
