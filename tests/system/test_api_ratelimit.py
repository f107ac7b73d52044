"""The native API's rate limit holds across gunicorn worker processes (shared cache)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
import requests

from tests.system.conftest import start_server, stop_server

pytestmark = pytest.mark.system


def test_rate_limit_is_shared_by_all_web_workers(server_env: dict[str, str], tmp_path: Path):
    server_env["HELPLINE_API_RATE_LIMIT"] = "5"
    server = start_server(server_env, tmp_path, "--no-worker")
    try:
        # A token nobody else uses: its own counter, whatever ran before.
        headers = {"Authorization": f"Token token={secrets.token_urlsafe(32)}"}
        if time.time() % 60 > 50:  # stay inside one counting minute
            time.sleep(61 - time.time() % 60)
        statuses = []
        for _ in range(12):
            # A new connection each time, so gunicorn's two workers both take requests.
            response = requests.get(f"{server.url}/api/v1/users/me", headers=headers, timeout=10)
            statuses.append(response.status_code)
        assert statuses == [401] * 5 + [429] * 7
        assert response.json()["code"] == "api.rate_limited"
        assert 1 <= int(response.headers["Retry-After"]) <= 60
    finally:
        stop_server(server)
