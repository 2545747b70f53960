"""Issue 20: the youth's account is held by keys, not only by the app's checks.

The central test uses the project's library alone (no app checks): a caseworker opens the data
key with her own passphrase and reads the whole database file; the account, written by an
attorney, is nowhere in it in clear, and her key material cannot open the compartment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from csec_desktop import caseload
from csec_desktop.storage import compartments as C
from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database
from csec_desktop.storage.history import fields_of
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from tests.conftest import WORKER_PASS, FakeClock, youth_data
from tests.library_reads import every_text

ACCOUNT = "FICTIONAL-ACCOUNT-MARKER he kept my papers"
NEXUS = "FICTIONAL-NEXUS-MARKER he sent me to take food"
PEOPLE = (("casey", "caseworker", "Unit A"), ("ana", "attorney", "Unit A"), ("sam", "supervisor", "Unit A"))


def _case(vault: Vault, youth_id: str) -> str:
    count = caseload.add_attached(vault, youth_id, "criminal_count", {
        "count_kind": "conviction", "section": "484", "description": "petty theft", "nexus": NEXUS})
    return caseload.add_attached(vault, youth_id, "vacatur_case", {
        "public_name": "C. Z.", "grounds": ACCOUNT, "count_ids": [count.id]}).id


def _every_text(folder: Path, user: str) -> str:
    return every_text(folder, user, WORKER_PASS)


@pytest.fixture
def office(vault_of, vault_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    admin = vault_of(PEOPLE)
    youth = caseload.create_youth(admin, youth_data(assigned_worker="casey", unit="Unit A")).id
    admin.close()
    return vault_dir, youth


def test_a_caseworkers_key_material_cannot_read_the_account(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    caseload.save_draft(ana, f"vacatur_case:{case_id}", {"grounds": ACCOUNT + " (draft)"})
    ana.lock()

    text = _every_text(folder, "casey")
    assert "FICTIONAL-ACCOUNT-MARKER" not in text  # not in the record, its history or the draft
    assert "FICTIONAL-NEXUS-MARKER" not in text
    assert "C. Z." in text  # the rest of the case is readable as before

    keyfile = K.KeyFile.load(folder)
    dek, casey_private = keyfile.unlock_user("casey", WORKER_PASS)
    db = Database.open(folder / keyfile.db_name(), dek)
    try:
        sealed = {r[0]: json.loads(r[1]) for r in db.query(
            "SELECT principal, sealed FROM sealed_keys WHERE purpose = 'compartment:narrative'")}
        generation = int(db.scalar("SELECT generation FROM sealed_keys WHERE principal = 'ana' "
                                   "AND purpose = 'compartment:narrative'"))
    finally:
        db.close()
    assert "casey" not in sealed and "ana" in sealed
    with pytest.raises(InvalidTag):  # the attorney's copy does not open with the caseworker's key
        K.open_dek(sealed["ana"], casey_private, keyfile.vault_id, "ana", generation, "compartment:narrative")

    # Through the app the attorney reads it; the caseworker sees it blank and the rest of the case.
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    assert caseload.attached_record(ana, youth, case_id, "vacatur_case").body.grounds == ACCOUNT  # type: ignore[attr-defined]
    ana.close()
    casey = Vault.unlock(folder, "casey", WORKER_PASS, wall=clock)
    seen = caseload.attached_record(casey, youth, case_id, "vacatur_case").body
    assert seen.grounds is None and seen.public_name == "C. Z."  # type: ignore[attr-defined]
    casey.close()


def test_a_caseworkers_edit_keeps_the_account_and_the_history_folds(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    ana.close()
    casey = Vault.unlock(folder, "casey", WORKER_PASS, wall=clock)
    caseload.update_attached(casey, case_id, {"public_name": "C. Y.", "grounds": None})
    casey.close()
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    body = caseload.attached_record(ana, youth, case_id, "vacatur_case").body
    assert body.grounds == ACCOUNT and body.public_name == "C. Y."  # type: ignore[attr-defined]
    history = ana.records.history(case_id)
    assert history[0].fields["grounds"]["new"] == ACCOUNT  # the attorney reads the history in clear
    ana.close()
    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    report = admin.verify_audit()  # folds sealed values without reading them
    assert report.ok, str(report)
    admin.close()


def test_a_person_newly_allowed_gets_the_key_from_the_next_holder(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    ana.close()
    # Added by an administrator (who may not read the account) once accounts exist: the new
    # supervisor waits for a holder, and is told so.
    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    admin.add_user("tess", role="supervisor", passphrase=WORKER_PASS, unit="Unit A")
    assert any("tess" in w for w in admin.warnings)
    admin.close()
    tess = Vault.unlock(folder, "tess", WORKER_PASS, wall=clock)
    assert tess.keyring.holds("narrative") is False
    assert any("opens for you after" in w for w in tess.warnings)
    assert caseload.attached_record(tess, youth, case_id, "vacatur_case").body.grounds is None  # type: ignore[attr-defined]
    tess.close()
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)  # a holder's unlock gives tess a copy
    assert any(e.action == "compartment_keys" and e.detail == {"narrative": {"granted": ["tess"]}}
               for e in ana.audit_log.entries(newest_first=True, limit=5))
    ana.close()
    tess = Vault.unlock(folder, "tess", WORKER_PASS, wall=clock)
    assert caseload.attached_record(tess, youth, case_id, "vacatur_case").body.grounds == ACCOUNT  # type: ignore[attr-defined]
    tess.close()


def test_people_added_before_any_account_is_written_hold_the_key_at_once(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, _youth = office
    for name in ("ana", "sam"):
        person = Vault.unlock(folder, name, WORKER_PASS, wall=clock)
        assert person.keyring.holds("narrative") and not person.warnings
        person.close()


def test_losing_the_right_loses_what_is_written_after(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)  # also gives sam a copy
    case_id = _case(ana, youth)
    kept = bytearray(next(v for k, v in ana.keyring.privates.items() if k[0] == "narrative"))
    old_generation = ana.keyring.publics["narrative"][0]
    ana.close()

    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    admin.update_user("ana", role="caseworker")
    db = admin.require_db()
    assert db.one("SELECT 1 FROM sealed_keys WHERE principal = 'ana' "
                  "AND purpose LIKE 'compartment:%'") is None
    assert json.loads(db.scalar("SELECT value FROM meta WHERE key = 'compartment:narrative'"))["rotate"]
    admin.close()

    sam = Vault.unlock(folder, "sam", WORKER_PASS, wall=clock)  # a holder: makes the new generation
    assert sam.keyring.publics["narrative"][0] == old_generation + 1
    caseload.update_attached(sam, case_id, {"grounds": ACCOUNT + " (amended after ana left)"})
    assert caseload.attached_record(sam, youth, case_id, "vacatur_case").body.grounds.endswith("left)")  # type: ignore[attr-defined]
    sam.close()

    # Ana kept her old private key of the compartment (a copy made while she was allowed): it opens
    # what she could read then, and not what was written after.
    keyfile = K.KeyFile.load(folder)
    dek = keyfile.unlock_user("ana", WORKER_PASS)[0]
    db = Database.open(folder / keyfile.db_name(), dek)
    try:
        body = json.loads(db.scalar("SELECT body FROM records WHERE id = ?", (case_id,)))
        fields = [fields_of(r[0]) for r in db.query(
            "SELECT fields FROM changes_full WHERE record_id = ? ORDER BY seq", (case_id,))]
    finally:
        db.close()
    ring = C.Keyring(keyfile.vault_id, privates={("narrative", old_generation): kept})
    assert ring.open(case_id, "grounds", fields[0]["grounds"]["new"]) == (True, ACCOUNT)
    assert body["grounds"]["g"] == old_generation + 1
    assert ring.open(case_id, "grounds", body["grounds"]) == (False, None)


def test_a_change_to_the_account_waits_for_someone_who_may_read_it(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    pushed_by_ana = {op.record_id for op in local.outbox(ana)}
    ana.close()
    assert case_id in pushed_by_ana
    casey = Vault.unlock(folder, "casey", WORKER_PASS, wall=clock)
    try:
        ops = local.outbox(casey)
        assert case_id not in {op.record_id for op in ops}  # the caseworker cannot send it in clear
        assert youth in {op.record_id for op in ops}  # everything else goes
        # Counted as reading every waiting row in full would count them; the case's create is kept
        # as its body (storage/history.py), so it is found by its body.
        db = casey.require_db()
        assert db.scalar("SELECT fields FROM changes WHERE record_id = ? AND op = 'create'", (case_id,)) == ""
        ring = casey.records.ring
        every = db.query("SELECT record_id, fields FROM changes_full WHERE pushed = 0")
        unread = sum(1 for rid, fields in every if not ring.open_fields(rid, fields_of(fields))[0])
        assert local.held_back(casey) == unread >= 1 and local.status(casey).held == unread
        # On a computer enrolled for an attorney they wait for her; enrolled for a caseworker, the
        # hub refuses them whoever syncs (hub/accounts.py), and the status bar says so.
        for role, for_good in (("attorney", False), ("caseworker", True)):
            with db.transaction():
                for key, value in (("device_id", "fictional-device"), ("role", role)):
                    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                               (f"sync.{key}", value))
            assert local.status(casey).held_for_good is for_good, role
    finally:
        casey.close()


def test_the_outbox_reads_in_batches_and_still_holds_back_every_change_of_a_held_record(  # type: ignore[no-untyped-def]
        office, clock: FakeClock) -> None:
    """The outbox reads the waiting changes a batch at a time (all of them for every batch of 500
    made a first push of 100,000 records quadratic): batches of 1, 2 and 3 give what one read
    gives, and a record held back in one batch stays held back in the next."""
    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    ana.records.update(youth, {"preferred_name": "Sky"})
    ana.records.update(case_id, {"grounds": ACCOUNT + " (later)"})
    ana.records.update(youth, {"preferred_name": "Rain"})
    ana.close()
    casey = Vault.unlock(folder, "casey", WORKER_PASS, wall=clock)
    try:
        whole = [op.op_id for op in local.outbox(casey, limit=10_000)]
        assert case_id not in {op.record_id for op in local.outbox(casey, limit=10_000)}
        for size in (1, 2, 3):
            assert [op.op_id for op in local.outbox(casey, limit=size)] == whole[:size]
    finally:
        casey.close()


def test_a_conflict_on_the_account_is_kept_sealed(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """The hub's conflicting values of an account field were kept in clear in sync_conflicts; now
    sealed, and listed, decided and sent only by people who read the account."""
    from csec_desktop.ids import new_id
    from csec_desktop.sync import protocol as P

    folder, youth = office
    ana = Vault.unlock(folder, "ana", WORKER_PASS, wall=clock)
    case_id = _case(ana, youth)
    record = ana.records.get(case_id)
    body = record.body.dump()
    at = "2026-11-30T10:00:00Z"
    values = [P.ConflictValue(value=ACCOUNT + f" ({n})", user="ana", device=f"laptop {n}", at=at)
              for n in (1, 2)]
    kept = P.ConflictState(conflict_id=new_id(), field="grounds", values=values, created_at=at)
    state = P.RecordState(id=case_id, kind="vacatur_case", owner_id=youth, version=2, deleted=False,
                          body=body, stamps=record.clocks, updated_at=at, updated_by="ana", seq=9,
                          conflicts=[kept])
    with ana.require_db().transaction():
        local._apply_state(ana, state)
    [conflict] = local.conflicts(ana)
    assert [v.value for v in conflict.state.values] == [ACCOUNT + " (1)", ACCOUNT + " (2)"]
    local.resolve(ana, conflict.conflict_id, ACCOUNT + " (2)")
    assert [r.value for r in local.resolutions(ana)] == [ACCOUNT + " (2)"]  # opened to be sent
    ana.close()

    assert "FICTIONAL-ACCOUNT-MARKER" not in _every_text(folder, "casey")  # neither values nor decision
    casey = Vault.unlock(folder, "casey", WORKER_PASS, wall=clock)
    try:
        assert local.conflicts(casey) == []  # she cannot read the values, so cannot decide them
        assert local.resolutions(casey) == []  # nor send the attorney's decision
    finally:
        casey.close()
