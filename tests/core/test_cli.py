"""The csec command as an administrator types it: exact spelling, stdin passphrases, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PASS = "fictional admin passphrase"
WPASS = "fictional worker passphrase"


def csec(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csec_desktop.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cli") / "vault"
    out = csec("--vault", str(folder), "init", "--county", "Demo County", "--admin", "admin",
               "--passphrase-stdin", stdin=PASS + "\n")
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip().splitlines()[-1]
    assert len(secret) == 39
    out = csec("--vault", str(folder), "--user", "admin", "--passphrase-stdin", "users", "add",
               "casey", "--role", "caseworker", "--unit", "Unit A", stdin=f"{PASS}\n{WPASS}\n")
    assert out.returncode == 0, out.stderr
    out = csec("--vault", str(folder), "--user", "admin", "--passphrase-stdin", "demo",
               "--youth", "40", "--seed", "7", stdin=PASS + "\n")
    assert out.returncode == 0, out.stderr
    return folder, secret


def admin(folder: Path, *args: str, extra: str = "") -> subprocess.CompletedProcess[str]:
    return csec("--vault", str(folder), "--user", "admin", "--passphrase-stdin", *args,
                stdin=PASS + "\n" + extra)


def test_search_export_import_round_trip(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = vault
    found = json.loads(admin(folder, "search", "JV", "--json").stdout)
    # Sealed records (about 3% of demo youth) are hidden from the administrator role.
    assert 35 <= len(found) <= 40
    youth_id = found[0]["id"]
    out = admin(folder, "export", "--youth", youth_id)
    assert out.returncode == 0, out.stderr
    exported = json.loads(out.stdout)
    assert exported["youth"]["id"] == youth_id
    # Importing into the same vault is refused by id, naming the record; nothing is written.
    path = tmp_path / "youth.json"
    path.write_text(out.stdout)
    again = admin(folder, "import", str(path))
    assert again.returncode == 2 and "already exists" in again.stderr and youth_id in again.stderr
    # A bad field is named with its record and path.
    exported["youth"]["id"] = "01a220a0-d4c3-7b9e-965f-69996f122467"
    exported["youth"]["body"]["date_of_birth"] = "not a date"
    path.write_text(json.dumps(exported))
    bad = admin(folder, "import", str(path))
    assert bad.returncode == 2 and "youth.date_of_birth" in bad.stderr
    assert len(json.loads(admin(folder, "search", "JV", "--json").stdout)) == len(found)


def test_import_into_another_vault(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = vault
    youth_id = json.loads(admin(folder, "search", "JV", "--json").stdout)[0]["id"]
    path = tmp_path / "y.json"
    path.write_text(admin(folder, "export", "--youth", youth_id).stdout)
    other = tmp_path / "other"
    assert csec("--vault", str(other), "init", "--county", "Demo County", "--admin", "admin",
                "--passphrase-stdin", stdin=PASS + "\n").returncode == 0
    out = admin(other, "import", str(path))
    assert out.returncode == 0, out.stderr
    assert [y["id"] for y in json.loads(admin(other, "search", "JV", "--json").stdout)] == [youth_id]


def test_caseworker_search_is_limited(vault: tuple[Path, str]) -> None:
    folder, _ = vault
    out = csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "search", "JV",
               "--json", stdin=WPASS + "\n")
    rows = json.loads(out.stdout)
    assert rows
    assert all(r["assigned_worker"] == "casey" or r["unit"] == "Unit A" for r in rows)
    assert not any(r["sealed"] for r in rows)


def test_errors_are_one_clear_line(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = vault
    wrong = csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "search", "x",
                 stdin="nope nope nope\n")
    assert wrong.returncode == 4  # authentication
    assert wrong.stderr.strip().splitlines() == [
        "error: Wrong user name or passphrase. 4 attempt(s) left before the account locks for 10 minutes."]
    for _ in range(4):
        csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "search", "x",
             stdin="nope nope nope\n")
    locked = csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "search", "x",
                  stdin=WPASS + "\n")
    assert locked.returncode == 4 and "locked" in locked.stderr and "10 minute" in locked.stderr
    assert admin(folder, "users", "release", "casey").returncode == 0
    missing = csec("--vault", str(tmp_path / "none"), "--user", "a", "--passphrase-stdin",
                   "search", "x", stdin="x\n")
    assert missing.returncode == 6 and "No vault" in missing.stderr  # not found
    assert "Traceback" not in wrong.stderr + locked.stderr + missing.stderr


def test_audit_verify_backup_restore_raw_key(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder, secret = vault
    visible = len(json.loads(admin(folder, "search", "JV", "--json").stdout))
    ok = admin(folder, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    backup = tmp_path / "b.csecbak"
    assert admin(folder, "backup", str(backup)).returncode == 0
    raw = csec("--vault", str(folder), "recovery", "raw-key", "--recovery-key-stdin",
               stdin=secret + "\n")
    assert raw.returncode == 0 and len(raw.stdout.strip()) == 64
    target = tmp_path / "restored"
    out = csec("--vault", str(target), "restore", str(backup), "--recovery-key-stdin",
               stdin=secret + "\n")
    assert out.returncode == 0, out.stderr
    assert "Restored" in out.stdout
    assert len(json.loads(admin(target, "search", "JV", "--json").stdout)) == visible
    bad = csec("--vault", str(target), "recovery", "raw-key", "--recovery-key-stdin", stdin="ZZZZ\n")
    assert bad.returncode == 4  # authentication: the recovery key does not open this vault


def test_rules_lists_every_rule_with_its_law(vault: tuple[Path, str]) -> None:
    out = csec("rules", "--json")
    assert out.returncode == 0, out.stderr
    rules = {r["rule_id"]: r for r in json.loads(out.stdout)}
    assert rules["efc.notice_at_16"]["citation"] == "Welf. & Inst. Code, § 11403, subd. (f)(2)"
    assert all(r["law_as_of"] and r["confidence"] for r in rules.values())
    today = admin(vault[0], "today", "--json")
    assert today.returncode == 0, today.stderr
    items = json.loads(today.stdout)
    assert all(i["rule_id"] in rules and i["citation"] for i in items)


def test_document_list_and_export(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder = vault[0]
    listed = admin(folder, "document", "--list")
    assert listed.returncode == 0 and "hearing_sheet" in listed.stdout and "youth_summary" in listed.stdout
    youth_id = json.loads(admin(folder, "search", "JV", "--json").stdout)[0]["id"]
    out = tmp_path / "hearing.pdf"
    refused = admin(folder, "document", "hearing_sheet", "--youth", youth_id, "--out", str(out))
    assert refused.returncode == 2 and "--purpose" in refused.stderr and not out.exists()
    done = admin(folder, "document", "hearing_sheet", "--youth", youth_id, "--out", str(out),
                 "--purpose", "Dispositional hearing", "--lang", "en+es")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    # Issue 20: --out never replaces a file unasked, and never writes through a link or to a device.
    first = out.read_bytes()
    again = admin(folder, "document", "hearing_sheet", "--youth", youth_id, "--out", str(out),
                  "--purpose", "Dispositional hearing")
    assert again.returncode != 0 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert out.read_bytes() == first
    kept = tmp_path / "kept.txt"
    kept.write_text("a file the link points at", encoding="utf-8")
    link = tmp_path / "link.pdf"
    link.symlink_to(kept)
    for target in (link, tmp_path, Path("/dev/null")):
        refused = admin(folder, "document", "hearing_sheet", "--youth", youth_id, "--out", str(target),
                        "--purpose", "Dispositional hearing", "--force")
        assert refused.returncode != 0 and "Traceback" not in refused.stderr, target
    assert kept.read_text(encoding="utf-8") == "a file the link points at" and link.is_symlink()
    replaced = admin(folder, "document", "hearing_sheet", "--youth", youth_id, "--out", str(out),
                     "--purpose", "Dispositional hearing", "--force")
    assert replaced.returncode == 0, replaced.stderr


def test_rules_for_one_youth_at_an_instant_and_forms_check(vault: tuple[Path, str], tmp_path: Path) -> None:
    folder = vault[0]
    youth_id = json.loads(admin(folder, "search", "JV", "--json").stdout)[0]["id"]
    out = admin(folder, "rules", "--youth", youth_id, "--as-of", "2026-11-28T09:00:00-08:00", "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["youth_id"] == youth_id and answer["as_of"].startswith("2026-11-28T09:00")
    for finding in answer["findings"]:
        assert {"rule_id", "kind", "title", "why", "citation", "law_as_of", "due", "state", "missing",
                "confidence"} <= set(finding)
    for finding in answer["eligibility"]:
        assert finding["state"] in ("eligible", "not_eligible", "cannot_tell")
        assert (finding["state"] == "cannot_tell") == bool(finding["missing"])
    assert isinstance(answer["vacatur"], list)
    changes = csec("rules", "--changes", "--as-of", "2026-11-30T09:00:00-08:00", "--json")
    assert changes.returncode == 0, changes.stderr
    ahead = json.loads(changes.stdout)
    retro = next(c for c in ahead if c["parameter"] == "medi_cal.retroactive_months")
    assert retro["day"] == "2027-01-01" and retro["confidence"] == "unconfirmed"
    assert "71112" in retro["source"]
    assert all(c["day"] is None or c["day"] >= "2026-11-30" for c in ahead)
    naive = admin(folder, "rules", "--youth", youth_id, "--as-of", "2026-11-28T09:00")
    assert naive.returncode == 2 and "--as-of" in naive.stderr
    ok = csec("forms", "check")
    assert ok.returncode == 0 and "csec_indicator_screen" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nid: Not A Stable Id\nversion: 1\n", "utf-8")
    bad = csec("forms", "check", str(broken))
    assert bad.returncode == 2
    assert "broken.yaml: id: must be lower-case" in bad.stderr
    assert "broken.yaml: title: must be filled in" in bad.stderr


def test_report_by_period_as_csv_plain_and_deidentified(vault: tuple[Path, str], tmp_path: Path) -> None:
    """Issue 23: `csec report --period ... --format csv --out FILE`, audited, with a purpose."""
    folder, _ = vault
    plain, hidden = tmp_path / "report.csv", tmp_path / "report-deid.csv"
    period = "2025-12-01..2026-12-31"
    out = admin(folder, "report", "--period", period, "--out", str(plain), "--purpose", "quarterly review")
    assert out.returncode == 0, out.stderr
    text = plain.read_text()
    assert "Youth identified as exploited" in text and "Welf. & Inst. Code 16501.45" in text
    total = next(line for line in text.splitlines() if line.startswith("Youth identified as exploited,"))
    assert int(total.split(",")[-1]) > 0  # the demo county has decided statuses in the year
    out = admin(folder, "report", "--period", period, "--deidentified", "--out", str(hidden),
                "--purpose", "state program report")
    assert out.returncode == 0, out.stderr
    shown = hidden.read_text()
    assert "CalHHS Data De-identification Guidelines" in shown and "<11" in shown
    for line in shown.split("\nCount,Definition")[0].splitlines():
        cells = line.split(",")
        if cells[0].startswith("Youth identified"):
            assert all(c in ("<11", "*") or int(c) == 0 or int(c) >= 11 for c in cells[1:])
    again = admin(folder, "report", "--period", period, "--out", str(plain), "--purpose", "again")
    assert again.returncode != 0 and "exists" in again.stderr  # never overwritten without --force
    bad = admin(folder, "report", "--period", "last quarter", "--out", str(tmp_path / "x.csv"),
                "--purpose", "x")
    assert bad.returncode == 2 and "period" in bad.stderr
    worker = csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "report", "--period",
                  period, "--out", str(tmp_path / "w.csv"), "--purpose", "x", stdin=WPASS + "\n")
    assert worker.returncode != 0 and not (tmp_path / "w.csv").exists()  # no export permission
    audit = admin(folder, "audit", "verify")
    assert audit.returncode == 0, audit.stdout


def test_caseload_and_today_as_identifying_lists(vault: tuple[Path, str], tmp_path: Path) -> None:
    """Issue 23: the caseload or Today as a CSV naming youth, for one's own work: export permission,
    a purpose, an audit entry saying how many rows (never who)."""
    folder, _ = vault
    mine = tmp_path / "caseload.csv"
    out = admin(folder, "list", "caseload", "--out", str(mine), "--purpose", "a visit plan for this week")
    assert out.returncode == 0, out.stderr
    lines = mine.read_text().splitlines()
    assert lines[1].startswith("Name,Legal name,Date of birth") and len(lines) == 2 + 40  # the demo's 40
    today = tmp_path / "today.csv"
    out = admin(folder, "list", "today", "--out", str(today), "--purpose", "the duties for the team meeting")
    assert out.returncode == 0, out.stderr
    assert "Youth,What,Due,Law" in today.read_text() and "Pen. Code" in today.read_text()
    no_purpose = admin(folder, "list", "today", "--out", str(tmp_path / "x.csv"), "--purpose", " ")
    assert no_purpose.returncode == 2 and "purpose" in no_purpose.stderr
    worker = csec("--vault", str(folder), "--user", "casey", "--passphrase-stdin", "list", "caseload",
                  "--out", str(tmp_path / "w.csv"), "--purpose", "x", stdin=WPASS + "\n")
    assert worker.returncode != 0 and not (tmp_path / "w.csv").exists()  # no export permission
    from csec_desktop.storage.vault import Vault

    reopened = Vault.unlock(folder, "admin", PASS)
    try:
        entries = [e for e in reopened.audit_log.entries(newest_first=True, limit=30)
                   if e.action == "list_exported"]
        assert [e.detail["list"] for e in entries] == ["today", "caseload"]
        assert entries[1].detail["rows"] == 40 and "Sampleton" not in str(entries[1].detail)
    finally:
        reopened.close()
