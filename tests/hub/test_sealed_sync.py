"""Issue 20 over sync: a sealed youth stays sealed on every desktop the hub serves.

Three desktops (real SQLCipher vaults, each its own), enrolled with the real hub (uvicorn,
PostgreSQL): a supervisor's (sam), an attorney's (ana) and a caseworker's (casey), all of the same
unit, sharing one youth. The hub holds values in clear (its own access rules apply); each desktop
seals them again as it stores a pull (`RecordStore.put_remote`), and re-wraps a youth's records when
a pull seals or unseals them. Read with the project's library alone, with the data key a person's
passphrase opens, a desktop's file holds nothing of a sealed youth in clear; through the app, the
people who hold the sealed records' key still find and read them; a caseworker's desktop is told
the youth is gone and forgets them; `audit verify` holds on every desktop throughout. The search
index's own tables (FTS5's youth_search_data) are read raw too: a term deleted from the index must
not stay there for the library to read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from csec_desktop import caseload
from csec_desktop.errors import NotFound
from csec_desktop.hub.principals import Admin
from csec_desktop.storage.database import Database
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from csec_desktop.sync import protocol as P
from csec_desktop.sync.client import HubClient, Report, sync
from tests.conftest import ADMIN_PASS, WORKER_PASS, VaultTemplates, youth_data
from tests.hub.conftest import empty
from tests.hub.harness import HubServer
from tests.library_reads import as_library, every_text

COUNTY = "Demo County"  # the county of the session's template vaults
UNIT = "north"
ADMIN = Admin(COUNTY, "it")
PEOPLE = {"sam": "supervisor", "ana": "attorney", "casey": "caseworker"}

GIVEN, FAMILY = "Zephyrine", "Quillmarker"
CASE_NUMBER = "JV-99-424242"
EARLY = "FICTIONAL-EARLY-NOTE met at the fictional library"  # written by casey before the seal
NOTE = "FICTIONAL-SEALED-GOAL shelter on Elm"  # the goal sam adds once the youth is sealed
GOAL = {"domain": "housing", "goal": NOTE, "steps": "call the fictional shelter", "who_helps": "sam"}
SECRETS = (GIVEN, FAMILY, CASE_NUMBER, EARLY, NOTE)


def _every_text(folder: Path, user: str, passphrase: str = WORKER_PASS) -> str:
    return every_text(folder, user, passphrase, search_for=FAMILY)


def _library(folder: Path, user: str, read: Callable[[Database], Any]) -> Any:
    return as_library(folder, user, WORKER_PASS, read)


@dataclass
class Device:
    """One desktop: its own vault folder, enrolled for `person`, open for `person`."""

    folder: Path
    person: str
    vault: Vault
    gone: list[str] = field(default_factory=list)  # every youth the hub said this device must drop

    def sync(self) -> Report:
        def step(fn: Any) -> Any:
            if getattr(fn, "func", None) is local.apply_pull:
                self.gone.extend(fn.keywords["page"].gone)
            return fn(self.vault)

        found = local.enrolment(self.vault)
        assert found is not None
        client = HubClient.for_enrolment(found)
        try:
            return sync(step, client, page_size=3)  # small pages: a youth and their records may part
        finally:
            client.close()

    def reopen(self, username: str | None = None) -> Vault:
        """Locked, then unlocked again (by `username`: the person by default)."""
        self.vault.close()
        name = username or self.person
        self.vault = Vault.unlock(self.folder, name, ADMIN_PASS if name == "admin" else WORKER_PASS)
        return self.vault


@pytest.fixture
def server(pg_url: str) -> Iterator[HubServer]:
    hub = HubServer(pg_url)
    empty(hub.hub)
    hub.hub.add_county(COUNTY)
    for name, role in PEOPLE.items():
        hub.hub.add_user(ADMIN, P.NewUser(username=name, role=role, unit=UNIT))
    yield hub
    hub.stop()


@dataclass
class Office:
    sam: Device
    ana: Device
    casey: Device
    youth: str
    early: str  # casey's note, id

    @property
    def devices(self) -> tuple[Device, Device, Device]:
        return self.sam, self.ana, self.casey


@pytest.fixture
def office(server: HubServer, vault_templates: VaultTemplates, tmp_path: Path) -> Iterator[Office]:
    """Each person's desktop (a vault of its own, administrator `admin` and that person), enrolled
    by its administrator for that person, then open for them; a youth of the unit, assigned to
    casey, created by sam, with a note by casey, synced to all three."""
    devices: dict[str, Device] = {}
    try:
        for name, role in PEOPLE.items():
            folder = tmp_path / name
            # Distinct people, distinct templates: each desktop has its own vault id and keys.
            admin = vault_templates.get(((name, role, UNIT),)).open_copy(folder)
            try:
                code = server.hub.new_enrollment(ADMIN, name).code
                enrol = HubClient(server.base_url)
                try:
                    granted = enrol.enroll(code, f"laptop of {name}")
                finally:
                    enrol.close()
                local.save_enrolment(admin, server.base_url, "", granted)
            finally:
                admin.close()
            devices[name] = Device(folder, name, Vault.unlock(folder, name, WORKER_PASS))
        sam, ana, casey = devices["sam"], devices["ana"], devices["casey"]
        youth = caseload.create_youth(sam.vault, youth_data(
            legal_name={"given": GIVEN, "family": FAMILY}, assigned_worker="casey", unit=UNIT,
            county=COUNTY, date_of_birth="2009-06-15", identifiers={"juvenile_case_number": CASE_NUMBER})).id
        sam.sync()
        casey.sync()
        early = caseload.add_attached(casey.vault, youth, "case_note", {
            "occurred_at": "2026-11-20T10:00:00+00:00", "text": EARLY}).id
        casey.sync()
        ana.sync()
        sam.sync()
        for device in devices.values():  # everyone holds the youth and the note, in clear
            assert [s.id for s in caseload.search(device.vault, FAMILY)] == [youth], device.person
            assert caseload.attached_record(device.vault, youth, early, "case_note").body.text == EARLY  # type: ignore[attr-defined]
        # A check the assertions below rely on: the library does find what is in clear.
        text = _every_text(ana.folder, "ana")
        assert FAMILY in text and EARLY in text and "INDEXED" in text
        yield Office(sam, ana, casey, youth, early)
    finally:
        for device in devices.values():
            device.vault.close()


def _seal_with_a_goal(office: Office) -> str:
    """sam seals the youth, then adds a goal to their plan, and syncs. Returns the goal's id."""
    caseload.update_youth(office.sam.vault, office.youth, {"sealed": True})
    goal = caseload.add_attached(office.sam.vault, office.youth, "plan_goal", GOAL).id
    office.sam.sync()
    return goal


