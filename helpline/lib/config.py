"""Reading the environment: strict helpers that turn a bad value into a one-line ``ConfigError``."""

from __future__ import annotations

import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from helpline.lib.errors import ConfigError

TRUE = {"1", "true", "on"}
FALSE = {"0", "false", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string from ``name``, or from the file named by ``name``_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name}: cannot read it ({exc.strerror})") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1/0, true/false or on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# PostgreSQL's built-in text search configurations (the language of the search index).
SEARCH_LANGUAGES = (
    "simple", "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english",
    "finnish", "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish",
    "italian", "lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian",
    "serbian", "spanish", "swedish", "tamil", "turkish", "yiddish",
)  # fmt: skip


def search_language(raw: str) -> str:
    """HELPLINE_SEARCH_LANGUAGE: one of PostgreSQL's text search configurations."""
    value = raw.strip().lower()
    if value not in SEARCH_LANGUAGES:
        raise ConfigError(
            f"HELPLINE_SEARCH_LANGUAGE={raw!r} is not a known language; use one of "
            + ", ".join(SEARCH_LANGUAGES)
        )
    return value


def data_dir(raw: str) -> Path:
    """Resolve and create the data directory, refusing one Helpline cannot write to."""
    path = Path(raw).expanduser().resolve()
    try:
        for sub in ("", "uploads", "run", "outbox", "static"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        # A probe of its own: several processes start at once and check the same folder.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-") as probe:
            probe.write(b"ok")
    except OSError as exc:
        raise ConfigError(
            f"HELPLINE_DATA_DIR={path} is not writable ({exc.strerror}); "
            "point HELPLINE_DATA_DIR at a folder this user can write to"
        ) from exc
    return path


def secret_key(explicit: str, directory: Path) -> str:
    """The explicit key, else the one stored in the data dir, else a new one stored there."""
    if explicit:
        if len(explicit) < 32:
            raise ConfigError("HELPLINE_SECRET_KEY must be at least 32 characters long")
        return explicit
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database(url: str, directory: Path) -> dict[str, Any]:
    """Django's DATABASES['default'] for ``DATABASE_URL`` (PostgreSQL or SQLite), else embedded."""
    if not url:
        return _sqlite(directory / "helpline.sqlite3")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ConfigError(f"DATABASE_URL={url!r}: give a file, e.g. sqlite:////srv/helpline.db")
        return _sqlite(Path(path))
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            f"DATABASE_URL={_redact(url)!r}: unsupported scheme {scheme!r}; "
            "use postgresql://user:password@host:5432/name or sqlite:////path/to/file"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError(f"DATABASE_URL={_redact(url)!r}: the database name is missing")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"DATABASE_URL={_redact(url)!r}: the port is not a number") from None
    options = dict(parse_qsl(parts.query))
    options.setdefault("connect_timeout", "5")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
        "TEST": {"NAME": os.environ.get("HELPLINE_TEST_DATABASE") or None},
    }


