"""The CSEC response clocks, tested from the statutes' words.

Pen. Code 11166(j)(2): "shall immediately, and in no case in more than 24 hours, report to the
law enforcement agency ... after receiving information that a child or youth ... has been
identified as the victim of commercial sexual exploitation". (j)(3)(A): a missing child or youth
"reasonably believed to be the victim of, or is at risk of being the victim of" CSE: report
"immediately, or in no case later than 24 hours" to law enforcement for NCIC and to NCMEC.
(j)(1): a written report within 36 hours. Welf. & Inst. Code 16501.35(b): notices "immediately,
and no later than 24 hours" after learning the youth is missing; (c): a nonminor dependent counts
as missing only if the agency suspects it was not voluntary or there is a risk of substantial harm.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from csec_desktop import caseload, identification, today
from csec_desktop.domain.csec import CsecStatus, MissingEpisode, TeamMeeting
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Finding
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data

YOUTH = Youth.model_validate(youth_data(date_of_birth="2010-04-02"))


def _status(status: str, at: datetime) -> CsecStatus:
    return CsecStatus.model_validate({"youth_id": "y", "status": status, "decided_at": at.isoformat(),
                                      "basis": "disclosure to the worker", "decided_by": "casey"})


def _missing(learned: datetime, **more: Any) -> MissingEpisode:
    return MissingEpisode.model_validate({"youth_id": "y", "learned_at": learned.isoformat(), **more})


def _find(records: dict[str, list[Any]], as_of: datetime, youth: Youth = YOUTH,
          policy: dict[str, int] | None = None) -> dict[str, Finding]:
    facts = {"youth_id": "y", "youth": youth, "done": set(), "records": records,
             "policy": policy or {"team_convene_days": 30, "rescreen_days": 180,
                                  "rescreen_after_event_days": 7}}
    return {f.rule_id: f for f in REGISTRY.evaluate(facts, as_of)}


def test_a_victim_starts_the_24_hour_report_and_the_36_hour_written_report() -> None:
    at = datetime(2026, 11, 28, 9, 15, tzinfo=LEGAL_ZONE)
    found = _find({"csec_status": [_status("victim", at)]}, at)
    report = found["csec.report_law_enforcement_24h"]
    assert report.due == datetime(2026, 11, 29, 9, 15, tzinfo=LEGAL_ZONE)
    assert report.citation == "Pen. Code, § 11166, subd. (j)(2)"
    assert found["csec.canra_written_36h"].due == datetime(2026, 11, 29, 21, 15, tzinfo=LEGAL_ZONE)
    assert not report.overdue(at) and report.overdue(datetime(2026, 11, 29, 9, 16, tzinfo=LEGAL_ZONE))


def test_at_risk_alone_starts_no_law_enforcement_report() -> None:
    at = datetime(2026, 11, 28, 9, 15, tzinfo=LEGAL_ZONE)
    found = _find({"csec_status": [_status("at_risk", at)]}, at)
    assert "csec.report_law_enforcement_24h" not in found and "csec.canra_written_36h" not in found
    assert "csec.team_meeting" in found  # the team is for at-risk youth too


def test_the_24_hours_are_elapsed_hours_across_dst_and_midnight() -> None:
    # Learned at 23:30 on Saturday 7 March 2026; the clocks go forward at 02:00 that night.
    at = datetime(2026, 3, 7, 23, 30, tzinfo=LEGAL_ZONE)
    found = _find({"csec_status": [_status("victim", at)]}, at)
    assert found["csec.report_law_enforcement_24h"].due == datetime(2026, 3, 9, 0, 30, tzinfo=LEGAL_ZONE)
    # 31 October 2026 at 22:00; the clocks go back at 02:00: 24 hours end at 21:00 on 1 November.
    autumn = datetime(2026, 10, 31, 22, 0, tzinfo=LEGAL_ZONE)
    found = _find({"missing_episode": [_missing(autumn)]}, autumn)
    assert found["missing.notices_24h"].due == datetime(2026, 11, 1, 21, 0, tzinfo=LEGAL_ZONE)


def test_missing_starts_the_notices_and_for_a_youth_at_risk_ncic_and_ncmec() -> None:
    learned = datetime(2026, 11, 28, 16, 0, tzinfo=LEGAL_ZONE)
    plain = _find({"missing_episode": [_missing(learned)]}, learned)
    assert "missing.notices_24h" in plain and "missing.ncic_ncmec_24h" not in plain
    assert "the court" in " ".join(plain["missing.notices_24h"].why)
    risk = _find({"missing_episode": [_missing(learned)],
                  "csec_status": [_status("at_risk", datetime(2026, 10, 1, tzinfo=LEGAL_ZONE))]}, learned)
    ncmec = risk["missing.ncic_ncmec_24h"]
    assert ncmec.due == datetime(2026, 11, 29, 16, 0, tzinfo=LEGAL_ZONE)
    assert "photo" in " ".join(ncmec.why) and "Indian child" in " ".join(ncmec.why)
    # A status decided while the youth is still missing starts the report then: 24 hours from that
    # information, not from when staff learned of the absence (it does not reach back), and not
    # never (the duty was missing from the youth's list).
    decided = datetime(2026, 11, 30, tzinfo=LEGAL_ZONE)
    later = _find({"missing_episode": [_missing(learned)],
                   "csec_status": [_status("victim", decided)]}, decided)
    assert later["missing.ncic_ncmec_24h"].due == datetime(2026, 12, 1, tzinfo=LEGAL_ZONE)
    assert "while the youth was missing" in " ".join(later["missing.ncic_ncmec_24h"].why)
    # Decided after the youth came back: nothing to report to NCIC or NCMEC for that episode.
    returned = datetime(2026, 11, 29, tzinfo=LEGAL_ZONE).isoformat()
    back = _find({"missing_episode": [_missing(learned, returned_at=returned)],
                  "csec_status": [_status("victim", decided)]}, decided)
    assert "missing.ncic_ncmec_24h" not in back


def test_a_nonminor_dependent_counts_as_missing_only_if_at_risk() -> None:
    nmd = Youth.model_validate(youth_data(date_of_birth="2007-01-01", legal_status=[
        {"status": "nonminor_dependent", "start": "2025-01-01"}]))
    learned = datetime(2026, 11, 28, 16, 0, tzinfo=LEGAL_ZONE)
    assert "missing.notices_24h" not in _find({"missing_episode": [_missing(learned)]}, learned, nmd)
    assert "missing.notices_24h" in _find(
        {"missing_episode": [_missing(learned, nonminor_at_risk=True)]}, learned, nmd)


def test_the_team_is_due_by_the_county_setting_and_done_by_a_meeting() -> None:
    at = datetime(2026, 11, 28, 9, 0, tzinfo=LEGAL_ZONE)
    found = _find({"csec_status": [_status("victim", at)]}, at, policy={"team_convene_days": 14})
    team = found["csec.team_meeting"]
    assert team.due is not None and team.due.date() == date(2026, 12, 12) and not team.done
    assert REGISTRY.info["csec.team_meeting"].confidence.value == "unconfirmed"
    meeting = TeamMeeting.model_validate({"youth_id": "y", "held_on": "2026-12-03", "attendees": [
        {"discipline": "child_welfare", "name": "Fictional Worker"},
        {"discipline": "probation", "name": "Fictional Officer"}]})
    found = _find({"csec_status": [_status("victim", at)], "team_meeting": [meeting]}, at)
    assert found["csec.team_meeting"].done
    def warnings(program: int) -> list[Finding]:
        return [f for f in REGISTRY.evaluate({"youth_id": "y", "youth": YOUTH, "done": set(), "records": {
            "csec_status": [_status("victim", at)], "team_meeting": [meeting]},
            "policy": {"csec_program_county": program}}, at)
            if f.kind.value == "warning" and f.rule_id == "csec.team_meeting"]

    # WIC 16524.7(d)(2)(B) is for "a child pursuant to this chapter": only a CSEC Program county.
    assert warnings(0) == []
    (warning,) = warnings(1)
    assert "Mental health" in warning.why[0] and "Public health" in warning.why[0]
    # Named by their labels in the reader's language (they were codes, "substance use", in English).
    from csec_desktop.text import translations

    assert "Salud mental" in warning.why[0].in_language(translations("es").gettext)  # type: ignore[attr-defined]
    assert "16524.7(d)(2)(B)" in warning.why[1]


def test_today_shows_the_duties_and_completing_one_records_who_when_and_how(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data(date_of_birth="2011-06-01"))
    decided = datetime(2026, 11, 28, 8, 0, tzinfo=LEGAL_ZONE)
    identification.record_status(admin, youth.id, "victim", "youth disclosed an exchange", decided)
    now = datetime(2026, 11, 28, 10, 0, tzinfo=LEGAL_ZONE)
    rules = {i.finding.rule_id: i.finding for i in today.items(admin, now)}
    assert {"csec.report_law_enforcement_24h", "csec.canra_written_36h", "csec.team_meeting"} <= set(rules)
    report = rules["csec.report_law_enforcement_24h"]
    done = today.mark_done(admin, youth.id, report.rule_id, report.occurrence,
                           done_at=datetime(2026, 11, 28, 11, 5, tzinfo=LEGAL_ZONE), method="telephone",
                           recipient="Demo County Sheriff, fictional deputy")
    body = done.body.dump()
    assert body["method"] == "telephone" and body["done_at"].startswith("2026-11-28T11:05")
    assert done.created_by == "admin"
    after = {i.finding.rule_id for i in today.items(admin, now)}
    assert "csec.report_law_enforcement_24h" not in after
    assert any(f.rule_id == "csec.report_law_enforcement_24h" and f.done
               for f in today.for_youth(admin, youth.id, now))


def _nmd_youth(birth: str = "2007-01-01") -> Youth:
    return Youth.model_validate(youth_data(date_of_birth=birth, legal_status=[
        {"status": "dependent", "start": "2020-01-01", "end": "2024-12-31"},
        {"status": "nonminor_dependent", "start": "2025-01-01"}]))


def test_the_36_hour_cross_report_is_for_a_child_the_24_hour_report_for_a_youth_in_services() -> None:
    # Pen. Code 11165: "'child' means a person under the age of 18 years". Born 2007-01-01: 18 on 2025-01-01.
    nmd = _nmd_youth()
    minor_day = datetime(2024, 12, 31, 23, 0, tzinfo=LEGAL_ZONE)
    adult_day = datetime(2025, 1, 1, 0, 30, tzinfo=LEGAL_ZONE)
    as_minor = _find({"csec_status": [_status("victim", minor_day)]}, minor_day, nmd)
    assert {"csec.canra_written_36h", "csec.report_law_enforcement_24h"} <= set(as_minor)
    as_nmd = _find({"csec_status": [_status("victim", adult_day)]}, adult_day, nmd)
    assert "csec.canra_written_36h" not in as_nmd  # identified at 18: no child-abuse cross-report
    assert "csec.report_law_enforcement_24h" in as_nmd  # (j)(2): "a child or youth ... receiving services"
    # An adult with no court status (a record-relief client) is not receiving child welfare services.
    adult = Youth.model_validate(youth_data(date_of_birth="1990-05-05", legal_status=[],
                                            record_relief_client=True))
    as_adult = _find({"csec_status": [_status("victim", adult_day)]}, adult_day, adult)
    assert not {"csec.canra_written_36h", "csec.report_law_enforcement_24h"} & set(as_adult)


def test_ncic_and_ncmec_for_a_nonminor_victim_who_left_voluntarily() -> None:
    nmd = _nmd_youth()
    learned = datetime(2026, 11, 28, 16, 0, tzinfo=LEGAL_ZONE)
    victim = _status("victim", datetime(2026, 10, 1, 9, 0, tzinfo=LEGAL_ZONE))
    found = _find({"missing_episode": [_missing(learned)], "csec_status": [victim]}, learned, nmd)
    # Left voluntarily: no 16501.35 notice list, but the (j)(3) report is due in 24 hours.
    assert "missing.notices_24h" not in found
    report = found["missing.ncic_ncmec_24h"]
    assert report.due is not None and (report.due - learned).total_seconds() == 24 * 3600
    assert any("16501.35(c)" in line for line in report.why)
    # Not identified as a victim nor at risk: nothing under (j)(3).
    none = _find({"missing_episode": [_missing(learned)],
                  "csec_status": [_status("not_identified", datetime(2026, 10, 1, tzinfo=LEGAL_ZONE))]},
                 learned, nmd)
    assert "missing.ncic_ncmec_24h" not in none
