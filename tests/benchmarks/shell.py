"""Shell benchmarks: `python -m tests.benchmarks.shell [--youth N]`.

Cold start to an unlocked, populated caseload window, against a bare QMainWindow with a
QTableView started the same way in the same run; the deliberate Argon2id cost is
reported on its own. Then keystroke-to-filtered-results latency (no debounce).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASS = "benchmark passphrase, fictional"

BARE = """
import os, sys
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
from PySide6.QtGui import QStandardItemModel
app = QApplication([])
w = QMainWindow(); t = QTableView(); t.setModel(QStandardItemModel(200, 7)); w.setCentralWidget(t); w.show()
QTimer.singleShot(0, lambda: (print('ready', flush=True), app.quit()))
app.exec()
"""

APP = """
import os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
app = QApplication([])
w = MainWindow(Path(sys.argv[1])); w.show()
w.unlock_page.user.setText('admin'); w.unlock_page.passphrase.setText(sys.argv[2])
w.unlock_page.button.click()
def poll():
    if w.model.rowCount() > 0:
        print('ready', flush=True)
        w.caseload_action.trigger()  # the window opens on Today; typing happens on the caseload
        latencies = []
        queries = ['j', 'jo', 'jos', 'jose', 'm', 'ma', 'mar', 'mari',
                   'k', 'ki', 'sp', 'spa', 'sam', 'fic', 'jv']
        def one(i=0):
            if i >= len(queries) * 4:
                print('latencies ' + ' '.join(f'{x:.2f}' for x in latencies), flush=True)
                w.close(); app.quit(); return
            w.caseload_page.search_box.blockSignals(True)
            w.caseload_page.search_box.setText(queries[i % len(queries)])
            w.caseload_page.search_box.blockSignals(False)
            start = time.perf_counter()
            def done():
                latencies.append((time.perf_counter() - start) * 1000)
                w.model.modelReset.disconnect(done)
                QTimer.singleShot(0, lambda: one(i + 1))
            w.model.modelReset.connect(done)
            w.caseload.refresh()
        one()
    else:
        QTimer.singleShot(5, poll)
poll()
app.exec()
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, list[str]]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    first = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    rest = proc.stdout.read().splitlines()
    proc.wait()
    assert first.strip() == "ready", first
    return elapsed, rest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--youth", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from csec_desktop.demo import demo_youth
    from csec_desktop.storage.keys import KdfParams
    from csec_desktop.storage.vault import Vault

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="csec-shell-bench-") as tmp:
        folder = Path(tmp) / "vault"
        vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=PASS)
        with vault.require_db().transaction():
            for youth in demo_youth(args.youth, seed=3, workers=["admin"]):
                vault.records.create(youth)
        # Today: the rules over the whole caseload, against a bare scan that decodes every
        # youth once (the least any per-youth rule evaluation must do).
        from datetime import datetime

        from csec_desktop import today
        from csec_desktop.domain.youth import Youth
        from csec_desktop.rules import LEGAL_ZONE

        now = datetime.now(LEGAL_ZONE)
        db = vault.require_db()
        scan, rules = [], []
        for _ in range(3):
            start = time.perf_counter()
            for (body,) in db.query("SELECT body FROM records WHERE kind = 'youth'"):
                Youth.model_validate_json(body)
            scan.append(time.perf_counter() - start)
            start = time.perf_counter()
            found = today.items(vault, now)
            rules.append(time.perf_counter() - start)
        vault.close()
        print(f"Today over {args.youth:,} youth: {len(found):,} duties in {min(rules) * 1000:.0f} ms; "
              f"decoding every youth once takes {min(scan) * 1000:.0f} ms; ratio "
              f"{min(rules) / min(scan):.2f}x")
        argon = []
        for _ in range(5):
            start = time.perf_counter()
            KdfParams.fresh().derive(PASS)
            argon.append(time.perf_counter() - start)
        bare, app, lat = [], [], []
        for _ in range(args.runs):
            bare.append(timed([sys.executable, "-c", BARE], env)[0])
            elapsed, rest = timed([sys.executable, "-c", APP, str(folder), PASS], env)
            app.append(elapsed)
            lat += [float(x) for line in rest if line.startswith("latencies")
                    for x in line.split()[1:]]
        a, b, k = statistics.median(app), statistics.median(bare), statistics.median(argon)
        print(f"cold start to a populated caseload ({args.youth:,} youth): median {a:.2f} s; bare "
              f"QMainWindow+QTableView {b:.2f} s; ratio {a / b:.2f}x; without the Argon2id unlock "
              f"({k * 1000:.0f} ms) {(a - k) / b:.2f}x")
        q = statistics.quantiles(lat, n=100)
        print(f"keystroke to filtered results over {args.youth:,} youth: p50 {q[49]:.1f} ms, "
              f"p95 {q[94]:.1f} ms ({len(lat)} keystrokes)")


if __name__ == "__main__":
    main()
