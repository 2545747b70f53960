"""Today: birthday duties of foster youth, found across the caseload, marked done and reopened."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pypdfium2 as pdfium
import pytest

from csec_desktop import caseload, identification, today
from csec_desktop.documents import jobs
from csec_desktop.domain.duties import DutyDone, Told
from csec_desktop.errors import NotFound, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding, FindingKind, Registry, birthday
from csec_desktop.storage.vault import Vault
from csec_desktop.text import translations
from tests.conftest import WORKER_PASS, youth_data

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=LEGAL_ZONE)
FOSTER = {"legal_status": [{"status": "dependent", "start": "2020-01-01"}],
          "placement": {"type": "resource_family"}}


def _rules(vault: Vault, **kw: object) -> list[tuple[str, str]]:
    return [(i.finding.rule_id, i.finding.occurrence) for i in today.items(vault, NOW, **kw)]  # type: ignore[arg-type]


def test_every_rule_cites_its_law_and_date() -> None:
    assert {"efc.notice_at_16", "transition.ninety_day_plan", "tilp.credit_report"} <= set(REGISTRY.info)
    for info in REGISTRY.info.values():
        # A statute, or for programs the official source (a DHCS manual, the CalVCB page, the Act).
        sources = ("Code", "U.S.C.", "DHCS", "CalVCB", "Act")
        assert any(word in info.citation for word in sources), info.rule_id
        # 1 January 2026: the statute snapshot; 30 November 2026: the rules re-read for issue 18;
        # 1 December 2026: the rules added for issue 18's immigration question.
        assert info.law_as_of in (date(2026, 1, 1), date(2026, 11, 30), date(2026, 12, 1)), info.rule_id


def test_a_foster_youth_who_turned_16_ten_days_ago(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    found = today.items(admin, NOW)
    assert [(i.finding.rule_id, i.finding.occurrence) for i in found] == [
        ("efc.notice_at_16", "16"), ("tilp.credit_report", "16")]
    notice = found[0].finding
    assert notice.overdue(NOW) and notice.youth_id == youth.id
    assert notice.due == datetime(2026, 11, 18, 23, 59, 59, tzinfo=LEGAL_ZONE)
    assert notice.citation == "Welf. & Inst. Code, § 11403, subd. (f)(2)"
    assert found[0].youth_name == "José Sampleton"
    # The credit check for age 16 is due by the day before the 17th birthday, not yet overdue.
    assert not found[1].finding.overdue(NOW)


def test_no_duties_for_a_youth_living_at_home_or_without_court_status(admin: Vault) -> None:
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18",
                                            legal_status=FOSTER["legal_status"],
                                            placement={"type": "home_of_parent"}))
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", legal_status=[]))
    assert _rules(admin) == []


def test_the_90_day_window_and_its_lookahead(admin: Vault) -> None:
    # 18 on 2027-01-20: the window opened on 2026-10-22; due the day before the birthday.
    caseload.create_youth(admin, youth_data(date_of_birth="2009-01-20", **FOSTER))
    found = [i.finding for i in today.items(admin, NOW)
             if i.finding.rule_id == "transition.ninety_day_plan"]
    assert len(found) == 1
    assert found[0].due == datetime(2027, 1, 19, 23, 59, 59, tzinfo=LEGAL_ZONE)
    assert "2026-10-22" in found[0].why[0]
    # 18 on 2027-04-01: the window opens 2027-01-01, more than 30 days ahead: not shown yet.
    caseload.create_youth(admin, youth_data(date_of_birth="2009-04-01", **FOSTER))
    # 19 on 2026-06-01: a plan missed at 18 is no longer shown a year on.
    caseload.create_youth(admin, youth_data(date_of_birth="2007-06-01", **FOSTER))
    assert sum(1 for r, _ in _rules(admin) if r == "transition.ninety_day_plan") == 1


def test_leap_day_birthdays_fall_on_1_march() -> None:
    assert birthday(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)


def test_mark_done_hides_it_reopen_brings_it_back(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    today.mark_done(admin, youth.id, "efc.notice_at_16", "16", note="Explained at the visit",
                    method="in person")
    assert _rules(admin) == [("tilp.credit_report", "16")]
    with pytest.raises(ValidationFailed, match="already marked done"):  # it replaced the first mark
        today.mark_done(admin, youth.id, "efc.notice_at_16", "16", note="Marked again", method="in person")
    done = [i.finding for i in today.items(admin, NOW, include_done=True) if i.finding.done]
    assert [(f.rule_id, f.occurrence) for f in done] == [("efc.notice_at_16", "16")]
    assert [f.done for f in today.for_youth(admin, youth.id, NOW)] == [False, True]
    today.reopen(admin, youth.id, "efc.notice_at_16", "16")
    assert ("efc.notice_at_16", "16") in _rules(admin)
    with pytest.raises(NotFound):
        today.reopen(admin, youth.id, "efc.notice_at_16", "16")
    with pytest.raises(NotFound):
        today.mark_done(admin, youth.id, "no.such.rule", "")
    actions = [e.action for e in admin.audit_log.entries()]
    assert "duty_done" in actions and "duty_reopened" in actions


def test_a_duty_done_by_telling_someone_is_not_marked_done_with_no_one_told(admin: Vault) -> None:
    """A report or notice marked done names who was told or how: an empty mark (a second click as
    the selection moved on to the next duty) had recorded a report to law enforcement no one made."""
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    for empty in ({}, {"method": "  "}, {"recipients": []}):
        with pytest.raises(ValidationFailed) as refused:
            today.mark_done(admin, youth.id, "efc.notice_at_16", "16", **empty)  # type: ignore[arg-type]
        assert [p.field for p in refused.value.problems] == ["recipients"]
        assert "Welf. & Inst. Code, § 11403, subd. (f)(2)" in str(refused.value.problems[0].message)
    assert admin.records.attached(youth.id, "duty_done") == []
    assert {rule for rule, info in REGISTRY.info.items() if info.tells} >= {
        "csec.report_law_enforcement_24h", "csec.canra_written_36h", "missing.notices_24h",
        "missing.ncic_ncmec_24h"}
    today.mark_done(admin, youth.id, "efc.notice_at_16", "16", recipients=[{"who": "the youth"}])
    # A duty that tells no one (a credit report asked for) is marked done as it is.
    today.mark_done(admin, youth.id, "tilp.credit_report", "16")


def test_a_caseworker_sees_only_their_caseload_on_today(admin_with_casey: Vault) -> None:
    admin = admin_with_casey
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", assigned_worker="casey",
                                            unit=None, **FOSTER))
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", assigned_worker="drew",
                                            unit=None, **FOSTER))
    assert len(_rules(admin)) == 4
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        assert len(_rules(casey)) == 2
    finally:
        casey.close()


def test_the_age_span_skips_youth_no_rule_can_concern(admin: Vault) -> None:
    seen: list[str] = []
    registry = Registry()

    @registry.register("test.spy", summary="spy", citation="Test Code, § 1", law_as_of=date(2026, 1, 1),
                       ages=(16, 17))
    def spy(facts: dict[str, object], as_of: datetime) -> list[Finding]:
        seen.append(str(facts["youth_id"]))
        return [Finding("test.spy", FindingKind.WARNING, "t", (), "Test Code, § 1", date(2026, 1, 1))]

    young = caseload.create_youth(admin, youth_data(date_of_birth="2014-01-01"))
    sixteen = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-28"))  # 16 today
    eighteen = caseload.create_youth(admin, youth_data(date_of_birth="2008-11-28"))  # 18 today
    assert len(today.items(admin, NOW, registry=registry)) == 1
    assert seen == [sixteen.id]
    assert young.id not in seen and eighteen.id not in seen
    registry.register("test.any_age", summary="any", citation="Test Code, § 2",
                      law_as_of=date(2026, 1, 1))(lambda facts, as_of: [])
    seen.clear()
    today.items(admin, NOW, registry=registry)
    assert len(seen) == 3


def test_today_in_chunks_finds_the_same_as_at_once(admin: Vault) -> None:
    for day in ("2010-11-18", "2010-10-01", "2009-01-20", "2012-11-20", "2010-11-01"):
        caseload.create_youth(admin, youth_data(date_of_birth=day, **FOSTER))
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", legal_status=[]))  # skipped
    whole = today.items(admin, NOW)
    parts: list[today.Item] = []
    after: int | None = 0
    chunks = []
    while after is not None:
        chunk = today.scan(admin, NOW, after=after, limit=2)
        chunks.append(chunk)
        parts.extend(chunk.items)
        after = chunk.next_after
    assert sum(c.checked for c in chunks) == 5 and len(chunks) == 3
    fractions = [c.done_fraction for c in chunks]
    assert fractions == sorted(fractions) and 0 < fractions[0] < 1 and fractions[-1] == 1.0
    assert today.sort_items(parts, NOW) == whole


def test_a_chunk_asked_to_stop_ends_after_the_youth_it_checked_and_the_next_goes_on_from_there(
        admin: Vault) -> None:
    """Issue 24: a search typed while Today computes waited for the whole chunk running (50 to 110
    ms at 100,000 youth). The window asks the chunk to stop when a search waits; it stops after at
    least one youth, and the chunks that follow find exactly what one pass finds."""
    for day in ("2010-11-18", "2010-10-01", "2009-01-20", "2012-11-20", "2010-11-01"):
        caseload.create_youth(admin, youth_data(date_of_birth=day, **FOSTER))
    whole = today.items(admin, NOW)
    checked, parts = _scanned_with_stops(admin, limit=4, stop_at=2)
    assert checked[0] == 2 and sum(checked) == 5  # stopped when asked the second time
    assert today.sort_items(parts, NOW) == whole


def _scanned_with_stops(vault: Vault, *, limit: int, stop_at: int) -> tuple[list[int], list[today.Item]]:
    """Today in chunks of `limit`, each asked to stop the `stop_at`-th time it asks: how many youth
    each chunk checked, and what they found."""
    parts: list[today.Item] = []
    checked: list[int] = []
    after: int | None = 0
    while after is not None:
        asked: list[int] = []

        def stop(asked: list[int] = asked) -> bool:
            asked.append(1)
            return len(asked) >= stop_at

        chunk = today.scan(vault, NOW, after=after, limit=limit, stop=stop)
        checked.append(chunk.checked)
        parts.extend(chunk.items)
        after = chunk.next_after
        assert chunk.checked >= 1 and (after is None or 0 < chunk.done_fraction < 1)
    return checked, parts


def test_a_chunk_that_may_stop_decodes_its_youth_a_slice_at_a_time(
        admin: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24: a chunk decoded all its youth and read their records before it first asked
    whether to stop (the smallest chunk, 100 youth, held the thread 10-30 ms). It does so for
    `SLICE` youth at a time, asking between them too; a chunk never asked does it once, as before."""
    for day in ("2010-11-18", "2010-10-01", "2009-01-20", "2012-11-20", "2010-11-01", "2011-03-03",
                "2009-06-06"):
        caseload.create_youth(admin, youth_data(date_of_birth=day, **FOSTER))
    whole = today.items(admin, NOW)
    monkeypatch.setattr(today, "SLICE", 2)
    reads: list[int] = []
    decode = today._chunk_of
    monkeypatch.setattr(today, "_chunk_of",
                        lambda v, rows, *a: reads.append(len(rows)) or decode(v, rows, *a))
    checked, parts = _scanned_with_stops(admin, limit=5, stop_at=3)
    assert max(reads) == 2 and checked[0] == 3  # the third youth came from the second slice
    assert sum(checked) == 7 and today.sort_items(parts, NOW) == whole
    reads.clear()
    assert len(today.scan(admin, NOW, limit=5).items) >= 1 and reads == [5]


