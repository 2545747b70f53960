"""The use-case layer: one door per screen, so what is read and audited is decided once.

- opening a youth reads every attached kind the registry knows, with one "view" entry;
- a save of one field stays within 20 SQL statements and writes no "view" entry;
- printing a paper about one petition goes through the narrative rule and its audit;
- the caseload query gives the true total for a search, and its next page keeps the words;
- `csec` and the window's functions write the same audit entries for the same search and Today.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from csec_desktop import caseload, cli, today
from csec_desktop.clock import legal_today
from csec_desktop.documents import jobs
from csec_desktop.domain.kinds import KINDS
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import admin as admin_screen
from csec_desktop.usecases import caseload as caseload_screen
from csec_desktop.usecases import documents as documents_screen
from csec_desktop.usecases import today as today_screen
from csec_desktop.usecases import youth as youth_screen
from tests.conftest import ADMIN_PASS, WORKER_PASS, youth_data

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=LEGAL_ZONE)


@contextmanager
def counted(vault: Vault) -> Iterator[list[str]]:
    """Every SQL statement our code runs on the vault's connection inside the block (SQLite also
    reports, prefixed "--", the statements a virtual table such as FTS5 runs for one of ours)."""
    seen: list[str] = []
    conn = vault.require_db()._conn
    conn.set_trace_callback(lambda sql: None if sql.startswith("--") else seen.append(sql))
    try:
        yield seen
    finally:
        conn.set_trace_callback(None)


def _actions(vault: Vault, since: int) -> list[tuple[str, str | None, dict[str, Any]]]:
    return [(e.action, e.record_id, e.detail) for e in vault.audit_log.entries() if e.seq > since]


def _head(vault: Vault) -> int:
    entries = vault.audit_log.entries(newest_first=True, limit=1)
    return entries[0].seq if entries else 0


def test_opening_a_youth_reads_every_kind_with_one_view(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "contact", {"name": "Rowan Example", "relationship": "aunt"})
    caseload.add_attached(admin, youth.id, "case_note", {"occurred_at": "2026-11-02T10:00:00-08:00",
                                                         "note_kind": "contact", "text": "Met at school."})
    before = _head(admin)
    with counted(admin) as statements:
        file = youth_screen.open_youth(admin, youth.id, NOW)
    assert [a for a, _r, _d in _actions(admin, before)] == ["view"]
    assert [r.body.dump()["name"] for r in file.of("contact")] == ["Rowan Example"]
    assert len(file.of("case_note")) == 1
    # The registry decides which kinds a youth has, not the screen.
    expected = {k for k, m in KINDS.items() if k != "youth" and "youth_id" in m.model_fields}
    assert set(file.kinds) == expected
    # The history is the youth's and their records', newest first (it showed "created the record"
    # after a day of notes and contacts).
    assert [(h.kind, h.op) for h in file.history] == [("case_note", "create"), ("contact", "create"),
                                                      ("youth", "create")]
    # One query for every attached kind: not one per kind (the history's is one more).
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "WHERE owner_id" in s
             and "changes_full" not in s]
    assert len(reads) == 1, reads


def test_the_history_names_a_removed_record_and_what_changed_in_one(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    contact = caseload.add_attached(admin, youth.id, "contact",
                                    {"name": "Rowan Example", "relationship": "aunt"})
    caseload.update_attached(admin, contact.id, {"relationship": "aunt (mother's side)"})
    caseload.delete_attached(admin, contact.id)
    history = youth_screen.open_youth(admin, youth.id, NOW).history
    assert [(h.kind, h.op, h.fields) for h in history[:2]] == [
        ("contact", "delete", ("deleted",)), ("contact", "update", ("relationship",))]
    assert history[0].item is not None and history[0].item["name"] == "Rowan Example"  # as when removed
    # An edit carries what each field was: a count or a contact has no undo, and a mistaken edit
    # could be put right only from memory (attorney review, session 36).
    assert history[1].changes == (("relationship", "aunt", "aunt (mother's side)"),)
    assert history[2].changes == ()  # a creation names no old values


def test_the_history_says_which_record_a_line_is_about(admin: Vault) -> None:
    """"changed Phone of a contact" did not say which of the youth's contacts: each line of an
    attached record carries the record as it read then, said in one line as its list says it."""
    from csec_desktop.domain.summaries import summarize

    youth = caseload.create_youth(admin, youth_data())
    aunt = caseload.add_attached(admin, youth.id, "contact",
                                 {"name": "Rowan Example", "relationship": "aunt"})
    caseload.add_attached(admin, youth.id, "contact", {"name": "Sky Sample", "relationship": "mentor"})
    caseload.update_attached(admin, aunt.id, {"phone": "(555) 010-4444"})
    today.mark_done(admin, youth.id, "csec.team_meeting", "", method="in person")
    history = youth_screen.open_youth(admin, youth.id, NOW).history
    lines = [(h.kind, h.op, summarize(h.kind, h.item) if h.item else None) for h in history]
    assert lines[1] == ("contact", "update", "Rowan Example · aunt · (555) 010-4444")
    assert lines[2] == ("contact", "create", "Sky Sample · mentor")
    # Each line says the record as it read then: added without a phone, it is not shown with the
    # phone given later (supervisor review, session 36).
    assert lines[3] == ("contact", "create", "Rowan Example · aunt")
    assert lines[-1] == ("youth", "create", None)  # the youth's own lines name fields only
    kind, op, duty = lines[0]
    assert (kind, op) == ("duty_done", "create")
    assert duty is not None and not duty.startswith("Duty:")  # the rule's words, not its id
    assert duty.endswith(f"done on {legal_today().isoformat()}")


def test_every_kind_has_words_for_a_sentence() -> None:
    from csec_desktop.domain.labels import RECORD_KINDS

    assert set(RECORD_KINDS) == set(KINDS)


def test_opening_a_youth_reads_their_records_through_an_index_never_the_whole_county(admin: Vault) -> None:
    """Issue 24: a youth's records were found by owner through no index (1.1 s to open a youth at
    100,000 youth). Every statement opening a youth runs reads by index: none scans `records`."""
    youth = caseload.create_youth(admin, youth_data())
    caseload.add_attached(admin, youth.id, "contact", {"name": "Aunt Demo", "relationship": "aunt"})
    with counted(admin) as seen:
        youth_screen.open_youth(admin, youth.id)
    db = admin.require_db()
    scans = [(sql, str(row[3])) for sql in seen if sql.lstrip().upper().startswith("SELECT")
             for row in db.query("EXPLAIN QUERY PLAN " + sql) if str(row[3]).startswith("SCAN records")]
    assert any("owner_id" in sql for sql in seen)
    assert scans == []


def test_saving_one_field_is_at_most_25_statements_and_no_view(admin: Vault) -> None:
    # 20 until schema 17, which keeps the words holding a digit in a table of their own beside the
    # full-text index (storage/numbers.py): a youth's index rows are two deletes and two inserts.
    # 22 until schema 18, whose trigger on a body's first change (the trace names its program
    # twice) copies the body as created into the create's history row. 24 until schema 23: the
    # court case numbers of the youth's counts and petitions are read (by index) to be indexed too.
    youth = caseload.create_youth(admin, youth_data())
    opened = youth_screen.open_youth(admin, youth.id, NOW)
    before = _head(admin)
    with counted(admin) as statements:
        saved = youth_screen.save_youth(admin, youth.id, {"preferred_name": "Jo"}, opened.record.version, NOW)
    assert len(statements) <= 25, "\n".join(statements)
    assert saved.record.body.dump()["preferred_name"] == "Jo"
    assert saved.history[0].fields == ("preferred_name",)
    assert [a for a, _r, _d in _actions(admin, before)] == ["update"]
    undone = youth_screen.undo_youth(admin, youth.id, now=NOW)
    assert undone.saved.record.body.dump().get("preferred_name") is None
    again = youth_screen.redo_youth(admin, youth.id, undone.edit, now=NOW)
    assert again.saved.record.body.dump()["preferred_name"] == "Jo" and again.change != undone.change


def _petition(admin: Vault) -> tuple[Vault, Vault, str, str]:
    admin.add_user("alex", role="attorney", passphrase=WORKER_PASS, unit="Unit A")
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    attorney = Vault.unlock(admin.folder, "alex", WORKER_PASS)
    worker = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2002-05-01"))
    count = caseload.add_attached(attorney, youth.id, "criminal_count", {
        "count_kind": "conviction", "section": "484", "offense_date": "2021-03-01",
        "prosecuting_agency": "Demo County District Attorney", "while_victim": True,
        "nexus": "He took my ID and sent me to steal."})
    case = caseload.add_attached(attorney, youth.id, "vacatur_case", {
        "public_name": "J. S.", "count_ids": [count.id], "grounds": "A man controlled where I lived.",
        "victimization_ended_on": "2022-06-01", "court_county": "Demo"})
    return attorney, worker, youth.id, case.id


def test_printing_one_petition_audits_the_account_it_quotes(admin: Vault) -> None:
    attorney, worker, youth_id, case_id = _petition(admin)
    try:
        before = _head(admin)
        jobs.make(attorney, "vacatur_petition", youth_id, item=case_id)
        viewed = [(r, d.get("kind")) for a, r, d in _actions(attorney, before) if a == "narrative_viewed"]
        assert (case_id, "vacatur_case") in viewed  # the case named by id, not only the counts
        # A caseworker is told plainly, and nothing of the account is read for them.
        choices = {c.kind: c for c in documents_screen.for_youth(worker, youth_id)}
        assert not choices["vacatur_petition"].can_make and choices["youth_summary"].can_print
        assert not choices["youth_summary"].can_export  # caseworkers print; they do not export
        assert choices["referral_letter"].item_kind == "referral"
        # An attorney may save the court papers they file as PDF, and no other document.
        theirs = {c.kind: c for c in documents_screen.for_youth(attorney, youth_id)}
        assert theirs["vacatur_petition"].can_export and not theirs["youth_summary"].can_export
    finally:
        attorney.close()
        worker.close()


def test_search_total_is_every_match_and_more_keeps_the_words(admin: Vault) -> None:
    for n in range(7):
        caseload.create_youth(admin, youth_data(legal_name={"given": f"Pagetest{n}", "family": "Sampleton"},
                                                aliases=[], identifiers={}))
    for n in range(5):
        caseload.create_youth(admin, youth_data(legal_name={"given": f"Other{n}", "family": "Elsewhere"},
                                                aliases=[], identifiers={}))
    asked = caseload_screen.CaseloadQuery(text="pagetest")
    first = caseload_screen.query(admin, asked, limit=3)
    assert first.total == 7 and len(first.rows) == 3
    # A youth added between two pages, sorting before what was shown, moves nothing on: keyset
    # paging starts after the last row shown (an offset would have shown that row again).
    caseload.create_youth(admin, youth_data(legal_name={"given": "Pagetest", "family": "Aaronsample"},
                                            aliases=[], identifiers={}))
    second = caseload_screen.query(admin, asked, after=first.next, limit=3)
    third = caseload_screen.query(admin, asked, after=second.next, limit=3)
    assert second.total == third.total == 8 and third.next is not None
    names = [r.legal_name for r in (*first.rows, *second.rows, *third.rows)]
    assert len(names) == 7 == len(set(names)) and all(n.startswith("Pagetest") for n in names)
    assert caseload_screen.query(admin, asked, after=third.next, limit=3).rows == []
    everyone = caseload_screen.query(admin, caseload_screen.CaseloadQuery(), limit=3)
    assert everyone.total == 13


def test_window_and_csec_write_the_same_audit_for_a_search_and_today(admin: Vault) -> None:
    caseload.create_youth(admin, youth_data())
    folder = admin.folder
    before = _head(admin)
    shown = caseload_screen.query(admin, caseload_screen.CaseloadQuery(text="jose"))
    caseload_screen.query(admin, caseload_screen.CaseloadQuery(text="jose"), after=shown.next)  # "load more"
    today_screen.whole(admin, NOW)
    window = [(a, d) for a, _r, d in _actions(admin, before)]
    admin.close()
    for command in (["search", "jose"], ["today"]):
        code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", *command],
                        stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=io.StringIO())
        assert code == 0
    again = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        entries = _actions(again, 0)
        start = next(i for i, (a, _r, _d) in enumerate(entries) if a == "unlock" and i > 0 and
                     entries[i - 1][0] in ("today_viewed", "lock"))
        command_line = [(a, d) for a, _r, d in entries[start:] if a in ("search", "today_viewed")]
        assert window == [("search", {"results": 1}), ("today_viewed", window[1][1])]
        assert [a for a, _d in command_line] == ["search", "today_viewed"]
        assert command_line[0][1] == window[0][1]
    finally:
        again.close()


def test_admin_overview_is_audited_and_refused_to_others(admin: Vault) -> None:
    found = admin_screen.overview(admin)
    assert [u.username for u in found.users] == ["admin"] and "idle_lock_minutes" in found.settings
    assert admin.audit_log.entries(newest_first=True, limit=1)[0].action == "audit_viewed"
    assert admin_screen.save_settings(admin, {**found.settings, "rescreen_days": 90}) == ["rescreen_days"]


def test_the_trail_shown_keeps_what_matters_in_view_behind_a_day_of_routine_reads(admin: Vault) -> None:
    """An export for the newspaper, then 520 searches: in the 500 newest entries the export was gone.
    Routine reads are left out unless asked for; each entry shows what its detail records."""
    youth = caseload.create_youth(admin, youth_data())
    admin.audit("export", record_id=youth.id, purpose="for a friend at the newspaper", file="out.pdf")
    for _ in range(520):
        caseload_screen.searched(admin, 3)
    shown = admin_screen.overview(admin).entries
    export = next(e for e in shown if e.action == "export")
    assert admin_screen.detail_text(export) == "file: out.pdf; purpose: for a friend at the newspaper"
    assert not {e.action for e in shown} & admin_screen.ROUTINE
    everything = admin_screen.audit_entries(admin, routine=True)
    assert len(everything) == admin_screen.AUDIT_SHOWN and "export" not in {e.action for e in everything}


def test_a_youth_the_hub_refused_is_said_to_be_on_this_computer_only(admin: Vault) -> None:
    """Sync review 2: a youth whose record the hub refused looked like any other (and Today listed
    their duties); no one else, the supervisor included, has it."""
    youth = caseload.create_youth(admin, youth_data())
    assert youth_screen.open_youth(admin, youth.id, NOW).refused_by_hub == ""
    db = admin.require_db()
    db.execute("UPDATE changes SET pushed = 2, sync_detail = 'refused: outside your caseload at the hub' "
               "WHERE record_id = ? AND op = 'create'", (youth.id,))
    assert youth_screen.open_youth(admin, youth.id, NOW).refused_by_hub == "outside your caseload at the hub"
    db.execute("UPDATE changes SET pushed = 3 WHERE record_id = ?", (youth.id,))  # set aside: still true
    assert youth_screen.refresh(admin, youth.id, NOW).refused_by_hub == "outside your caseload at the hub"


def test_the_audit_trail_names_only_the_fields_a_save_changed(admin: Vault) -> None:
    """Keyboard review 2: a contact whose phone alone changed was audited as "fields: address, email,
    may_receive_information, name, notes, phone, relationship" (every field the form sends)."""
    youth = caseload.create_youth(admin, youth_data())
    contact = caseload.add_attached(admin, youth.id, "contact",
                                    {"name": "Rowan Example", "relationship": "aunt"})
    form = {**contact.body.dump(), "phone": "(555) 010-0199"}
    before = _head(admin)
    caseload.update_attached(admin, contact.id, form)
    caseload.update_youth(admin, youth.id, {**caseload.get_youth(admin, youth.id, audit=False).body.dump(),
                                            "pronouns": "they/them"})
    updates = [d["fields"] for action, _r, d in _actions(admin, before) if action == "update"]
    assert updates == [["phone"], ["pronouns"]]  # the trail keeps the names; the page says labels
    entries = [e for e in admin.audit_log.entries() if e.seq > before and e.action == "update"]
    assert [admin_screen.detail_text(e) for e in entries] == [
        "fields: Phone; kind: contact", "fields: Pronouns"]


