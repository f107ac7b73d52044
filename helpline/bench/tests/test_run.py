"""Pieces of ``helpline bench run`` that need no server (the run itself: tests/system)."""

from __future__ import annotations

import pytest

from helpline.bench.run import percentile, summarize


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
