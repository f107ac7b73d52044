"""Replays every golden request/response pair in ``contract/`` (taken from the seed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from helpline.testing import contract

FOLDER = Path(__file__).parent / "contract"
CASES = contract.load_cases(FOLDER)

pytestmark = pytest.mark.django_db


def test_the_contract_folder_has_every_case():
    assert len(CASES) == 37


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_contract(case):
    ids = contract.build_world(FOLDER / "world.json")
    # CSRF checks on, as for any client without a session: they must not block these POSTs.
    contract.replay(Client(enforce_csrf_checks=True), case, ids)
