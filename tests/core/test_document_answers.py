"""Issue 18 on paper: the extended-foster-care printables print "cannot tell" in words with the fact to
record (never an empty tick box a reader takes for "no"), and the youth summary and hearing sheet print each
finding's answer and the confidence of its law. Fictional people; fixed dates."""

from __future__ import annotations

from datetime import date, datetime

import pypdfium2 as pdfium

from csec_desktop import efc
from csec_desktop.documents.efc import certification_worksheet, participation_plan
from csec_desktop.documents.hearing_sheet import hearing_sheet
from csec_desktop.documents.summary import youth_summary
from csec_desktop.domain.efc import Condition, EfcAgreement, Participation, PlacementOrder
from csec_desktop.domain.youth import Youth
from csec_desktop.rules import LEGAL_ZONE, Confidence, Finding, FindingKind, State
from tests.conftest import youth_data


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    pages = (document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(" ".join(page.split()) for page in pages)


def _nmd() -> Youth:
    # Turned 18 on 2026-04-02 in a resource family under a dependency order; now a nonminor dependent.
    return Youth.model_validate(youth_data(
        date_of_birth="2008-04-02",
        legal_status=[{"status": "dependent", "start": "2020-01-01", "end": "2026-04-01"},
                      {"status": "nonminor_dependent", "start": "2026-04-02"}],
        placement_history=[{"type": "resource_family", "start": "2020-01-01"}]))


def _order() -> PlacementOrder:
    return PlacementOrder.model_validate({"youth_id": "y", "order_type": "dependency",
                                          "ordered_on": "2020-01-01"})


def test_the_participation_plan_says_cannot_tell_and_what_to_record() -> None:
    youth = _nmd()
    records = [_order()]  # no condition, no mutual agreement recorded
    result = efc.eligibility(youth, records, date(2026, 11, 30))
    assert result.state is State.CANNOT_TELL
    text = _text(participation_plan(youth, records, made_on=date(2026, 11, 30)))
    assert "Extended foster care: cannot tell" in text
    assert text.count("CANNOT TELL") == 2  # the condition and the agreement, each in words
    assert "To decide, record: which participation condition (1)-(5) the youth meets" in text
    assert "To decide, record: the mutual agreement (SOC 162)" in text
    # In Spanish too.
    spanish = _text(participation_plan(youth, records, made_on=date(2026, 11, 30), lang="es"))
    assert "no se puede saber" in spanish and "CANNOT TELL" not in spanish


def test_an_eligible_youth_has_ticks_and_no_cannot_tell() -> None:
    youth = _nmd()
    records = [_order(),
               Participation.model_validate({"youth_id": "y", "condition": "4", "since": "2026-04-02",
                                             "evidence": "Fictional pay stubs"}),
               EfcAgreement.model_validate({"youth_id": "y", "mutual_agreement_signed_on": "2026-04-02"})]
    text = _text(participation_plan(youth, records, made_on=date(2026, 11, 30)))
    assert "Extended foster care: eligible" in text and "CANNOT TELL" not in text
    # 21: the age check is a plain "No", not "cannot tell".
    text = _text(participation_plan(youth, records, made_on=date(2029, 4, 2)))
    assert "Extended foster care: not eligible" in text and "No: 21 on 2029-04-02" in text


def test_the_worksheet_prints_a_late_medical_update_as_cannot_tell() -> None:
    youth = _nmd()
    late = Participation.model_validate({"youth_id": "y", "condition": Condition.MEDICAL.value,
                                         "since": "2026-04-02", "evidence": "Fictional letter",
                                         "medical_update_on": "2026-04-02"})
    # 180 days after the update it still counts; the day after, it cannot be counted yet.
    assert "CANNOT TELL" not in _text(certification_worksheet(youth, [late], made_on=date(2026, 9, 29)))
    text = _text(certification_worksheet(youth, [late], made_on=date(2026, 9, 30)))
    assert "CANNOT TELL" in text
    assert "To decide, record: current medical or mental-health information in the case plan" in text
    # The county's setting, not the default (a supervisor's review: 365 days set, 180 used).
    assert "CANNOT TELL" not in _text(certification_worksheet(youth, [late], made_on=date(2026, 9, 30),
                                                              medical_days=365))


def test_the_worksheet_reads_the_conditions_on_the_day_of_the_first_certification() -> None:
    """Printed before the 18th birthday, the worksheet read the conditions on the day it was printed,
    while the plan beside it read them on the birthday, when the first certification can be made."""
    minor = Youth.model_validate(youth_data(date_of_birth="2009-01-22",
                                            legal_status=[{"status": "dependent", "start": "2020-01-01"}]))
    update = Participation.model_validate({"youth_id": "y", "condition": Condition.MEDICAL.value,
                                           "since": "2026-06-01", "evidence": "Fictional letter",
                                           "medical_update_on": "2026-06-01"})
    # On 3 December 2026 the update is 185 days old; on the birthday, 235: past the 200 days set.
    text = _text(certification_worksheet(minor, [update], made_on=date(2026, 12, 3), medical_days=200))
    assert "CANNOT TELL" in text and "2026-06-01, more than 200 days ago" in text


def _findings() -> list[Finding]:
    due = datetime(2026, 12, 15, 17, 0, tzinfo=LEGAL_ZONE)
    return [
        Finding("benefits.ffy_medi_cal_lapsed", FindingKind.CANNOT_TELL, "Medi-Cal lapsed: cannot tell", (),
                "Welf. & Inst. Code, §§ 14005.28, 14011.10", date(2026, 11, 30), state=State.CANNOT_TELL,
                missing=("the youth's placement on the 18th birthday (the placement history), or the "
                         "placement order",), confidence=Confidence.SECONDARY),
        Finding("csec.record_in_statewide_system", FindingKind.DEADLINE, "Record the CSEC status in CWS/CMS",
                (),
                "Welf. & Inst. Code, § 16501.35, subd. (a)(2)", date(2026, 11, 30), due=due,
                confidence=Confidence.UNCONFIRMED),
        Finding("efc.notice_at_16", FindingKind.DEADLINE, "Tell the youth about extended foster care", (),
                "Welf. & Inst. Code, § 11403, subd. (f)(2)", date(2026, 1, 1), due=due),
        Finding("services.plan_documents_exploitation", FindingKind.WARNING,
                "The case plan must document the services for exploitation", (),
                "Welf. & Inst. Code, § 16501.1, subd. (g)(19)", date(2026, 1, 1)),
    ]


def test_the_youth_summary_prints_each_answer_and_confidence() -> None:
    youth = _nmd()
    text = _text(youth_summary(youth, contacts=[], findings=_findings(), made_on=date(2026, 11, 30)))
    assert "Status" in text
    assert "cannot tell. To decide, record: the youth's placement on the 18th birthday" in text
    assert "law as of 2026-11-30; Secondary source" in text
    assert "law as of 2026-11-30; Unconfirmed" in text
    assert "law as of 2026-01-01; Verified" in text
    spanish = _text(youth_summary(youth, contacts=[], findings=_findings(), made_on=date(2026, 11, 30),
                                  lang="es"))
    assert "no se puede saber" in spanish and "Sin confirmar" in spanish


def test_the_youth_summary_says_which_duties_are_overdue_and_when_done_ones_were_done() -> None:
    """The Duties column said "Legal deadline" for a report done and one months late alike, and a
    done duty showed only when it had been due."""
    from dataclasses import replace

    youth = _nmd()
    late, done = [f for f in _findings() if f.kind is FindingKind.DEADLINE]
    late = replace(late, due=datetime(2026, 11, 1, 17, 0, tzinfo=LEGAL_ZONE))
    done = replace(done, due=datetime(2026, 11, 2, 17, 0, tzinfo=LEGAL_ZONE), done=True)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=LEGAL_ZONE)
    marked = {(done.rule_id, done.occurrence): date(2026, 11, 2)}
    text = " ".join(_text(youth_summary(youth, contacts=[], findings=[late, done], made_on=now.date(),
                                        now=now, done=marked)).split())
    assert "Record the CSEC status in CWS/CMS County deadline: overdue" in text
    assert "Tell the youth about extended foster care done on 2026-11-02" in text
    spanish = " ".join(_text(youth_summary(youth, contacts=[], findings=[late, done], made_on=now.date(),
                                           now=now, lang="es")).split())
    assert "vencido" in spanish