def _reads(device: Device, youth: str, goal: str, early: str) -> None:
    """Through the app: found by name and by case number, the goal and the earlier note read."""
    vault = device.vault
    found = caseload.search(vault, FAMILY)
    assert [s.id for s in found] == [youth], device.person
    assert found[0].legal_name.startswith(GIVEN)
    assert [s.id for s in caseload.search(vault, GIVEN)] == [youth]
    assert [s.id for s in caseload.search(vault, "JV99424242")] == [youth]
    assert caseload.attached_record(vault, youth, goal, "plan_goal").body.goal == NOTE  # type: ignore[attr-defined]
    assert caseload.attached_record(vault, youth, early, "case_note").body.text == EARLY  # type: ignore[attr-defined]
    assert caseload.get_youth(vault, youth).body.legal_name.family == FAMILY  # type: ignore[attr-defined]


def _youth_rows(db: Database, youth: str) -> list[Any]:
    return db.query("SELECT id FROM records WHERE id = ? OR owner_id = ? UNION ALL "
                    "SELECT record_id FROM changes WHERE record_id = ? OR owner_id = ?",
                    (youth, youth, youth, youth))


# 1 ---------------------------------------------------------------------------------------------


def test_a_youth_sealed_elsewhere_is_nowhere_in_clear_in_the_attorneys_file_yet_she_reads_them(
        office: Office) -> None:
    goal = _seal_with_a_goal(office)
    ana = office.ana
    report = ana.sync()
    assert report.pulled >= 2  # the youth sealed, the goal

    # In the session that pulled: the in-memory view shows her the youth.
    _reads(ana, office.youth, goal, office.early)
    ana.vault.close()

    # Her file, read with the library and her own passphrase: nothing of the youth in clear, in any
    # table (records, history, youth_fields, conflicts...), and nothing indexed for search; the
    # youth, the goal pulled after the seal and casey's note pulled before it alike.
    text = _every_text(ana.folder, "ana")
    for secret in (*SECRETS, "INDEXED"):
        assert secret not in text, f"{secret} readable in the attorney's file"
    family, given, sealed = _library(ana.folder, "ana", lambda db: db.one(
        "SELECT f.family, f.given, f.sealed FROM youth_fields f JOIN records r ON r.rowid = f.rowid "
        "WHERE r.id = ?", (office.youth,)))
    assert (family, given, sealed) == ("", "", 1)

    # Unlocked again, the view is rebuilt from the sealed bodies: she still finds and reads them.
    ana.reopen()
    _reads(ana, office.youth, goal, office.early)
    assert any(c.fields.get("goal", {}).get("new") == NOTE for c in ana.vault.records.history(goal))
    assert any(c.fields.get("text", {}).get("new") == EARLY
               for c in ana.vault.records.history(office.early))