# Triage: groups, order, filters, due times, marking done with its recipients ---------------------

def _finding(rule: str, kind: FindingKind, due: datetime | None, *, done: bool = False) -> Finding:
    return Finding(rule, kind, rule, (), "Test Code, § 1", date(2026, 1, 1), youth_id="y", due=due,
                   done=done)


def test_group_boundaries_at_a_fixed_now() -> None:
    hour, day = timedelta(hours=1), timedelta(days=1)
    second = timedelta(seconds=1)
    cases = [
        (NOW, today.Group.OVERDUE),  # due this very second: overdue, as Finding.overdue says
        (NOW - 90 * day, today.Group.OVERDUE),
        (NOW - 90 * day - second, today.Group.LONG_OVERDUE),
        (NOW - 909 * day, today.Group.LONG_OVERDUE),
        (NOW + second, today.Group.DUE_24H),
        (NOW + 24 * hour, today.Group.DUE_24H),
        (NOW + 24 * hour + second, today.Group.THIS_WEEK),
        (NOW + 7 * day, today.Group.THIS_WEEK),
        (NOW + 7 * day + second, today.Group.LATER),
        (None, today.Group.LATER),
    ]
    for due, group in cases:
        assert today.group_of(_finding("t", FindingKind.DEADLINE, due), NOW) is group, due
    assert today.group_of(_finding("t", FindingKind.DEADLINE, NOW - 909 * day, done=True), NOW) \
        is today.Group.DONE
    # Elapsed hours across the end of daylight time (1 Nov 2026): 24 h after 00:30 PDT is 23:30 PST.
    before = datetime(2026, 11, 1, 0, 30, tzinfo=LEGAL_ZONE)
    assert today.group_of(_finding("t", FindingKind.DEADLINE,
                                   datetime(2026, 11, 1, 23, 30, tzinfo=LEGAL_ZONE)), before) \
        is today.Group.DUE_24H
    assert today.group_of(_finding("t", FindingKind.DEADLINE,
                                   datetime(2026, 11, 2, 0, 0, tzinfo=LEGAL_ZONE)), before) \
        is today.Group.THIS_WEEK


