"""Vacatur eligibility count by count (Pen. Code 236.14) and its deadlines: the violent and
nonviolent boundary, juvenile against adult, mixed records, a minor's commercial sex as an error
to correct, the prosecutor's 45 days, and the department's sealing and destruction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from csec_desktop import today, vacatur  # noqa: F401  (today loads every rule module)
from csec_desktop.domain.vacatur import CourtService, CriminalCount, ServiceMethod, VacaturCase
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, REGISTRY, Confidence, Finding
from csec_desktop.vacatur import Answer
from tests.conftest import youth_data

YOUTH = Youth.model_validate(youth_data(date_of_birth="2002-05-01"))  # 18 on 2020-05-01


def _count(section: str, on: str = "2021-03-01", kind: str = "conviction", **more: Any) -> CriminalCount:
    data = {"youth_id": "y", "count_kind": kind, "section": section, "offense_date": on, "arrest_date": on,
            "while_victim": True, "nexus": "My trafficker made me do it.", **more}
    return CriminalCount.model_validate(data)


def test_violent_and_nonviolent_at_the_boundary() -> None:
    assert vacatur.assess(_count("211"), YOUTH).answer is Answer.NOT_ELIGIBLE  # robbery
    assert vacatur.assess(_count("211(a)"), YOUTH).answer is Answer.NOT_ELIGIBLE
    assert vacatur.assess(_count("2110"), YOUTH).answer is Answer.ELIGIBLE  # not 211 at all
    assert vacatur.assess(_count("261(a)(2)"), YOUTH).answer is Answer.NOT_ELIGIBLE
    assert vacatur.assess(_count("261(a)(4)"), YOUTH).answer is Answer.ELIGIBLE  # not a listed paragraph
    assert vacatur.assess(_count("484"), YOUTH).answer is Answer.ELIGIBLE  # theft
    assert vacatur.assess(_count("11350", code="HS"), YOUTH).answer is Answer.ELIGIBLE  # drugs
    # An enhancement makes any felony violent; some sections depend on facts: an attorney decides.
    assert vacatur.assess(_count("245(a)(4)", enhancements=["12022.7"]), YOUTH).answer is Answer.NOT_ELIGIBLE
    # Assault is not listed: nonviolent unless a listed enhancement was charged and proved.
    assert vacatur.assess(_count("245(a)(4)"), YOUTH).answer is Answer.ELIGIBLE
    assert vacatur.assess(_count("459"), YOUTH).answer is Answer.REVIEW
    found = vacatur.assess(_count("211"), YOUTH)
    # the table's checked date is shown
    assert any(vacatur.table().checked_on.isoformat() in line for line in found.why)


def test_juvenile_and_adult_counts_get_their_own_standard() -> None:
    adult = vacatur.assess(_count("484"), YOUTH)
    juvenile = vacatur.assess(_count("484", on="2019-03-01", kind="adjudication"), YOUTH)
    assert adult.standard is not None and "clear and convincing" in adult.standard
    assert juvenile.standard is not None and "rebuttable presumption" in juvenile.standard
    assert any("WIC 781" in p for p in juvenile.other_paths)
    assert any("236.15" in p for p in adult.other_paths)


def test_a_minors_commercial_sex_is_an_error_to_correct_not_a_count() -> None:
    minor = vacatur.assess(_count("647(b)", on="2019-06-01", kind="juvenile_arrest"), YOUTH)
    assert minor.answer is Answer.CORRECT_RECORD and any("SB 1322" in line for line in minor.why)
    before_law = vacatur.assess(_count("647(b)", on="2016-06-01", kind="adjudication"), YOUTH)
    assert before_law.answer is Answer.ELIGIBLE  # before 2017 it was charged: vacate it
    adult = vacatur.assess(_count("647(b)", on="2021-06-01"), YOUTH)
    assert adult.answer is Answer.ELIGIBLE
    assert vacatur.assess(_count("647(f)"), YOUTH).other_paths[0].startswith("former felony prostitution")


def test_a_mixed_record_and_what_is_still_missing() -> None:
    counts = [_count("484"), _count("211"), _count("647(b)"), _count("11377", code="HS", nexus="")]
    answers = [vacatur.assess(c, YOUTH).answer for c in counts]
    assert answers == [Answer.ELIGIBLE, Answer.NOT_ELIGIBLE, Answer.ELIGIBLE, Answer.REVIEW]
    missing = vacatur.assess(_count("484", while_victim=False, nexus=""), YOUTH)
    assert missing.answer is Answer.REVIEW and not missing.undecided
    assert sum("not yet recorded" in line or "not written yet" in line for line in missing.why) == 2


def _find(on: date, **records: list[Any]) -> dict[str, list[Finding]]:
    ids = {kind: [f"{kind}-{i}" for i in range(len(items))] for kind, items in records.items()}
    facts = {"youth_id": "y", "youth": YOUTH, "done": set(), "records": records, "record_ids": ids,
             "policy": {}}
    out: dict[str, list[Finding]] = {}
    for finding in REGISTRY.evaluate(facts, datetime(on.year, on.month, on.day, 12, tzinfo=LEGAL_ZONE)):
        out.setdefault(finding.rule_id, []).append(finding)
    return out


def test_the_prosecutor_has_45_days_from_service() -> None:
    case = VacaturCase(youth_id="y", public_name="J. D.", served_on=date(2026, 11, 1),
                       hearing_on=date(2027, 1, 8))
    found = _find(date(2026, 11, 28), vacatur_case=[case], criminal_count=[_count("484")])
    response, hearing = found["vacatur.prosecutor_response"]
    assert response.due.date() == date(2026, 12, 16) and hearing.due.date() == date(2027, 1, 8)


def test_a_45th_day_when_the_courts_are_closed_moves_to_the_next_court_day() -> None:
    """Attorney review, session 36: the packet's index gave the prosecutor until Saturday
    2027-01-23. Code Civ. Proc. 12a extends a period set by any code to the next day that is not
    a Saturday, Sunday or judicial holiday."""
    from csec_desktop.vacatur.petition import Service, response_due

    for received, due in ((date(2026, 12, 9), date(2027, 1, 25)),   # Saturday -> Monday
                          (date(2026, 12, 4), date(2027, 1, 19)),   # Dr. King's Day -> Tuesday
                          (date(2026, 11, 1), date(2026, 12, 16))):  # a Wednesday stays
        case = VacaturCase(youth_id="y", public_name="J. D.", served_on=received)
        found = _find(date(2026, 12, 10), vacatur_case=[case], criminal_count=[_count("484")])
        response = found["vacatur.prosecutor_response"][0]
        assert response.due.date() == due, received
        assert any("Code Civ. Proc. 12a" in str(w) for w in response.why) == (due != received + timedelta(45))
        day, how = response_due(Service(ServiceMethod.PERSONAL, received, received, False))
        assert day == due and ("12a" in how) == (due != received + timedelta(45))


def test_each_court_case_served_on_its_own_has_its_own_45_days() -> None:
    case = VacaturCase(youth_id="y", public_name="J. D.", served_on=date(2026, 11, 1),
                       services=[CourtService(case_number="JV-0099", method=ServiceMethod.PERSONAL,
                                              delivered_on=date(2026, 11, 9), received_on=date(2026, 11, 9))])
    found = _find(date(2026, 11, 28), vacatur_case=[case], criminal_count=[_count("484")])
    dues = sorted(f.due.date() for f in found["vacatur.prosecutor_response"])
    assert dues == [date(2026, 12, 16), date(2026, 12, 24)]
    assert any("JV-0099" in str(line) for f in found["vacatur.prosecutor_response"] for line in f.why)


def test_sealing_and_destruction_after_the_order() -> None:
    late_arrest = _count("484", on="2026-12-20")
    early_arrest = _count("11350", on="2020-06-01", code="HS")
    case = VacaturCase(youth_id="y", public_name="J. D.", served_on=date(2027, 1, 5),
                       order_granted_on=date(2027, 2, 1), count_ids=["criminal_count-1"])
    found = _find(date(2027, 2, 2), vacatur_case=[case], criminal_count=[late_arrest, early_arrest])
    seal, destroy = found["vacatur.seal_and_destroy"]
    assert seal.due.date() == date(2027, 5, 2)  # 90 days after the order (the old arrest is long past)
    assert destroy.due.date() == date(2028, 2, 1)
    case_all = case.model_copy(update={"count_ids": []})
    found = _find(date(2027, 2, 2), vacatur_case=[case_all], criminal_count=[late_arrest, early_arrest])
    assert found["vacatur.seal_and_destroy"][0].due.date() == date(2027, 12, 20)  # one year from the arrest
    assert "vacatur.prosecutor_response" not in found  # decided


def test_a_record_of_a_minors_commercial_sex_raises_a_warning() -> None:
    loitering = _count("653.22", on="2018-01-10", kind="juvenile_arrest")
    found = _find(date(2026, 11, 28), criminal_count=[loitering])
    assert found["vacatur.correct_record"][0].kind.value == "warning"


def test_the_table_check_names_its_mark_in_the_readers_language() -> None:
    """The eligibility lines read "667.5(c) table checked on ... (secondary)", a code, in Spanish too."""
    from csec_desktop.text import translations

    lines = [str(w) for w in vacatur.assess(_count("484"), YOUTH).why if "table checked" in str(w)]
    assert lines and lines[0].endswith("(Secondary source)"), lines
    spanish = [w.in_language(translations("es").gettext) for w in vacatur.assess(_count("484"), YOUTH).why
               if "table checked" in str(w)]
    assert "secondary" not in spanish[0].casefold(), spanish


def test_a_deadline_the_county_sets_is_called_the_countys() -> None:
    """Supervisor review, session 36: the county's seven days to record a status in the statewide
    system read "Legal deadline" on Today, beside its own words "no statute sets how soon"."""
    from csec_desktop.rules import FindingKind, kind_name

    county = [rule_id for rule_id, info in REGISTRY.info.items() if info.county_clock]
    assert set(county) == {"csec.rescreen", "csec.team_meeting", "referral.follow_up",
                           "csec.record_in_statewide_system"}
    assert all(REGISTRY.info[r].confidence is not Confidence.VERIFIED for r in county)

    def deadline(rule_id: str) -> Finding:
        return Finding(rule_id, FindingKind.DEADLINE, "t", (), "c", date(2026, 1, 1))

    assert kind_name(deadline("csec.team_meeting")) == "County deadline"
    assert kind_name(deadline("csec.report_law_enforcement_24h")) == "Legal deadline"
