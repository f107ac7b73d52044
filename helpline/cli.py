"""The ``helpline`` command. Every subcommand is thin: it parses, then calls services.

Errors a user can fix (bad configuration, unreachable database, port in use) end in one
line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from helpline import __version__

# Apps that add subcommands: each module has ``register(subparsers)``.
EXTENSIONS: list[str] = [
    "helpline.core.cli",
    "helpline.search.cli",
    "helpline.bench.cli",
    "helpline.mail.cli",
]


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def fail(message: str, code: int = 2) -> int:
    print(f"helpline: error: {message}", file=sys.stderr)
    return code


def setup_django() -> None:
    """Load settings and apps, turning configuration mistakes into ``CliError``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    from helpline.lib.errors import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def describe_database(db: dict[str, Any] | None = None) -> str:
    """The database in words, for messages: ``db`` is a ``DATABASES`` entry (the default's)."""
    from django.conf import settings

    db = db if db is not None else settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:  # Django's backend or ours (helpline.lib.sqlite)
        return f"SQLite database {db['NAME']}"
    return f"PostgreSQL database {db['NAME']!r} at {db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"


def require_database() -> None:
    from django.db import connection
    from django.db.utils import Error as DatabaseError

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = lines[0] if lines else type(exc).__name__
        raise CliError(f"cannot reach the {describe_database()}: {reason}") from None


@contextmanager
def database_errors() -> Iterator[None]:
    from django.db.utils import OperationalError

    try:
        yield
    except OperationalError as exc:
        lines = str(exc).strip().splitlines()
        raise CliError(f"database error: {lines[-1] if lines else exc}") from None


# -- version -----------------------------------------------------------------------------


def cmd_version(args: argparse.Namespace) -> int:
    print(f"helpline {__version__}")
    return 0


# -- migrate -----------------------------------------------------------------------------


def apply_migrations(verbosity: int = 1) -> None:
    from django.core.management import call_command

    from helpline.ops.health import pending_migrations

    pending = pending_migrations()
    if not pending:
        if verbosity:
            print("Database schema is up to date.")
        return
    print(f"Applying {len(pending)} migration(s) to the {describe_database()}...")
    call_command("migrate", interactive=False, verbosity=0)
    print("Migrations applied.")


