"""An attorney shares the youth's account in one vacatur case with a caseworker (the county's
decision: attorneys and supervisors read it; a caseworker only when an attorney shares it for that
case, audited). The caseworker reads that case's account from a copy sealed to her own key, never
the compartment's key: a colleague with the same data key reads nothing, another case stays
withheld, and the copy follows every change and is gone when sharing stops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from csec_desktop import caseload
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage import account_copies
from csec_desktop.storage import keys as K
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import youth as youth_screen
from csec_desktop.vacatur import Answer, sharing
from tests.conftest import WORKER_PASS, FakeClock, youth_data
from tests.library_reads import as_library, every_text

ACCOUNT = "FICTIONAL-SHARED-ACCOUNT he kept my papers"
NEXUS = "FICTIONAL-SHARED-NEXUS he sent me to take food"
OTHER = "FICTIONAL-UNSHARED-ACCOUNT another petition"
PEOPLE = (("casey", "caseworker", "Unit A"), ("cole", "caseworker", "Unit A"),
          ("ana", "attorney", "Unit A"), ("sam", "supervisor", "Unit A"), ("bo", "caseworker", "Unit B"))


@pytest.fixture
def office(vault_of, vault_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    admin = vault_of(PEOPLE)
    youth = caseload.create_youth(admin, youth_data(assigned_worker="casey", unit="Unit A")).id
    admin.close()
    ana = Vault.unlock(vault_dir, "ana", WORKER_PASS, wall=clock)
    count = caseload.add_attached(ana, youth, "criminal_count", {
        "count_kind": "adjudication", "code": "PC", "section": "484", "description": "fictional",
        "offense_date": "2025-03-01", "while_victim": True, "nexus": NEXUS}).id
    case = caseload.add_attached(ana, youth, "vacatur_case", {
        "public_name": "C. Z.", "grounds": ACCOUNT, "count_ids": [count]}).id
    other = caseload.add_attached(ana, youth, "vacatur_case", {"public_name": "C. Y.", "grounds": OTHER}).id
    ana.close()
    return vault_dir, youth, count, case, other


def _as(folder: Path, user: str, clock: FakeClock) -> Vault:
    return Vault.unlock(folder, user, WORKER_PASS, wall=clock)


def _counsel_shares(folder: Path, case: str, clock: FakeClock, with_whom: str = "casey") -> None:
    ana = _as(folder, "ana", clock)
    try:
        sharing.share(ana, case, with_whom)
    finally:
        ana.close()


def _reads(vault: Vault, youth: str, record_id: str, kind: str, field: str) -> object:
    return getattr(caseload.attached_record(vault, youth, record_id, kind).body, field)


def test_the_caseworker_reads_the_shared_case_only_and_a_colleague_nothing(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth, count, case, other = office
    ana = _as(folder, "ana", clock)
    assert [p.username for p in sharing.candidates(ana, case)] == ["casey", "cole"]  # not Unit B's bo
    sharing.share(ana, case, "casey")
    assert any(e.action == "account_shared" and e.detail.get("shared_with") == "casey"
               for e in ana.audit_log.entries(newest_first=True, limit=5))
    assert [p.username for p in sharing.shared_with(ana, case)] == ["casey"]
    counsel_sees = youth_screen.open_youth(ana, youth).derived.relief[0].answer
    ana.close()

    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT
        assert _reads(casey, youth, count, "criminal_count", "nexus") == NEXUS
        assert _reads(casey, youth, other, "vacatur_case", "grounds") is None  # another petition: withheld
        assert not casey.keyring.holds("narrative")  # a copy, never the compartment's key
        read = [e for e in casey.audit_log.entries(newest_first=True, limit=10)
                if e.action == "narrative_viewed" and e.user == "casey"]
        assert {e.record_id for e in read} == {case, count} and all(e.detail.get("shared") for e in read)
        # The record page: the shared case and its count are read, the count assessed with its account.
        page = youth_screen.open_youth(casey, youth)
        assert page.derived.shared == {case, count}
        assert page.derived.shared_by[case][0] == "ana"  # who shared it (her display name), and when
        [view] = page.derived.relief
        assert view.answer == counsel_sees and view.answer.answer is Answer.ELIGIBLE
        # To read, not to change: counsel's account stays counsel's.
        with pytest.raises(PermissionDenied):
            caseload.update_attached(casey, case, {"grounds": "typed by the caseworker"})
    finally:
        casey.close()

    # With the project's library alone: the colleague's data key shows the copy, but not in clear,
    # and her key does not open it; the caseworker's own key does, bound to its record and field.
    assert "FICTIONAL-SHARED" not in every_text(folder, "cole", WORKER_PASS)
    keyfile = K.KeyFile.load(folder)
    copies = as_library(folder, "cole", WORKER_PASS, lambda db: {
        (r[0], r[1], r[2]): json.loads(r[3]) for r in db.query(
            "SELECT record_id, field, principal, sealed FROM account_copies")})
    assert set(copies) == {(case, "grounds", "casey"), (count, "nexus", "casey")}
    envelope = copies[(case, "grounds", "casey")]
    cole_key = keyfile.unlock_user("cole", WORKER_PASS)[1]
    with pytest.raises(InvalidTag):
        K.open_dek(envelope, cole_key, keyfile.vault_id, "casey", 0, account_copies.purpose(case, "grounds"))
    casey_key = keyfile.unlock_user("casey", WORKER_PASS)[1]
    with pytest.raises(InvalidTag):  # moved to another field, it does not open
        K.open_dek(envelope, casey_key, keyfile.vault_id, "casey", 0, account_copies.purpose(count, "nexus"))
    assert json.loads(K.open_dek(envelope, casey_key, keyfile.vault_id, "casey", 0,
                                 account_copies.purpose(case, "grounds"))) == ACCOUNT

    cole = _as(folder, "cole", clock)
    try:
        assert _reads(cole, youth, case, "vacatur_case", "grounds") is None
        page = youth_screen.open_youth(cole, youth)
        assert page.derived.shared == frozenset()
        seen = page.derived.relief[0].answer  # the same answer, said to rest on an account withheld
        assert seen.answer is counsel_sees.answer and seen.why != counsel_sees.why
    finally:
        cole.close()


def test_the_copy_follows_each_change_and_goes_when_sharing_stops(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth, count, case, _other = office
    ana = _as(folder, "ana", clock)
    sharing.share(ana, case, "casey")
    caseload.update_attached(ana, case, {"grounds": ACCOUNT + " (amended)"})
    ana.close()

    casey = _as(folder, "casey", clock)
    assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT + " (amended)"
    caseload.update_attached(casey, case, {"public_name": "C. W."})  # another field: the copy stays
    assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT + " (amended)"
    casey.close()

    ana = _as(folder, "ana", clock)
    caseload.update_attached(ana, case, {"count_ids": []})  # the count left the petition
    ana.close()
    casey = _as(folder, "casey", clock)
    assert _reads(casey, youth, count, "criminal_count", "nexus") is None
    casey.close()

    ana = _as(folder, "ana", clock)
    sharing.unshare(ana, case, "casey")
    assert ana.require_db().scalar("SELECT count(*) FROM account_copies") == 0
    assert any(e.action == "account_unshared" for e in ana.audit_log.entries(newest_first=True, limit=5))
    ana.close()
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, case, "vacatur_case", "grounds") is None
    finally:
        casey.close()


def test_only_an_attorney_shares_and_with_a_caseworker_who_sees_the_youth(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, _youth, _count, case, _other = office
    for who in ("casey", "sam"):  # the caseworker herself, and a supervisor: counsel's act
        person = _as(folder, who, clock)
        try:
            with pytest.raises(PermissionDenied, match="Only an attorney"):
                sharing.share(person, case, "casey")
            assert any(e.action == "account_share_refused"
                       for e in person.audit_log.entries(newest_first=True, limit=3))
        finally:
            person.close()
    ana = _as(folder, "ana", clock)
    try:
        for name in ("bo", "sam", "nobody"):  # another unit's, one who reads it already, no one
            with pytest.raises(ValidationFailed) as refused:
                sharing.share(ana, case, name)
            assert refused.value.problems[0].field == "shared_with"
        with pytest.raises(PermissionDenied):  # nor by an ordinary edit of the case
            caseload.update_attached(ana, case, {"shared_with": ["casey"]})
        assert ana.require_db().scalar("SELECT count(*) FROM account_copies") == 0
    finally:
        ana.close()


def test_sealing_the_youth_or_disabling_her_takes_the_copies_away(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth, _count, case, _other = office
    ana = _as(folder, "ana", clock)
    sharing.share(ana, case, "casey")
    caseload.update_youth(ana, youth, {"sealed": True})
    assert ana.require_db().scalar("SELECT count(*) FROM account_copies") == 0  # she no longer sees them
    with pytest.raises(ValidationFailed):
        sharing.share(ana, case, "cole")
    caseload.update_youth(ana, youth, {"sealed": False})
    assert ana.require_db().scalar("SELECT count(*) FROM account_copies") == 2  # the share still stands
    ana.close()

    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    try:  # gone at once, with no one who holds the key signed in
        admin.update_user("casey", disabled=True)
        assert admin.require_db().scalar("SELECT count(*) FROM account_copies") == 0
    finally:
        admin.close()


def test_a_youth_moved_out_of_her_caseload_takes_her_copy_away(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    folder, youth, _count, case, _other = office
    _counsel_shares(folder, case, clock)
    sam = _as(folder, "sam", clock)
    try:
        caseload.update_youth(sam, youth, {"assigned_worker": "bo", "unit": "Unit B"})
        assert sam.require_db().scalar("SELECT count(*) FROM account_copies WHERE principal = 'casey'") == 0
        caseload.update_attached(sam, case, {"grounds": ACCOUNT + " (written after she left)"})
        assert sam.require_db().scalar("SELECT count(*) FROM account_copies") == 0  # bo was never shared
    finally:
        sam.close()


def test_a_share_stopped_stays_stopped_whatever_the_order_of_the_rows(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Review, session 37: the caseworker, holding the data key, moved counsel's signed share after
    the stop (the rows' order is not signed), wrote her name back and waited for counsel's unlock."""
    from csec_desktop.storage.database import Database

    folder, youth, _count, case, _other = office
    ana = _as(folder, "ana", clock)
    sharing.share(ana, case, "casey")
    sharing.unshare(ana, case, "casey")
    caseload.update_attached(ana, case, {"grounds": "FICTIONAL-SHARED written after the stop"})
    ana.close()
    keyfile = K.KeyFile.load(folder)
    db = Database.open(folder / keyfile.db_name(), keyfile.unlock_user("casey", WORKER_PASS)[0])
    try:
        rows = db.query("SELECT seq, fields FROM changes_full WHERE record_id = ? ORDER BY seq", (case,))
        share, stop = [seq for seq, fields in rows if '"shared_with"' in fields][-2:]
        db.execute("UPDATE changes SET seq = -1 WHERE seq = ?", (stop,))
        db.execute("UPDATE changes SET seq = ? WHERE seq = ?", (stop, share))
        db.execute("UPDATE changes SET seq = ? WHERE seq = -1", (share,))
        body = json.loads(db.scalar("SELECT body FROM records WHERE id = ?", (case,)))
        shared = json.dumps({**body, "shared_with": ["casey"]})
        db.execute("UPDATE records SET body = ? WHERE id = ?", (shared, case))
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                   (account_copies.WAITING, json.dumps([youth])))
    finally:
        db.close()
    _as(folder, "ana", clock).close()
    casey = _as(folder, "casey", clock)
    try:
        assert casey.require_db().scalar("SELECT count(*) FROM account_copies") == 0
        assert _reads(casey, youth, case, "vacatur_case", "grounds") is None
    finally:
        casey.close()