def test_the_order_groups_then_legal_duties_then_closest_to_now() -> None:
    day = timedelta(days=1)
    rows = [
        today.Item(_finding("stale.suggestion", FindingKind.SUGGESTION, NOW - 909 * day), "Ana"),
        today.Item(_finding("stale.deadline", FindingKind.DEADLINE, NOW - 909 * day), "Ana"),
        today.Item(_finding("old.deadline", FindingKind.DEADLINE, NOW - 400 * day), "Ana"),
        today.Item(_finding("later.suggestion", FindingKind.SUGGESTION, None), "Ana"),
        today.Item(_finding("week.suggestion", FindingKind.SUGGESTION, NOW + 2 * day), "Ana"),
        today.Item(_finding("week.warning", FindingKind.WARNING, NOW + 6 * day), "Ana"),
        today.Item(_finding("overdue.suggestion", FindingKind.SUGGESTION, NOW - 2 * day), "Ana"),
        today.Item(_finding("overdue.a_month", FindingKind.DEADLINE, NOW - 30 * day), "Ana"),
        today.Item(_finding("overdue.two_hours", FindingKind.DEADLINE, NOW - timedelta(hours=2)), "Ana"),
        today.Item(_finding("report.in_20_hours", FindingKind.DEADLINE, NOW + timedelta(hours=20)), "Ana"),
        today.Item(_finding("later.deadline", FindingKind.DEADLINE, NOW + 60 * day), "Ana"),
        today.Item(_finding("done.deadline", FindingKind.DEADLINE, NOW - day, done=True), "Ana"),
    ]
    order = [i.finding.rule_id for i in today.sort_items(rows, NOW)]
    assert order == [
        # overdue by up to 90 days: legal duties first, the most recently missed first
        "overdue.two_hours", "overdue.a_month", "overdue.suggestion",
        "report.in_20_hours",  # due within 24 hours
        "week.warning", "week.suggestion",  # within 7 days: a legal warning above a suggestion
        "later.deadline", "later.suggestion",  # later; undated after dated
        # overdue by more than 90 days: kept, at the end, most recent first, legal first
        "old.deadline", "stale.deadline", "stale.suggestion",
        "done.deadline",
    ]


