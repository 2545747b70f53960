"""The benchmarks' county: the demo generator's vault at N youth, with the records a county's
caseload carries (contacts and notes, identifications with screens, team meetings, referrals and
goals, missing episodes, duties recorded done), as `csec-desktop --demo` shows at 300.

`python -m tests.benchmarks.county --youth 100000 FOLDER` makes one and says how fast."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from csec_desktop.demo import DEMO_STAFF, create_demo_vault
from csec_desktop.domain.people import Role

# Who the window benchmarks sign in as: a supervisor sees the whole county (the largest caseload).
USER = next(p[0] for p in DEMO_STAFF if p[1] is Role.SUPERVISOR)
PASSPHRASE = next(p[4] for p in DEMO_STAFF if p[1] is Role.SUPERVISOR)
ATTORNEY = next((p[0], p[4]) for p in DEMO_STAFF if p[1] is Role.ATTORNEY)


def build(folder: Path, youth: int, *, quiet: bool = False) -> dict[str, Any]:
    """Make the county in `folder`; returns what was made and how fast (youth per second)."""
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if not quiet:
            stage = ("writing the youth", "giving them records", "checking their duties",
                     "recording the done ones, indexing")[min(3, 4 * (done - 1) // total)]
            print(f"\r  making the county: {100 * done // total}% ({stage}), "
                  f"{time.perf_counter() - started:.0f} s   ", end="", file=sys.stderr, flush=True)

    made = create_demo_vault(folder, youth, progress=progress)
    elapsed = time.perf_counter() - started
    if not quiet:
        print(file=sys.stderr)
    return {**asdict(made), "seconds": elapsed, "youth_per_s": youth / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youth", type=int, default=100_000)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    made = build(args.folder, args.youth)
    print(f"{made['youth']:,} youth and {made['records']:,} attached records ({made['duties_done']:,} "
          f"duties recorded done) in {made['seconds']:.1f} s: {made['youth_per_s']:,.0f} youth/s")


if __name__ == "__main__":
    main()
