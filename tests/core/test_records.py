"""Records: validation naming fields, history, clocks, tombstones, search."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from csec_desktop import caseload
from csec_desktop.clock import HybridClock, Stamp
from csec_desktop.domain.youth import LegalStatus
from csec_desktop.errors import NotFound, PermissionDenied, StaleRecord, ValidationFailed
from csec_desktop.ids import is_id
from csec_desktop.storage.history import SAME_AS_BODY
from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS, FakeClock, youth_data


def test_validation_names_the_field(admin: Vault) -> None:
    with pytest.raises(ValidationFailed) as err:
        caseload.create_youth(admin, youth_data(date_of_birth="2999-01-01"))
    assert [p.field for p in err.value.problems] == ["date_of_birth"]
    assert "future" in str(err.value)
    with pytest.raises(ValidationFailed) as err:
        caseload.create_youth(admin, youth_data(legal_name={"given": "", "family": "Demo"}))
    assert err.value.problems[0].field == "legal_name.given"
    with pytest.raises(ValidationFailed) as err:
        caseload.create_youth(admin, youth_data(
            legal_status=[{"status": "ward", "start": "2024-05-01", "end": "2024-01-01"}]))
    assert err.value.problems[0].field == "legal_status.0"
    assert "before the start" in err.value.problems[0].message
    with pytest.raises(ValidationFailed) as err:
        caseload.create_youth(admin, youth_data(favourite_colour="blue"))
    assert err.value.problems[0].field == "favourite_colour"
    assert admin.require_db().scalar("SELECT count(*) FROM records") == 0


def test_a_refused_edit_changes_nothing(admin: Vault) -> None:
    record = caseload.create_youth(admin, youth_data())
    with pytest.raises(ValidationFailed, match=r"identifiers\.juvenile_case_number"):
        caseload.update_youth(admin, record.id, {"identifiers": {"juvenile_case_number": "JV<24>"}})
    again = caseload.get_youth(admin, record.id)
    assert again.version == 1 and again.body == record.body
    assert len(admin.records.history(record.id)) == 1


def test_history_clocks_and_versions(admin: Vault, clock: FakeClock) -> None:
    record = caseload.create_youth(admin, youth_data())
    assert is_id(record.id)
    clock.advance(5)
    edited = caseload.update_youth(admin, record.id, {"pronouns": "she/her"}, expected_version=1)
    assert edited.version == 2
    assert edited.clocks["pronouns"] > edited.clocks["county"]
    assert edited.clocks["county"] == record.clocks["county"]
    with pytest.raises(StaleRecord):
        caseload.update_youth(admin, record.id, {"pronouns": "they/them"}, expected_version=1)
    history = admin.records.history(record.id)
    assert [c.op for c in history] == ["create", "update"]
    # `base`: the stamp the edit was made against, which the hub's merge compares.
    assert history[1].fields == {"pronouns": {"old": None, "new": "she/her",
                                              "base": record.clocks["pronouns"]}}
    assert history[1].user == "admin" and history[1].device == admin.device
    assert len({c.op_id for c in history}) == 2


def test_delete_is_a_tombstone_and_leaves_search(admin: Vault) -> None:
    record = caseload.create_youth(admin, youth_data())
    note = caseload.add_attached(admin, record.id, "contact",
                                 {"name": "Aunt Demo", "relationship": "aunt", "phone": "555-0100"})
    caseload.delete_youth(admin, record.id)
    with pytest.raises(NotFound):
        caseload.get_youth(admin, record.id)
    assert caseload.search(admin, "Sampleton") == []
    kept = admin.records.get(record.id, include_deleted=True)
    assert kept.deleted and admin.records.get(note.id, include_deleted=True).deleted
    assert admin.records.history(record.id)[-1].op == "delete"


def test_attached_records_validate(admin: Vault) -> None:
    record = caseload.create_youth(admin, youth_data())
    with pytest.raises(ValidationFailed) as err:
        caseload.add_attached(admin, record.id, "contact",
                              {"name": "Coach Demo", "relationship": "coach", "phone": "12"})
    assert err.value.problems[0].field == "phone"
    with pytest.raises(ValidationFailed) as err:
        caseload.add_attached(admin, record.id, "case_note",
                              {"occurred_at": "2026-11-01T10:00:00", "text": "x"})
    assert err.value.problems[0].field == "occurred_at"
    with pytest.raises(NotFound):
        caseload.add_attached(admin, "01a220a0-d4c3-7b9e-965f-69996f122467", "contact",
                              {"name": "A", "relationship": "b"})


@pytest.mark.parametrize(
    ("query", "hit"),
    [("jose", True), ("JOSÉ", True), ("jos", True), ("samp", True), ("sparrow", True),
     ("spa", True), ("JV-24-001234", True), ("JV24001234", True), ("001234", True), ("1234", False),
     ("JV-24-0012", True), ("jv-24", True), ("JV-25-001234", False),
     ("jose sampleton", True), ("jose nobody", False), ("", False), ("*", False)],
)
def test_search_prefix_accents_aliases_numbers(admin: Vault, query: str, hit: bool) -> None:
    record = caseload.create_youth(admin, youth_data())
    found = [s.id for s in caseload.search(admin, query)]
    assert (record.id in found) is hit


def test_search_finds_accented_names_from_plain_typing(admin: Vault) -> None:
    a = caseload.create_youth(admin, youth_data(legal_name={"given": "Thảo", "family": "Trần-Demo"}))
    b = caseload.create_youth(admin, youth_data(legal_name={"given": "Ñeli", "family": "Castañemo"}))
    assert [s.id for s in caseload.search(admin, "thao tran")] == [a.id]
    assert [s.id for s in caseload.search(admin, "neli castan")] == [b.id]


def test_hybrid_clock_is_monotonic_under_skew() -> None:
    wall = FakeClock(1_000_000.0)
    hlc = HybridClock("dev-a", wall)
    first = hlc.now()
    wall.advance(-3600)  # the wall clock jumps back an hour
    second = hlc.now()
    assert second > first
    ahead = 1_000_000_000 + 3_600_000  # another device's clock an hour ahead: followed
    hlc.observe(str(Stamp(ahead, 7, "dev-b")))
    assert Stamp.parse(hlc.now()).millis == ahead


def test_undo_puts_back_the_last_edit(admin: Vault) -> None:
    record = caseload.create_youth(admin, youth_data())
    caseload.update_youth(admin, record.id, {"pronouns": "she/her", "unit": "Unit B"})
    undone, _edit = caseload.undo_last_edit(admin, record.id)
    assert undone.body.dump() == record.body.dump()
    assert [c.op for c in admin.records.history(record.id)] == ["create", "update", "update"]
    fresh = caseload.create_youth(admin, youth_data())
    with pytest.raises(NotFound):
        caseload.undo_last_edit(admin, fresh.id)


def test_undo_steps_back_edit_by_edit_and_redo_steps_forward(admin: Vault) -> None:
    """A caseworker's review: pressed twice, undo brought the typo back (it undid itself). Given
    the edits already undone and the changes undo made, it goes one edit further back each time,
    and redo makes them again in turn."""
    record = caseload.create_youth(admin, youth_data())
    caseload.update_youth(admin, record.id, {"pronouns": "she/her"})
    caseload.update_youth(admin, record.id, {"preferred_name": "Jo"})
    caseload.update_youth(admin, record.id, {"preferred_name": "Joo"})  # the typo
    skip: set[str] = set()
    redo: list[str] = []
    for expected in (("Jo", "she/her"), (None, "she/her"), (None, None)):
        after, edit = caseload.undo_last_edit(admin, record.id, skip)
        skip |= {edit, admin.records.history(record.id)[-1].op_id}
        redo.append(edit)
        body = after.body.dump()
        assert (body.get("preferred_name"), body.get("pronouns")) == expected
    with pytest.raises(NotFound):  # nothing left to undo: the create is not an edit
        caseload.undo_last_edit(admin, record.id, skip)
    for expected in ((None, "she/her"), ("Jo", "she/her"), ("Joo", "she/her")):
        body = caseload.redo_edit(admin, record.id, redo.pop()).body.dump()
        assert (body.get("preferred_name"), body.get("pronouns")) == expected
    # Every step is a change of its own: the history keeps what was typed, undone and made again.
    assert [c.op for c in admin.records.history(record.id)].count("update") == 9


def test_drafts_survive_a_restart(admin: Vault, clock: FakeClock) -> None:
    caseload.save_draft(admin, "youth:new", {"legal_name.given": "Kai", "pronouns": "they/them"})
    admin.close()
    again = Vault.unlock(admin.folder, "admin", "fictional admin passphrase", wall=clock)
    assert caseload.load_draft(again, "youth:new") == {"legal_name.given": "Kai", "pronouns": "they/them"}
    caseload.drop_draft(again, "youth:new")
    assert caseload.load_draft(again, "youth:new") is None
    again.close()


def test_caseload_filters_by_status_age_and_worker(admin: Vault) -> None:
    from datetime import date

    today = date(2026, 11, 28)
    a = caseload.create_youth(admin, youth_data(date_of_birth="2008-11-28", assigned_worker="casey",
                                                legal_status=[{"status": "ward", "start": "2024-01-01"}]))
    b = caseload.create_youth(admin, youth_data(date_of_birth="2008-11-29", assigned_worker="drew",
                                                legal_status=[{"status": "dependent", "start": "2020-01-01",
                                                               "end": "2025-01-01"}]))
    c = caseload.create_youth(admin, youth_data(date_of_birth="2012-02-29", assigned_worker="casey",
                                                legal_status=[]))

    def ids(**f: object) -> set[str]:
        return {s.id for s in caseload.page(admin, filters=caseload.Filters(**f), today=today)[1]}  # type: ignore[arg-type]

    assert ids(status=LegalStatus.WARD) == {a.id}
    assert ids(status=LegalStatus.NONE) == {b.id, c.id}  # b's dependency ended
    assert ids(min_age=18) == {a.id}  # a turns 18 today; b tomorrow
    assert ids(max_age=17) == {b.id, c.id}
    assert ids(min_age=14, max_age=14) == {c.id}  # leap-day birthday: 14 on 2026-03-01
    assert ids(worker="casey") == {a.id, c.id}
    found = caseload.search(admin, "sampleton", filters=caseload.Filters(worker="drew"), today=today)
    assert [s.id for s in found] == [b.id]


def test_caseload_sorts_by_name_birth_worker_both_ways(admin: Vault) -> None:
    made = [caseload.create_youth(admin, youth_data(legal_name={"given": g, "family": f}, date_of_birth=b,
                                                    assigned_worker=w))
            for g, f, b, w in (("Ana", "Zed", "2010-01-01", "casey"), ("Bo", "Alder", "2012-01-01", "drew"),
                               ("Cy", "Moss", "2008-01-01", "avery"))]
    z, a, m = (r.id for r in made)

    def ids(order: str, descending: bool = False) -> list[str]:
        return [s.id for s in caseload.page(admin, order=order, descending=descending)[1]]

    assert ids("name") == [a, m, z]
    assert ids("name", True) == [z, m, a]
    assert ids("birth") == [m, z, a]
    assert ids("worker") == [m, z, a]
    found = caseload.search(admin, "sampleton", order="birth", descending=True)
    assert found == []  # names were replaced; search still accepts the order
    assert [s.id for s in caseload.search(admin, "moss", order="birth")] == [m]
    with pytest.raises(ValueError, match="sort order"):
        caseload.page(admin, order="body; DROP TABLE records")


def test_only_a_role_that_reads_sealed_records_may_seal_one(admin: Vault) -> None:
    from tests.conftest import WORKER_PASS

    youth = caseload.create_youth(admin, youth_data(assigned_worker="casey", unit=None))
    with pytest.raises(PermissionDenied):  # the administrator cannot read sealed records
        caseload.update_youth(admin, youth.id, {"sealed": True})
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS)
    supervisor = Vault.unlock(admin.folder, "sam", WORKER_PASS)
    try:
        caseload.update_youth(supervisor, youth.id, {"sealed": True})
        assert caseload.get_youth(supervisor, youth.id).body.dump()["sealed"] is True
        caseload.update_youth(supervisor, youth.id, {"sealed": True, "unit": "Unit B"})  # sealed already
    finally:
        supervisor.close()
    assert caseload.page(admin)[0] == 0  # now hidden from the administrator's caseload
    # The audit trail says so: sealing read "Record changed", fields: sealed.
    from csec_desktop.audit_actions import action_name

    said = [(e.action, e.record_id) for e in admin.audit_log.entries() if e.record_id == youth.id]
    assert ("youth_sealed", youth.id) in said and said[-1] == ("update", youth.id)
    assert action_name("youth_sealed") == "Youth sealed"


def test_caseload_filters_by_current_csec_status(admin: Vault) -> None:
    from datetime import datetime

    from csec_desktop import identification
    from csec_desktop.rules import LEGAL_ZONE

    victim, at_risk, never = (caseload.create_youth(admin, youth_data()) for _ in range(3))
    identification.record_status(admin, victim.id, "at_risk", "first screen",
                                 datetime(2026, 9, 1, 9, 0, tzinfo=LEGAL_ZONE))
    identification.record_status(admin, victim.id, "victim", "disclosure",
                                 datetime(2026, 11, 1, 9, 0, tzinfo=LEGAL_ZONE))
    identification.record_status(admin, at_risk.id, "at_risk", "screen",
                                 datetime(2026, 10, 1, 9, 0, tzinfo=LEGAL_ZONE))

    def ids(csec: str) -> set[str]:
        return {s.id for s in caseload.page(admin, filters=caseload.Filters(csec=csec))[1]}

    assert ids("victim") == {victim.id}
    assert ids("at_risk") == {at_risk.id}  # the victim's earlier "at risk" is no longer current
    assert ids("not_identified") == {never.id}


@pytest.mark.parametrize("hidden", ["\x00", "\x1b[31m", "\u202e", "\u2066", "\x85"])
def test_names_refuse_hidden_control_and_direction_characters(admin: Vault, hidden: str) -> None:
    """Issue 20: a NUL, an ANSI escape or a right-to-left override in a name was accepted (it can
    make one name read as another, or break a terminal or a file). Refused with the field named,
    nothing written; tabs and line breaks in long text stay allowed."""
    before = caseload.page(admin)[0]
    with pytest.raises(ValidationFailed) as refused:
        caseload.create_youth(admin, youth_data(legal_name={"given": f"Ana{hidden}", "family": "Demo"}))
    assert [p.field for p in refused.value.problems] == ["legal_name.given"]
    assert "hidden control or text-direction character" in refused.value.problems[0].message
    with pytest.raises(ValidationFailed) as alias:
        caseload.create_youth(admin, youth_data(aliases=[{"name": f"Sparrow{hidden}", "kind": "moniker"}]))
    assert alias.value.problems[0].field == "aliases.0.name"
    assert caseload.page(admin)[0] == before
    youth = caseload.create_youth(admin, youth_data())
    note = caseload.add_attached(admin, youth.id, "case_note", {
        "occurred_at": "2026-11-01T10:00:00+00:00", "text": "Line one\n\tindented line two\r\n"})
    assert note.body.text.startswith("Line one")  # type: ignore[attr-defined]


@pytest.mark.parametrize("deleted", [False, True])
def test_a_pulled_state_keeps_the_history_folding_to_the_record(admin: Vault, deleted: bool) -> None:
    """Two pull cases `audit verify` flagged (the model test and the sealed-sync test found them):
    a new record with blank fields, whose history left them out; and a deletion pulled with values
    that differ from this device's, whose history kept only the deletion."""
    body = caseload.create_youth(admin, youth_data()).body.dump()
    record_id = "01a20000-0000-7000-8000-000000000001"
    stamps = dict.fromkeys(body, "1796000000000-00000-hub")
    with admin.require_db().transaction():
        admin.records.put_remote(record_id=record_id, kind="youth", owner_id=record_id, version=1,
                                 deleted=False, body={**body, "preferred_name": None}, clocks=stamps,
                                 updated_at="2026-11-28T10:00:00.000+00:00", updated_by="ana")
    # A pulled create keeps no copy of the body in its history row until the body changes.
    db = admin.require_db()
    assert db.scalar("SELECT fields FROM changes WHERE record_id = ?", (record_id,)) == SAME_AS_BODY
    assert db.scalar("SELECT fields FROM changes_full WHERE record_id = ?", (record_id,)) == \
        "[" + db.scalar("SELECT body FROM records WHERE id = ?", (record_id,)) + "]"
    with db.transaction():
        admin.records.put_remote(record_id=record_id, kind="youth", owner_id=record_id, version=3,
                                 deleted=deleted, body={**body, "preferred_name": "Sky"},
                                 clocks={**stamps, "preferred_name": "1796000000001-00000-hub"},
                                 updated_at="2026-11-28T10:01:00.000+00:00", updated_by="ana")
    report = admin.verify_audit()
    assert report.ok, str(report)