# 2 ---------------------------------------------------------------------------------------------


def test_unsealed_by_the_attorney_the_supervisors_desktop_holds_the_youth_in_clear_again(
        office: Office) -> None:
    goal = _seal_with_a_goal(office)
    office.ana.sync()
    assert FAMILY not in _every_text(office.sam.folder, "sam")  # sealed on sam's desktop too

    caseload.update_youth(office.ana.vault, office.youth, {"sealed": False})
    assert office.ana.sync().pushed >= 1
    sam = office.sam
    sam.sync()

    # With the library alone: names back in youth_fields and in the search index; the youth, the
    # goal and the note in clear, history included, with no sealed envelope left on any of them.
    def clear(db: Database) -> tuple[Any, ...]:
        row = db.one("SELECT f.rank, f.family, f.given, f.sealed FROM youth_fields f "
                     "JOIN records r ON r.rowid = f.rowid WHERE r.id = ?", (office.youth,))
        indexed = [r[0] for r in db.query("SELECT rowid FROM youth_search WHERE youth_search MATCH ?",
                                          (FAMILY,))]
        bodies = {r[0]: json.loads(r[1]) for r in db.query(
            "SELECT id, body FROM records WHERE id = ? OR owner_id = ?", (office.youth, office.youth))}
        history = [r[0] for r in db.query("SELECT fields FROM changes_full WHERE record_id = ? "
                                          "OR owner_id = ?", (office.youth, office.youth))]
        return row, indexed, bodies, history

    sam.vault.close()
    row, indexed, bodies, history = _library(sam.folder, "sam", clear)
    assert row[1:] == (FAMILY.casefold(), GIVEN.casefold(), 0)
    assert indexed == [row[0]]  # the index's rows are numbered by rank (storage/name_order.py)
    still = [i for i, b in bodies.items() if '"$sealed"' in json.dumps(b)]
    assert still == [], "records of the unsealed youth still sealed on the supervisor's desktop"
    assert not any('"$sealed"' in h for h in history)
    assert bodies[office.youth]["legal_name"]["family"] == FAMILY
    assert bodies[office.youth]["legal_name"]["given"] == GIVEN
    assert bodies[goal]["goal"] == NOTE and bodies[office.early]["text"] == EARLY
    assert any(NOTE in h for h in history) and any(FAMILY in h for h in history)

    # Through the app, search still works, before and after an unlock.
    sam.reopen()
    _reads(sam, office.youth, goal, office.early)
    assert not caseload.search(sam.vault, FAMILY)[0].sealed


# 3 ---------------------------------------------------------------------------------------------


def test_a_caseworker_loses_a_youth_sealed_at_the_hub_and_keeps_nothing_of_them(office: Office) -> None:
    casey = office.casey
    assert [s.id for s in caseload.page(casey.vault)[1]] == [office.youth]  # her caseload, before
    goal = _seal_with_a_goal(office)

    casey.sync()
    assert casey.gone == [office.youth]  # the hub told her desktop the youth is gone
    assert caseload.search(casey.vault, FAMILY) == [] and caseload.page(casey.vault)[1] == []
    with pytest.raises(NotFound):
        caseload.get_youth(casey.vault, office.youth)
    assert local.status(casey.vault).undelivered == 0  # she had nothing waiting to send

    casey.vault.close()
    assert _library(casey.folder, "casey", lambda db: _youth_rows(db, office.youth)) == []
    text = _every_text(casey.folder, "casey")
    for secret in (*SECRETS, "INDEXED", goal):
        assert secret not in text, f"{secret} left in the caseworker's file"
    # Not even as sealed values she could not open: none was ever stored here.
    assert '"$sealed"' not in text

    # A later sync brings nothing of the youth back.
    casey.reopen()
    casey.sync()
    assert casey.vault.require_db().scalar("SELECT count(*) FROM records WHERE id = ? OR owner_id = ?",
                                           (office.youth, office.youth)) == 0


