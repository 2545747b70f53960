"""Report benchmark: `python -m tests.benchmarks.reports [--youth 100000] [--share 0.1]`.

A county of N fictional youth, a share of them identified (at risk or exploited) across the year
with the records a report reads (decisions, a missing episode or a screen for some, duties marked
done for most), then the quarter's report as the Reports page computes it (usecases.reports.run:
every count, duty, screen and the trend), against floors measured in the same run on the same
vault: a bare SQL count of the same rows, and a bare read of them (the same queries, the rows
fetched, nothing decoded). Five runs each, interleaved; medians and spread. Not a test.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from csec_desktop.domain.csec import CsecStatus
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.youth import Youth
from csec_desktop.reports.counts import READS
from csec_desktop.reports.periods import parse
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.sealed_rows import VIEW
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import reports

PASS = "benchmark passphrase, fictional"


def build(vault: Vault, youth: int, share: float, seed: int = 7) -> int:
    """The county: returns how many youth were identified."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 8, tzinfo=LEGAL_ZONE)
    identified = 0
    with vault.require_db().transaction():
        for n in range(youth):
            made = vault.records.create(Youth.model_validate({
                "legal_name": {"given": "Testchild", "family": f"Fictional{n}"},
                "date_of_birth": f"{2008 + n % 8}-0{1 + n % 9}-1{n % 9}", "county": vault.county,
                "assigned_worker": f"worker{n % 40}", "unit": f"Unit {'ABCDEFGH'[n % 8]}",
                "placement_history": [{"type": ("strtp", "resource_family", "home_of_parent")[n % 3],
                                       "start": "2025-06-01"}]}))
            if rng.random() >= share:
                continue
            identified += 1
            decided = start + timedelta(hours=rng.randrange(0, 330 * 24))
            vault.records.create(CsecStatus.model_validate({
                "youth_id": made.id, "status": "victim" if rng.random() < 0.6 else "at_risk",
                "basis": "fictional basis", "decided_at": decided.isoformat(), "decided_by": "admin"}))
            if rng.random() < 0.8:  # most duties done, some late
                done = decided + timedelta(hours=rng.choice((2, 10, 20, 30, 40)))
                vault.records.create(DutyDone.model_validate({
                    "youth_id": made.id, "rule_id": "csec.report_law_enforcement_24h",
                    "occurrence": decided.astimezone(UTC).strftime("%Y%m%dT%H%MZ"),
                    "done_on": done.date().isoformat(), "done_at": done.isoformat()}))
    return identified


def _median(values: list[float]) -> str:
    low, high = min(values) * 1000, max(values) * 1000
    return f"{statistics.median(values) * 1000:7.1f} ms (spread {low:.1f}-{high:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youth", type=int, default=100_000)
    parser.add_argument("--share", type=float, default=0.1, help="of youth identified in the year")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csec-report-bench-") as tmp:
        vault, _ = Vault.create(Path(tmp) / "v", county="Benchmark County", admin="admin", passphrase=PASS)
        began = time.perf_counter()
        identified = build(vault, args.youth, args.share)
        took = time.perf_counter() - began
        print(f"built {args.youth:,} youth ({identified:,} identified) in {took:.0f} s")
        period = parse("2026Q3")
        db = vault.require_db()
        kinds = ", ".join(f"'{k}'" for k in READS)
        ours, count, read = [], [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            report = reports.run(vault, period)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            db.scalar(f"SELECT count(*) FROM {VIEW} WHERE deleted = 0")
            db.scalar(f"SELECT count(*) FROM records WHERE kind IN ({kinds}) AND deleted = 0")
            count.append(time.perf_counter() - t)
            t = time.perf_counter()  # the report's own reads (counts.facts), rows fetched, nothing decoded
            seen = dict(db.query(f"SELECT f.rowid, f.unit FROM {VIEW} f WHERE f.deleted = 0"))
            places = sorted(r for (r,) in db.query(f"SELECT rowid FROM records WHERE kind IN ({kinds})"))
            rows = [row for row in db.query(
                "SELECT a.id, a.owner_id, a.kind, a.body, y.rowid FROM records a JOIN records y ON y.id = "
                "a.owner_id WHERE a.rowid IN (SELECT value FROM json_each(?)) AND a.deleted = 0",
                (json.dumps(places),)) if row[4] in seen]
            db.query("SELECT id, body FROM records WHERE rowid IN (SELECT value FROM json_each(?))",
                     (json.dumps(sorted({row[4] for row in rows})),))
            read.append(time.perf_counter() - t)
        victims = next(line.total for line in report.lines if line.count.id == "identified_victims")
        print(f"the quarter's report over {args.youth:,} youth ({victims:,} identified as exploited in it): "
              f"{_median(ours)}")
        print(f"  bare SQL count of the same rows: {_median(count)} -> "
              f"{statistics.median(ours) / statistics.median(count):.1f}x")
        print(f"  bare read of the same rows (fetched, not decoded): {_median(read)} -> "
              f"{statistics.median(ours) / statistics.median(read):.1f}x")
        vault.close()


if __name__ == "__main__":
    main()