def test_an_edit_after_a_restart_comes_after_a_stamp_pulled_with_the_same_value(
        admin: Vault, vault_dir: Path) -> None:
    """The sync model found it: a pulled state with the same values under a newer stamp (set again
    on a device whose clock ran ahead) changed the record's stamps but wrote no history row, so the
    unlock's clock, carried past the history's newest stamp, was behind it: the next edit here was
    stamped before the stamp it edited, and lost to it everywhere."""
    from csec_desktop.storage.history import fields_of

    youth = caseload.create_youth(admin, youth_data())
    body = youth.body.dump()
    # A device whose clock ran 14 hours ahead (within what a clock follows: clock.OBSERVE_AHEAD_MS).
    ahead = f"{int(time.time() * 1000) + 14 * 3600 * 1000:013d}-00000-01a20000-0000-7000-8000-0000000000aa"
    with admin.require_db().transaction():
        admin.records.put_remote(record_id=youth.id, kind="youth", owner_id=youth.id, version=2,
                                 deleted=False, body=body, clocks={**youth.clocks, "unit": ahead},
                                 updated_at="2026-11-28T10:00:00.000+00:00", updated_by="ana")
    admin.close()  # the process ends: the clock starts again from what the vault holds
    again = Vault.unlock(vault_dir, "admin", ADMIN_PASS)
    try:
        caseload.update_youth(again, youth.id, {"unit": "Unit B"})
        hlc, fields = again.require_db().one(
            "SELECT hlc, fields FROM changes_full WHERE record_id = ? ORDER BY seq DESC LIMIT 1", (youth.id,))
        assert fields_of(fields)["unit"]["base"] == ahead and hlc > ahead
        # The pulled re-stamp changed no value: undo passes over it to the edit before.
        with again.require_db().transaction():
            now = caseload.get_youth(again, youth.id)
            again.records.put_remote(record_id=youth.id, kind="youth", owner_id=youth.id, version=9,
                                     deleted=False, body=now.body.dump(),
                                     clocks={**now.clocks, "unit": ahead[:-1] + "b"},
                                     updated_at="2026-11-28T10:05:00.000+00:00", updated_by="ana")
        undone, _op = caseload.undo_last_edit(again, youth.id)
        assert undone.body.dump()["unit"] == body["unit"]
    finally:
        again.close()


