"""Pieces of ``helpline bench run`` that need no server (the run itself: tests/system)."""

from __future__ import annotations

import argparse

import pytest

from helpline.bench import cli, run
from helpline.bench.run import percentile, server_timing, summarize


@pytest.mark.django_db
def test_the_floor_view_is_not_routed_outside_a_benchmark(client):
    response = client.get("/bench/floor/")
    assert response.status_code == 404
    assert b"Hello, world!" not in response.content


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) == 0.0


def test_summary_counts_throughput_over_the_wall_time():
    stats = summarize([0.002, 0.001, 0.003, 0.004], errors=1, seconds=0.5)
    assert (stats.requests, stats.errors) == (4, 1)
    assert stats.throughput == pytest.approx(8.0)
    assert stats.p50 == 0.002
    assert stats.mean == pytest.approx(0.0025)
    assert stats.as_dict()["p99_ms"] == 4.0


def test_summary_reads_the_servers_own_timings():
    stats = summarize([0.01, 0.02], errors=0, seconds=1, timings=[(0.008, 0.005), (0.018, 0.011)])
    figures = stats.as_dict()
    assert (figures["server_p50_ms"], figures["server_p95_ms"]) == (8.0, 18.0)
    assert (figures["cpu_p50_ms"], figures["cpu_p95_ms"]) == (5.0, 11.0)


def test_server_timing_header_is_parsed():
    assert server_timing("app;dur=12.5, cpu;dur=9.1") == pytest.approx((0.0125, 0.0091))
    assert server_timing(None) is None
    assert server_timing("app;dur=3") is None  # no CPU figure
    assert server_timing("app;dur=x, cpu;dur=1") is None


@pytest.mark.django_db
def test_every_response_says_what_it_cost_the_server(client):
    response = client.get("/accounts/login/")
    app, cpu = server_timing(response["Server-Timing"])
    assert app > 0
    assert 0 <= cpu <= app + 0.05  # the thread's CPU time within the request's time


def test_only_names_the_scenarios_the_run_builds():
    fixture = run.Fixture(
        token="t", password="p", tickets=1, articles=1, show_ids=[1], group_id=1,
        customer_ids=[2], database="db", long_id=3,
    )  # fmt: skip
    built = {s.name for s in run.scenarios(fixture, run.RunPlan())}
    assert built == {"floor", *run.SCENARIO_NAMES}


def test_only_takes_known_scenario_names_and_refuses_others():
    assert cli._scenario_names(" create_api, list_api ,") == ("create_api", "list_api")
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        cli._scenario_names("create_api,teleport")
    message = str(refused.value)
    assert message.startswith("teleport: no such scenario; choose from create_api, list_api")
    with pytest.raises(argparse.ArgumentTypeError):
        cli._scenario_names(" , ")
