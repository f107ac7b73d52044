"""Property-based checks of the whole /api/v1 against its own OpenAPI document: for every
operation, at most 20 generated requests (deterministic) as an administrator, through the
in-process WSGI application. No answer may be a 5xx, and every documented answer must match
its schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from helpline.api.tests.conftest import basic
from helpline.testing.factories import ArticleFactory, TicketFactory


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; inside a test
    transaction it must stay open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_connection, admin, agent, customer, support):
    ticket = TicketFactory(group=support, customer=customer, description="It is on fire.")
    ArticleFactory(ticket=ticket, body="internal", internal=True)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


# One test runs every operation as a subtest (about 3 s each on a quiet machine, several
# times that on a busy one): the suite-wide 300 s limit is too short for the whole API.
@pytest.mark.timeout(1800)
@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case):
    response = case.call(headers={"Authorization": basic("admin1")})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