LAW_ENFORCEMENT = "csec.report_law_enforcement_24h"


def test_a_fresh_24_hour_report_comes_above_duties_overdue_for_years(admin: Vault) -> None:
    # Many foster youth whose transition plan was due months ago (the demo's "overdue by 909 d")...
    for n in range(12):
        caseload.create_youth(admin, youth_data(legal_name={"given": f"Old{n}", "family": "Fictorra"},
                                                date_of_birth="2008-03-01", **FOSTER))
    # ...and one youth identified as a victim four hours ago: the report is due in 20 hours.
    youth = caseload.create_youth(admin, youth_data(legal_name={"given": "Wren", "family": "Zamplevoy"}))
    identification.record_status(admin, youth.id, "victim", "the youth disclosed an exchange",
                                 NOW - timedelta(hours=4))
    found = today.items(admin, NOW)
    rows = [(i.finding.rule_id, i.group(NOW)) for i in found]
    report = next(n for n, (rule, _g) in enumerate(rows) if rule == LAW_ENFORCEMENT)
    assert found[report].finding.due == NOW + timedelta(hours=20)
    assert rows[report][1] is today.Group.DUE_24H
    stale = [n for n, (_rule, group) in enumerate(rows) if group is today.Group.LONG_OVERDUE]
    assert len(stale) >= 12 and all(found[n].legal for n in stale)  # the 90-day plans missed at 18
    assert report < min(stale), f"the 24-hour report is row {report + 1} of {len(rows)}"
    assert all(group is today.Group.OVERDUE for _rule, group in rows[:report])
    # The command line's order is the window's.
    from csec_desktop.usecases import today as today_screen
    assert [i.finding for i in today_screen.whole(admin, NOW)] == [i.finding for i in found]


