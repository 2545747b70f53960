"""Sync benchmark: `python -m tests.benchmarks.sync [--records 10000] [--delta 100] [--reps 5]
[--json FILE]`.

A first sync of N records from one desktop through the hub to another, then a delta of M
edits: push and pull each as records per second, against a floor measured in the same run on
the same machine. The floor replays the very same requests (the same bytes up and down, over
the same uvicorn and httpx) against a bare endpoint that does the least a hub must: push
parses each request and writes every operation in it as a row into the same PostgreSQL in
one transaction; pull reads the same records, in the same pages, back out of PostgreSQL. So
the ratio is what the hub's and the desktops' work (checks, merge, encryption, signatures,
indexes) costs over moving and storing the bytes. The first sync's requests are also sent
again `reps` times to the hub (emptied to the same start) and to the floor, interleaved, each
request timed alike from sending to its answer read: the hub's ratio is the median of those
(`first_sync_replays`). Uses PostgreSQL when
CSEC_HUB_TEST_DSN (or the default test DSN) answers, else the embedded SQLite hub (floors
then need PostgreSQL and are skipped).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import psycopg
import uvicorn

from csec_desktop.domain.youth import CaseNote, Youth
from csec_desktop.hub.app import settle
from csec_desktop.hub.principals import Admin
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, sync_vault
from tests.benchmarks.measure import spread
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


@dataclass
class Exchange:
    """One request of a real sync, as sent and answered."""

    method: str
    path: str
    query: str
    sent: bytes
    received: bytes
    seconds: float  # from sending the request to the whole answer read: the hub's part


class Floor:
    """The bare endpoint: stores pushed operations as rows and serves pulled records from rows,
    in the same PostgreSQL the hub uses (tables of its own, dropped at the end)."""

    def __init__(self, dsn: str, name: str = "bench_floor") -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.ops, self.records = f"{name}_ops", f"{name}_records"  # two floors may stand at once
        self.conn.execute(f"DROP TABLE IF EXISTS {self.ops}, {self.records}")
        self.conn.execute(f"CREATE TABLE {self.ops} (seq bigserial PRIMARY KEY, body text NOT NULL)")
        self.conn.execute(f"CREATE TABLE {self.records} (seq bigint PRIMARY KEY, body text NOT NULL)")
        self.replies: dict[tuple[str, str, str], bytes] = {}

    def close(self) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS {self.ops}, {self.records}")
        self.conn.close()

    def ready(self, exchanges: list[Exchange]) -> None:
        """Set to answer a phase's requests: its pages loaded as rows, its other answers kept. The
        pulls of a push round (the pushing desktop's own records coming back) are served from rows
        as in a pull round."""
        self.load_pages(exchanges)
        for ex in exchanges:
            self.replies.setdefault((ex.method, ex.path, ex.query), ex.received)

    def reset(self) -> None:
        """Back to the state before a replay: no operation stored."""
        self.conn.execute(f"TRUNCATE {self.ops}")

    def load_pages(self, exchanges: list[Exchange]) -> None:
        """The records the hub served, one row each under the sequence it gave them."""
        rows: list[tuple[int, str]] = []
        for ex in exchanges:
            if ex.path == "/v1/pull":
                page = json.loads(ex.received)
                first = int(parse_qs(ex.query)["since"][0])
                rows += [(first + i + 1, json.dumps(r)) for i, r in enumerate(page["records"])]
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute(f"TRUNCATE {self.records}")
            cur.executemany(f"INSERT INTO {self.records} (seq, body) VALUES (%s, %s)", rows)

    def answer(self, method: str, path: str, query: str, body: bytes) -> bytes:
        if path == "/v1/pull":
            args = parse_qs(query)
            since, limit = int(args["since"][0]), int(args["limit"][0])
            bodies = [r[0] for r in self.conn.execute(
                f"SELECT body FROM {self.records} WHERE seq > %s ORDER BY seq LIMIT %s", (since, limit))]
            return ('{"records":[' + ",".join(bodies) + '],"next":' + str(since + len(bodies)) +
                    ',"more":' + ("true" if len(bodies) == limit else "false") + "}").encode()
        if body:
            items = next((v for v in json.loads(body).values() if isinstance(v, list)), [])
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {self.ops} (body) VALUES (%s)",
                                [(json.dumps(item),) for item in items])
        return self.replies[(method, path, query)]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        reply = self.answer(scope["method"], scope["path"], scope["query_string"].decode(), b"".join(chunks))
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(reply)).encode())]})
        await send({"type": "http.response.body", "body": reply})


@contextmanager
def _served(app: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def sent(client: httpx.Client, exchanges: list[Exchange], check: bool = False) -> float:
    """Send a phase's requests again, the same bytes in the same order: the seconds from each
    request sent to its answer read, summed (as Exchange.seconds is for the live round). With
    `check`, each answer must be the live one's status, and a push's outcomes the same."""
    total = 0.0
    for ex in exchanges:
        start = time.perf_counter()
        reply = client.request(ex.method, ex.path + ("?" + ex.query if ex.query else ""),
                               content=ex.sent or None,
                               headers={"Content-Type": "application/json"} if ex.sent else None)
        reply.read()
        total += time.perf_counter() - start
        if check:
            reply.raise_for_status()
            if ex.path == "/v1/push":
                outcomes = [r["result"] for r in reply.json()["results"]]
                assert outcomes == [r["result"] for r in json.loads(ex.received)["results"]], ex.path
    return total


def floor_seconds(dsn: str, exchanges: list[Exchange], repeats: int = 3) -> float:
    """Replay a phase's requests against the bare endpoint: the median of `repeats` replays."""
    floor = Floor(dsn)
    try:
        floor.ready(exchanges)
        times = []
        with _served(floor) as url, httpx.Client(base_url=url) as client:
            for _ in range(repeats):
                floor.reset()  # each replay from the same state
                times.append(sent(client, exchanges))
        return statistics.median(times)
    finally:
        floor.close()


def _fresh_hub(server: HubServer) -> tuple[dict[str, str], dict[str, str]]:
    """The hub emptied to where a first sync starts: the county, its two users, a device each,
    newly enrolled. The two devices' headers."""
    hub = server.hub
    empty(hub)
    hub.add_county(COUNTY)
    headers = []
    for name in ("bench.one", "bench.two"):
        hub.add_user(Admin(COUNTY, "bench"), P.NewUser(username=name, role="supervisor"))
        code = hub.new_enrollment(Admin(COUNTY, "bench"), name).code
        enrolled = hub.enroll(P.EnrollRequest(code=code, device_name=name))
        headers.append({P.HEADER: str(P.PROTOCOL),
                        "Authorization": f"Bearer device.{enrolled.device_id}.{enrolled.secret}"})
    return headers[0], headers[1]


def first_sync_replays(server: HubServer, dsn: str, push: list[Exchange], pull: list[Exchange],
                       reps: int = 5) -> dict[str, tuple[list[float], list[float]]]:
    """A first sync (one desktop's push round, then another's pull round) sent again `reps` times
    to the hub, emptied to the same start each time, and to the bare endpoint, interleaved (hub,
    floor, floor, hub, ...): a live round runs the hub once, and one slow second moved its ratio
    by a third. {"push": (hub seconds, floor seconds), "pull": (...)}; the hub's answers are
    checked against the live round's on the first replay."""
    phases = {"push": push, "pull": pull}
    times: dict[str, tuple[list[float], list[float]]] = {"push": ([], []), "pull": ([], [])}
    with ExitStack() as stack:
        floors, to_floor = {}, {}
        for name, exchanges in phases.items():
            floors[name] = Floor(dsn, f"bench_floor_{name}")
            stack.callback(floors[name].close)
            floors[name].ready(exchanges)
            url = stack.enter_context(_served(floors[name]))
            to_floor[name] = stack.enter_context(httpx.Client(base_url=url))
        for rep in range(reps):
            one, two = _fresh_hub(server)
            with httpx.Client(base_url=server.base_url, headers=one, timeout=600) as as_one, \
                    httpx.Client(base_url=server.base_url, headers=two, timeout=600) as as_two:
                as_device = {"push": as_one, "pull": as_two}
                for name, exchanges in phases.items():
                    floors[name].reset()
                    for side in ("hub", "floor") if rep % 2 == 0 else ("floor", "hub"):
                        if side == "hub":
                            times[name][0].append(sent(as_device[name], exchanges, check=rep == 0))
                        else:
                            times[name][1].append(sent(to_floor[name], exchanges))
    return times


def _enrol(server: HubServer, folder: Path, name: str) -> Vault:
    vault, _ = Vault.create(folder, county=COUNTY, admin=name, passphrase=PASS)
    code = server.hub.new_enrollment(Admin(COUNTY, "bench"), name).code
    client = HubClient(server.base_url)
    try:
        local.save_enrolment(vault, server.base_url, "", client.enroll(code, name))
    finally:
        client.close()
    return vault


def _timed(vault: Vault, server: HubServer) -> tuple[float, list[Exchange]]:
    found = local.enrolment(vault)
    assert found is not None
    client = HubClient(server.base_url, found.token)
    seen: list[Exchange] = []
    started: dict[int, float] = {}

    def begin(request: httpx.Request) -> None:
        started[id(request)] = time.perf_counter()

    def keep(response: httpx.Response) -> None:
        response.read()
        request = response.request
        seen.append(Exchange(request.method, request.url.path, request.url.query.decode(),
                             request.content, response.content,
                             time.perf_counter() - started.pop(id(request))))

    client.http.event_hooks = {"request": [begin], "response": [keep]}
    start = time.perf_counter()
    sync_vault(vault, client)
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed, seen


def measure(records: int, delta: int, root: Path, reps: int = 5,
            url: str | None = None) -> dict[str, dict[str, Any]]:
    """The figures, by phase: {"push": {...}, "pull": {...}, "delta_push": ..., "delta_pull": ...},
    each with records, ours_s (the whole round on the desktop), hub_s (its requests' round trips),
    floor_s and the ratios to it (floors only on PostgreSQL), requests and megabytes. For the
    first sync, hub_ratio is the median of `reps` replays of its requests to the hub against as
    many to the floor, interleaved (live_hub_ratio: the live round's against the floor)."""
    url = url or _hub_url(root)
    server = HubServer(url)
    settle()  # as `csec-hub serve` does once its app is made
    empty(server.hub)
    server.hub.add_county(COUNTY)
    for name in ("bench.one", "bench.two"):
        server.hub.add_user(Admin(COUNTY, "bench"), P.NewUser(username=name, role="supervisor"))
    one, two = _enrol(server, root / "one", "bench.one"), _enrol(server, root / "two", "bench.two")
    youth_ids = _fill(one, records // 5)
    figures: dict[str, dict[str, Any]] = {}
    seen_in: dict[str, list[Exchange]] = {}
    phases: list[tuple[str, int, Callable[[], object] | None]] = [
        ("", (records // 5) * 5, None),
        ("delta_", delta, lambda: [one.records.update(y, {"preferred_name": "Bench"})
                                   for y in youth_ids[:delta]]),
    ]
    for prefix, count, prepare in phases:
        if prepare:
            prepare()
        for name, vault in (("push", one), ("pull", two)):
            seconds, seen = _timed(vault, server)
            seen_in[prefix + name] = seen
            hub = sum(e.seconds for e in seen)
            row: dict[str, Any] = {
                "records": count, "ours_s": seconds, "ours_rps": count / seconds, "hub_s": hub,
                "up_mb": sum(len(e.sent) for e in seen) / 1e6,
                "down_mb": sum(len(e.received) for e in seen) / 1e6, "requests": len(seen)}
            if url.startswith("postgresql") and prefix:  # the first sync's floors: below
                floor = floor_seconds(url, seen)
                row |= {"floor_s": floor, "floor_rps": count / floor, "hub_ratio": hub / floor,
                        "ratio": seconds / floor}
            figures[prefix + name] = row
    assert local.status(two).waiting == 0
    one.close()
    two.close()
    if url.startswith("postgresql"):
        replays = first_sync_replays(server, url, seen_in["push"], seen_in["pull"], reps)
        for name, (hub_times, floor_times) in replays.items():
            row, floor = figures[name], statistics.median(floor_times)
            row |= {"floor_s": floor, "floor_rps": row["records"] / floor,
                    "hub_ratio": statistics.median(hub_times) / floor, "live_hub_ratio": row["hub_s"] / floor,
                    "ratio": row["ours_s"] / floor, "hub_replays": spread(hub_times),
                    "floor_spread": spread(floor_times)}
    server.stop()
    return figures


def _fill(vault: Vault, youth_count: int) -> list[str]:
    youth_ids = []
    with vault.require_db().transaction():
        for n in range(youth_count):
            youth = vault.records.create(Youth.model_validate({
                "legal_name": {"given": "Testchild", "family": f"Fictional{n}"},
                "date_of_birth": "2010-05-17", "county": COUNTY, "assigned_worker": "bench.one",
                "unit": "north"}))
            youth_ids.append(youth.id)
            for k in range(4):
                vault.records.create(CaseNote.model_validate({
                    "youth_id": youth.id, "occurred_at": datetime.now(UTC).isoformat(),
                    "text": f"Synthetic contact note {k} for a fictional youth."}))
    return youth_ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--delta", type=int, default=100)
    parser.add_argument("--reps", type=int, default=5, help="replays of the first sync, hub and floor")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csec-sync-bench-") as root:  # its vaults go with it
        figures = measure(args.records, args.delta, Path(root), args.reps)
    for name, row in figures.items():
        line = (f"{name:11} {row['records']:>7.0f} records: {row['ours_s']:7.2f} s in all "
                f"({row['ours_rps']:6.0f} rec/s), {row['hub_s']:6.2f} s of it at the hub; "
                f"{row['requests']:.0f} requests, {row['up_mb']:.2f} MB up, {row['down_mb']:.2f} MB down")
        if "floor_s" in row:
            line += (f"; floor {row['floor_s']:6.2f} s -> hub {row['hub_ratio']:.2f}x, "
                     f"in all {row['ratio']:.1f}x the floor")
        if "hub_replays" in row:
            hub, floor = row["hub_replays"], row["floor_spread"]
            line += (f" (hub replayed {hub['n']}x: {hub['min']:.2f}-{hub['max']:.2f} s, floor "
                     f"{floor['min']:.2f}-{floor['max']:.2f} s; live round {row['live_hub_ratio']:.2f}x)")
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"records": args.records, "phases": figures}, indent=1))


if __name__ == "__main__":
    main()
