"""What a memory image holds after lock: a fictional youth's name, the data key, the audit key.

    PYTHONPATH=. python -m tests.integration.memory_after_lock            # core use cases
    PYTHONPATH=. QT_QPA_PLATFORM=offscreen python -m tests.integration.memory_after_lock --window

A child process creates a vault holding one plainly fictional youth whose name carries a
random marker, unlocks it again, works with the youth (core use cases: open, search, a note's
narrative, a PDF summary; with --window the same through the Qt window, offscreen), locks,
collects garbage and says "ready". This process then reads the child's memory (every readable
region in /proc/PID/maps, through /proc/PID/mem) and counts:

- the marker in UTF-8 (also Python's one-byte strings), UTF-16-LE (Qt's QString, Python's
  two-byte strings) and UCS-4 (Python's four-byte strings), as typed and in lower case (the
  search index and the search box lower it);
- the data key's 32 raw bytes and its 64-digit hex text (lower and upper case);
- the audit key's raw bytes and its hex text.

Why the parent reads and not the child itself: a scanner inside the child would have to hold
the needles it looks for, and count them. The child hands over the keys masked (XOR 0x5A), so
no unmasked copy is made for the measurement. No file is written but the vault (in a temporary
folder, encrypted, removed at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MASK = 0x5A
PASS = "fictional memory passphrase 7"
ROOT = Path(__file__).resolve().parents[2]


# The child -------------------------------------------------------------------------------


def _masked(key: bytes | bytearray) -> str:
    return bytes(b ^ MASK for b in key).hex()


def _checkpoint(stage: str, keys: tuple[str, str, str]) -> None:
    """Tell the parent where we are and wait while it reads our memory."""
    import gc

    gc.collect()
    gc.collect()
    print(json.dumps({"stage": stage, "keys": keys}), flush=True)
    sys.stdin.readline()


def _new_vault(folder: Path) -> tuple[str, str]:
    """The vault with one fictional youth; returns its id and the name's marker, masked: the child
    keeps no copy of the name but what the app keeps (argv would have been one: Python copies it)."""
    from csec_desktop import caseload
    from csec_desktop.storage.vault import Vault

    marker = "Zyq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(13))
    vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=PASS)
    record = caseload.create_youth(vault, {
        "legal_name": {"given": marker, "family": "Fictionalson"},
        "date_of_birth": "2011-02-03", "county": "Demo County", "assigned_worker": "admin",
    })
    caseload.add_attached(vault, record.id, "case_note", {
        "occurred_at": "2026-11-01T10:00:00+00:00", "text": f"Met {marker} at school (fictional)."})
    vault.lock()
    return record.id, _masked(marker.encode())


def _unmasked(masked: str) -> str:
    return bytes(b ^ MASK for b in bytes.fromhex(masked)).decode()


def _core_session(folder: Path) -> None:
    from csec_desktop import caseload
    from csec_desktop.documents import jobs
    from csec_desktop.storage.vault import Vault
    from csec_desktop.usecases import caseload as caseload_uc
    from csec_desktop.usecases import youth as youth_uc

    youth_id, masked = _new_vault(folder)
    vault = Vault.unlock(folder, "admin", PASS)
    keys = masked, _masked(vault._dek), _masked(vault.audit_log.key)
    opened = youth_uc.open_youth(vault, youth_id)
    assert opened.record.id == youth_id
    # What a person types to find the youth: the name, in full.
    page = caseload_uc.query(vault, caseload_uc.CaseloadQuery(text=_unmasked(masked)))
    assert page.total == 1
    notes = [caseload.narrative_view(vault, note) for note in caseload.attached(vault, youth_id, "case_note")]
    assert notes
    pdf = jobs.make(vault, "youth_summary", youth_id)
    assert pdf.startswith(b"%PDF")
    _checkpoint("unlocked", keys)
    del opened, page, notes, pdf
    vault.lock()
    del vault
    _checkpoint("locked", keys)


def _window_session(folder: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    youth_id, masked = _new_vault(folder)
    app = QApplication.instance() or QApplication([])

    def wait(until: Any, ms: int = 20_000) -> None:
        timer = QElapsedTimer()
        timer.start()
        while not until():
            if timer.elapsed() > ms:
                raise TimeoutError("the window did not get there")
            QCoreApplication.processEvents()
            app.thread().msleep(5)

    def settle() -> None:
        for _ in range(50):
            QCoreApplication.processEvents()

    win = MainWindow(folder)
    win.show()
    win.unlock_page.user.setText("admin")
    win.unlock_page.passphrase.setText(PASS)
    win.unlock_page.button.click()
    wait(lambda: win.backend.holder.vault is not None and win.model.rowCount() == 1)
    held = win.backend.holder.vault
    keys = masked, _masked(held._dek), _masked(held.audit_log.key)
    del held
    win.stack.setCurrentWidget(win.caseload_page)
    win.caseload_page.search_box.setText(_unmasked(masked))  # typed in full
    settle()
    wait(lambda: win.model.rowCount() == 1)
    win.open_youth(youth_id)
    wait(lambda: win.stack.currentWidget() is win.youth_page)
    settle()
    win.print_document(youth_id, "youth_summary")
    wait(lambda: bool(win.documents.views), 30_000)
    settle()
    _checkpoint("unlocked", keys)
    win.lock()
    wait(lambda: win.backend.holder.vault is None)
    settle()
    _checkpoint("locked", keys)


def child(folder: Path, window: bool) -> None:
    if window:
        _window_session(folder)
    else:
        _core_session(folder)


# The parent ------------------------------------------------------------------------------


def _regions(pid: int) -> list[tuple[int, int, str]]:
    found = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        name = fields[5] if len(fields) > 5 else ""
        if fields[1][0] == "r" and name not in ("[vvar]", "[vsyscall]", "[vvar_vclock]"):
            found.append((start, end, name))
    return found


def count_in_memory(pid: int, needles: dict[str, bytes]) -> tuple[dict[str, int], int]:
    """Occurrences of each needle in every readable region of the process, and bytes read."""
    counts = dict.fromkeys(needles, 0)
    total = 0
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, _name in _regions(pid):
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except (OSError, ValueError, OverflowError):
                continue
            if not data:
                continue
            total += len(data)
            for label, needle in needles.items():
                counts[label] += len(re.findall(re.escape(needle), data))
    return counts, total


def needles_for(marker: str, data_key: bytes, audit_key: bytes) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for case, text in (("", marker), (" lower", marker.lower())):
        found[f"name utf-8{case}"] = text.encode()
        found[f"name utf-16{case}"] = text.encode("utf-16-le")
        found[f"name ucs-4{case}"] = text.encode("utf-32-le")
    found["data key raw"] = data_key
    found["data key hex"] = data_key.hex().encode()
    found["data key HEX"] = data_key.hex().upper().encode()
    found["audit key raw"] = audit_key
    found["audit key hex"] = audit_key.hex().encode()
    return found


def measure(window: bool = False, timeout: float = 300) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="csec-mem-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        if window:
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        command = [sys.executable, "-m", "tests.integration.memory_after_lock", "--child",
                   str(Path(tmp) / "vault")] + (["--window"] if window else [])
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdin is not None and proc.stdout is not None
        stages: dict[str, dict[str, int]] = {}
        read = 0
        try:
            for _stage in ("unlocked", "locked"):
                line = proc.stdout.readline()
                if not line:
                    raise RuntimeError("the child failed: "
                                       + proc.communicate(timeout=timeout)[1][-3000:])
                said = json.loads(line)
                name, data_key, audit_key = (bytes(b ^ MASK for b in bytes.fromhex(k))
                                             for k in said["keys"])
                stages[said["stage"]], read = count_in_memory(
                    proc.pid, needles_for(name.decode(), data_key, audit_key))
                proc.stdin.write("\n")
                proc.stdin.flush()
            proc.wait(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
    return {"window": window, "bytes_read": read, "unlocked": stages["unlocked"],
            "locked": stages["locked"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--window", action="store_true", help="work through the Qt window")
    parser.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.window)
        return
    result = measure(window=args.window)
    print(f"{'window' if args.window else 'core use cases'}: "
          f"{result['bytes_read'] / 2**20:.0f} MiB of the child's memory read at lock")
    print(f"  {'':22} {'unlocked':>9} {'locked':>7}")
    for label, n in result["locked"].items():
        print(f"  {label:22} {result['unlocked'][label]:>9} {n:>7}")


if __name__ == "__main__":
    main()
