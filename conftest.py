"""Test-wide fixtures: jobs run inline (Huey immediate mode), personas."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_inline() -> None:
    from helpline.queue import HUEY

    HUEY.immediate = True


@pytest.fixture
def admin_user(db):
    from helpline.testing.factories import UserFactory

    return UserFactory(login="admin1", roles=["Admin"])
