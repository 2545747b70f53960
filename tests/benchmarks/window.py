"""The window's paths, measured in a real MainWindow in a process of its own (offscreen):

- cold start: from starting the process to the caseload's first page in the window, signed in
  (Argon2id included), against a bare QMainWindow with a QTableView of a page's rows started the same
  way plus the same Argon2id derivation, interleaved;
- Today's first rows: from asking for Today to the first rows painted on screen, and to the
  whole list; the window's memory then (resident set);
- keystroke: from the key event in the search box to the matching rows painted, through the
  window's own debounce, while idle and while Today is computing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from csec_desktop.clock import legal_today
from csec_desktop.usecases.caseload import PAGE
from tests.benchmarks.measure import Figures, pct, spread

ROOT = Path(__file__).resolve().parents[2]

BARE = """
import os, sys, json
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
from PySide6.QtGui import QStandardItemModel
from csec_desktop.storage.keys import KdfParams
params = KdfParams.from_json(json.loads(sys.argv[1]))
app = QApplication([])
w = QMainWindow(); t = QTableView(); t.setModel(QStandardItemModel(ROWS, 7)); w.setCentralWidget(t); w.show()
params.derive(sys.argv[2])
QTimer.singleShot(0, lambda: (print('ready', flush=True), app.quit()))
app.exec()
""".replace("ROWS", str(PAGE))  # as many rows as the window's first page

APP = """
import os, sys
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui import pyside_hook  # as ui/app.py: before the window's modules load
pyside_hook.quicken()
from ui.collector import MainThreadCollector
collector = MainThreadCollector(app)
from ui.main_window import MainWindow
w = MainWindow(Path(sys.argv[1])); w.show()
w.unlock_page.user.setText(sys.argv[2]); w.unlock_page.passphrase.setText(sys.argv[3])
w.unlock_page.button.click()
def poll():
    if w.model.rowCount() > 0:
        print('ready', flush=True)
        if len(sys.argv) > 4:
            from tests.benchmarks.window import in_window
            in_window(app, w, int(sys.argv[4]))
        w.close(); app.quit()
    else:
        QTimer.singleShot(2, poll)