def test_a_caseload_row_says_what_the_record_says(admin: Vault) -> None:
    """Rows are made from youth_fields (names kept there since schema 9) without opening bodies;
    they must be what decoding each body gives: names, aliases, birth, status today, worker."""
    from csec_desktop.demo import demo_youth

    for youth in demo_youth(40, seed=17, workers=["admin"]):
        caseload.create_youth(admin, youth)
    fast = caseload.page(admin, limit=100)[1]
    slow = [caseload.summary_of(row.id, admin.records.decode(row.id, admin.require_db().scalar(
        "SELECT body FROM records WHERE id = ?", (row.id,)))) for row in fast]
    assert fast == slow and len(fast) == 40
    assert any(row.aliases for row in fast) and len({row.status for row in fast}) > 1


def test_field_stamps_are_kept_packed_and_old_ones_still_read(admin: Vault) -> None:
    from csec_desktop.storage.records import pack_clocks, unpack_clocks

    record = caseload.create_youth(admin, youth_data())
    caseload.update_youth(admin, record.id, {"preferred_name": "Jo"})
    stored, body = admin.require_db().one("SELECT clocks, body FROM records WHERE id = ?", (record.id,))
    fields = json.loads(body)
    clocks = admin.records.get(record.id).clocks
    assert len(set(clocks.values())) == 2 and unpack_clocks(stored, fields) == clocks
    assert len(stored) < len(json.dumps(clocks)) / 3  # each stamp once
    assert unpack_clocks(json.dumps(clocks), fields) == clocks  # a record written before packing
    assert unpack_clocks(pack_clocks({}, {}), {}) == {}


