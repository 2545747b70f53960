"""Sync benchmark: `python -m tests.benchmarks.sync [--records 10000] [--delta 100]`.

An initial sync of N records from one desktop through the hub to another, then a delta of
M edits, each as records per second and bytes on the wire. The baseline, measured in the
same run on the same machine: the same requests (the same count, the same bytes up and
down) against a bare ASGI endpoint on the same uvicorn, so the ratio is what the hub's
work (merge, PostgreSQL, the vaults) costs over moving the bytes. Uses PostgreSQL when
CSEC_HUB_TEST_DSN (or the default test DSN) answers, else the embedded SQLite hub.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import uvicorn

from csec_desktop.domain.youth import CaseNote, Youth
from csec_desktop.hub.store import Admin
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, sync_vault
from tests.hub.conftest import DSN, empty
from tests.hub.harness import HubServer, free_port

PASS = "benchmark passphrase, fictional"
COUNTY = "Benchmark County"


def _hub_url(root: Path) -> str:
    try:
        psycopg.connect(DSN, connect_timeout=3).close()
        return DSN
    except psycopg.OperationalError:
        return f"sqlite:///{root / 'hub.db'}"


async def _raw(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def]
    """The ceiling: read the body, answer `n` bytes (from the query string)."""
    if scope["type"] != "http":
        return
    while True:
        message = await receive()
        if not message.get("more_body"):
            break
    size = int(scope["query_string"].decode().partition("=")[2] or 0)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(size).encode())]})
    await send({"type": "http.response.body", "body": b"x" * size})


def _ceiling(exchanges: list[tuple[int, int]]) -> float:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_raw, host="127.0.0.1", port=port, log_level="critical",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            start = time.perf_counter()
            for sent, received in exchanges:
                client.post("/raw", params={"n": received}, content=b"y" * sent)
            return time.perf_counter() - start
    finally:
        server.should_exit = True
        thread.join()


def _enrol(server: HubServer, folder: Path, name: str) -> Vault:
    vault, _ = Vault.create(folder, county=COUNTY, admin=name, passphrase=PASS)
    code = server.hub.new_enrollment(Admin(COUNTY, "bench"), name).code
    local.save_enrolment(vault, server.base_url, "", HubClient(server.base_url).enroll(code, name))
    return vault


def _timed(vault: Vault, server: HubServer) -> tuple[float, list[tuple[int, int]]]:
    found = local.enrolment(vault)
    assert found is not None
    client = HubClient(server.base_url, found.token)
    start = time.perf_counter()
    sync_vault(vault, client)
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed, client.exchanges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--delta", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="csec-sync-bench-"))
    url = _hub_url(root)
    server = HubServer(url)
    empty(server.hub)
    server.hub.add_county(COUNTY)
    for name in ("bench.one", "bench.two"):
        server.hub.add_user(Admin(COUNTY, "bench"), P.NewUser(username=name, role="supervisor"))
    one, two = _enrol(server, root / "one", "bench.one"), _enrol(server, root / "two", "bench.two")
    youth_count = args.records // 5
    youth_ids = []
    with one.require_db().transaction():
        for n in range(youth_count):
            youth = one.records.create(Youth.model_validate({
                "legal_name": {"given": "Testchild", "family": f"Fictional{n}"},
                "date_of_birth": "2010-05-17", "county": COUNTY, "assigned_worker": "bench.one",
                "unit": "north"}))
            youth_ids.append(youth.id)
            for k in range(4):
                one.records.create(CaseNote.model_validate({
                    "youth_id": youth.id, "occurred_at": datetime.now(UTC).isoformat(),
                    "text": f"Synthetic contact note {k} for a fictional youth."}))
    print(f"hub database: {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}; "
          f"{youth_count * 5} records")
    for label, count, prepare in (
        ("initial", youth_count * 5, None),
        ("delta", args.delta, lambda: [one.records.update(y, {"preferred_name": "Bench"})
                                       for y in youth_ids[: args.delta]]),
    ):
        if prepare:
            prepare()
        push_time, push_x = _timed(one, server)
        pull_time, pull_x = _timed(two, server)
        exchanges = push_x + pull_x
        total = push_time + pull_time
        up, down = sum(s for s, _ in exchanges), sum(r for _, r in exchanges)
        ceiling = _ceiling(exchanges)
        print(f"{label:8} {count:>6} records: push {push_time:6.2f} s ({count / push_time:8.0f} rec/s), "
              f"pull {pull_time:6.2f} s ({count / pull_time:8.0f} rec/s); {len(exchanges)} requests, "
              f"{up / 1e6:.2f} MB up, {down / 1e6:.2f} MB down; raw HTTP for the same bytes {ceiling:.3f} s "
              f"-> {total / ceiling:.1f}x the ceiling")
    assert local.status(two).waiting == 0
    one.close()
    two.close()
    server.stop()


if __name__ == "__main__":
    main()