def replica_database(url: str, primary: dict[str, Any]) -> dict[str, Any]:
    """``DATABASES['replica']`` for ``DATABASE_REPLICA_URL``: a PostgreSQL read replica of a
    PostgreSQL primary. Tests read the primary in its place (``TEST.MIRROR``)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            f"DATABASE_REPLICA_URL={_redact(url)!r}: a read replica is a PostgreSQL database "
            "(postgresql://user:password@host:5432/name)"
        )
    if primary["ENGINE"] != "django.db.backends.postgresql":
        raise ConfigError(
            "DATABASE_REPLICA_URL is set but DATABASE_URL is not PostgreSQL; a read replica "
            "needs a PostgreSQL primary"
        )
    replica = database(url, Path("."))
    replica["TEST"] = {"MIRROR": "default"}
    return replica


def _sqlite(path: Path) -> dict[str, Any]:
    test_name = os.environ.get("HELPLINE_TEST_DATABASE") or "test-helpline"
    return {
        "ENGINE": "helpline.lib.sqlite",  # Django's, with writers queued (lib/sqlite/base.py)
        "NAME": str(path),
        # Kept open between requests: a new connection runs the pragmas, parses the schema
        # and starts with an empty page cache, which cost a page with twenty queries ~30 ms.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN so concurrent writers queue on busy_timeout instead of failing mid-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=30000;PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;"
                "PRAGMA mmap_size=268435456"
            ),
        },
        # Tests use a real file too (not the in-memory shared cache, whose table locks
        # ignore busy_timeout), so concurrent tests see the same locking as production.
        "TEST": {"NAME": str(path.with_name(test_name + ".sqlite3"))},
    }


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


LOCAL_STORAGE = "django.core.files.storage.FileSystemStorage"
S3_STORAGE = "storages.backends.s3.S3Storage"
# A downloaded object is held in memory up to this size, then spooled to a temporary file.
STORAGE_SPOOL_BYTES = 8 * 1024 * 1024
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_STORAGE_OPTIONS = {"region", "tls", "addressing"}


def storage(url: str) -> dict[str, Any]:
    """Django's ``STORAGES['default']`` for ``HELPLINE_STORAGE_URL``: empty keeps files in the
    data dir's ``uploads`` folder; ``s3://KEY:SECRET@HOST[:PORT]/BUCKET[/PREFIX]`` stores them
    in an S3-compatible server (``?region=``, ``?tls=0`` for plain http, ``?addressing=``
    path or virtual), and ``s3:///BUCKET`` in AWS S3 with AWS's own credential chain."""
    if not url:
        return {"BACKEND": LOCAL_STORAGE}
    shown = f"HELPLINE_STORAGE_URL={_redact(url)!r}"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "s3":
        raise ConfigError(
            f"{shown}: unsupported scheme {scheme!r}; use s3://KEY:SECRET@HOST:PORT/BUCKET "
            "(an S3-compatible server) or s3:///BUCKET (AWS S3)"
        )
    bucket, _, prefix = unquote(parts.path).lstrip("/").partition("/")
    if not bucket:
        raise ConfigError(f"{shown}: the bucket is missing (s3://…/BUCKET)")
    if not _BUCKET_RE.match(bucket):
        raise ConfigError(
            f"{shown}: {bucket!r} is not a valid bucket name (3-63 lower-case letters, "
            "digits, dots and hyphens)"
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{shown}: the port is not a number") from None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(query) - _STORAGE_OPTIONS)
    if unknown:
        raise ConfigError(
            f"{shown}: unknown option {unknown[0]!r}; use region=, tls=0|1 or "
            "addressing=path|virtual"
        )
    tls_raw = query.get("tls", "1").strip().lower()
    if tls_raw not in TRUE | FALSE:
        raise ConfigError(f"{shown}: tls={query['tls']!r} is not a boolean; use tls=0 or tls=1")
    addressing = query.get("addressing", "path").strip().lower()
    if addressing not in {"path", "virtual"}:
        raise ConfigError(f"{shown}: addressing={query['addressing']!r}: use path or virtual")
    key, secret = unquote(parts.username or ""), unquote(parts.password or "")
    if bool(key) != bool(secret):
        raise ConfigError(
            f"{shown}: give both the access key and the secret (s3://KEY:SECRET@…), or "
            "neither to use the AWS credential chain"
        )
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "region_name": query.get("region", "").strip() or None,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        "max_memory_size": STORAGE_SPOOL_BYTES,
    }
    if key:
        options.update(access_key=key, secret_key=secret)
    if parts.hostname:
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        protocol = "http" if tls_raw in FALSE else "https"
        options["endpoint_url"] = f"{protocol}://{host}" + (f":{port}" if port else "")
        options["addressing_style"] = addressing
    elif tls_raw in FALSE:
        raise ConfigError(f"{shown}: tls=0 needs a host (AWS S3 is reached over https)")
    return {"BACKEND": S3_STORAGE, "OPTIONS": options}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool


def smtp(url: str) -> SmtpConfig | None:
    """``smtp://user:pass@host:25`` (add ``?starttls=1`` for STARTTLS) or ``smtps://…:465``."""
    if not url:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtps"}:
        raise ConfigError(
            f"HELPLINE_SMTP_URL: unsupported scheme {scheme!r}; use smtp:// or smtps://"
        )
    if not parts.hostname:
        raise ConfigError("HELPLINE_SMTP_URL: the host is missing")
    query = dict(parse_qsl(parts.query))
    starttls = query.get("starttls", "0").lower() in TRUE
    try:
        port = parts.port or (465 if scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError("HELPLINE_SMTP_URL: the port is not a number") from None
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=starttls and scheme == "smtp",
        use_ssl=scheme == "smtps",
    )


def redis_url(url: str) -> str:
    if not url:
        return ""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL={url!r}: use redis://host:6379/0 or rediss://…")
    return url


def base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            f"HELPLINE_BASE_URL={url!r}: give a full URL such as https://help.example.com"
        )
    return url.rstrip("/")