poll()
app.exec()
"""

# What people type, one key at a time: names' first letters and a case number as the demo county
# numbers them ("JV-26-1" in 2026: every youth's number starts "JV-26-").
QUERIES = ("jo", "mar", "sp", "kim", f"jv-{legal_today().year % 100:02d}-1", "fic", "ana", "ri")


def _started(args: list[str]) -> tuple[float, list[str]]:
    # As installed: with compiled bytecode (the bundle ships it; a source run writes it once).
    # Where PYTHONDONTWRITEBYTECODE is set, every start would compile ~130 modules (0.3 s here).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    out, errors = proc.communicate()  # both pipes at once: neither can fill and stall the child
    rest = out.splitlines()
    if proc.returncode != 0 or first.strip() != "ready":
        raise RuntimeError(f"the measured window failed: {first!r} {rest[-3:]!r} {errors[-2000:]}")
    return elapsed, rest


def measure(folder: Path, user: str, passphrase: str, kdf: dict[str, Any], *, reps: int = 5,
            keystrokes: int = 40) -> dict[str, Figures]:
    ours: list[float] = []
    floor: list[float] = []
    for rep in range(reps):
        app = [sys.executable, "-c", APP, str(folder), user, passphrase]
        bare = [sys.executable, "-c", BARE, json.dumps(kdf), passphrase]
        for which in ((app, bare) if rep % 2 == 0 else (bare, app)):
            (ours if which is app else floor).append(_started(which)[0])
    _elapsed, lines = _started([sys.executable, "-c", APP, str(folder), user, passphrase, str(keystrokes)])
    inside = json.loads(next(line for line in lines if line.startswith("{")))
    return {
        "cold_start": {"ours_s": statistics.median(ours), "floor_s": statistics.median(floor),
                       "ratio": statistics.median(ours) / statistics.median(floor),
                       "ours_spread": spread(ours), "floor_spread": spread(floor)},
        "keystroke_p95": {"ours_ms": pct(inside["keys_idle"], 95),
                          "while_today_ms": pct(inside["keys_today"], 95),
                          "p50_ms": pct(inside["keys_idle"], 50), "n": len(inside["keys_idle"]),
                          "while_today_n": len(inside["keys_today"])},
        "today_first_rows": {"ours_ms": inside["today_first_ms"], "whole_list_ms": inside["today_all_ms"],
                             "items": inside["today_items"]},
        "rss_today": {"ours_mib": inside["rss_mib"]},
    }


def _rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_window(app: Any, w: Any, keystrokes: int) -> None:
    """Runs inside the window's process (APP above); prints one JSON line of figures."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest

    painted: list[float] = []

    class Paints(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(time.perf_counter())
            return False

    def wait(until: Any, timeout: float = 120.0) -> None:
        """Run Qt's event loop until `until()`, looking every 2 ms. Not a Python loop polling
        processEvents: that holds the interpreter lock so often that the vault thread's Python work
        ran at half speed (Today over 100,000 youth: 47 s of vault-thread time instead of 25 s)."""
        if until():
            return
        loop = QEventLoop()
        deadline = time.perf_counter() + timeout
        failed: list[bool] = []

        def look() -> None:
            if until():
                loop.quit()
            elif time.perf_counter() > deadline:
                failed.append(True)
                loop.quit()

        timer = QTimer()
        timer.setInterval(2)
        timer.timeout.connect(look)
        timer.start()
        loop.exec()
        timer.stop()
        if failed:
            raise TimeoutError("the window did not answer in time")

    # Today: from asking to the first rows painted, then to the whole list.
    today_view = w.today_page.table.viewport()
    today_view.installEventFilter(paints := Paints())
    w.today.clear()
    app.processEvents()
    painted.clear()
    start = time.perf_counter()
    rows_at: list[float] = []  # when the model first held rows (its reset), to the paint after it
    w.today_model.modelReset.connect(
        lambda: rows_at.append(time.perf_counter()) if w.today_model.rowCount() and not rows_at else None)
    w.today_action.trigger()
    wait(lambda: bool(rows_at) and any(t > rows_at[0] for t in painted))
    first_ms = (min(t for t in painted if t > rows_at[0]) - start) * 1000
    wait(lambda: not w.today_page.message.text().startswith("Finding"))
    all_ms = (time.perf_counter() - start) * 1000
    items = w.today_model.rowCount()
    rss = _rss_mib()
    today_view.removeEventFilter(paints)

    # Keystrokes in the caseload's search box, through the debounce, to the rows painted.
    w.caseload_action.trigger()
    box = w.caseload_page.search_box
    view = w.caseload_page.table.viewport()
    view.installEventFilter(paints)
    resets: list[float] = []
    w.model.modelReset.connect(lambda: resets.append(time.perf_counter()))

    def keystroke(key: str | Any) -> float:
        resets.clear()
        start = time.perf_counter()
        if isinstance(key, str):
            QTest.keyClicks(box, key)
        else:
            QTest.keyClick(box, key)
        want = box.text()
        wait(lambda: bool(resets) and w.caseload._query.text == want and painted[-1] > resets[-1])
        return (painted[-1] - start) * 1000

    def session(count: int, during_today: bool) -> list[float]:
        times: list[float] = []
        while len(times) < count:
            for text in QUERIES:
                resets.clear()
                box.clear()
                wait(lambda: bool(resets) and w.caseload._query.text == "")
                for char in text:
                    if during_today and not w.today_page.message.text():
                        w.today.compute()  # Today's chunks run on the vault thread meanwhile
                    times.append(keystroke(char))
                times.append(keystroke(Qt.Key.Key_Backspace))
        return times[:count]

    idle = session(keystrokes, False)
    busy = session(keystrokes, True)
    print(json.dumps({"today_first_ms": first_ms, "today_all_ms": all_ms, "today_items": items,
                      "rss_mib": rss, "keys_idle": idle, "keys_today": busy}), flush=True)
