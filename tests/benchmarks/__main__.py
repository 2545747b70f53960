"""Every user path at county scale against its floor: `python -m tests.benchmarks --youth N
[--json FILE]` (N may be a list, e.g. 1000,10000,100000, for each path's growth and exponent).

The county is the demo generator's (tests/benchmarks/county.py). Each path's floor does the same
work as the path without what the path adds, measured in the same run, interleaved (see
window.py, paths.py and sync.py for what each floor is). The terminal gets a table; --json gets
{"youth": N, "paths": {NAME: {...}}, "goals": ..., "load": ...}, for the last N, and "growth"."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from csec_desktop.storage import keys as K
from csec_desktop.storage.vault import Vault
from tests.benchmarks import county, paths, window
from tests.benchmarks.measure import Figures

# (path, key, "<=" or ">=", goal) from issue 24 (the report: its title, every user path within 2x).
GOALS: tuple[tuple[str, str, str, float], ...] = (
    ("cold_start", "ratio", "<=", 2.0),
    ("unlock", "over_kdf_ms", "<=", 150.0),
    ("search_p95", "ours_ms", "<=", 5.0),
    ("keystroke_p95", "ours_ms", "<=", 100.0),
    ("keystroke_p95", "while_today_ms", "<=", 100.0),
    ("today_first_rows", "ours_ms", "<=", 200.0),
    ("today_all", "ratio", "<=", 3.0),
    ("encryption", "ratio", "<=", 1.3),
    ("court_paper", "ratio", "<=", 2.0),
    ("plan", "ratio", "<=", 2.0),
    ("report", "ratio", "<=", 2.0),
    ("sync_push", "share", ">=", 0.5),
    ("sync_pull", "share", ">=", 0.5),
    ("sync_pull", "ours_s", "<=", 60.0),
    ("rss_today", "ours_mib", "<=", 250.0),
    ("vault_bytes_per_youth", "ours", "<=", 2500.0),
)
# The value each path's growth is judged by.
GROWTH_KEY = {"cold_start": "ours_s", "unlock": "over_kdf_ms", "search_p95": "ours_ms",
              "keystroke_p95": "ours_ms", "today_first_rows": "ours_ms", "today_all": "ours_s",
              "encryption": "ours_s", "rss_today": "ours_mib", "vault_bytes_per_youth": "ours",
              "sync_push": "ours_s", "sync_pull": "ours_s", "report": "ours_s"}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(youth: int, root: Path, args: argparse.Namespace) -> dict[str, Figures]:
    folder = root / f"county-{youth}"
    made = county.build(folder, youth)
    say(f"county: {youth:,} youth, {made['records']:,} records, {made['youth_per_s']:,.0f} youth/s")
    out: dict[str, Figures] = {"county": made}
    skip = set(args.skip.split(",")) if args.skip else set()
    user, passphrase = county.USER, county.PASSPHRASE
    vault = Vault.unlock(folder, user, passphrase)
    try:
        out["vault_bytes_per_youth"] = paths.vault_bytes(vault, youth)
        if "unlock" not in skip:
            say("unlock ...")
            vault.lock("benchmark")
            out["unlock"] = paths.unlock(folder, user, passphrase, args.reps)
            vault = Vault.unlock(folder, user, passphrase)
        if "search" not in skip:
            say("search ...")
            out["search_p95"] = paths.search(vault, args.searches)
        if "today" not in skip:
            say("Today, whole caseload ...")
            out["today_all"] = paths.today_all(vault, args.reps)
        if "encryption" not in skip:
            say("encryption ...")
            out["encryption"] = paths.encryption(vault, folder, user, passphrase, args.reps)
        if "plan" not in skip:
            say("youth plan ...")
            out["plan"] = paths.plan(vault, args.reps)
        if "report" not in skip:
            say("the Reports page's last quarter ...")
            out["report"] = paths.report(vault, args.reps)
    finally:
        vault.lock("benchmark")
    if "court_paper" not in skip:
        say("vacatur packet ...")
        out["court_paper"] = paths.court_paper(folder, county.ATTORNEY, args.reps)
    if "window" not in skip:
        say("the window (cold start, Today, keystrokes, memory) ...")
        kdf = K.KeyFile.load(folder).users[user].kdf.to_json()
        out.update(window.measure(folder, user, passphrase, kdf, reps=args.reps, keystrokes=args.keystrokes))
    if "sync" not in skip:
        from tests.benchmarks import sync

        records = args.sync_records or youth
        say(f"sync of {records:,} records ...")
        figures = sync.measure(records, 0, root / f"sync-{youth}")
        for phase in ("push", "pull"):
            row = figures[phase]
            out[f"sync_{phase}"] = {
                "ours_rps": row["ours_rps"], "floor_rps": row.get("floor_rps"), "ours_s": row["ours_s"],
                "share": row["ours_rps"] / row["floor_rps"] if row.get("floor_rps") else None,
                "records": row["records"], "hub_ratio": row.get("hub_ratio"),
                "live_hub_ratio": row.get("live_hub_ratio"), "hub_replays": row.get("hub_replays"),
                "floor_spread": row.get("floor_spread")}
    return out


def judged(paths_: dict[str, Figures]) -> list[dict[str, Any]]:
    verdicts = []
    for name, key, sense, goal in GOALS:
        value = paths_.get(name, {}).get(key)
        met = None if value is None else (value <= goal if sense == "<=" else value >= goal)
        verdicts.append({"path": name, "key": key, "goal": f"{sense} {goal:g}", "value": value, "met": met})
    return verdicts


def exponent(sizes: list[int], values: list[float]) -> float | None:
    """The slope of log(cost) over log(youth) between the smallest and the largest size."""
    if len(sizes) < 2 or values[0] <= 0 or values[-1] <= 0:
        return None
    return math.log(values[-1] / values[0]) / math.log(sizes[-1] / sizes[0])


def table(result: dict[str, Any]) -> str:
    lines = [f"{'path':22} {'measure':16} {'value':>12} {'floor':>12} {'goal':>10}  met"]
    for verdict in result["goals"]:
        row = result["paths"].get(verdict["path"], {})
        floor = next((row[k] for k in ("floor_s", "kdf_s", "floor_pps", "floor_rps") if row.get(k)), None)
        value = verdict["value"]
        lines.append(f"{verdict['path']:22} {verdict['key']:16} "
                     f"{'—' if value is None else f'{value:,.3g}':>12} "
                     f"{'' if floor is None else f'{floor:,.3g}':>12} {verdict['goal']:>10}  "
                     f"{'—' if verdict['met'] is None else ('yes' if verdict['met'] else 'NO')}")
    for name in ("court_paper", "plan"):
        standard = result["paths"].get(name, {}).get("ratio_standard_fonts")
        if standard is not None:
            lines.append(f"{name} against a floor in standard fonts (not embedded): {standard:.2f}x")
    index = result["paths"].get("search_p95", {}).get("index_p95_ms")
    if index is not None:
        lines.append(f"search_p95 of the index's count of the same words alone: {index:.1f} ms "
                     f"(p50 {result['paths']['search_p95']['index_p50_ms']:.1f})")
    flowing = result["paths"].get("court_paper", {}).get("ratio_platypus")
    if flowing is not None:
        lines.append(f"court_paper against bare platypus paragraphs of the same lines: {flowing:.2f}x")
    for name, grown in result.get("growth", {}).items():
        slope = "—" if grown["exponent"] is None else f"{grown['exponent']:.2f}"
        lines.append(f"growth {name:15} {grown['values']} over {grown['sizes']}: exponent {slope}")
    lines.append(f"load average before/after: {result['load']['before']} / {result['load']['after']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youth", default="100000", help="a number, or several: 1000,10000,100000")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--keystrokes", type=int, default=40)
    parser.add_argument("--sync-records", type=int, default=0, help="default: as many as youth")
    parser.add_argument("--skip", default="", help="e.g. sync,window")
    parser.add_argument("--keep", type=Path, help="make the counties here and keep them")
    args = parser.parse_args()
    sizes = [int(n) for n in args.youth.split(",")]
    load_before = os.getloadavg()
    started = time.perf_counter()
    runs: dict[int, dict[str, Figures]] = {}
    with tempfile.TemporaryDirectory(prefix="csec-bench-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            runs[size] = run(size, root, args)
    last = runs[sizes[-1]]
    result: dict[str, Any] = {"youth": sizes[-1], "paths": last, "goals": judged(last),
                              "load": {"before": [round(v, 2) for v in load_before],
                                       "after": [round(v, 2) for v in os.getloadavg()]},
                              "cpus": os.cpu_count(), "seconds": time.perf_counter() - started}
    if len(sizes) > 1:
        result["growth"] = {}
        for name, key in GROWTH_KEY.items():
            values = [runs[n].get(name, {}).get(key) for n in sizes]
            if all(isinstance(v, int | float) for v in values):
                result["growth"][name] = {"sizes": sizes, "values": [round(float(v), 3) for v in values],
                                          "exponent": exponent(sizes, [float(v) for v in values])}
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