# 4 ---------------------------------------------------------------------------------------------


def _verify(device: Device) -> str | None:
    """`audit verify` on the desktop, by a person of it who may (VIEW_AUDIT): the supervisor on
    hers, the desktop's administrator on the attorney's and the caseworker's. The report when it
    is not ok, else None; the desktop is left open for its person again."""
    verifier = device.person if device.person == "sam" else "admin"
    vault = device.reopen(verifier)
    try:
        report = vault.verify_audit()
        return None if report.ok else f"{device.person}'s desktop: {report}"
    finally:
        device.reopen()


def test_audit_verify_holds_on_every_desktop_through_seal_and_unseal(office: Office) -> None:
    problems = {"after the first syncs": [_verify(d) for d in office.devices]}
    goal = _seal_with_a_goal(office)
    for device in office.devices:
        device.sync()
    problems["after the seal"] = [_verify(d) for d in office.devices]

    # The attorney edits the sealed goal and unseals the youth; everyone syncs.
    caseload.update_attached(office.ana.vault, goal, {"steps": "call the fictional shelter on Monday"})
    caseload.update_youth(office.ana.vault, office.youth, {"sealed": False})
    for device in (office.ana, office.sam, office.casey):
        device.sync()
    problems["after the unseal"] = [_verify(d) for d in office.devices]
    # The caseworker has the youth back, the goal written while they were sealed included.
    _reads(office.casey, office.youth, goal, office.early)
    found = [f"{stage}: {p}" for stage, reports in problems.items() for p in reports if p]
    if found:
        pytest.fail("\n".join(found), pytrace=False)


# The search index's own tables -------------------------------------------------------------------


def _search_index_bytes(db: Database) -> bytes:
    """Every row of the search index's shadow tables (FTS5 keeps its terms in youth_search_data)."""
    names = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND name LIKE 'youth_search_%'")]
    assert "youth_search_data" in names
    return b"\n".join(v if isinstance(v, bytes) else str(v).encode()
                      for name in names for row in db.query(f"SELECT * FROM {name}") for v in row)


def test_the_search_index_keeps_no_trace_of_a_youth_sealed_or_gone(office: Office) -> None:
    """`_every_text` (like the local tests) asks the index by MATCH, which skips deleted entries; the
    index's shadow tables are tables of the file too, read with the same library and data key."""
    _seal_with_a_goal(office)
    office.ana.sync()
    office.casey.sync()
    assert office.casey.gone == [office.youth]
    left = {}
    for device in (office.ana, office.casey):
        device.vault.close()
        raw = _library(device.folder, device.person, _search_index_bytes).lower()
        left[device.person] = [s for s in (GIVEN, FAMILY, "jv99424242") if s.lower().encode() in raw]
        device.reopen()
    assert left == {"ana": [], "casey": []}, f"terms of the sealed youth left in youth_search_data: {left}"


def test_a_pull_of_many_pages_leaves_the_search_index_in_one_piece(office: Office,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page a pull stores adds a piece to the search index; at the end of the pull the index
    is merged when past its bound (SEARCH_PIECES, 1 here), and every youth pulled is found."""
    from csec_desktop.storage import records

    made = [caseload.create_youth(office.sam.vault, youth_data(
        legal_name={"given": f"Pagefic{n}", "family": "Pullsample"}, assigned_worker="casey", unit=UNIT,
        county=COUNTY, date_of_birth="2010-03-04")).id for n in range(12)]
    office.sam.sync()
    monkeypatch.setattr(records, "SEARCH_PIECES", 1)
    report = office.ana.sync()  # pages of 3: the youth come in four pages or more
    assert report.pages >= 4 and report.pulled >= 12
    assert office.ana.vault.records.search_segments() == 1
    assert sorted(s.id for s in caseload.search(office.ana.vault, "pullsample")) == sorted(made)
