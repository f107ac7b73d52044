from pathlib import Path

import pytest

from helpline.lib import config
from helpline.lib.errors import ConfigError


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(tmp_path: Path):
    db = config.database("", tmp_path)
    assert db["ENGINE"] == "helpline.lib.sqlite"  # Django's, writers queued on a lock file
    assert db["NAME"] == str(tmp_path / "helpline.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert db["CONN_MAX_AGE"] > 0  # kept open between requests (schema, page cache)


def test_database_url_selects_postgresql(tmp_path: Path):
    db = config.database(
        "postgresql://hl:s%40cret@db.example:6543/helpdesk?sslmode=require", tmp_path
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "helpdesk",
        "hl",
        "s@cret",
        "db.example",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "unsupported scheme 'mysql'"),
        ("postgresql://u@h:port/db", "the port is not a number"),
        ("postgresql://u@h:5432/", "the database name is missing"),
        ("sqlite://", "give a file"),
    ],
)
def test_bad_database_urls_are_refused_with_the_reason(tmp_path: Path, url: str, message: str):
    with pytest.raises(ConfigError, match=message):
        config.database(url, tmp_path)


def test_password_is_redacted_from_errors(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        config.database("oracle://scott:tiger@h/db", tmp_path)
    assert "tiger" not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("off", False), ("0", False)]
)
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("HELPLINE_DEBUG", raw)
    assert config.env_bool("HELPLINE_DEBUG") is expected


def test_yes_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv("HELPLINE_DEBUG", "yes")
    with pytest.raises(ConfigError, match="HELPLINE_DEBUG='yes' is not a boolean"):
        config.env_bool("HELPLINE_DEBUG")


def test_secret_key_is_generated_once_and_kept(tmp_path: Path):
    first = config.secret_key("", tmp_path)
    assert len(first) >= 50
    assert config.secret_key("", tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_short_explicit_secret_key_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="at least 32"):
        config.secret_key("short", tmp_path)


def test_smtp_url_forms():
    plain = config.smtp("smtp://mailer:pw@mail.example:2525?starttls=1")
    assert plain is not None
    assert (plain.host, plain.port, plain.user, plain.password, plain.use_tls, plain.use_ssl) == (
        "mail.example",
        2525,
        "mailer",
        "pw",
        True,
        False,
    )
    tls = config.smtp("smtps://mail.example")
    assert tls is not None
    assert (tls.port, tls.use_ssl, tls.use_tls) == (465, True, False)
    assert config.smtp("") is None
    with pytest.raises(ConfigError, match="unsupported scheme"):
        config.smtp("http://mail.example")


def test_unwritable_data_dir_is_refused(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(ConfigError, match="is not writable"):
        config.data_dir(str(blocked / "data"))


def test_search_language_is_checked():
    assert config.search_language(" English ") == "english"
    with pytest.raises(ConfigError) as err:
        config.search_language("klingon")
    assert str(err.value).startswith(
        "HELPLINE_SEARCH_LANGUAGE='klingon' is not a known language; use one of simple, arabic,"
    )


def test_processes_starting_together_all_accept_the_data_dir(tmp_path):
    # gunicorn boots its workers and the job worker at the same moment; each checks that
    # the data dir is writable, and one's check must not trip over another's.
    from concurrent.futures import ThreadPoolExecutor

    from helpline.lib import config

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: config.data_dir(str(tmp_path)), range(400)))
    assert set(results) == {tmp_path.resolve()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outbox", "run", "static", "uploads"]


S3 = "storages.backends.s3.S3Storage"


def test_storage_is_the_local_folder_by_default():
    assert config.storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_storage_url_of_an_s3_compatible_server():
    assert config.storage(
        "s3://minio-key:s%2Fcr%2Bt@minio.internal:9000/helpline/files/?region=eu-west-3&tls=0"
    ) == {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": "helpline",
            "location": "files",
            "endpoint_url": "http://minio.internal:9000",
            "access_key": "minio-key",
            "secret_key": "s/cr+t",
            "region_name": "eu-west-3",
            "addressing_style": "path",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "max_memory_size": config.STORAGE_SPOOL_BYTES,
        },
    }


def test_storage_url_defaults_to_https_and_keeps_ipv6_hosts():
    options = config.storage("s3://k:s@[::1]:9000/files-1/a/b")["OPTIONS"]
    assert (options["endpoint_url"], options["location"], options["region_name"]) == (
        "https://[::1]:9000",
        "a/b",
        None,
    )
    options = config.storage("s3://k:s@s3.example.com/bucket?tls=1&addressing=virtual")["OPTIONS"]
    assert (options["endpoint_url"], options["addressing_style"]) == (
        "https://s3.example.com",
        "virtual",
    )


def test_storage_url_without_a_host_is_aws_with_its_own_credentials():
    options = config.storage("s3:///helpline-files?region=eu-central-1")["OPTIONS"]
    assert options["bucket_name"] == "helpline-files"
    assert options["region_name"] == "eu-central-1"
    # No endpoint, no keys: boto3 finds AWS's endpoint and the credentials (environment,
    # shared config, instance or task role) by itself.
    assert {"endpoint_url", "access_key", "secret_key", "addressing_style"}.isdisjoint(options)
    explicit = config.storage("s3://AKIA:secret@/helpline-files")["OPTIONS"]
    assert (explicit["access_key"], explicit["secret_key"]) == ("AKIA", "secret")
    assert "endpoint_url" not in explicit


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://k:s@minio:9000/files", "unsupported scheme 'https'; use s3://"),
        ("s3://k:s@minio:9000", "the bucket is missing"),
        ("s3://k:s@minio:9000/", "the bucket is missing"),
        ("s3://k:s@minio:port/files", "the port is not a number"),
        ("s3://k:s@minio:99999/files", "the port is not a number"),
        ("s3://k:s@minio/Bad_Bucket", "'Bad_Bucket' is not a valid bucket name"),
        ("s3://k:s@minio/files?tls=maybe", "tls='maybe' is not a boolean"),
        ("s3://k:s@minio/files?acl=public-read", "unknown option 'acl'"),
        ("s3://k:s@minio/files?addressing=odd", "addressing='odd': use path or virtual"),
        ("s3://k@minio/files", "give both the access key and the secret"),
        ("s3:///files?tls=0", "tls=0 needs a host"),
    ],
)
def test_bad_storage_urls_are_refused_with_the_reason(url: str, message: str):
    with pytest.raises(ConfigError) as info:
        config.storage(url)
    assert str(info.value).startswith("HELPLINE_STORAGE_URL=")
    assert message in str(info.value)


def test_storage_secret_is_redacted_from_errors():
    with pytest.raises(ConfigError) as info:
        config.storage("s3://key:hunter2@minio:port/files")
    assert "hunter2" not in str(info.value)
    assert str(info.value) == (
        "HELPLINE_STORAGE_URL='s3://key:***@minio:port/files': the port is not a number"
    )


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        ("helpline.lib.sqlite", "SQLite database /data/h.db"),
        ("django.db.backends.sqlite3", "SQLite database /data/h.db"),
        ("django.db.backends.postgresql", "PostgreSQL database '/data/h.db' at db:6543"),
    ],
)
def test_the_cli_names_the_database_by_its_engine(engine, expected):
    from helpline.cli import describe_database

    db = {"ENGINE": engine, "NAME": "/data/h.db", "HOST": "db", "PORT": "6543"}
    assert describe_database(db) == expected
