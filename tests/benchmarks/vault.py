"""Vault benchmarks: `python -m tests.benchmarks.vault [--youth N]` (part of `make bench`).

Not a test: it prints figures, each against a baseline measured in the same run.
The baseline for storage is the same engine and the same code with encryption off
(SQLCipher without a key is plain SQLite), so the ratio is the price of encryption.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from csec_desktop import caseload
from csec_desktop.clock import HybridClock, system_clock
from csec_desktop.demo import demo_youth
from csec_desktop.domain.people import Role, User
from csec_desktop.storage.database import REQUIRED_PRAGMAS, Database
from csec_desktop.storage.engine import sqlcipher3
from csec_desktop.storage.records import RecordStore
from csec_desktop.storage.schema import migrate
from csec_desktop.storage.vault import Vault
from tests.benchmarks.paths import queries

PASS = "benchmark passphrase, fictional"


def plain_database(path: Path) -> Database:
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    for name, value, _ in REQUIRED_PRAGMAS:
        conn.execute(f"PRAGMA {name} = {value}").fetchall()
    return Database(conn, path)


def encrypted_database(path: Path) -> Database:
    return Database.open(path, os.urandom(32), create=True)


def insert(db: Database, count: int) -> float:
    migrate(db)
    store = RecordStore(db, HybridClock("bench"), system_clock, "bench", "bench")
    youth = list(demo_youth(count, seed=11))
    start = time.perf_counter()
    with db.transaction():
        for y in youth:
            store.create(y)
    return time.perf_counter() - start


def search_times(vault_like: object, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        start = time.perf_counter()
        caseload.search(vault_like, text)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    return times


class _Reader:
    """Just enough of Vault for caseload.search on a bare database."""

    def __init__(self, db: Database, user: User) -> None:
        self._db = db
        self.user = user

    def require_db(self) -> Database:
        return self._db


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youth", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csec-bench-") as tmp:
        root = Path(tmp)

        vault, _ = Vault.create(root / "v", county="Demo County", admin="admin", passphrase=PASS)
        vault.close()
        unlocks = []
        for _ in range(10):
            start = time.perf_counter()
            Vault.unlock(root / "v", "admin", PASS).close()
            unlocks.append(time.perf_counter() - start)
        median = statistics.median(unlocks) * 1000
        print(f"unlock (Argon2id 64 MiB, 3 passes, then open): median {median:.0f} ms, "
              f"max {max(unlocks) * 1000:.0f} ms over 10")

        enc = encrypted_database(root / "enc.db")
        plain = plain_database(root / "plain.db")
        t_plain = insert(plain, args.youth)
        t_enc = insert(enc, args.youth)
        print(f"insert {args.youth:,} youth (record + change log + search index, one transaction): "
              f"encrypted {t_enc:.1f} s ({args.youth / t_enc:,.0f}/s), plain {t_plain:.1f} s; "
              f"ratio {t_enc / t_plain:.2f}x")

        texts = queries(args.searches)
        people = (
            ("supervisor (whole county)", User(username="sup", display_name="S", role=Role.SUPERVISOR)),
            ("caseworker (own unit)",
             User(username="bench", display_name="C", role=Role.CASEWORKER, unit="Unit A")),
        )
        for label, user in people:
            search_times(_Reader(enc, user), texts[:20])  # warm the page cache for both
            search_times(_Reader(plain, user), texts[:20])
            te = search_times(_Reader(enc, user), texts)
            tp = search_times(_Reader(plain, user), texts)
            print(f"search over {args.youth:,} youth as {label}: encrypted p50 {pct(te, 50):.1f} ms, "
                  f"p95 {pct(te, 95):.1f} ms; plain p50 {pct(tp, 50):.1f} ms, p95 {pct(tp, 95):.1f} ms; "
                  f"p95 ratio {pct(te, 95) / max(pct(tp, 95), 1e-6):.2f}x")

        start = time.perf_counter()
        problems = enc.integrity_problems()
        print(f"integrity checks (cipher + b-tree) over {(root / 'enc.db').stat().st_size / 1e6:.0f} MB: "
              f"{time.perf_counter() - start:.2f} s, problems: {len(problems)}")
        enc.close()
        plain.close()


if __name__ == "__main__":
    main()
