"""Hostile submissions are contained: nothing passes, leaks, persists, connects or writes, and
the service keeps answering (see conftest.py for how they are run)."""

from __future__ import annotations

import pytest

from tests.security.conftest import Evidence
from tests.security.hostile import HOSTILE, Hostile

LEAK_MARKERS = ("root:x:0:0", "Mean squared error over all elements")

pytestmark = pytest.mark.slow
MAX_RSS_GROWTH_MB = 150


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.id for h in HOSTILE])
def test_hostile_submission_is_contained(evidence: Evidence, hostile: Hostile) -> None:
    attack = evidence.attacks[hostile.id]
    assert attack.status_code == 200, attack.text[:500]
    verdict = attack.verdict
    assert not verdict["correct"] and verdict["status"] != "correct"
    for secret in (*evidence.secrets, *LEAK_MARKERS):
        assert secret not in attack.text, f"{secret!r} leaked into the response"
    if hostile.code:
        codes = [f["code"] for f in verdict["feedback"]]
        assert hostile.code in codes, verdict["feedback"]
    assert attack.honest_after.get("correct"), attack.honest_after


def test_there_are_enough_hostile_submissions() -> None:
    assert len(HOSTILE) >= 60


def test_no_connection_reached_the_listeners(evidence: Evidence) -> None:
    assert evidence.tcp_accepted == []
    assert evidence.udp_received == []


def test_nothing_was_written_outside_the_sandbox(evidence: Evidence) -> None:
    assert evidence.files == []


def test_nothing_outlived_its_run(evidence: Evidence) -> None:
    assert evidence.survivors == []


def test_the_service_kept_answering(evidence: Evidence) -> None:
    assert len(evidence.health) >= 10
    assert all(code == 200 for code, _ in evidence.health), evidence.health
    assert max(seconds for _, seconds in evidence.health) < 2.0


def test_hostile_output_does_not_grow_the_service(evidence: Evidence) -> None:
    """Frame floods are parsed under a budget in the harness; the service reads only checked
    frames (the issue measured 182 MB → 749 MB for one flood before)."""
    start, peak = evidence.rss_mb[0], max(evidence.rss_mb)
    assert peak - start < MAX_RSS_GROWTH_MB, (start, peak)


def test_honest_submissions_are_still_judged_right(evidence: Evidence) -> None:
    assert evidence.honest_at_end["correct"]
    assert all(a.honest_after.get("correct") for a in evidence.attacks.values())