def collect_static() -> None:
    """Copy our static files and the installed Bootstrap/HTMX packages into STATIC_ROOT with
    hashed names and compressed copies, which the web workers serve (WhiteNoise). Only files
    that changed since the last start are copied again."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.WHITENOISE_USE_FINDERS:
        return  # debug mode serves straight from the packages
    call_command("collectstatic", interactive=False, verbosity=0)


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    with database_errors():
        apply_migrations()
        ensure_special_accounts()
    return 0


# -- createadmin -------------------------------------------------------------------------


def cmd_createadmin(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from helpline.core.services.users import create_or_update_admin
    from helpline.lib.actor import Actor
    from helpline.lib.errors import DomainError

    try:
        with database_errors():
            result = create_or_update_admin(
                Actor.system("cli"), login=args.login, email=args.email, password=args.password
            )
    except DomainError as exc:
        raise CliError(str(exc)) from None
    verb = "Created" if result.created else "Updated"
    print(f"{verb} administrator {result.user.login} <{result.user.email}> (id {result.user.pk}).")
    if result.password:
        print(f"Password: {result.password}")
        print("It is shown only this once; keep it somewhere safe.")
    return 0


def ensure_special_accounts() -> None:
    """The ``api`` account (key-based calls act as it) exists after every migrate/serve."""
    from helpline.core.services.accounts import ensure_api_user

    ensure_api_user()


def bootstrap_admin() -> None:
    """On a new install, make the first administrator and print how to log in."""
    from helpline.core.services.users import admin_exists, create_or_update_admin
    from helpline.lib.actor import Actor

    login = os.environ.get("HELPLINE_ADMIN_LOGIN", "admin")
    email = os.environ.get("HELPLINE_ADMIN_EMAIL", "admin@example.com")
    password = os.environ.get("HELPLINE_ADMIN_PASSWORD") or None
    if admin_exists() and password is None:
        print(
            f"Log in as an administrator (first one: {login!r}; reset a password with "
            f"`helpline createadmin --login {login} --email {email} --password ...`)."
        )
        return
    result = create_or_update_admin(
        Actor.system("cli"), login=login, email=email, password=password
    )
    print(f"Administrator: login {result.user.login!r}", end="")
    if result.password:
        print(f", password {result.password!r} (shown once)")
    else:
        print(", password from HELPLINE_ADMIN_PASSWORD")


# -- serve -------------------------------------------------------------------------------


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48):  # EADDRINUSE on Linux, macOS
            raise CliError(
                f"port {port} on {host} is already in use; stop the other server or "
                f"choose another port with --port"
            ) from None
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def default_web_workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2)


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    require_database()
    sock = bind_socket(args.host, args.port)
    with database_errors():
        if not args.no_migrate:
            apply_migrations(verbosity=0)
        ensure_special_accounts()
        bootstrap_admin()
    collect_static()

    metrics_dir = settings.DATA_DIR / "run" / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    env = dict(
        os.environ,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        HELPLINE_DATA_DIR=str(settings.DATA_DIR),
    )
    workers = args.workers or default_web_workers()
    web = [
        sys.executable, "-m", "gunicorn", "helpline.wsgi:application",
        "--config", "python:helpline.ops.gunicorn_conf",
        "--bind", f"fd://{sock.fileno()}",
        "--workers", str(workers),
        "--threads", str(args.threads),
        "--worker-class", "gthread" if args.threads > 1 else "sync",
        "--log-level", "warning",
    ]  # fmt: skip
    if args.access_log:
        web += ["--access-logfile", "-"]
    commands: list[tuple[str, list[str]]] = [("web", web)]
    if not args.no_worker:
        commands.append(("jobs", [sys.executable, "-m", "helpline", "worker"]))
    return supervise(
        commands,
        env,
        pass_fds=(sock.fileno(),),
        banner=(
            f"Helpline {__version__} is serving on http://{args.host}:{args.port} "
            f"({workers} web workers{'' if args.no_worker else ', 1 job worker'}). "
            "Press Ctrl-C to stop."
        ),
    )


def supervise(
    commands: list[tuple[str, list[str]]],
    env: dict[str, str],
    *,
    pass_fds: tuple[int, ...] = (),
    banner: str = "",
) -> int:
    """Run the children in our process group; when one stops or we are told to stop, stop all."""
    stop: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for name, argv in commands:
            children.append((name, subprocess.Popen(argv, env=env, pass_fds=pass_fds)))
        if banner:
            print(banner, flush=True)
        died = None
        while not stop and died is None:
            for name, proc in children:
                if proc.poll() is not None:
                    died = (name, proc.returncode)
                    break
            time.sleep(0.2)
        for _name, proc in children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if died is not None:
            return fail(f"the {died[0]} process stopped unexpectedly (exit code {died[1]})", 1)
        print("Helpline stopped.", flush=True)
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# -- worker ------------------------------------------------------------------------------


def load_jobs() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    require_database()
    from helpline.queue import HUEY

    load_jobs()
    consumer = HUEY.create_consumer(
        workers=args.concurrency,
        worker_type="thread",
        periodic=not args.no_periodic,
        check_worker_health=True,
        flush_locks=False,
    )
    print(f"Helpline job worker started ({args.concurrency} threads).", flush=True)
    consumer.run()
    return 0


# -- check -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from django.core import checks

    from helpline.ops import health

    problems = [m for m in checks.run_checks() if m.level >= checks.ERROR and not m.is_silenced()]
    if problems:
        print(f"FAIL  configuration: {'; '.join(str(m) for m in problems)}")
        return 1
    print("ok    configuration")
    report = health.report()
    report["storage"] = health.check_storage()
    for name in ("database", "queue", "migrations", "storage"):
        item = report[name]
        detail = item.get("error") or ""
        if name == "migrations" and item.get("pending"):
            detail = f"{len(item['pending'])} pending; run `helpline migrate`"
        print(f"{'ok  ' if item['ok'] else 'FAIL'}  {name}{': ' + detail if detail else ''}")
    return 0 if report["status"] == "ok" and report["storage"]["ok"] else 1


# -- shell -------------------------------------------------------------------------------


def cmd_shell(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("shell", **({"command": args.command} if args.command else {}))
    return 0


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helpline",
        description="Helpline: one IT service desk. Configuration comes from the environment "
        "(see README.md).",
    )
    parser.add_argument("--version", action="version", version=f"helpline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "serve",
        help="apply migrations, then serve the web and run jobs",
        description="Apply pending migrations, then serve Helpline with a "
        "production server and run a job worker beside it. Ctrl-C stops both.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--workers", type=int, default=0, help="web worker processes (default: two per CPU core)"
    )
    p.add_argument("--threads", type=int, default=4, help="threads per web worker (default 4)")
    p.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations")
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a job worker (run `helpline worker` elsewhere)",
    )
    p.add_argument("--access-log", action="store_true", help="log every request to stdout")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "worker",
        help="run background jobs (mail, escalations, indexing)",
        description="Consume the job queue until stopped. Run several on any "
        "hosts when the queue is on Redis; give all but one --no-periodic.",
    )
    p.add_argument("--concurrency", type=int, default=2, help="job threads (default 2)")
    p.add_argument(
        "--no-periodic",
        action="store_true",
        help="do not run periodic jobs here (they run on one worker only)",
    )
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser(
        "migrate",
        help="apply pending database migrations",
        description="Apply pending database migrations.",
    )
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "createadmin",
        help="create or update an administrator",
        description="Create an administrator, or update the one with this login. "
        "Prints a generated password when none is given.",
    )
    p.add_argument("--login", required=True, help="login name (3-20 letters, digits, . and -)")
    p.add_argument("--email", required=True, help="email address")
    p.add_argument("--password", help="password (at least 6 characters); generated if omitted")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser(
        "check",
        help="check configuration, database, job queue, schema and file storage",
        description="Check configuration, database, job queue, schema and file storage "
        "(a probe file is written, read back and deleted); exits 1 when something needs "
        "attention.",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "shell",
        help="a Python shell with Helpline loaded",
        description="Open a Python shell with Helpline's apps loaded.",
    )
    p.add_argument("-c", "--command", help="run this code instead of an interactive shell")
    p.set_defaults(func=cmd_shell)

    p = sub.add_parser("version", help="print the version", description="Print the version.")
    p.set_defaults(func=cmd_version)

    for module_name in EXTENSIONS:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
