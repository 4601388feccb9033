"""The deployment from docs/deploy.md on this machine, for the tests that need several
instances (PostgreSQL and HAProxy from Debian: skipped where they are missing, except in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.cluster import Cluster, cluster, in_ci, missing_tools


def require_deployment_tools() -> None:
    """Skip (fail in CI, which installs them) when PostgreSQL or HAProxy is missing."""
    missing = missing_tools()
    if not missing:
        return
    reason = (
        f"the multi-instance tests need {' and '.join(missing)} (Debian packages:"
        f" apt-get install {' '.join(missing)})"
    )
    if in_ci():
        pytest.fail(f"{reason}; CI installs them, so their absence there is a failure")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two instances of the documented example behind HAProxy, on a throwaway PostgreSQL."""
    require_deployment_tools()
    workdir: Path = tmp_path_factory.mktemp("deployment")
    with cluster(workdir) as running:
        yield running