def test_filters_by_kind_youth_worker_and_unit() -> None:
    rows = [
        today.Item(_finding("a", FindingKind.DEADLINE, NOW), "José Sampleton", "casey", "North"),
        today.Item(_finding("b", FindingKind.SUGGESTION, None), "José Sampleton", "casey", "North"),
        today.Item(_finding("c", FindingKind.WARNING, None), "Ñeli Castañemo", "drew", "South"),
        today.Item(_finding("d", FindingKind.ELIGIBLE, None), "Mei Lê-Sample", None, None),
    ]

    def rules(**wanted: object) -> list[str]:
        return [i.finding.rule_id for i in today.filter_items(rows, today.TodayFilter(**wanted))]  # type: ignore[arg-type]

    assert rules() == ["a", "b", "c", "d"]
    assert rules(kinds=today.LEGAL_KINDS) == ["a", "c"]
    assert rules(kinds=frozenset({FindingKind.SUGGESTION})) == ["b"]
    assert rules(youth="jose") == ["a", "b"]  # accents and case do not matter
    assert rules(youth="  castanemo ÑELI ") == ["c"]  # words in any order
    assert rules(youth="sampleton wren") == []
    assert rules(worker="drew") == ["c"]
    assert rules(worker="") == ["d"]  # youth with no worker
    assert rules(worker="casey", kinds=today.LEGAL_KINDS) == ["a"]
    assert rules(unit="South") == ["c"]
    assert rules(unit="") == ["d"]  # youth with no unit
    assert rules(unit="North", worker="drew") == []


def test_due_times_say_the_hour_and_the_zone_in_both_languages() -> None:
    es = translations("es").gettext
    winter = datetime(2026, 12, 1, 22, 5, tzinfo=UTC)
    assert today.due_text(winter, now=winter) == "Tue 1 Dec 14:05 PST"
    assert today.due_text(winter, es, now=winter) == "mar 1 dic 14:05 PST"
    july = datetime(2027, 7, 4, 9, 0, tzinfo=LEGAL_ZONE)
    assert today.due_text(july, now=july) == "Sun 4 Jul 09:00 PDT"
    assert today.due_text(july, now=winter) == "Sun 4 Jul 2027 09:00 PDT"  # not this year: said
    assert today.relative_text(NOW + timedelta(hours=20), NOW) == "In 20 h"
    assert today.relative_text(NOW - timedelta(days=909), NOW) == "Overdue by 909 d"
    assert today.relative_text(NOW + timedelta(days=3612), NOW) == "In 9 years"
    assert today.relative_text(NOW + timedelta(days=3612), NOW, es) == "En 9 años"
    assert today.relative_text(NOW - timedelta(minutes=5), NOW, es) == "Vencido hace 5 min"
    assert today.relative_text(NOW + timedelta(days=3), NOW, es) == "En 3 d"