def test_a_record_written_once_keeps_one_stamp_for_all_its_fields(admin: Vault) -> None:
    from csec_desktop.storage.records import pack_clocks, unpack_clocks

    record = caseload.create_youth(admin, youth_data())
    stored, body = admin.require_db().one("SELECT clocks, body FROM records WHERE id = ?", (record.id,))
    (stamp,) = set(record.clocks.values())
    assert json.loads(stored) == stamp  # the stamp alone: the body names the fields
    assert record.clocks.keys() == json.loads(body).keys()
    assert admin.records.get(record.id).clocks == record.clocks
    # A stamp for only some of the body's fields, or for one it lacks, keeps the fields named.
    some = {"unit": stamp}
    assert unpack_clocks(pack_clocks(some, ["unit", "county"]), ["unit", "county"]) == some
    more = {"unit": stamp, "gone": stamp}
    assert unpack_clocks(pack_clocks(more, ["unit"]), ["unit"]) == more
    # Written again: two stamps, each with its fields.
    caseload.update_youth(admin, record.id, {"unit": "Unit B"})
    stored = admin.require_db().scalar("SELECT clocks FROM records WHERE id = ?", (record.id,))
    assert isinstance(json.loads(stored), dict)
    assert len(set(admin.records.get(record.id).clocks.values())) == 2


