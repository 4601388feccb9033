"""The hostile submissions against the PyTorch sandbox: the whole NumPy list plus torch's own
tries (crafted torch.load files, torch.hub, cpp_extension, thread bombs through
set_num_threads…). Nothing passes, leaks, persists, connects or writes, and the service keeps
answering (see conftest.py for how they are run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch==2.13.0)")

from tests.security.conftest import HONEST, Evidence, Target, gather_evidence
from tests.security.test_hostile_submissions import LEAK_MARKERS
from tests.security.torch_hostile import TORCH_HOSTILE, Hostile

pytestmark = pytest.mark.slow
MAX_RSS_GROWTH_MB = 150

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "torch_module"
TORCH_HONEST = (
    "import torch.nn.functional as F\n\ndef mse(logits, targets):\n"
    "    return (F.softplus(logits) - targets * logits).mean()\n"
)
TORCH_TARGET = Target(FIXTURE, "torch-mse", TORCH_HONEST, runtime="torch")


@pytest.fixture(scope="module")
def torch_evidence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Evidence]:
    with gather_evidence(tmp_path_factory, TORCH_TARGET, TORCH_HOSTILE) as found:
        yield found


@pytest.mark.parametrize("hostile", TORCH_HOSTILE, ids=[h.id for h in TORCH_HOSTILE])
def test_hostile_submission_is_contained(torch_evidence: Evidence, hostile: Hostile) -> None:
    attack = torch_evidence.attacks[hostile.id]
    assert attack.status_code == 200, attack.text[:500]
    verdict = attack.verdict
    assert not verdict["correct"] and verdict["status"] != "correct"
    for secret in (*torch_evidence.secrets, *LEAK_MARKERS):
        assert secret not in attack.text, f"{secret!r} leaked into the response"
    if hostile.code:
        codes = [f["code"] for f in verdict["feedback"]]
        assert hostile.code in codes, verdict["feedback"]
    assert attack.honest_after.get("correct"), attack.honest_after


def test_the_torch_list_covers_the_numpy_list_and_more() -> None:
    assert len(TORCH_HOSTILE) >= 85 and HONEST != TORCH_HONEST


def test_no_connection_reached_the_listeners(torch_evidence: Evidence) -> None:
    assert torch_evidence.tcp_accepted == []
    assert torch_evidence.udp_received == []


def test_nothing_was_written_outside_the_sandbox(torch_evidence: Evidence) -> None:
    assert torch_evidence.files == []


def test_nothing_outlived_its_run(torch_evidence: Evidence) -> None:
    assert torch_evidence.survivors == []


def test_the_service_kept_answering(torch_evidence: Evidence) -> None:
    assert len(torch_evidence.health) >= 10
    assert all(code == 200 for code, _ in torch_evidence.health), torch_evidence.health
    assert max(seconds for _, seconds in torch_evidence.health) < 2.0


def test_hostile_output_does_not_grow_the_service(torch_evidence: Evidence) -> None:
    """Frame floods are parsed under a budget in the harness; the service reads only checked
    frames (the issue measured 182 MB → 749 MB for one flood before)."""
    start, peak = torch_evidence.rss_mb[0], max(torch_evidence.rss_mb)
    assert peak - start < MAX_RSS_GROWTH_MB, (start, peak)


def test_honest_submissions_are_still_judged_right(torch_evidence: Evidence) -> None:
    assert torch_evidence.honest_at_end["correct"]
    assert all(a.honest_after.get("correct") for a in torch_evidence.attacks.values())