def test_the_youth_with_typing_kept_from_before_are_named_at_sign_in(admin: Vault) -> None:
    """Caseworker review, session 36: after a hard kill, a half-typed note came back only on opening
    that youth, and nothing at sign-in said it was waiting. The youth whose typing this person kept
    are named (a record page's and a form's, once each; nobody else's), and no view is audited."""
    first = caseload.create_youth(admin, youth_data(legal_name={"given": "Keptia", "family": "Draftson"}))
    second = caseload.create_youth(admin, youth_data(legal_name={"given": "Formia", "family": "Draftson"}))
    assert youth_screen.kept_drafts(admin) == []
    caseload.save_draft(admin, youth_screen.DRAFT_PREFIX + first.id, {"pronouns": "she/her"})
    caseload.save_draft(admin, youth_screen.screen_draft_key(first.id, "needs_assessment"), {"x": 1})
    caseload.save_draft(admin, youth_screen.screen_draft_key(second.id, "needs_assessment"), {"x": 1})
    before = _head(admin)
    assert youth_screen.kept_drafts(admin) == ["Keptia Draftson", "Formia Draftson"]
    assert _actions(admin, before) == []
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        assert youth_screen.kept_drafts(casey) == []  # another person's typing is theirs
    finally:
        casey.close()


def test_a_draft_holding_nothing_is_not_kept_and_names_no_youth(admin: Vault) -> None:
    """Supervisor review, session 36: after an undo, Today said typing was kept for a youth whose
    record held nothing unsaved: an empty draft had been kept."""
    youth = caseload.create_youth(admin, youth_data(legal_name={"given": "Emptia", "family": "Draftson"}))
    key = youth_screen.DRAFT_PREFIX + youth.id
    caseload.save_draft(admin, key, {"fields": {"pronouns": "she/her"}, "lists": {}, "forms": {}})
    assert youth_screen.kept_drafts(admin) == ["Emptia Draftson"]
    caseload.save_draft(admin, key, {"fields": {}, "lists": {}, "forms": {"case_note": {}}})
    assert caseload.load_draft(admin, key) is None and youth_screen.kept_drafts(admin) == []
    caseload.save_draft(admin, key, {"fields": {}, "lists": {"aliases": []}, "forms": {}})  # all removed
    assert caseload.load_draft(admin, key) == {"fields": {}, "lists": {"aliases": []}, "forms": {}}
