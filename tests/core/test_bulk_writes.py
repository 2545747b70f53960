"""Issue 24 (the demo county at 1,000 youth a second; a pulled page): `RecordStore.bulk` signs
history rows on a second core and inserts them together. What is written must be what writing
record by record writes: every row signed and in order, a record's history complete whenever it
is read or rewritten inside the block, values sealed as their youth is at that moment, and
nothing left behind by a block that fails."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.domain.youth import CaseNote, Youth
from csec_desktop.storage import records as R
from csec_desktop.storage.audit import Signer, SigningQueue
from csec_desktop.storage.compartments import is_sealed
from csec_desktop.storage.history import created, dump
from csec_desktop.storage.vault import Vault
from tests.conftest import WORKER_PASS, FakeClock, youth_data

PEOPLE = (("sam", "supervisor", "Unit A"),)
NOTE = "FICTIONAL-BULK-NOTE about a fictional meeting"


def _note(youth_id: str, text: str = NOTE) -> CaseNote:
    return CaseNote.parse({"youth_id": youth_id, "occurred_at": "2026-11-02T10:00:00-08:00", "text": text},
                          record="case_note")


def _signing_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "signing"]


def test_rows_written_in_bulk_are_signed_in_order_and_verify(admin: Vault,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R, "LATER_ROWS", 7)  # several inserts together, and a remainder at the end
    db = admin.require_db()
    with db.transaction(), admin.records.bulk():
        youth = admin.records.create(Youth.parse(youth_data(), record="youth"))
        notes = [admin.records.create(_note(youth.id, f"{NOTE} {n}")).id for n in range(19)]
        assert admin.records.history(notes[-1])[0].op == "create"  # read inside: its row is in
        more = [admin.records.create(_note(youth.id, f"{NOTE} again {n}")).id for n in range(5)]
    order = [r[0] for r in db.query("SELECT record_id FROM changes ORDER BY seq")]
    assert order[-26:] == [youth.id, *notes, *more]
    assert db.scalar("SELECT count(*) FROM changes WHERE sig IS NULL OR signer IS NULL") == 0
    report = admin.verify_audit()
    assert report.ok, report.records
    assert not _signing_threads()


def test_an_edit_inside_the_block_finds_its_records_create_in_place(admin: Vault) -> None:
    # Schema 18: a body's first change copies it into its create's row. Were the create still
    # waiting, the row would say "same as the body" of a body that had changed.
    db = admin.require_db()
    with db.transaction(), admin.records.bulk():
        youth = admin.records.create(Youth.parse(youth_data(unit="Unit A"), record="youth"))
        admin.records.update(youth.id, {"unit": "Unit B"})
    history = admin.records.history(youth.id)
    assert [c.op for c in history] == ["create", "update"]
    assert history[0].fields["unit"]["new"] == "Unit A" and history[1].fields["unit"]["new"] == "Unit B"
    assert admin.verify_audit().ok


def test_a_record_of_a_youth_sealed_inside_the_block_is_sealed(vault_of, vault_dir: Path,  # type: ignore[no-untyped-def]
                                                              clock: FakeClock) -> None:
    vault_of(PEOPLE).close()
    sam = Vault.unlock(vault_dir, "sam", WORKER_PASS, wall=clock)
    try:
        db = sam.require_db()
        with db.transaction(), sam.records.bulk():
            youth = caseload.create_youth(sam, youth_data(assigned_worker="sam", unit="Unit A"))
            before = sam.records.create(_note(youth.id, "FICTIONAL before the seal")).id
            caseload.update_youth(sam, youth.id, {"sealed": True})
            after = sam.records.create(_note(youth.id)).id
        bodies = {i: json.loads(b) for i, b in db.query(
            "SELECT id, body FROM records WHERE id IN (?, ?)", (before, after))}
        assert is_sealed(bodies[after]["text"]), "a note written after the seal must be sealed"
        assert NOTE not in json.dumps(bodies[after])
        note = sam.records.get(after).body
        assert isinstance(note, CaseNote) and note.text == NOTE  # its holder still reads it
        assert sam.verify_audit().ok
    finally:
        sam.close()


def test_bulk_writes_need_the_callers_transaction(admin: Vault) -> None:
    # Outside one, each record would commit before its history row was written.
    with pytest.raises(RuntimeError, match="transaction"), admin.records.bulk():
        pass


def test_a_failed_block_leaves_nothing_and_no_thread(admin: Vault) -> None:
    db = admin.require_db()
    rows = db.scalar("SELECT count(*) FROM changes"), db.scalar("SELECT count(*) FROM records")
    with pytest.raises(ValueError, match="fictional failure"), db.transaction(), admin.records.bulk():
        youth = admin.records.create(Youth.parse(youth_data(), record="youth"))
        admin.records.create(_note(youth.id))
        raise ValueError("fictional failure")
    assert (db.scalar("SELECT count(*) FROM changes"), db.scalar("SELECT count(*) FROM records")) == rows
    assert not _signing_threads()


def test_a_signature_that_fails_is_raised_not_skipped() -> None:
    class Broken(Signer):
        def sign(self, message: bytes) -> bytes:
            if message == b"two":
                raise OSError("fictional signing failure")
            return message[::-1]

    signing = SigningQueue(Broken("sam", bytearray(32)))
    try:
        signing.add(b"one")
        assert signing.signed() == [b"eno"]
        signing.add(b"two")
        signing.add(b"three")
        with pytest.raises(OSError, match="fictional signing failure"):
            signing.signed()
    finally:
        signing.close()
    assert not _signing_threads()


# Values as a body may hold them: NaN and infinities too, which Python's JSON writes.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=10)


@given(VALUES)
def test_the_canonical_encoding_is_pythons_byte_for_byte(value: Any) -> None:
    # `dump` keeps one C encoder for every value; what it writes is what the signature covers.
    assert dump(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@given(st.dictionaries(st.text(min_size=1, max_size=8), VALUES, max_size=6))
def test_a_body_whose_keys_are_text_is_encoded_alike_without_the_look_through(values: dict[str, Any]) -> None:
    assert created(values, text_keys=True) == created(values)


@given(st.lists(st.text(), min_size=10, max_size=10), st.booleans())
def test_a_history_rows_signed_message_is_the_same_bytes_as_before(parts: list[str], owned: bool) -> None:
    # Rows signed by earlier versions must still hold: the message is JSON of the row's text.
    op_id, record_id, kind, owner, op, fields, hlc, user, device, at = parts
    args = [op_id, record_id, kind, owner if owned else None, op, fields, hlc, user, device, at]
    old = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode(["change", *args])
    message = R.change_message(op_id, record_id, kind, owner if owned else None, op, fields, hlc, user,
                               device, at)
    assert message == hashlib.sha256(old.encode()).digest()
