"""Today: birthday duties of foster youth, found across the caseload, marked done and reopened."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from csec_desktop import caseload, today
from csec_desktop.errors import NotFound
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding, FindingKind, Registry, birthday
from csec_desktop.storage.vault import Vault
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
        # 1 January 2026: the statute snapshot; 30 November 2026: the rules re-read for issue 18.
        assert info.law_as_of in (date(2026, 1, 1), date(2026, 11, 30)), info.rule_id


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
    today.mark_done(admin, youth.id, "efc.notice_at_16", "16", note="Explained at the visit")
    assert _rules(admin) == [("tilp.credit_report", "16")]
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


def test_a_caseworker_sees_only_their_caseload_on_today(admin: Vault) -> None:
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS)
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