def test_a_youth_is_found_by_the_court_case_number_of_a_count_or_petition(admin: Vault) -> None:
    """Caseworker review, session 36: an attorney searched the caseload for a criminal case number
    and found no one. The number of a count or petition is the youth's search word; changed or
    removed, the youth is found by the new one only."""
    from csec_desktop import caseload
    from tests.conftest import youth_data

    youth = caseload.create_youth(admin, youth_data()).id
    caseload.create_youth(admin, youth_data(legal_name={"given": "Rae", "family": "Fictorra"}))
    count = caseload.add_attached(admin, youth, "criminal_count", {
        "count_kind": "arrest", "section": "484", "case_number": "21CR-004455"}).id

    def found(text: str) -> list[str]:
        return [s.id for s in caseload.search(admin, text)]

    assert found("21CR-004455") == [youth] and found("0044") == [youth]
    caseload.update_attached(admin, count, {"case_number": "22CR-000777"})
    assert found("21CR-004455") == [] and found("22CR-000777") == [youth]
    caseload.add_attached(admin, youth, "vacatur_case", {"public_name": "J. S.",
                                                         "court_case_number": "VAC-26-000123"})
    assert found("VAC-26-000123") == [youth] and found("22CR-000777") == [youth]
    caseload.delete_attached(admin, count)
    assert found("22CR-000777") == [] and found("VAC-26") == [youth]
    assert found("Sampleton") == [youth]  # the youth's own words are still there
    assert admin.require_db().integrity_problems() == []
