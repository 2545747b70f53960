"""Issue 20: sealed youth are held by keys, not only by the caseload's rule.

With the project's library alone, a caseworker and an administrator open the data key with
their own passphrases and read the whole database file: a sealed youth's name, birth date,
identifiers and every record of theirs are nowhere in it in clear, history included (the history
of the time before the youth was sealed too). Supervisors and attorneys, who hold the sealed
records' key, still find, sort, filter and open them; unsealing gives everyone back what the
caseload rule allows; `audit verify` holds across both.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from csec_desktop import caseload
from csec_desktop.errors import CorruptVault, NotFound
from csec_desktop.identification import record_status
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage import compartments as C
from csec_desktop.storage import keys as K
from csec_desktop.storage.database import Database
from csec_desktop.storage.sealed_rows import FORGET_SEALED_ROW
from csec_desktop.storage.vault import Vault
from tests.conftest import WORKER_PASS, FakeClock, youth_data
from tests.library_reads import every_text

GIVEN, FAMILY = "Zephyrine", "Quillmarker"
PEOPLE = (("casey", "caseworker", "Unit A"), ("ana", "attorney", "Unit A"), ("sam", "supervisor", "Unit A"))
ADMIN_PASS = "fictional admin passphrase"
NOTE = "FICTIONAL-SEALED-NOTE shelter on Elm"
GOAL = {"domain": "housing", "goal": NOTE, "steps": "call the fictional shelter", "who_helps": "casey"}


def _every_text(folder: Path, user: str, passphrase: str = WORKER_PASS) -> str:
    return every_text(folder, user, passphrase, search_for=FAMILY)


@pytest.fixture
def office(vault_of, vault_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    admin = vault_of(PEOPLE)
    youth = caseload.create_youth(admin, youth_data(
        legal_name={"given": GIVEN, "family": FAMILY}, assigned_worker="casey", unit="Unit A",
        date_of_birth="2009-06-15", identifiers={"juvenile_case_number": "JV-99-424242"})).id
    admin.close()
    return vault_dir, youth


def _open(folder: Path, name: str, clock: FakeClock) -> Vault:
    return Vault.unlock(folder, name, ADMIN_PASS if name == "admin" else WORKER_PASS, wall=clock)


def test_a_sealed_youth_is_nowhere_in_clear_for_those_who_may_not_read_them(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    casey = _open(folder, "casey", clock)  # her own youth: she writes a note before it is sealed
    goal = caseload.add_attached(casey, youth, "plan_goal", GOAL)
    casey.close()
    before = _every_text(folder, "casey")
    assert FAMILY in before and NOTE in before and "INDEXED" in before

    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, youth, {"sealed": True})
    sam.close()

    for person, passphrase in (("casey", WORKER_PASS), ("admin", ADMIN_PASS)):
        text = _every_text(folder, person, passphrase)
        for secret in (GIVEN, FAMILY, "JV-99-424242", "2009-06-15", NOTE, "INDEXED"):
            assert secret not in text, f"{secret} readable by {person}"

    # The caseworker's key material opens neither the compartment nor any sealed value.
    keyfile = K.KeyFile.load(folder)
    dek, casey_private = keyfile.unlock_user("casey", WORKER_PASS)
    db = Database.open(folder / keyfile.db_name(), dek)
    try:
        ring = C.load_keyring(db, keyfile.vault_id, "casey", casey_private)
        assert not ring.holds(C.SEALED.name) and ring.holds(C.NARRATIVE.name) is False
        body = json.loads(str(db.scalar("SELECT body FROM records WHERE id = ?", (goal.id,))))
        readable, opened = ring.open_body_readable(goal.id, body)
        assert not readable and opened["goal"] is None and opened["youth_id"] == youth
        holders = {r[0] for r in db.query("SELECT principal FROM sealed_keys WHERE purpose = ?",
                                          (C.SEALED.purpose,))}
    finally:
        db.close()
    assert holders == {"ana", "sam", K.RECOVERY}


def test_those_who_hold_the_key_find_sort_filter_and_open_a_sealed_youth(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, youth, {"sealed": True})
    record_status(sam, youth, "victim", "fictional basis, sealed youth",
                  datetime(2026, 11, 2, 9, tzinfo=LEGAL_ZONE))
    goal = caseload.add_attached(sam, youth, "plan_goal", GOAL)
    sam.close()

    for name in ("sam", "ana"):
        vault = _open(folder, name, clock)
        try:
            assert [s.id for s in caseload.search(vault, FAMILY)] == [youth]
            assert [s.id for s in caseload.search(vault, "JV99424242")] == [youth]
            found = caseload.search(vault, GIVEN)[0]
            assert found.legal_name.startswith(GIVEN) and found.sealed
            today = date(2026, 11, 30)
            aged = caseload.page(vault, filters=caseload.Filters(min_age=17, max_age=17), today=today)[1]
            assert youth in {s.id for s in aged}
            young = caseload.page(vault, filters=caseload.Filters(max_age=12), today=today)[1]
            assert youth not in {s.id for s in young}
            victims = caseload.page(vault, filters=caseload.Filters(csec="victim"), today=today)[1]
            assert [s.id for s in victims] == [youth]
            assert youth in {s.id for s in caseload.page(vault, order="name")[1]}
            record = caseload.attached_record(vault, youth, goal.id, "plan_goal")
            assert record.body.goal == NOTE  # type: ignore[attr-defined]
            assert any(c.fields.get("goal", {}).get("new") == NOTE for c in vault.records.history(goal.id))
            derived = list(vault.keyring._opened.values())
            assert derived  # value keys derived once per ephemeral key, kept for the session ...
        finally:
            vault.close()
        assert all(not any(key) for key in derived) and not vault.keyring._opened  # ... wiped at lock

    casey = _open(folder, "casey", clock)
    try:
        assert caseload.search(casey, FAMILY) == []
        assert youth not in {s.id for s in caseload.page(casey)[1]}
    finally:
        casey.close()


def test_unsealing_gives_back_the_caseload_and_the_trail_holds_throughout(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, youth, {"sealed": True})
    goal = caseload.add_attached(sam, youth, "plan_goal", GOAL)
    report = sam.verify_audit()
    assert report.ok, str(report)
    sam.close()

    admin = _open(folder, "admin", clock)
    with pytest.raises(NotFound):  # may not read them, so may not unseal them either
        caseload.update_youth(admin, youth, {"sealed": False})
    assert admin.verify_audit().ok
    admin.close()

    ana = _open(folder, "ana", clock)
    caseload.update_youth(ana, youth, {"sealed": False})
    ana.close()
    admin = _open(folder, "admin", clock)
    report = admin.verify_audit()  # signatures and every record against its history
    assert report.ok, str(report)
    admin.close()

    text = _every_text(folder, "casey")
    assert FAMILY in text and NOTE in text and "INDEXED" in text
    casey = _open(folder, "casey", clock)
    try:
        assert [s.id for s in caseload.search(casey, FAMILY)] == [youth]
        record = caseload.attached_record(casey, youth, goal.id, "plan_goal")
        assert record.body.goal == NOTE  # type: ignore[attr-defined]
    finally:
        casey.close()


def test_an_older_vaults_sealed_youth_are_sealed_at_next_unlock(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth = office
    sam = _open(folder, "sam", clock)
    # As an older release wrote it: the flag set, nothing sealed, no compartment key.
    sam.keyring.publics.pop(C.SEALED.name)
    caseload.update_youth(sam, youth, {"sealed": True})
    db = sam.require_db()
    db.execute("DELETE FROM meta WHERE key = ?", (C.SEALED.purpose,))
    db.execute("DELETE FROM sealed_keys WHERE purpose = ?", (C.SEALED.purpose,))
    sam.close()
    assert FAMILY in _every_text(folder, "casey")

    casey = _open(folder, "casey", clock)  # anyone's unlock seals them (only public keys are needed)
    casey.close()
    assert FAMILY not in _every_text(folder, "casey")
    sam = _open(folder, "sam", clock)
    try:
        assert [s.id for s in caseload.search(sam, FAMILY)] == [youth]
        assert sam.verify_audit().ok
    finally:
        sam.close()


def test_an_unseal_pulled_without_the_key_is_finished_by_the_next_holder(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """The hub unseals a youth; this shared desktop's administrator (no sealed key) syncs. The
    youth comes back in clear, but the layer on their other records cannot come off until
    someone who holds the key unlocks: then it does, and the administrator reads them."""
    folder, youth = office
    sam = _open(folder, "sam", clock)
    goal = caseload.add_attached(sam, youth, "plan_goal", GOAL)
    caseload.update_youth(sam, youth, {"sealed": True})
    clocks = sam.records.get(youth).clocks
    plain = sam.records.get(youth).body.dump()
    sam.close()

    admin = _open(folder, "admin", clock)
    with admin.require_db().transaction():
        admin.records.put_remote(record_id=youth, kind="youth", owner_id=youth, version=9, deleted=False,
                                 body={**plain, "sealed": False},
                                 clocks={**clocks, "sealed": "9999999999999-00000-hub"},
                                 updated_at="2026-11-28T10:00:00.000+00:00", updated_by="ana")
    assert caseload.attached_record(admin, youth, goal.id, "plan_goal").body.goal is None  # type: ignore[attr-defined]
    admin.close()
    ana = _open(folder, "ana", clock)  # a holder's unlock takes the layer off, and says so
    assert any(w.startswith("1 youth unsealed at the county hub") for w in ana.warnings), ana.warnings
    ana.close()
    admin = _open(folder, "admin", clock)
    try:
        assert caseload.attached_record(admin, youth, goal.id, "plan_goal").body.goal == NOTE  # type: ignore[attr-defined]
        assert admin.verify_audit().ok
    finally:
        admin.close()


def test_a_holders_unlock_reads_sealed_youth_from_their_sealed_rows_and_sees_every_change(
        office, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Making the sealed youth index again opens one sealed value per sealed youth (sealed_cache)
    instead of their whole record, yet a change made since, by anyone, shows: a write drops the
    entry. The entry itself is sealed: nothing of the youth is in clear for others."""
    from csec_desktop.storage.records import StoredRecord

    folder, youth = office
    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, youth, {"sealed": True})
    sam.close()
    _open(folder, "sam", clock).close()  # the first unlock since: reads the record, keeps the row

    read: list[str] = []
    real = StoredRecord.from_row.__func__  # type: ignore[attr-defined]

    def counting(cls, row, ring=None):  # type: ignore[no-untyped-def]
        read.append(str(row[0]))
        return real(cls, row, ring)

    monkeypatch.setattr(StoredRecord, "from_row", classmethod(counting))
    sam = _open(folder, "sam", clock)
    try:
        assert youth not in read  # opened from its sealed row
        assert [s.id for s in caseload.search(sam, FAMILY)] == [youth]
        caseload.update_youth(sam, youth, {"preferred_name": "Zephy Renamed"})
    finally:
        sam.close()
    read.clear()
    ana = _open(folder, "ana", clock)  # the index, kept current by sam's write, shows the change
    try:
        assert youth not in read and not ana.records.shadow.rebuilt
        assert caseload.search(ana, "Renamed")[0].name.startswith("Zephy Renamed")
        ana.require_db().execute(FORGET_SEALED_ROW, (-1,))  # as a pull would: made again next time
    finally:
        ana.close()
    ana = _open(folder, "ana", clock)
    try:
        assert youth in read and ana.records.shadow.rebuilt  # changed since its row was kept: read again
        found = caseload.search(ana, "Renamed")
        assert [s.id for s in found] == [youth] and found[0].name.startswith("Zephy Renamed")
    finally:
        ana.close()
    assert FAMILY not in _every_text(folder, "casey") and "Renamed" not in _every_text(folder, "casey")