def test_mark_done_at_a_past_time_with_several_recipients(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2011-06-01"))
    learned = datetime.now(LEGAL_ZONE) - timedelta(hours=10)
    caseload.add_attached(admin, youth.id, "missing_episode", {"learned_at": learned.isoformat()})
    notices = next(f for f in today.for_youth(admin, youth.id) if f.rule_id == "missing.notices_24h")
    court = learned + timedelta(hours=1)
    sheriff = learned + timedelta(hours=2)
    stored = today.mark_done(admin, youth.id, notices.rule_id, notices.occurrence, method="telephone",
                             note="Fictional notices", recipients=[
                                 {"who": "Juvenile court clerk (fictional)", "at": court.isoformat(),
                                  "method": "fax"},
                                 Told(who="Demo County Sheriff (fictional desk)", at=sheriff),
                                 {"who": "Youth's attorney (fictional)"},
                             ])
    body = stored.body
    assert isinstance(body, DutyDone)
    lines = [(t.who, t.at, t.method) for t in body.told()]
    assert lines == [("Juvenile court clerk (fictional)", court, "fax"),
                     ("Demo County Sheriff (fictional desk)", sheriff, "telephone"),
                     ("Youth's attorney (fictional)", sheriff, "telephone")]
    # Done when the last recipient was told, not when it was typed in.
    assert body.done_at == sheriff and body.done_on == sheriff.date() and body.recipient is None
    assert all(i.finding.rule_id != notices.rule_id for i in today.items(admin))
    # The log prints every recipient on a line of its own, with when and how.
    log = " ".join(" ".join(pdfium.PdfDocument(jobs.make(admin, "notification_log", youth.id))[0]
                            .get_textpage().get_text_range().split()).split())
    for who, at, method in lines:
        assert who in log and at.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M") in log and method in log
    # The done duty's detail in Today says how it was done (it said none of it).
    from csec_desktop.usecases import today as today_screen

    why = today_screen.why_of(admin, datetime.now(LEGAL_ZONE), youth.id, notices.rule_id, notices.occurrence)
    said = [str(line) for line in why]
    assert f"done {sheriff.strftime('%Y-%m-%d %H:%M')}, recorded by admin" in said
    assert "how: telephone" in said and "note: Fictional notices" in said
    assert f"told Juvenile court clerk (fictional) at {court.strftime('%Y-%m-%d %H:%M')}" in said


def test_mark_done_refuses_a_time_in_the_future_naming_the_field(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    tomorrow = datetime.now(LEGAL_ZONE) + timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        today.mark_done(admin, youth.id, "efc.notice_at_16", "16", done_at=tomorrow, method="in person")
    assert [p.field for p in caught.value.problems] == ["done_at"]
    with pytest.raises(ValidationFailed) as caught:
        today.mark_done(admin, youth.id, "efc.notice_at_16", "16", recipients=[
            {"who": "Fictional youth", "at": datetime.now(LEGAL_ZONE).isoformat()},
            {"who": "Fictional caregiver", "at": tomorrow.isoformat()}])
    assert [p.field for p in caught.value.problems] == ["recipients.1.at"]
    with pytest.raises(ValidationFailed) as caught:
        today.mark_done(admin, youth.id, "efc.notice_at_16", "16", recipients=[{"who": "  "}])
    assert [p.field for p in caught.value.problems] == ["recipients.0.who"]
    assert admin.records.attached(youth.id, "duty_done") == []


def test_a_mark_made_before_the_recipient_list_still_reads_and_prints(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2011-06-01"))
    decided = datetime.now(LEGAL_ZONE) - timedelta(hours=6)
    identification.record_status(admin, youth.id, "victim", "disclosure", decided)
    report = next(f for f in today.for_youth(admin, youth.id) if f.rule_id == LAW_ENFORCEMENT)
    told_at = decided + timedelta(hours=1)
    old = {"youth_id": youth.id, "rule_id": report.rule_id, "occurrence": report.occurrence,
           "done_on": told_at.date().isoformat(), "done_at": told_at.isoformat(), "method": "telephone",
           "recipient": "Demo County Sheriff (fictional, old record)"}
    admin.records.create(DutyDone.parse(old))  # as an earlier release stored it
    (mark,) = admin.records.attached(youth.id, "duty_done")
    assert isinstance(mark.body, DutyDone)
    assert [(t.who, t.at, t.method) for t in mark.body.told()] == [
        ("Demo County Sheriff (fictional, old record)", told_at, "telephone")]
    assert any(f.rule_id == LAW_ENFORCEMENT and f.done for f in today.for_youth(admin, youth.id))
    log = " ".join(pdfium.PdfDocument(jobs.make(admin, "notification_log", youth.id))[0]
                   .get_textpage().get_text_range().split())
    assert "Demo County Sheriff (fictional, old record)" in log and "telephone" in log


def test_each_item_names_its_worker_and_only_those_who_see_everyone_get_the_worker_filter(
        admin: Vault) -> None:
    from csec_desktop.usecases import today as today_screen

    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS)
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", assigned_worker="casey",
                                            unit=None, **FOSTER))
    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", assigned_worker="drew",
                                            unit=None, **FOSTER))
    chunk = today_screen.scan(admin, NOW)
    assert chunk.sees_all and {i.worker for i in chunk.scan.items} == {"casey", "drew"}
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        chunk = today_screen.scan(casey, NOW)
        assert not chunk.sees_all and {i.worker for i in chunk.scan.items} == {"casey"}
    finally:
        casey.close()


