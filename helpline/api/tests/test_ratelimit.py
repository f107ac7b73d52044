import ipaddress
import uuid

import pytest

from helpline.api import ratelimit
from helpline.api.tests.conftest import Api, basic, token_for

pytestmark = pytest.mark.django_db


def fresh_address() -> str:
    """A client address no other test (nor an earlier run: counters live in the shared
    cache for a minute) has used."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


@pytest.fixture
def limit_3(settings, monkeypatch):
    settings.API_RATE_LIMIT = 3
    # One fixed minute, so a test never straddles two counting windows.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_040.5)


def call(api: Api, address: str):
    api.client.defaults["REMOTE_ADDR"] = address
    return api.get("/users/me")


def test_the_request_past_the_limit_is_429(limit_3, admin):
    api, address = Api(basic("admin1")), fresh_address()
    assert [call(api, address)[0] for _ in range(3)] == [200, 200, 200]
    status, body = call(api, address)
    assert status == 429
    assert body["code"] == "api.rate_limited"
    assert set(body) == {"error", "error_human", "code"}
    assert api.last["Retry-After"] == "20"


def test_failed_logins_count_too(limit_3, admin):
    api, address = Api(basic("admin1", "guess")), fresh_address()
    assert [call(api, address)[0] for _ in range(4)] == [401, 401, 401, 429]
    # The right password does not get past the limit either.
    assert call(Api(basic("admin1")), address)[0] == 429


def test_each_address_and_each_token_has_its_own_budget(limit_3, admin):
    address = fresh_address()
    api = Api(basic("admin1"))
    for _ in range(3):
        call(api, address)
    assert call(api, address)[0] == 429
    assert call(api, fresh_address())[0] == 200
    first = Api("Bearer " + token_for(admin, ["admin.user"], label="a"))
    second = Api("Bearer " + token_for(admin, ["admin.user"], label="b"))
    shared = fresh_address()
    assert [call(first, shared)[0] for _ in range(4)] == [200, 200, 200, 429]
    assert call(second, shared)[0] == 200


def test_zero_means_no_limit(settings, admin):
    settings.API_RATE_LIMIT = 0
    api, address = Api(basic("admin1")), fresh_address()
    assert {call(api, address)[0] for _ in range(20)} == {200}