def test_the_hearing_sheet_prints_answers_and_confidence_on_one_page() -> None:
    youth = _nmd()
    many = _findings() * 20
    pdf = hearing_sheet(youth, findings=many, goals=["Finish school"], made_on=date(2026, 11, 30))
    assert len(pdfium.PdfDocument(pdf)) == 1
    text = _text(pdf)
    assert "cannot tell" in text and "Unconfirmed" in text and "Secondary source" in text
    # A duty's answer is what it is, as Today says it, never an empty cell; a legal warning with no
    # due time was printed as a "suggestion", which a judge reads as optional.
    assert "Legal deadline" in text and "Legal warning" in text and "suggestion" not in text.lower()


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page() -> None:
    """The summary's "Duties" heading stood alone at the foot of a page, its table on the next
    (found in Spanish). With ever more contacts above it, the heading falls at every height of
    the page in turn: wherever it lands, the table's header row is on the same page."""
    youth = _nmd()
    for count in range(8, 44):
        contacts = [{"name": f"Fictional contact {n}", "relationship": "aunt", "phone": "(555) 010-0100",
                     "may_receive_information": bool(n % 2)} for n in range(count)]
        pdf = youth_summary(youth, contacts=contacts, findings=_findings(), made_on=date(2026, 11, 30),
                            lang="es")
        document = pdfium.PdfDocument(pdf)
        pages = [" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
        heading = next(n for n, text in enumerate(pages) if "Obligaciones" in text)
        assert "Estatus" in pages[heading], (count, heading)


def test_the_hearing_sheet_names_a_protective_order_in_force_and_not_one_ended() -> None:
    """A temporary WIC 213.5 order in force was on no paper a judge sees at the hearing."""
    from csec_desktop.domain.protection import ProtectiveOrder

    orders = [ProtectiveOrder.model_validate({
        "youth_id": "y", "order_kind": "juvenile_213_5", "stage": stage, "restrained_person": person,
        "requested_on": "2026-11-01", "granted_on": "2026-11-02", "expires_on": expires,
        "court_case_number": "JV-26-0042"})
        for stage, person, expires in (("temporary", "Fictional Recruiter", "2027-01-05"),
                                       ("ended", "Fictional Former", "2026-11-20"))]
    text = _text(hearing_sheet(_nmd(), findings=[], goals=[], orders=orders, made_on=date(2026, 11, 30)))
    assert "Protective orders in force" in text and "Fictional Recruiter" in text
    assert "Juvenile restraining order (WIC 213.5)" in text and "2027-01-05" in text and "JV-26-0042" in text
    assert "Fictional Former" not in text
    spanish = _text(hearing_sheet(_nmd(), findings=[], goals=[], orders=orders, made_on=date(2026, 11, 30),
                                  lang="es"))
    assert "Órdenes de protección vigentes" in spanish