def test_the_windows_duties_come_without_why_lines_and_each_duty_finds_its_own(admin: Vault) -> None:
    """Issue 24: the window holds every duty of the caseload (117,000 at 100,000 youth), and the
    why lines were two thirds of what it held per duty (1,182 bytes a duty with them shared, 454
    without). The window's chunks come without them; the duty looked at finds its own again."""
    from csec_desktop.usecases import today as today_screen

    caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    full = today_screen.scan(admin, NOW).scan.items
    bare = today_screen.scan(admin, NOW, why=False).scan.items
    assert full and any(i.finding.why for i in full)
    assert [i.finding.rule_id for i in bare] == [i.finding.rule_id for i in full]
    assert all(i.finding.why == () for i in bare)
    for item in full:
        youth, rule, occurrence = item.finding.youth_id, item.finding.rule_id, item.finding.occurrence
        assert youth is not None
        assert today_screen.why_of(admin, NOW, youth, rule, occurrence) == item.finding.why
    assert today_screen.why_of(admin, NOW, full[0].finding.youth_id or "", "no.such_rule", "") == ()


def test_how_a_duty_was_done_is_said_in_words_in_each_language(admin: Vault) -> None:
    """The method is stored as a code ("telephone"); Today's detail printed it as such in Spanish
    ("cómo: telephone"), and so did the notification log's column."""
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-11-18", **FOSTER))
    today.mark_done(admin, youth.id, "efc.notice_at_16", "16", method="in_person")
    lines = today.done_lines(admin, youth.id, "efc.notice_at_16", "16")
    es = translations("es").gettext
    assert "how: in person" in [line.in_language(str) for line in lines]
    assert "cómo: en persona" in [line.in_language(es) for line in lines]


def test_the_notice_at_16_is_due_when_a_youth_older_than_16_comes_into_care(admin: Vault) -> None:
    """Welf. & Inst. Code 11403(f)(2): every foster youth is told of extended foster care at 16. A
    youth who came into care at 16 and a half is told as they come in: the notice was shown 202
    days overdue, under "Long overdue", for a youth in care since the day before."""
    def notice(status: list[dict[str, str | None]]) -> Finding:
        youth = caseload.create_youth(admin, youth_data(date_of_birth="2010-05-14", legal_status=status,
                                                        placement={"type": "resource_family"}))
        (found,) = [f for f in today.for_youth(admin, youth.id, NOW) if f.rule_id == "efc.notice_at_16"]
        return found

    late = notice([{"status": "ward", "start": "2026-11-27"}])
    assert late.due is not None and late.due.date() == date(2026, 11, 27)
    assert any("in care since 2026-11-27, after turning 16" in str(w) for w in late.why)
    # In care since before 16: due on the 16th birthday, as before.
    since_2020 = notice([{"status": "dependent", "start": "2020-01-01"}])
    assert since_2020.due is not None and since_2020.due.date() == date(2026, 5, 14)
    # Dependent, then a ward the next day, without a break: care began with the first.
    unbroken = notice([{"status": "dependent", "start": "2024-01-01", "end": "2026-09-30"},
                       {"status": "ward", "start": "2026-10-01"}])
    assert unbroken.due is not None and unbroken.due.date() == date(2026, 5, 14)
    # Out of care for a while, back after 16: due on coming back.
    back = notice([{"status": "dependent", "start": "2020-01-01", "end": "2025-01-31"},
                   {"status": "ward", "start": "2026-10-01"}])
    assert back.due is not None and back.due.date() == date(2026, 10, 1)

