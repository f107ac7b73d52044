"""The read replica: configuration, where searches read, and writes always on the primary.
(``tests/system/test_read_replica.py`` proves a real search reads a real replica.)"""

from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import override_settings

from helpline.lib import config
from helpline.lib.dbrouter import PrimaryRouter, search_alias
from helpline.lib.errors import ConfigError
from helpline.tickets.models import Ticket

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

PRIMARY = config.database("postgresql://hl@db1.example/helpline", Path("."))


def test_a_replica_url_gives_a_postgresql_replica_mirrored_in_tests():
    replica = config.replica_database("postgresql://hl:pw@db2.example:5433/helpline", PRIMARY)
    assert (replica["ENGINE"], replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "django.db.backends.postgresql",
        "db2.example",
        "5433",
        "helpline",
    )
    assert replica["TEST"] == {"MIRROR": "default"}


def test_a_replica_must_be_postgresql_on_a_postgresql_primary(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"^DATABASE_REPLICA_URL='sqlite:////x\.db': a read"):
        config.replica_database("sqlite:////x.db", PRIMARY)
    with pytest.raises(ConfigError, match="DATABASE_URL is not PostgreSQL"):
        config.replica_database("postgresql://db2/helpline", config.database("", tmp_path))


def test_searches_read_the_replica_only_when_one_is_configured(settings):
    assert search_alias() == DEFAULT_DB_ALIAS
    with override_settings(DATABASES={**settings.DATABASES, "replica": dict(PRIMARY)}):
        assert search_alias() == "replica"


@pytest.mark.django_db
def test_a_search_inside_a_transaction_reads_the_primary(settings):
    with (
        override_settings(DATABASES={**settings.DATABASES, "replica": dict(PRIMARY)}),
        transaction.atomic(),
    ):
        assert search_alias() == DEFAULT_DB_ALIAS


def test_writes_and_migrations_go_to_the_primary():
    router = PrimaryRouter()
    row = Ticket(number="1")
    row._state.db = "replica"  # read from the replica
    assert router.db_for_write(Ticket, instance=row) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "tickets") is True
    assert router.allow_migrate("replica", "tickets") is False
