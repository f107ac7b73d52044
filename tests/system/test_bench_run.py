"""``helpline bench run`` end to end on a small seeded dataset (no timing assertions)."""

from __future__ import annotations

import json

import pytest

from tests.system.conftest import helpline

pytestmark = pytest.mark.system

SCENARIOS = {
    "floor", "create_api", "list_api", "list_page", "show_api", "articles_api", "show_page",
    "search_common", "search_rare", "search_field", "home_page", "show_long_page",
    "articles_long_api", "articles_long_api_page",
}  # fmt: skip


def test_run_refuses_a_database_without_tickets(server_env):
    assert helpline("migrate", env=server_env, timeout=300).returncode == 0
    result = helpline("bench", "run", "--requests", "2", env=server_env, timeout=120)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("helpline: error: the ")
    assert last.endswith(
        " holds no tickets; load a dataset first with `helpline bench seed --tickets N`"
    )


@pytest.mark.timeout(900)  # a seed, then a server through 30 measured scenarios
def test_seed_then_run_measures_every_scenario(server_env, tmp_path):
    seeded = helpline(
        "bench", "seed", "--tickets", "300", "--users", "400", "--organizations", "30",
        "--groups", "5", env=server_env, timeout=300,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    report_json, report_md = tmp_path / "bench.json", tmp_path / "bench.md"
    result = helpline(
        "bench", "run", "--concurrency", "1,2", "--requests", "4", "--warmup", "1",
        "--long-articles", "60", "--db-inserts", "100", "--json", str(report_json),
        "--markdown", str(report_md), env=server_env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(report_json.read_text())

    assert report["tickets"] >= 300
    assert report["plan"]["concurrency"] == [1, 2]
    rows = {(r["scenario"], r["concurrency"]): r for r in report["results"]}
    assert set(rows) == {(name, c) for name in SCENARIOS for c in (1, 2)}
    for row in rows.values():
        assert row["requests"] == 4, row
        assert row["errors"] == 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], row
        assert row["throughput_per_s"] > 0
        # the server's own Server-Timing figures reached the report
        assert 0 < row["server_p50_ms"] <= row["server_p95_ms"], row
        assert 0 <= row["cpu_p50_ms"] <= row["cpu_p95_ms"], row
        if row["scenario"] != "floor":
            assert row["p50_x_floor"] > 0
    # The tickets it created are real: 1 warm-up and 4 measured per concurrency, and the
    # long ticket, whose articles the long scenarios answered.
    assert report["tickets"] + 11 == _ticket_count(server_env)
    assert "60 articles" in rows[("show_long_page", 1)]["label"]

    floors = report["floors"]
    assert set(floors["insert"]) == {"1", "2"}
    assert all(f["throughput_per_s"] > 0 for f in floors["insert"].values())
    assert set(floors["fts"]) == {"fts_common", "fts_rare"}
    assert all(f["p50_ms"] > 0 for f in floors["fts"].values())
    rss = report["server"]["rss"]
    assert 0 < rss["peak_web_bytes"] <= rss["peak_bytes"]
    assert rss["processes"] >= 4  # supervisor, web master, web workers, job worker

    table = report_md.read_text()
    assert (
        table.rstrip("\n")
        == result.stdout[result.stdout.index("Benchmark of the ") :].split("\nWrote ")[0]
    )
    for row in report["results"]:
        assert f"| {row['label']} | {row['concurrency']} | 4 |" in table
    assert "| floor: raw insert, 1 row per transaction | 2 |" in table
    assert "| floor: raw full-text query 'printer' (best 25) |" in table
    assert "resident memory" in table

    # The floor view exists only in the server the run started.
    serve_log = (tmp_path / "data" / "run" / "bench-server.log").read_text()
    assert "is serving on http://127.0.0.1:" in serve_log


def _ticket_count(env):
    result = helpline(
        "shell", "-c",
        "from helpline.tickets.models import Ticket; print(Ticket.objects.count())", env=env,
    )  # fmt: skip
    return int(result.stdout.strip().splitlines()[-1])