def test_a_share_outlives_sealing_and_unsealing_the_youth(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Review, session 37: unsealing signs the history again as the supervisor, and the share could
    no longer be proven, while both windows still said it was shared."""
    folder, youth, _count, case, _other = office
    _counsel_shares(folder, case, clock)
    sam = _as(folder, "sam", clock)
    try:
        caseload.update_youth(sam, youth, {"sealed": True})
        caseload.update_youth(sam, youth, {"sealed": False})
        assert sam.require_db().scalar("SELECT count(*) FROM account_copies WHERE principal = 'casey'") == 2
    finally:
        sam.close()
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT
        assert youth_screen.open_youth(casey, youth).derived.shared >= {case}
    finally:
        casey.close()


def test_no_caller_that_is_not_counsel_changes_whom_a_case_is_shared_with(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Review, session 37: a caseworker's own code released the guard and emptied a case's shares,
    audited as a plain edit."""
    folder, _youth, _count, case, _other = office
    _counsel_shares(folder, case, clock)
    cole = _as(folder, "cole", clock)
    try:
        for shares in ([], ["casey", "cole"]):
            with pytest.raises(PermissionDenied), caseload.checked_change():
                caseload.update_attached(cole, case, {"shared_with": shares})
        assert cole.require_db().scalar("SELECT count(*) FROM account_copies WHERE principal = 'casey'") == 2
    finally:
        cole.close()


def _pull(vault: Vault, case: str, youth: str, body: dict[str, object], kind: str = "vacatur_case",
          *, restamp: bool = True, withheld: tuple[str, ...] = (), edited_there: bool = False) -> int:
    """The hub's state of a record (the case by default) applied here as a pull applies it (counsel
    wrote it elsewhere)."""
    from csec_desktop.sync import local
    from csec_desktop.sync import protocol as P

    vault.require_db().execute("UPDATE changes SET pushed = 1")  # what was written here reached the hub
    record = vault.records.get(case)
    # Each field the hub changed carries its new stamp, later than any before.
    later = f"{int(max(record.clocks.values())[:13]) + 60_000:013d}-00000-hub-test"
    stamps = {**record.clocks, **(dict.fromkeys(body, later) if restamp else {})}
    # A field the hub withholds from this device's person comes blank, under the hub's stamp: the
    # one held here, or a later one where it was edited there.
    stamps.update({name: later if edited_there else record.clocks[name] for name in withheld})
    state = P.RecordState(id=case, kind=kind, owner_id=youth, version=record.version + 1,
                          deleted=False, body={**record.body.dump(), **body, **dict.fromkeys(withheld)},
                          stamps=stamps, updated_at="2026-12-01T10:00:00Z", updated_by="ana", seq=9,
                          conflicts=[], withheld=list(withheld))
    return local.apply_pull(vault, P.PullResponse(records=[state], gone=[], next=9, more=False,
                                                  server_time="2026-12-01T10:00:00Z"))


def test_a_share_pulled_from_the_hub_copies_what_the_pull_brings(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A share made on counsel's device arrives by sync. Pulled by the caseworker herself, the
    case's account comes in clear with it and is copied at once; its count's, sealed here before,
    is not proven to be hers by a row she signed, and is copied when the count comes again (the hub
    sends a shared case's counts again after it: tests/hub/test_hub_api.py). Pulled by someone who
    holds the key (a supervisor), every value is copied at once."""
    folder, youth, count, case, _other = office
    casey = _as(folder, "casey", clock)
    try:
        _pull(casey, case, youth, {"grounds": ACCOUNT + " (from the hub)", "shared_with": ["casey"]})
        assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT + " (from the hub)"
        assert _reads(casey, youth, count, "criminal_count", "nexus") is None
    finally:
        casey.close()
    _as(folder, "sam", clock).close()  # a holder's unlock: her own pulled row proves nothing
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, count, "criminal_count", "nexus") is None
        assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT + " (from the hub)"
        # The hub sends the count again, as it holds it, after the share.
        _pull(casey, count, youth, {"nexus": NEXUS}, kind="criminal_count", restamp=False)
        assert _reads(casey, youth, count, "criminal_count", "nexus") == NEXUS
    finally:
        casey.close()

    sam = _as(folder, "sam", clock)
    try:
        _pull(sam, case, youth, {"shared_with": ["casey", "cole"]})
    finally:
        sam.close()
    cole = _as(folder, "cole", clock)
    try:
        assert _reads(cole, youth, count, "criminal_count", "nexus") == NEXUS
    finally:
        cole.close()


def test_a_colleague_who_writes_her_own_name_into_the_file_gets_no_copy(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """An insider with the data key puts herself in `shared_with` outside the app (the body, or a
    history row she signs herself, even one made to look pulled from the hub): counsel's next write
    does not copy the account to her, and `audit verify` names the record."""
    from csec_desktop.storage.database import Database
    from csec_desktop.storage.history import canonical, fields_of
    from csec_desktop.storage.records import change_message

    folder, youth, _count, _case, other = office
    keyfile = K.KeyFile.load(folder)
    dek, cole_key = keyfile.unlock_user("cole", WORKER_PASS)
    db = Database.open(folder / keyfile.db_name(), dek)
    try:
        body = json.loads(db.scalar("SELECT body FROM records WHERE id = ?", (other,)))
        db.execute("UPDATE records SET body = ? WHERE id = ?",
                   (json.dumps({**body, "shared_with": ["cole"]}), other))
    finally:
        db.close()
    ana = _as(folder, "ana", clock)
    caseload.update_attached(ana, other, {"safety_concerns": "Fictional: none known."})
    ana.close()
    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    try:  # the body edited outside the app shows
        report = admin.verify_audit()
        assert not report.ok and f"record {other} differs from its history" in str(report)
    finally:
        admin.close()
    cole = _as(folder, "cole", clock)
    try:
        assert _reads(cole, youth, other, "vacatur_case", "grounds") is None
        # Now a history row of her own, signed with her own key, as if pulled from the hub.
        db = cole.require_db()
        row = db.one("SELECT op_id, kind, owner_id, op, fields, hlc, user, device, at FROM changes_full "
                     "WHERE record_id = ? ORDER BY seq DESC LIMIT 1", (other,))
        assert row is not None
        fields = json.dumps({"shared_with": {"old": [], "new": ["cole"]}})
        message = change_message("forged-op", other, row[1], row[2], "update", canonical(fields), row[5],
                                 "ana", "hub", row[8])
        assert cole.records.signer is not None
        signature = K.b64(cole.records.signer.sign(message))
        db.execute("INSERT INTO changes (op_id, record_id, kind, owner_id, op, fields, hlc, user, device, "
                   "at, pushed, signer, sig) VALUES ('forged-op', ?, ?, ?, 'update', ?, ?, 'ana', 'hub', ?, "
                   "1, 'cole', ?)", (other, row[1], row[2], fields, row[5], row[8], signature))
        assert fields_of(fields)["shared_with"]["new"] == ["cole"]
    finally:
        cole.close()
    ana = _as(folder, "ana", clock)
    try:
        caseload.update_attached(ana, other, {"safety_concerns": "Fictional: none known, still."})
        assert ana.require_db().scalar("SELECT count(*) FROM account_copies WHERE principal = 'cole'") == 0
        assert sharing.shared_with(ana, other) == []  # counsel is not shown the name written in
        # Counsel then shares with casey: her signature does not take in the name written in.
        sharing.share(ana, other, "casey")
        assert caseload.attached_record(ana, youth, other, "vacatur_case").body.shared_with == ["casey"]  # type: ignore[attr-defined]
        assert ana.require_db().scalar("SELECT count(*) FROM account_copies WHERE principal = 'cole'") == 0
    finally:
        ana.close()
    del cole_key


def test_a_shared_account_is_read_in_the_vault_and_not_exported(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Shared to be read here: a caseworker given the export permission still exports the record
    with the account blank."""
    from csec_desktop import transfer
    from csec_desktop.domain.people import Permission

    folder, youth, _count, case, _other = office
    _counsel_shares(folder, case, clock)
    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    admin.update_user("casey", extra_permissions=[Permission.EXPORT])
    admin.close()
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, case, "vacatur_case", "grounds") == ACCOUNT
        exported = json.dumps(transfer.export_youth(casey, youth, "fictional: a test of the export"))
        assert "FICTIONAL-SHARED" not in exported and "C. Z." in exported
    finally:
        casey.close()


def test_what_the_hub_withholds_is_kept_as_held_here(office, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """The hub sends the account only to a device whose person may read it, or while counsel
    shares the case with her (hub/accounts.py); what it leaves out comes blank and named. The device
    keeps what it holds there while it is what the hub holds (the same stamp): an attorney signed in
    on a caseworker's enrolled laptop must not see the account emptied. Edited at the hub since, it
    is marked withheld, not kept as if current (a sworn account printed from an old version) nor
    shown as "not written". A caseworker's copy goes when the share does."""
    folder, youth, count, case, _other = office
    ana = _as(folder, "ana", clock)
    try:
        withheld = ("grounds",)
        assert _pull(ana, case, youth, {"public_name": "C. W."}, withheld=withheld) == 1
        record = caseload.attached_record(ana, youth, case, "vacatur_case")
        assert (record.body.public_name, record.body.grounds) == ("C. W.", ACCOUNT)  # type: ignore[attr-defined]
        # The same state again changes nothing (a page's records already held are skipped).
        assert _pull(ana, case, youth, {"public_name": "C. W."}, withheld=withheld, restamp=False) == 0
        # Edited at the hub since: no longer kept as current, and said to be withheld.
        _pull(ana, case, youth, {}, withheld=withheld, restamp=False, edited_there=True)
        assert caseload.attached_record(ana, youth, case, "vacatur_case").body.grounds is None  # type: ignore[attr-defined]
        assert ana.records.withheld([case]) == {case}
    finally:
        ana.close()
    casey = _as(folder, "casey", clock)
    try:
        assert casey.records.withheld([case]) == {case}  # "written, and withheld from your role"
    finally:
        casey.close()
    _counsel_shares(folder, count_case := case, clock)
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, count, "criminal_count", "nexus") == NEXUS
        # Sharing stopped elsewhere: the case comes without its account, her copies go.
        _pull(casey, count_case, youth, {"shared_with": []}, withheld=("safety_concerns",))
        _pull(casey, count, youth, {}, kind="criminal_count", restamp=False, withheld=("nexus",))
        assert _reads(casey, youth, count, "criminal_count", "nexus") is None
        assert casey.require_db().scalar("SELECT count(*) FROM account_copies") == 0
    finally:
        casey.close()
    ana = _as(folder, "ana", clock)
    try:  # counsel on this computer still reads what it held and the hub still holds
        assert _reads(ana, youth, count, "criminal_count", "nexus") == NEXUS
    finally:
        ana.close()


def test_a_count_put_into_a_shared_petition_by_anyone_but_counsel_is_not_shared(  # type: ignore[no-untyped-def]
        office, clock: FakeClock) -> None:
    """Found by an insider's review: a caseworker put another count of the youth into the petition
    shared with her, and counsel's next session copied its account to her. The app refuses it;
    written into the file outside the app, the count is not copied. Nor may a caseworker given the
    review grant share an account she may not read."""
    from csec_desktop.domain.people import Permission

    folder, youth, count, case, _other = office
    ana = _as(folder, "ana", clock)
    try:
        later = caseload.add_attached(ana, youth, "criminal_count", {
            "count_kind": "adjudication", "code": "PC", "section": "647(b)", "description": "fictional",
            "offense_date": "2025-04-01", "while_victim": True, "nexus": "FICTIONAL-LATER-NEXUS"}).id
    finally:
        ana.close()
    _counsel_shares(folder, case, clock)
    casey = _as(folder, "casey", clock)
    try:
        with pytest.raises(PermissionDenied, match="only an attorney or a supervisor may change its counts"):
            caseload.update_attached(casey, case, {"count_ids": [count, later]})
        casey.records.update(case, {"count_ids": [count, later]})  # her own code, past the app's check
    finally:
        casey.close()
    for holder in ("sam", "ana"):  # a holder's unlock, then counsel's write of the case
        vault = _as(folder, holder, clock)
        try:
            if holder == "ana":
                caseload.update_attached(vault, case, {"safety_concerns": "Fictional: none known."})
        finally:
            vault.close()
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, count, "criminal_count", "nexus") == NEXUS
        assert _reads(casey, youth, later, "criminal_count", "nexus") is None
    finally:
        casey.close()
    # Counsel putting it in shares it.
    ana = _as(folder, "ana", clock)
    try:
        caseload.update_attached(ana, case, {"count_ids": [later, count]})
    finally:
        ana.close()
    casey = _as(folder, "casey", clock)
    try:
        assert _reads(casey, youth, later, "criminal_count", "nexus") == "FICTIONAL-LATER-NEXUS"
    finally:
        casey.close()

    admin = Vault.unlock(folder, "admin", "fictional admin passphrase", wall=clock)
    admin.update_user("cole", extra_permissions=[Permission.REVIEW_PETITION])
    admin.close()
    cole = _as(folder, "cole", clock)
    try:
        with pytest.raises(PermissionDenied):
            sharing.share(cole, case, "cole")
    finally:
        cole.close()
