"""``helpline serve`` as a real subprocess: health, metrics, login, clean stop, port in use."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests

from tests.system.conftest import Server, start_server, stop_server

pytestmark = pytest.mark.system


def test_healthz_reports_every_part_ok(server: Server):
    response = requests.get(f"{server.url}/healthz", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["queue"] == {"ok": True, "pending": 0}
    assert body["migrations"] == {"ok": True, "pending": []}


def test_metrics_count_requests_by_route_across_workers(server: Server):
    for _ in range(6):
        requests.get(f"{server.url}/healthz", timeout=5)
    text = requests.get(f"{server.url}/metrics", timeout=5).text
    counted = [
        line
        for line in text.splitlines()
        if line.startswith(
            'helpline_http_requests_total{method="GET",route="/healthz",status="200"}'
        )
    ]
    assert len(counted) == 1
    # the server's own readiness probes came first, so at least our six are summed in
    assert float(counted[0].rsplit(" ", 1)[1]) >= 6
    assert "helpline_job_queue_depth 0" in text
    assert "# TYPE helpline_http_request_duration_seconds histogram" in text


def test_first_start_creates_the_admin_who_can_log_in(server: Server, server_env):
    assert "Administrator: login 'admin', password from HELPLINE_ADMIN_PASSWORD" in server.output()
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpline",
            "shell",
            "-c",
            "from helpline.core.services.users import check_credentials;"
            "print('LOGIN', check_credentials('ADMIN', 'admin-password').login)",
        ],
        env=server_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "LOGIN admin" in check.stdout, check.stderr


def test_ctrl_c_stops_web_and_worker_cleanly(server_env, tmp_path):
    srv = start_server(server_env, tmp_path)
    assert stop_server(srv, signal.SIGINT) == 0
    output = srv.output()
    assert "Helpline stopped." in output
    assert "Traceback" not in output
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{srv.url}/healthz", timeout=2)


def test_a_port_in_use_is_refused_with_one_clear_line(server: Server, server_env):
    second = subprocess.run(
        [sys.executable, "-m", "helpline", "serve", "--port", str(server.port)],
        env=server_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 2
    assert second.stderr.strip() == (
        f"helpline: error: port {server.port} on 127.0.0.1 is already in use; "
        "stop the other server or choose another port with --port"
    )
    assert "Traceback" not in second.stdout + second.stderr


def test_restart_keeps_the_data(server_env, tmp_path):
    first = start_server(server_env, tmp_path)
    stop_server(first)
    second = start_server(server_env, tmp_path)
    try:
        assert "Applying" not in second.output()
        assert requests.get(f"{second.url}/healthz", timeout=5).json()["status"] == "ok"
    finally:
        stop_server(second)
