"""The sync benchmark's floor does the work it stands for (every pushed operation stored as a
row, every pulled record served from one), and its replays of a first sync send the hub the same
requests and get the same answers as the live round (`sync.sent` checks them)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.benchmarks import sync
from tests.benchmarks.sync import Exchange, Floor


def test_the_floor_stores_every_pushed_operation_and_serves_every_pulled_record(pg_url: str) -> None:
    ops = [{"op_id": f"op-{n}", "fields": {"text": {"old": None, "new": f"note {n}", "base": None}}}
           for n in range(7)]
    page = {"records": [{"id": f"r-{n}", "body": {"text": f"note {n}"}} for n in range(5)],
            "next": 5, "more": False}
    exchanges = [Exchange("POST", "/v1/push", "", json.dumps({"ops": ops}).encode(), b'{"results":[]}', 0.0),
                 Exchange("GET", "/v1/pull", "since=0&limit=1000", b"", json.dumps(page).encode(), 0.0)]
    floor = Floor(pg_url, "bench_floor_test")
    try:
        floor.ready(exchanges)
        with sync._served(floor) as url, httpx.Client(base_url=url) as client:
            assert sync.sent(client, exchanges) > 0
            stored = [json.loads(body) for (body,) in floor.conn.execute(f"SELECT body FROM {floor.ops}")]
            assert stored == ops
            served = client.get("/v1/pull", params={"since": 0, "limit": 1000}).json()
            assert served["records"] == page["records"] and served["more"] is False
            floor.reset()
            assert floor.conn.execute(f"SELECT count(*) FROM {floor.ops}").fetchone() == (0,)
    finally:
        floor.close()


def test_a_first_sync_is_replayed_to_the_hub_and_the_floor_alike(pg_url: str, tmp_path: Path) -> None:
    figures = sync.measure(50, 5, tmp_path, reps=2, url=pg_url)
    for phase in ("push", "pull"):
        row = figures[phase]
        assert row["records"] == 50
        assert row["hub_replays"]["n"] == 2 and row["floor_spread"]["n"] == 2
        assert row["hub_ratio"] > 0 and row["live_hub_ratio"] > 0
    assert figures["delta_push"]["records"] == 5 and figures["delta_push"]["floor_s"] > 0
