"""Real processes: ``helpline`` subprocesses on free ports, each with its own data dir and,
on PostgreSQL runs, its own throwaway database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def server_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a Helpline subprocess: fresh data dir, fresh database, own queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("HELPLINE_TESTING", None)
    env["HELPLINE_DATA_DIR"] = str(tmp_path / "data")
    env["HELPLINE_QUEUE_NAME"] = f"test-{uuid.uuid4().hex[:8]}"
    env["HELPLINE_ADMIN_PASSWORD"] = "admin-password"
    url = os.environ.get("DATABASE_URL", "")
    dbname = None
    if url.startswith(("postgres://", "postgresql://")):
        dbname = f"hl_sys_{uuid.uuid4().hex[:10]}"
        with _admin_connection(url) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{dbname}"))
    yield env
    if dbname:
        with _admin_connection(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def helpline(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helpline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Server:
    def __init__(self, proc: subprocess.Popen[str], port: int, log: Path):
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log

    def output(self) -> str:
        return self.log.read_text()


def start_server(env: dict[str, str], tmp_path: Path, *extra: str) -> Server:
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    handle = log.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpline", "serve", "--port", str(port), "--workers", "2", *extra],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(proc, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}:\n{server.output()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            pass  # not listening yet, or busy starting its workers
        time.sleep(0.3)
    proc.kill()
    raise AssertionError(f"serve did not become healthy:\n{server.output()}")


def stop_server(server: Server, sig: int = 2) -> int:
    if server.proc.poll() is None:
        server.proc.send_signal(sig)
    try:
        return server.proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        raise


@pytest.fixture
def server(server_env: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    srv = start_server(server_env, tmp_path)
    yield srv
    stop_server(srv)
