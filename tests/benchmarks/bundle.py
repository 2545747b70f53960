"""Bundle benchmark: `python -m tests.benchmarks.bundle` (after `make bundle`).

The frozen app's size on disk, and its cold start against the source run measured in the
same run: each runs the smoke test (start, vault, youth, PDF, window) in a new process
three times; reported are the medians of the wall time to exit and of the time until the
app's imports were done (its start-up); then `csec --version` and `csec rules --json`, frozen
against `python -m csec_desktop.cli`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dist" / "csec-desktop"


def _run(command: list[str]) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp()) / "smoke"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    done = subprocess.run([*command, "--smoke-test", str(folder)], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True)
    total = time.perf_counter() - start
    return total, json.loads(done.stdout.strip().splitlines()[-1])["steps"]["imported"]


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    if not APP.exists():
        sys.exit("Build the bundle first: make bundle")
    files = [p for p in APP.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)
    frozen = [_run([str(APP / "csec-desktop")]) for _ in range(3)]
    source = [_run([sys.executable, "-m", "ui.app"]) for _ in range(3)]
    f_total, f_import = (statistics.median(x) for x in zip(*frozen, strict=True))
    s_total, s_import = (statistics.median(x) for x in zip(*source, strict=True))
    print(f"bundle: {size / 2**20:.0f} MiB in {len(files)} files")
    print(f"smoke test to exit: frozen {f_total:.2f} s, source {s_total:.2f} s ({f_total / s_total:.2f}x)")
    print(f"start-up (imports done): frozen {f_import:.2f} s, source {s_import:.2f} s "
          f"({f_import / s_import:.2f}x)")
    for args in (["--version"], ["rules", "--json"]):
        frozen_cli = statistics.median(_time([str(APP / "csec"), *args]) for _ in range(3))
        source = [sys.executable, "-m", "csec_desktop.cli", *args]
        source_cli = statistics.median(_time(source) for _ in range(3))
        print(f"csec {' '.join(args)}: frozen {frozen_cli:.2f} s, source {source_cli:.2f} s")


if __name__ == "__main__":
    main()