def test_a_holders_unlock_opens_the_sealed_index_and_reads_no_sealed_youth_while_it_is_current(
        office, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 24: a supervisor's unlock filled the sealed youth's rows in memory, a cost that grew
    with the county's sealed youth (3,000 at 100,000 youth: 35-75 ms). They are now kept in an
    index file only holders can open; an unlock opens it and reads nothing of them while it holds
    what the records say. Written since by someone else (its token gone), unsealed without the
    key, or not opening (damage, another key), it is made again and shows what changed."""
    from csec_desktop.storage import records as R
    from csec_desktop.storage import sealed_rows as S

    folder, youth = office
    sam = _open(folder, "sam", clock)
    made = [caseload.create_youth(sam, youth_data(legal_name={"given": f"Kit{n}", "family": FAMILY},
                                                  sealed=True, assigned_worker="casey", unit="Unit A")).id
            for n in range(3)]
    vault_file = sam.require_db().path
    sam.close()

    opened: list[str] = []
    real_open = C.Keyring.open

    def counting(self, record_id, name, value):  # type: ignore[no-untyped-def]
        if name == R.SEALED_ROW:
            opened.append(record_id)
        return real_open(self, record_id, name, value)

    monkeypatch.setattr(C.Keyring, "open", counting)

    def seen(person: str = "sam") -> tuple[dict[str, str], bool]:
        """What a search shows `person`, and whether their unlock made the index again."""
        opened.clear()
        vault = _open(folder, person, clock)
        try:
            return ({s.id: s.legal_name for s in caseload.search(vault, FAMILY)},
                    vault.records.shadow.rebuilt)
        finally:
            vault.close()

    assert seen() == ({youth: f"{GIVEN} {FAMILY}", **{m: f"Kit{n} {FAMILY}" for n, m in enumerate(made)}},
                      False) and opened == []  # written by a holder: current, nothing read

    # The file is SQLCipher's, under a key of its own: the data key every colleague holds does not
    # open it, and none of its words is in clear.
    index = S.index_path(vault_file)
    assert index.exists() and FAMILY.encode() not in index.read_bytes()
    assert index.stat().st_mode & 0o077 == 0  # the owner's alone, as the vault file is
    dek, _private = K.KeyFile.load(folder).unlock_user("casey", WORKER_PASS)
    with pytest.raises(CorruptVault):
        Database.open(index, dek).scalar("SELECT count(*) FROM sealed_fields")

    sam = _open(folder, "sam", clock)  # a holder's own write keeps the index current
    caseload.update_youth(sam, made[0], {"legal_name": {"given": "Kit0", "family": f"{FAMILY}-Renamed"}})
    sam.close()
    shown, rebuilt = seen()
    assert shown[made[0]] == f"Kit0 {FAMILY}-Renamed" and not rebuilt and opened == []

    # Written where the index was not open (a pull, a colleague): the vault's token goes with it.
    sam = _open(folder, "sam", clock)
    sam.require_db().execute(S.FORGET_SEALED_ROW, (-1,))
    sam.close()
    shown, rebuilt = seen()
    assert set(shown) == {youth, *made} and rebuilt
    assert seen()[1] is False  # made again once

    # A crash between the two files' commits leaves their tokens different: made again too.
    sam = _open(folder, "sam", clock)
    sam.require_db().execute("UPDATE sealed_cache SET row = 'another' WHERE rowid = ?", (S.TOKEN_ROW,))
    sam.close()
    assert seen()[1] is True and seen()[1] is False

    # Unsealed by a holder: out of the index at once; casey gets the youth back.
    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, made[1], {"sealed": False})
    sam.close()
    assert seen() == ({youth: f"{GIVEN} {FAMILY}", made[0]: f"Kit0 {FAMILY}-Renamed",
                       made[1]: f"Kit1 {FAMILY}", made[2]: f"Kit2 {FAMILY}"}, False)
    assert set(seen("casey")[0]) == {youth, made[1]} and opened == []  # she holds no sealed key

    # A damaged file (or one made under another generation of the key): removed and made again.
    index.write_bytes(b"\0" * 8192)
    shown, rebuilt = seen()
    assert set(shown) == {youth, *made} and rebuilt
    assert seen()[1] is False


def _sealed_office(folder: Path, clock: FakeClock, count: int) -> list[str]:
    sam = _open(folder, "sam", clock)
    try:
        return [caseload.create_youth(sam, youth_data(legal_name={"given": f"Kit{n}", "family": FAMILY},
                                                      sealed=True, assigned_worker="casey", unit="Unit A")).id
                for n in range(count)]
    finally:
        sam.close()


def _shown(folder: Path, person: str, clock: FakeClock) -> tuple[dict[str, str], int, bool]:
    vault = _open(folder, person, clock)
    try:
        total, rows, _next = caseload.page(vault, limit=500)
        return {s.id: s.legal_name for s in rows}, total, vault.records.shadow.rebuilt
    finally:
        vault.close()


@pytest.mark.parametrize("damage", ["a byte past the first page", "a folder in its place"])
def test_a_damaged_sealed_index_never_stops_a_holders_unlock(office, clock: FakeClock, damage: str) -> None:  # type: ignore[no-untyped-def]
    """The index is a copy: damage anywhere in it (a page's HMAC fails only when that page is read)
    or something else in its place costs the holder its speed, never the unlock or the truth."""
    from csec_desktop.storage import sealed_rows as S

    folder, _youth = office
    made = _sealed_office(folder, clock, 40)
    before, total, _rebuilt = _shown(folder, "sam", clock)
    index = S.index_path(folder / K.KeyFile.load(folder).db_name())
    assert index.stat().st_size > 3 * 4096
    if damage == "a folder in its place":
        for item in S.files(folder / K.KeyFile.load(folder).db_name()):
            item.unlink(missing_ok=True)
        index.mkdir()
    else:
        data = bytearray(index.read_bytes())
        data[2 * 4096 + 100] ^= 0xFF
        index.write_bytes(bytes(data))
    shown, total_after, rebuilt = _shown(folder, "sam", clock)
    assert shown == before and total_after == total == len(made) + 1 and rebuilt
    if damage == "a byte past the first page":
        assert _shown(folder, "ana", clock)[2] is False  # made again in the file: current now


def test_a_sealed_youth_written_by_another_session_meanwhile_is_not_hidden(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Two sessions on one vault (a second program, the command line): the administrator's session
    stores a pulled rename of a sealed youth while a supervisor's is open; the supervisor then
    writes another sealed youth. The supervisor's write must not mark the copy current again."""
    folder, _youth = office
    first, second = _sealed_office(folder, clock, 2)
    sam = _open(folder, "sam", clock)
    plain = sam.records.get(first).body.dump()
    clocks = sam.records.get(first).clocks
    admin = _open(folder, "admin", clock)
    try:
        with admin.require_db().transaction():
            admin.records.put_remote(
                record_id=first, kind="youth", owner_id=first, version=9, deleted=False,
                body={**plain, "legal_name": {"given": "Kit0", "family": "Vexworthington"}},
                clocks={**clocks, "legal_name": "9999999999999-00000-hub"},
                updated_at="2026-11-28T10:00:00.000+00:00", updated_by="ana")
    finally:
        admin.close()
    caseload.update_youth(sam, second, {"legal_name": {"given": "Kit1", "family": "Renamedsome"}})
    sam.close()
    shown, _total, rebuilt = _shown(folder, "ana", clock)
    assert rebuilt and shown[first] == "Kit0 Vexworthington" and shown[second] == "Kit1 Renamedsome"


def test_a_sealed_youth_gone_from_the_device_is_gone_from_the_index(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A pull that takes a sealed youth off this device (moved out of the caseload at the hub)."""
    from csec_desktop.sync import local

    folder, youth = office
    gone, kept = _sealed_office(folder, clock, 2)
    ana = _open(folder, "ana", clock)
    try:
        with ana.require_db().transaction():
            local._forget_youth(ana, gone)
        total, rows, _next = caseload.page(ana, limit=100)
        assert total == 2 and {s.id for s in rows} == {youth, kept}
        assert ana.require_db().scalar("SELECT count(*) FROM sealed.sealed_fields WHERE family LIKE ?",
                                       (f"{FAMILY}%",)) == 1
    finally:
        ana.close()
    assert _shown(folder, "sam", clock)[:2] == ({youth: f"{GIVEN} {FAMILY}", kept: f"Kit1 {FAMILY}"}, 2)


def test_an_old_sealed_index_is_swept_and_a_loose_one_made_private(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A rotation of the data key stopped after its old database went leaves that database's
    sealed index behind (readable by whoever held the compartment key then): the next unlock
    removes it. An index some other program left readable by others is made the owner's alone."""
    from csec_desktop.storage import sealed_rows as S

    folder, _youth = office
    _sealed_office(folder, clock, 1)
    index = S.index_path(folder / K.KeyFile.load(folder).db_name())
    left = folder / "vault-0.db-sealed"
    left.write_bytes(b"an old generation's index")
    (folder / "vault-0.db-sealed-wal").write_bytes(b"")
    index.chmod(0o644)
    _open(folder, "casey", clock).close()
    assert not left.exists() and not (folder / "vault-0.db-sealed-wal").exists() and index.exists()
    _open(folder, "sam", clock).close()
    assert index.stat().st_mode & 0o077 == 0


def test_an_administrator_cannot_grant_an_administrator_the_sealed_records(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """County IT manages the accounts and is kept from sealed records. A grant of READ_SEALED (or
    the youth's account) to an administrator, themself included, is refused with the field named;
    one found in the users table (an older release, the hub) gives nothing, so a holder's unlock
    hands the sealed records' key to no administrator."""
    from csec_desktop.domain.people import Permission
    from csec_desktop.errors import ValidationFailed

    folder, youth = office
    sam = _open(folder, "sam", clock)
    caseload.update_youth(sam, youth, {"sealed": True})
    sam.close()
    admin = _open(folder, "admin", clock)
    try:
        with pytest.raises(ValidationFailed) as refused:
            admin.update_user("admin", extra_permissions=[Permission.READ_SEALED])
        assert refused.value.problems[0].field == "extra_permissions"
        body = json.loads(str(admin.require_db().scalar("SELECT body FROM users WHERE username = 'admin'")))
        admin.require_db().execute("UPDATE users SET body = ? WHERE username = 'admin'",
                                   (json.dumps({**body, "extra_permissions": ["read_sealed"]}),))
    finally:
        admin.close()
    _open(folder, "sam", clock).close()  # a holder's unlock: would hand the key over to a reader
    admin = _open(folder, "admin", clock)
    try:
        assert not admin.user.can(Permission.READ_SEALED) and not admin.keyring.holds(C.SEALED.name)
        assert caseload.search(admin, FAMILY) == []
    finally:
        admin.close()


def test_a_disk_that_refuses_the_sealed_index_keeps_it_in_memory_for_the_session(  # type: ignore[no-untyped-def]
        office, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk or a read-only folder (root ignores file modes, so it is simulated here): the
    holder's unlock still shows every sealed youth, from a copy in memory; writes go on."""
    from csec_desktop.errors import DiskFull
    from csec_desktop.storage import sealed_rows as S

    folder, youth = office
    made = _sealed_office(folder, clock, 3)

    def refused(self, path, secret):  # type: ignore[no-untyped-def]
        raise DiskFull("no space left")

    monkeypatch.setattr(S.SealedRows, "_attach", refused)
    sam = _open(folder, "sam", clock)
    try:
        assert sam.records.shadow.active and sam.records.shadow.rebuilt
        assert {s.id for s in caseload.search(sam, FAMILY)} == {youth, *made}
        caseload.update_youth(sam, made[0], {"legal_name": {"given": "Kit0", "family": f"{FAMILY}-Renamed"}})
        assert caseload.search(sam, f"{FAMILY}-Renamed")[0].id == made[0]
    finally:
        sam.close()
    monkeypatch.undo()
    shown, _total, rebuilt = _shown(folder, "ana", clock)  # the file again, made from the records
    assert rebuilt and shown[made[0]] == f"Kit0 {FAMILY}-Renamed"


def test_sealing_a_youth_does_not_sign_over_history_edited_outside_the_app(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Sealing re-signs the youth's history rows as the supervisor (their values are re-wrapped).
    A row a colleague edited with the data key must not be signed anew with them: the edit would
    become the supervisor's and `audit verify` would pass."""
    folder, youth = office
    admin = _open(folder, "admin", clock)
    caseload.update_youth(admin, youth, {"pronouns": "she/her"})
    admin.close()
    keyfile = K.KeyFile.load(folder)
    db = Database.open(folder / keyfile.db_name(), keyfile.unlock_user("casey", WORKER_PASS)[0])
    db.execute("UPDATE changes SET fields = replace(fields, '\"she/her\"', '\"they/them\"') "
               "WHERE record_id = ? AND op = 'update'", (youth,))
    db.execute("UPDATE records SET body = json_set(body, '$.pronouns', 'they/them') WHERE id = ?", (youth,))
    db.close()
    sam = _open(folder, "sam", clock)
    try:
        assert f"of record {youth} does not hold its signature" in "; ".join(sam.verify_audit().records)
        caseload.update_youth(sam, youth, {"sealed": True})
        found = "; ".join(sam.verify_audit().records)
        assert f"of record {youth} does not hold its signature" in found, found
        caseload.update_youth(sam, youth, {"sealed": False})
        assert f"of record {youth} does not hold its signature" in "; ".join(sam.verify_audit().records)
        # The rows that held were signed anew by the supervisor, and still hold.
        signers = {r[0] for r in sam.require_db().query(
            "SELECT signer FROM changes WHERE record_id = ? AND op = 'create'", (youth,))}
        assert signers == {"sam"}
    finally:
        sam.close()


def _raw(folder: Path) -> Database:
    """The database as a colleague with the data key opens it outside the app."""
    keyfile = K.KeyFile.load(folder)
    return Database.open(folder / keyfile.db_name(), keyfile.unlock_user("casey", WORKER_PASS)[0])


def _casey_key() -> tuple[X25519PrivateKey, str]:
    own = X25519PrivateKey.generate()
    return own, K.b64(K.public_bytes(own))


def test_a_recovery_key_swapped_outside_the_app_is_refused_not_given_the_sealed_keys(
        office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A colleague puts her own key where the recovery key's public half is kept (key file and
    vault) and asks for a new generation: a holder's unlock sealed every compartment key to her.
    Now the holder's unlock refuses, since the key is not the one they saw at their last unlock."""
    folder, youth = office
    sam = _open(folder, "sam", clock)  # pins the recovery key as it is
    caseload.update_youth(sam, youth, {"sealed": True})
    sam.close()
    _own, public = _casey_key()
    data = json.loads((folder / "keys.json").read_text())
    data["recovery"]["public_key"] = public
    (folder / "keys.json").write_text(json.dumps(data))
    db = _raw(folder)
    generations = _generations(db)
    db.execute("UPDATE meta SET value = ? WHERE key = 'recovery_public'", (public,))
    for compartment in C.COMPARTMENTS:
        state = json.loads(db.scalar("SELECT value FROM meta WHERE key = ?", (compartment.purpose,)))
        db.execute("UPDATE meta SET value = ? WHERE key = ?",
                   (json.dumps({**state, "rotate": True}), compartment.purpose))
    db.close()
    with pytest.raises(CorruptVault, match="recovery key is not the one you saw"):
        _open(folder, "sam", clock)
    db = _raw(folder)
    try:  # nothing was sealed to her key: no new generation was made
        assert _generations(db) == generations
    finally:
        db.close()


def _generations(db: Database) -> dict[str, int]:
    return {c.purpose: int(json.loads(str(db.scalar("SELECT value FROM meta WHERE key = ?",
                                                      (c.purpose,))))["generation"]) for c in C.COMPARTMENTS}


def test_a_compartment_public_key_swapped_outside_the_app_is_found_by_a_holder(
        office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """New values are sealed to the compartment's public key, kept beside the sealed copies: a
    colleague who put her own there read what holders wrote next. A holder's unlock finds it."""
    folder, _youth = office
    _open(folder, "ana", clock).close()
    _own, public = _casey_key()
    db = _raw(folder)
    state = json.loads(db.scalar("SELECT value FROM meta WHERE key = ?", (C.NARRATIVE.purpose,)))
    db.execute("UPDATE meta SET value = ? WHERE key = ?",
               (json.dumps({**state, "public": public}), C.NARRATIVE.purpose))
    db.close()
    with pytest.raises(CorruptVault, match="narrative compartment's public key"):
        _open(folder, "ana", clock)


def test_a_key_file_entry_replaced_outside_the_app_does_not_open_as_that_person(
        office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A colleague writes the administrator's key-file entry anew (her key pair, her passphrase,
    the data key sealed to it): the signed list of people names another key pair for them."""
    folder, _youth = office
    _open(folder, "admin", clock).close()
    keyfile = K.KeyFile.load(folder)
    dek, _private, _kek = keyfile.unlock_user_pinned("casey", WORKER_PASS, None)
    keyfile.set_user("admin", X25519PrivateKey.generate(), "an impostor's own passphrase", dek)
    keyfile.save(folder)
    with pytest.raises(CorruptVault, match="key-file entry of admin is not the one the signed list"):
        Vault.unlock(folder, "admin", "an impostor's own passphrase", wall=clock)


def test_an_unseal_written_outside_the_app_is_not_finished_by_a_holder(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A colleague marks a sealed youth's derived row unsealed and puts them on the waiting list: a
    holder's unlock took the seal off a youth whose record still says sealed. It no longer does;
    and an unseal that is finished is said at the unlock."""
    folder, youth = office
    sam = _open(folder, "sam", clock)
    caseload.add_attached(sam, youth, "plan_goal", GOAL)
    caseload.update_youth(sam, youth, {"sealed": True})
    sam.close()
    db = _raw(folder)
    db.execute("UPDATE youth_fields SET sealed = 0 WHERE rowid = (SELECT rowid FROM records WHERE id = ?)",
               (youth,))
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('unseal_waiting', ?)",
               (json.dumps([youth]),))
    db.close()
    sam = _open(folder, "sam", clock)
    assert not any("unsealed at the county hub" in w for w in sam.warnings)
    sam.close()
    assert FAMILY not in _every_text(folder, "casey") and NOTE not in _every_text(folder, "casey")


def test_re_encrypting_shuts_out_a_disabled_person_until_their_passphrase_is_reset(
        office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Disabled, a person's passphrase still opened the data key from the file, and re-encrypting
    sealed the new key to them too. Now it is not: enabling them again is refused, with what to do,
    until an administrator resets their passphrase."""
    from csec_desktop.errors import ValidationFailed, WrongPassphrase
    from csec_desktop.usecases import admin as admin_screen

    folder, _youth = office
    admin = _open(folder, "admin", clock)
    admin.update_user("casey", disabled=True)
    admin.rotate_data_key()
    with pytest.raises((WrongPassphrase, KeyError, CorruptVault)):
        K.KeyFile.load(folder).unlock_user("casey", WORKER_PASS)
    with pytest.raises(ValidationFailed, match="Reset their passphrase"):
        admin.update_user("casey", disabled=False)
    admin_screen.reset_passphrase(admin, "casey", "a fictional new passphrase for casey",
                                  "a fictional new passphrase for casey")
    assert admin.get_user("casey").disabled  # as they were: enabling is a step of its own
    admin.update_user("casey", disabled=False)
    admin.close()
    Vault.unlock(folder, "casey", "a fictional new passphrase for casey", wall=clock).close()
    sam = _open(folder, "sam", clock)  # the others' passphrases still open it
    sam.close()
