"""The vacatur papers as a clerk and a vacatur attorney read them (issue 19): one packet per court
case with its own caption and standard, a verified petition, a proof of service that proves
itself, counts said right, a privacy scan that refuses, a review that blocks, a proposed order
per count, one packet behind a cover index, the identity attachment in filing form, the first
page per rule 2.111, and a minor's 647(b) arrest with a path. Checked on the extracted text."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.platypus import Spacer

from csec_desktop import caseload, directory
from csec_desktop.documents import jobs
from csec_desktop.documents import vacatur as papers
from csec_desktop.documents.pleading import LINES, CourtPaper, render_court_paper
from csec_desktop.domain.vacatur import CaseStage
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.text import say, translations
from csec_desktop.vacatur import Answer, workflow
from csec_desktop.vacatur.petition import Petition
from tests.conftest import ADMIN_PASS, WORKER_PASS, youth_data
from tests.core import vacatur_fixtures as fx
from tests.core.test_documents import _chars

PUBLIC = ("vacatur_petition", "vacatur_declaration", "vacatur_order", "vacatur_service")
PRIVATE = (fx.GIVEN, fx.MIDDLE, fx.FAMILY, fx.ALIAS, fx.MONIKER, "Canary Lane", "May 1, 2006", fx.DOB)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.split()) for page in papers.page_texts(pdf)]


def _text(paper: CourtPaper | bytes) -> str:
    """The text of a PDF, or of a paper made alone."""
    return " ".join(_pages(paper if isinstance(paper, bytes) else render_court_paper(paper)))


def _mixed(admin: Vault, attorney: Vault, **case: object) -> tuple[str, str]:
    youth_id = fx.youth(admin)
    return youth_id, fx.petition(attorney, youth_id, [fx.ADULT, fx.ADULT_2, fx.JUVENILE], **case)


def test_one_packet_per_court_case_each_with_its_caption_and_standard(admin: Vault, attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    p = workflow.load(attorney, youth_id, case_id)
    cases = {cc.case_number: cc for cc in p.court_cases()}
    assert set(cases) == {"23CR-004567", "JV-0099"} and len(cases["23CR-004567"].counts) == 2
    adult = _text(papers.petition(p, cases["23CR-004567"]))
    juvenile = _text(papers.petition(p, cases["JV-0099"]))
    assert "THE PEOPLE OF THE STATE OF CALIFORNIA" in adult and "Defendant" in adult
    assert "In re" not in adult and "602" not in adult.split("GROUNDS")[0]
    assert "clear and convincing evidence" in adult and "rebuttable presumption" not in adult
    assert "In re C. Z." in juvenile and "section 602" in juvenile and "THE PEOPLE" not in juvenile
    assert "rebuttable presumption" in juvenile and "clear and convincing" not in juvenile
    assert "Case No. 23CR-004567" in adult and "Case No. JV-0099" in juvenile
    assert "COUNTY OF DEMO" in adult and "COUNTY OF DEMO COUNTY" not in adult
    assert "Welf. & Inst. Code 827" in juvenile and "Welf. & Inst. Code 827" not in adult
    # The hearing of each court case on its own first page.
    assert "Date: January 8, 2027" in adult and "Dept.: 12" in adult and "Time: 8:30 a.m." in adult
    assert "Date: January 15, 2027" in juvenile and "Dept.: J3" in juvenile
    # Each served and ordered on its own.
    assert "23CR-004567" in _text(papers.proof_of_service(p, cases["23CR-004567"]))
    assert "JV-0099" not in _text(papers.order(p, cases["23CR-004567"]))
    # A juvenile adjudication has no accusation or information: its order names the 602 petition.
    assert "and the accusation or information is dismissed" in _text(papers.order(p, cases["23CR-004567"]))
    assert "petition filed under Welfare and Institutions Code section 602, which stands in this court for " \
        "the accusation or information, is dismissed" in _text(papers.order(p, cases["JV-0099"]))


def test_counts_are_said_right_dates_under_their_labels_and_nonviolent_only_when_found(
        admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    burglary = {**fx.ADULT, "section": "459", "description": "burglary"}  # (c)(21): counsel decides
    case_id = fx.petition(attorney, youth_id, [fx.ADULT, burglary])
    p = workflow.load(attorney, youth_id, case_id)
    text = _text(papers.petition(p, p.court_cases()[0]))
    first = text.split("Count 1:")[1].split("Count 2:")[0]
    assert "Offense date: August 3, 2024." in first and "Arrest date: August 4, 2024." in first
    assert "Convicted on: October 15, 2024." in first and "conviction on" not in first.lower().replace(
        "convicted on", "")
    assert "It is a nonviolent offense" in first
    assert "Case no. 23CR-004567, Demo County Superior Court" in first
    second = text.split("Count 2:")[1].split("GROUNDS")[0]
    assert "a nonviolent offense" not in second and "[TO BE COMPLETED: counsel's decision" in second
    with pytest.raises(ValidationFailed, match="counsel has not decided whether it is violent"):
        workflow.advance(attorney, case_id, "attorney_reviewed")
    counts = {r.body.section: r.id for r in caseload.attached(attorney, youth_id, "criminal_count")}  # type: ignore[attr-defined]
    caseload.update_attached(attorney, counts["459"], {"counsel_decision": "nonviolent"})
    p = workflow.load(attorney, youth_id, case_id)
    second = _text(papers.petition(p, p.court_cases()[0])).split("Count 2:")[1].split("GROUNDS")[0]
    assert "Counsel has reviewed the record of conviction" in second and "nonviolent offense" in second
    # A juvenile adjudication's date is "petition sustained on", never "convicted on".
    youth_2 = fx.youth(admin)
    juvenile = workflow.load(attorney, youth_2, fx.petition(attorney, youth_2, [fx.JUVENILE]))
    words = _text(papers.petition(juvenile, juvenile.court_cases()[0]))
    assert "Petition sustained on: April 2, 2023." in words and "Convicted on" not in words


def test_the_petition_is_verified_and_refers_to_the_declaration(admin: Vault, attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert text.count("VERIFICATION") == 2  # one per court case
    assert "I have read this petition and know its contents" in text
    assert "under penalty of perjury under the laws of the State of California" in text
    # Every declaration says when and where it was signed (Code Civ. Proc., § 2015.5).
    for kind in ("vacatur_declaration", "vacatur_identity"):
        said = _text(jobs.make(attorney, kind, youth_id, item=case_id))
        assert said.count("true and correct. Executed on ________________ at ________________, "
                          "California.") == 2, kind  # one per court case
    assert "Declaration of Petitioner in Support of Petition to Vacate" in text
    assert "/s/" not in text  # a draft is never signed
    assert "UNSIGNED DRAFT" not in text  # the watermark is drawn, not text


def test_the_proof_of_service_proves_itself(admin: Vault, attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    text = _text(jobs.make(attorney, "vacatur_service", youth_id, item=case_id))
    assert f"{fx.DA}, {fx.DA_ADDRESS}" in text
    assert "By mail (Code Civ. Proc., §§ 1013, subd. (a), 1013a, subd. (1))" in text
    assert "personal delivery" not in text.lower() and "overnight" not in text.lower()  # one manner
    assert "Verified Petition to Vacate" in text and "[Proposed] Order" in text
    assert "Declaration of Petitioner" in text and "PROOF OF SERVICE" in text
    assert "On November 2, 2026, I served" in text and "Executed on November 2, 2026 at Demo City" in text
    assert "resident of or employed in the county where the mailing occurred" in text
    assert "100 Example Street, Demo City" in text
    p = workflow.load(attorney, youth_id, case_id)
    assert p.response_due()[0] == date(2026, 12, 22)  # mailed 11-02, + 5 (CCP 1013(a)) + 45
    served = p.case.model_copy(update={"served_on": date(2026, 11, 4)})
    # Day 45 is Saturday 2026-12-19: the next court day (Code Civ. Proc. 12a).
    assert Petition(p.youth, served, case_id, p.counts).response_due()[0] == date(2026, 12, 21)
    packet = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    assert "December 22, 2026 (45 days from the date of mailing" in packet


def test_each_court_case_is_served_on_its_own(admin: Vault, attorney: Vault) -> None:
    """The juvenile packet went by hand a few days after the adult one was mailed: its proof of
    service, its 45 days and its cover say so; the adult packet keeps the petition's service."""
    youth_id, case_id = _mixed(admin, attorney, services=[
        {"case_number": "JV-0099", "method": "personal", "delivered_on": "2026-11-05"}])
    p = workflow.load(attorney, youth_id, case_id)
    adult, juvenile = sorted(p.court_cases(), key=lambda cc: cc.juvenile)
    assert p.response_due(adult)[0] == date(2026, 12, 22)  # mailed 11-02, + 5 + 45
    assert p.response_due(juvenile)[0] == date(2026, 12, 21)  # delivered 11-05, + 45: a Sunday, so Monday
    proofs = _pages(jobs.make(attorney, "vacatur_service", youth_id, item=case_id))
    adult_proof = " ".join(page for page in proofs if "23CR-004567" in page)
    juvenile_proof = " ".join(page for page in proofs if "JV-0099" in page)
    assert "On November 2, 2026, I served" in adult_proof and "By mail" in adult_proof
    assert "On November 5, 2026, I served" in juvenile_proof and "By personal delivery" in juvenile_proof
    assert "By mail" not in juvenile_proof
    # A case whose own service has no date yet is named when the petition is checked for filing.
    undated = fx.petition(attorney, youth_id, [fx.ADULT, fx.JUVENILE], services=[
        {"case_number": "JV-0099", "method": "mail"}, {"case_number": "99CR-0000", "method": "mail"}])
    found = [x.message for x in workflow.review(attorney, youth_id, undated)]
    assert "case JV-0099: record the date the papers were delivered or mailed" in found
    assert any("case 99CR-0000, which no count of this petition carries" in m for m in found)


def test_no_agency_or_no_address_is_flagged_before_anything_is_marked(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    arrest = {**fx.ADULT, "count_kind": "arrest", "prosecuting_agency": None, "case_number": None}
    elsewhere = {**fx.ADULT, "prosecuting_agency": "Office of the Fictional City Attorney"}
    case_id = fx.petition(attorney, youth_id, [arrest, elsewhere])
    with pytest.raises(ValidationFailed) as refused:
        workflow.advance(attorney, case_id, "attorney_reviewed")
    messages = [x.message for x in refused.value.problems]
    assert any("no prosecuting agency to serve" in m for m in messages)
    assert any("no address for Office of the Fictional City Attorney" in m for m in messages)
    # The attorney's checklist (ui/vacatur_tab.py) says them in the window's language.
    spanish = [say(m, translations("es").gettext) for m in messages]
    assert any(m.startswith("no hay dirección para Office of the Fictional City Attorney") for m in spanish)
    assert any("no hay fiscalía a la que notificar" in m for m in spanish)
    service = _text(jobs.make(attorney, "vacatur_service", youth_id, item=case_id))
    assert "[TO BE COMPLETED: address from the county agency list]" in service


def test_a_public_paper_with_a_private_fact_is_refused_with_the_place(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    named = fx.petition(attorney, youth_id, [fx.ADULT], public_name=f"{fx.GIVEN} {fx.FAMILY}")
    with pytest.raises(ValidationFailed) as refused:
        jobs.make(attorney, "vacatur_petition", youth_id, item=named)
    messages = [x.message for x in refused.value.problems]
    assert any("the legal given name appears on page 1 of the petition" in m for m in messages), messages
    assert any("the legal family name appears on page 1 of the petition" in m for m in messages)
    for grounds, what in ((f"They called me {fx.MONIKER}.", "an alias or moniker"),
                          ("I was born on May 1, 2006.", "the date of birth"),
                          (f"I lived at {fx.PLACEMENT}.", "an address of the youth"),
                          (f"My name is {fx.GIVEN.upper()}.", "the legal given name")):
        case_id = fx.petition(attorney, youth_id, [fx.ADULT], grounds=grounds)
        for kind in ("vacatur_petition", "vacatur_packet"):
            with pytest.raises(ValidationFailed, match=what):
                jobs.make(attorney, kind, youth_id, item=case_id)
        with pytest.raises(ValidationFailed, match=what):
            workflow.advance(attorney, case_id, "attorney_reviewed")
    # What is typed about others is scanned for what no one else's name holds by chance: the
    # youth's whole name, birth date or address in the counsel block or the server's address.
    for typed, what in (({"counsel": ["Alex Lawyer (SBN 000001)",
                                      f"Attorney for Petitioner {fx.GIVEN} {fx.MIDDLE} {fx.FAMILY}"]},
                         "the legal name"),
                        ({"server_address": f"{fx.PLACEMENT}"}, "an address of the youth")):
        case_id = fx.petition(attorney, youth_id, [fx.ADULT], **typed)
        with pytest.raises(ValidationFailed, match=what):
            jobs.make(attorney, "vacatur_petition" if "counsel" in typed else "vacatur_service", youth_id,
                      item=case_id)
        with pytest.raises(ValidationFailed, match=what):
            workflow.advance(attorney, case_id, "attorney_reviewed")
    # Counsel who shares the youth's given name, and a given name that is also a word, refuse nothing.
    shared = fx.petition(attorney, youth_id, [fx.ADULT], counsel=[f"{fx.GIVEN} Q. Lawyer (SBN 000001)"])
    assert fx.GIVEN in _text(jobs.make(attorney, "vacatur_petition", youth_id, item=shared))
    hope = caseload.create_youth(admin, {**youth_data(legal_name={"given": "Hope", "family": "Zzyzxfamily"},
                                                      assigned_worker="alex", unit="Unit A", aliases=[])}).id
    case_id = fx.petition(attorney, hope, [fx.ADULT], grounds="I had no hope of leaving.")
    assert "no hope of leaving" in _text(jobs.make(attorney, "vacatur_petition", hope, item=case_id))
    # The identity attachment is where the name belongs: it is not refused.
    assert fx.GIVEN in _text(jobs.make(attorney, "vacatur_identity", youth_id, item=named))


def test_a_street_address_typed_in_the_youths_words_is_flagged_before_review(admin: Vault,
                                                                            attorney: Vault) -> None:
    """Attorney review, session 36: a placement's address typed as a safety concern ("SILP at 44
    Hidden Lane") was printed on the public petition, and the check before review said "Nothing
    found": it was recorded nowhere else, so no scan knew it. A street address in any of the youth's
    own words printed on the papers now keeps the petition from review, naming the field; the same
    words without the number pass."""
    from csec_desktop.vacatur.petition import form_problems

    youth_id = fx.youth(admin)
    typed = "Do not disclose where she lives (SILP at 44 Hidden Lane, Demo City)."
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], safety_concerns=typed)
    p = workflow.load(attorney, youth_id, case_id)
    found = [x for x in form_problems(p.case, case_id, p.counts, date(2026, 12, 4))
             if "street address" in x.message]
    assert [(x.field, x.for_filing_only) for x in found] == [("safety_concerns", False)]
    assert '"44 Hidden Lane"' in found[0].message
    assert say(found[0].message, translations("es").gettext).startswith('"44 Hidden Lane" parece')
    with pytest.raises(ValidationFailed, match="44 Hidden Lane"):
        workflow.advance(attorney, case_id, "attorney_reviewed")
    # Nor is a draft of the papers made with it (supervisor review: the draft petition carried it).
    for kind in ("vacatur_petition", "vacatur_packet"):
        with pytest.raises(ValidationFailed) as made:
            jobs.make(attorney, kind, youth_id, item=case_id)
        said = [(x.field, x.message) for x in made.value.problems]
        assert any(field == "safety_concerns" and "a street address typed in the petition appears on page"
                   in m and "where the youth, or anyone protecting them, can be found" in m
                   for field, m in said), said
    for field, text in (("grounds", "He kept me at a motel, 1200 N. Main St., for a year."),
                        ("nexus", "He made me carry it to P.O. Box 12.")):
        counts = [{**fx.ADULT, "nexus": text}] if field == "nexus" else [fx.ADULT]
        case_id = fx.petition(attorney, youth_id, counts, **({field: text} if field == "grounds" else {}))
        with pytest.raises(ValidationFailed) as refused:
            workflow.advance(attorney, case_id, "attorney_reviewed")
        assert any(x.field == field and "street address" in x.message for x in refused.value.problems)
    said = fx.petition(attorney, youth_id, [fx.ADULT], safety_concerns="Her exploiter still looks for her in "
                       "Demo City; in 2019 Marcus Way was named in a report. Do not say where she lives.")
    workflow.advance(attorney, said, "attorney_reviewed")


def test_a_contacts_address_is_never_printed_on_a_public_paper(admin: Vault, attorney: Vault) -> None:
    """The youth's addresses the scan knew were the placement's only (its docstring named the
    contacts' too): a grandmother's address typed into the grounds reached the petition."""
    youth_id = fx.youth(admin)
    caseload.add_attached(admin, youth_id, "contact", {"name": "Fictional Grandmother",
                                                       "relationship": "grandmother",
                                                       "address": "Rancho Ficticio, Demo Valley"})
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], grounds="I ran to Rancho Ficticio, Demo Valley.")
    with pytest.raises(ValidationFailed, match="an address of the youth appears on page"):
        jobs.make(attorney, "vacatur_petition", youth_id, item=case_id)


def test_the_canary_never_reaches_a_public_paper_of_any_fixture(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    for counts in ([fx.ADULT, fx.ADULT_2], [fx.JUVENILE], [fx.ADULT, fx.JUVENILE]):
        case_id = fx.petition(attorney, youth_id, counts)
        for kind in PUBLIC:
            pdf = jobs.make(attorney, kind, youth_id, item=case_id)
            words = _text(pdf)
            assert "C. Z." in words, kind
            for private in PRIVATE:
                assert private.lower() not in words.lower(), (kind, private)
                assert private.encode() not in pdf, (kind, private)  # nor in the metadata
        # The packet holds the public papers only: the confidential attachment is its own file.
        packet = jobs.make(attorney, "vacatur_packet", youth_id, item=case_id)
        for number, page in enumerate(_pages(packet)):
            assert "LODGED CONDITIONALLY UNDER SEAL" not in page, number
            for private in PRIVATE:
                assert private.lower() not in page.lower(), (number, private)


def test_the_review_blocks_with_each_kind_of_problem_and_then_lets_through(admin: Vault,
                                                                            attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    undecided = {**fx.ADULT, "section": "261"}  # (c)(3) names 261(a)(2) and (a)(6): counsel decides
    gaps = {**fx.ADULT, "section": "496(a)", "nexus": None, "while_victim": False, "judgment_date": None,
            "arresting_agency": None}
    case_id = fx.petition(attorney, youth_id, [gaps, undecided], grounds=None,
                          victimization_ended_on="2099-01-01", services_sought_on=None,
                          service_method="not_chosen", service_date=None, service_place=None)
    with pytest.raises(ValidationFailed) as refused:
        workflow.advance(attorney, case_id, "attorney_reviewed")
    fields = {x.field for x in refused.value.problems}
    assert {"counsel_decision", "nexus", "while_victim", "judgment_date", "grounds",
            "victimization_ended_on", "arresting_agency"} <= fields  # (k)(1)(C): the order names it
    assert "service_method" not in fields  # service is for filing, not for review
    assert any("2099-01-01 is in the future" in x.message for x in refused.value.problems)
    assert caseload.attached_record(attorney, youth_id, case_id, "vacatur_case").body.stage.value == "draft"  # type: ignore[attr-defined]
    assert any(e.action == "petition_stage_refused" for e in admin.audit_log.entries())
    # Counsel completes it: reviewed; filing waits for the service.
    counts = {r.body.section: r.id for r in caseload.attached(attorney, youth_id, "criminal_count")}  # type: ignore[attr-defined]
    caseload.update_attached(attorney, counts["496(a)"], {
        "nexus": "He made me hold the goods.", "while_victim": True, "judgment_date": "2024-10-15",
        "arresting_agency": "Demo City Police Department"})
    caseload.update_attached(attorney, counts["261"], {"counsel_decision": "violent"})
    with pytest.raises(ValidationFailed, match="cannot be petitioned"):
        workflow.advance(attorney, case_id, "attorney_reviewed")
    caseload.update_attached(attorney, case_id, {"count_ids": [counts["496(a)"]],
                                                 "grounds": "He controlled me.",
                                                 "victimization_ended_on": "2024-09-01"})
    workflow.advance(attorney, case_id, "attorney_reviewed")
    petition = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "/s/ Alex Q. Sample" in petition and "[TO BE COMPLETED" not in petition
    with pytest.raises(ValidationFailed) as refused:
        workflow.advance(attorney, case_id, "filed")
    assert {"service_method", "service_date", "service_place"} <= {x.field for x in refused.value.problems}
    caseload.update_attached(attorney, case_id, {"service_method": "personal", "service_date": "2026-11-02",
                                                 "service_place": "Demo City"})
    workflow.advance(attorney, case_id, "filed")


def test_the_proposed_order_rules_count_by_count_with_the_statutes_terms(admin: Vault,
                                                                          attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    text = _text(jobs.make(attorney, "vacatur_order", youth_id, item=case_id))
    assert text.count("____ GRANTED ____ DENIED ____ DENIED WITHOUT PREJUDICE") == 3
    for term in ("lacked the requisite intent", "best interest of justice", "legal defect",
                 "notify the Department of Justice", "within 90 days after this order",
                 "destroy them within one year of the date of this order", "restitution",
                 "(k)(3), (k)(4)", "licensing board", "subd. (s)", "Demo City Police Department",
                 "probation department", "Judge of the Superior Court"):
        assert term in text, term
    assert "has not been rebutted" in text and "clear and convincing" in text  # each court case its own


def test_one_packet_with_a_cover_index_honours_the_petition_id(admin: Vault, attorney: Vault) -> None:
    youth_id, first = _mixed(admin, attorney)
    second = fx.petition(attorney, youth_id, [fx.JUVENILE], public_name="M. X.")
    pdf = jobs.make(attorney, "vacatur_packet", youth_id, item=first)
    pages = _pages(pdf)
    covers = [i for i, page in enumerate(pages) if "Vacatur packet: filing index" in page]
    assert len(covers) == 2  # one per court case
    index = pages[covers[0]]
    assert "petition page 2" in index or "petition pages 2-" in index
    assert "confidential identity attachment its own file" in index and "conditionally under seal" in index
    assert "Filing index: not for filing" in index and "Page 1 of 1" not in index
    assert not any("CONFIDENTIAL IDENTITY ATTACHMENT" in page for page in pages)  # made on its own
    # The second court case's index names the pages of the whole file its papers are on.
    later = pages[covers[1]]
    petition_at = next(i for i in range(covers[1] + 1, len(pages)) if "VERIFIED PETITION" in pages[i].upper())
    assert petition_at == covers[1] + 1
    assert f"petition pages {petition_at + 1}-" in later or f"petition page {petition_at + 1} " in later
    service_at = max(i for i in range(len(pages)) if "PROOF OF SERVICE" in pages[i])
    assert service_at == len(pages) - 1 and f"{len(pages)} public" in later
    assert all("M. X." not in page for page in pages)
    other = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=second))
    assert "M. X." in other and "23CR-004567" not in other


def test_an_index_that_runs_to_two_pages_moves_the_papers_on(admin: Vault, attorney: Vault,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The indexes are made as one document before the papers' places in the file are known for
    # sure: one that runs to a second page must name pages one further on, and so must the next.
    youth_id, first = _mixed(admin, attorney)
    made = papers._cover
    monkeypatch.setattr(papers, "_cover", lambda *a: [Spacer(1, 560), *made(*a)])
    pages = _pages(jobs.make(attorney, "vacatur_packet", youth_id, item=first))
    starts = [i for i, page in enumerate(pages) if "Vacatur packet: filing index" in page]
    petitions = [next(i for i in range(start + 1, len(pages)) if "VERIFIED PETITION" in pages[i].upper())
                 for start in starts]
    assert petitions == [start + 2 for start in starts]  # each index is two pages
    for start, petition in zip(starts, petitions, strict=True):
        index = pages[start] + " " + pages[start + 1]
        assert f"petition pages {petition + 1}-" in index or f"petition page {petition + 1} " in index


def test_the_identity_attachment_is_a_filing_with_its_request(admin: Vault, attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    pdf = jobs.make(attorney, "vacatur_identity", youth_id, item=case_id)
    text = _text(pdf)
    assert f"Full legal name: {fx.GIVEN} {fx.MIDDLE} {fx.FAMILY}" in text
    assert fx.ALIAS in text and fx.MONIKER in text and "May 1, 2006" in text
    assert "CONFIDENTIAL: LODGED CONDITIONALLY UNDER SEAL" in text
    assert "ATTACHMENT: FILE UNDER SEAL" not in text  # a request to seal comes with it
    for term in ("rule 2.550(a)(2)", "rule 2.551(b)", "2.550(d)", "overriding interest", "narrowly tailored",
                 "[PROPOSED] ORDER", "Case No. 23CR-004567", "under penalty of perjury"):
        assert term in text, term
    _assert_pleading(pdf)


def _assert_pleading(pdf: bytes) -> None:
    assert pdfium.PdfDocument(pdf)[0].get_size() == (612.0, 792.0)
    for number, chars in enumerate(_chars(pdf), start=1):
        numbers: dict[int, str] = {}
        for char, _left, bottom, right, _size in chars:
            if right < 66:
                numbers[round(bottom)] = numbers.get(round(bottom), "") + char
        labels = [numbers[y] for y in sorted(numbers, reverse=True)]
        assert labels[:LINES] == [str(n) for n in range(1, LINES + 1)], f"page {number}"
        body = [c for c in chars if c[1] >= 72 and 40 < c[2] < 740]
        assert all(c[3] <= 612 - 36 for c in body)
        assert min(c[4] for c in body) >= 12, f"page {number}"
        assert min(c[1] for c in body) >= 72  # left margin over one inch


def test_every_paper_is_on_pleading_paper(admin: Vault, attorney: Vault) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    for kind in (*PUBLIC, "vacatur_identity"):
        _assert_pleading(jobs.make(attorney, kind, youth_id, item=case_id))


def test_the_first_page_of_a_petitioner_in_pro_per(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], counsel=[],
                          petitioner_address="PO Box 1000, Demo City", address_is_confidential=True,
                          petitioner_phone="(555) 010-0202")
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "C. Z. PO Box 1000, Demo City (confidential mailing address) Telephone: (555) 010-0202" in text
    assert "Petitioner in pro per" in text and "(to be assigned)" not in text
    bare = fx.petition(attorney, youth_id, [fx.ADULT], counsel=[])
    with pytest.raises(ValidationFailed) as refused:
        workflow.advance(attorney, bare, "attorney_reviewed")
    assert {"petitioner_address", "petitioner_phone"} <= {x.field for x in refused.value.problems}
    # A petitioner still under 18 with no counsel: a guardian ad litem is named on the first page.
    minor_id = fx.youth(admin, date_of_birth="2011-02-03")
    minor = fx.petition(attorney, minor_id, [fx.JUVENILE], counsel=[],
                        petitioner_address="PO Box 1, Demo City", petitioner_phone="(555) 010-0404")
    with pytest.raises(ValidationFailed, match="guardian ad litem"):
        workflow.advance(attorney, minor, "attorney_reviewed")
    caseload.update_attached(attorney, minor, {"guardian_ad_litem": "Robin Example"})
    first = _pages(jobs.make(attorney, "vacatur_petition", minor_id, item=minor))[0]
    assert "By Robin Example, guardian ad litem Petitioner in pro per" in first
    long_lines = fx.petition(attorney, youth_id, [fx.ADULT], counsel=[
        "Alexandra Quinn Samplewright-Longname, Senior Staff Attorney (SBN 000000)"] * 8)
    with pytest.raises(ValidationFailed, match="too long for lines 1 to 7"):
        workflow.advance(attorney, long_lines, "attorney_reviewed")


def test_a_minors_commercial_sex_arrest_gets_a_path_not_a_dead_end(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    arrest = {**fx.JUVENILE, "count_kind": "juvenile_arrest", "section": "647(b)", "judgment_date": None,
              "description": "solicitation", "offense_date": "2022-06-01", "arrest_date": "2022-06-01"}
    case_id = fx.petition(attorney, youth_id, [arrest])
    p = workflow.load(attorney, youth_id, case_id)
    answer = p.counts[0].answer
    assert answer.answer is Answer.CORRECT_RECORD
    paths = " ".join(answer.correction)
    assert "WIC 781" in paths and "236.14(j)" in paths and "correct the record" in paths
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "not an offense for a person under 18" in text and "SB 1322" in text


def test_the_attorney_may_export_court_papers_and_nothing_else(admin: Vault, attorney: Vault,
                                                                tmp_path: Path) -> None:
    youth_id, case_id = _mixed(admin, attorney)
    with pytest.raises(ValidationFailed, match="purpose"):
        jobs.export(attorney, "vacatur_packet", youth_id, " ", tmp_path / "p.pdf", item=case_id)
    size = jobs.export(attorney, "vacatur_packet", youth_id, "file with the court", tmp_path / "p.pdf",
                       item=case_id)
    assert size > 10_000 and (tmp_path / "p.pdf").stat().st_mode & 0o777 == 0o600
    with pytest.raises(PermissionDenied):
        jobs.export(attorney, "youth_summary", youth_id, "file with the court", tmp_path / "s.pdf")
    exports = [e for e in admin.audit_log.entries() if e.action == "export"]
    assert exports and exports[-1].detail.get("document") == "vacatur_packet"


@pytest.mark.skipif(not os.environ.get("CSEC_RENDER_VACATUR"), reason="renders PNGs to look at")
def test_render_every_paper_of_the_three_fixtures(admin: Vault, attorney: Vault) -> None:
    out = Path(os.environ["CSEC_RENDER_VACATUR"])
    youth_id = fx.youth(admin)
    for name, counts in (("adult", [fx.ADULT, fx.ADULT_2]), ("juvenile", [fx.JUVENILE]),
                         ("mixed", [fx.ADULT, fx.JUVENILE])):
        case_id = fx.petition(attorney, youth_id, counts)
        (out / f"{name}.pdf").write_bytes(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    assert directory


def test_export_blanks_the_account_and_import_starts_drafts(admin: Vault, attorney: Vault) -> None:
    """Issue 20: `csec export` by an administrator printed the youth's account (the screen blanks
    it for that role), and an import could create a petition already filed with the account in it."""
    from csec_desktop import transfer

    youth_id, case_id = _mixed(admin, attorney)
    exported = transfer.export_youth(admin, youth_id, "moving the case to another county")
    bodies = [a["body"] for a in exported["attached"]]
    assert all(not b.get("grounds") and not b.get("nexus") for b in bodies)
    assert fx.CASE["grounds"] not in str(exported)
    admin.add_user("sam", role="supervisor", passphrase=WORKER_PASS, unit="Unit A")
    # The account is sealed to those who may read it: the supervisor, added by an administrator
    # (who may not), receives the key at the next unlock of someone who holds it.
    Vault.unlock(admin.folder, attorney.user.username, WORKER_PASS).close()
    supervisor = Vault.unlock(admin.folder, "sam", WORKER_PASS)
    by_supervisor = transfer.export_youth(supervisor, youth_id, "moving the case to another county")
    supervisor.close()
    assert fx.CASE["grounds"] in str(by_supervisor)  # a role that may read it exports it
    # Into another vault: the account is refused from a role that may not write it; a petition
    # always starts as a draft.
    other, _secret = Vault.create(admin.folder.parent / "other", county="Demo County", admin="admin",
                                  passphrase=ADMIN_PASS)
    with pytest.raises(ValidationFailed) as refused:
        transfer.import_youth(other, by_supervisor)
    assert any("youth's account" in p.message for p in refused.value.problems)
    for entry in exported["attached"]:
        if entry["kind"] == "vacatur_case":
            entry["body"]["stage"] = "filed"
    assert case_id in str(exported)
    transfer.import_youth(other, exported)
    cases = [r for r in other.records.attached(youth_id, "vacatur_case")]
    assert cases and all(r.body.stage is CaseStage.DRAFT for r in cases)  # type: ignore[attr-defined]
    other.close()


def test_a_count_dated_after_today_is_refused_naming_each_date(admin: Vault, attorney: Vault) -> None:
    """A conviction dated next year was saved and assessed as one that can be petitioned."""
    youth_id = fx.youth(admin)
    ahead = (date.today().replace(year=date.today().year + 1)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        caseload.add_attached(attorney, youth_id, "criminal_count", {
            **fx.ADULT, "offense_date": ahead, "disposition_date": ahead, "judgment_date": ahead})
    assert sorted(p.field for p in refused.value.problems) == ["disposition_date", "judgment_date",
                                                               "offense_date"]
    assert caseload.attached(attorney, youth_id, "criminal_count") == []
    kept = caseload.add_attached(attorney, youth_id, "criminal_count", fx.ADULT)
    with pytest.raises(ValidationFailed):
        caseload.update_attached(attorney, kept.id, {"arrest_date": ahead})


def test_a_caseworker_is_told_the_account_is_withheld_not_missing(admin: Vault, attorney: Vault) -> None:
    """Attorney review, session 36: a caseworker read "needs review: the direct-result narrative is
    not written yet" for counts whose account counsel had written, while counsel read "can be
    petitioned". The account is withheld from the caseworker's role, and the answer is the same."""
    from csec_desktop.usecases import youth as youth_screen

    youth_id = fx.youth(admin)
    fx.petition(attorney, youth_id, [fx.ADULT])
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    caseload.update_youth(admin, youth_id, {"assigned_worker": "casey"})
    worker = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        seen = youth_screen.open_youth(worker, youth_id).derived.relief
        counsel = youth_screen.open_youth(attorney, youth_id).derived.relief
        assert [v.count.nexus for v in seen] == [None]  # blank to the caseworker
        assert [v.answer.answer for v in seen] == [v.answer.answer for v in counsel] == [Answer.ELIGIBLE]
        said = [str(w) for w in seen[0].answer.why]
        assert any("withheld from your role" in w for w in said)
        assert not any("not written" in w for w in said)
        assert worker.records.withheld([seen[0].record_id]) == {seen[0].record_id}
        # The history of an edit to the account carries no value to a reader it is withheld from.
        caseload.update_attached(attorney, seen[0].record_id, {"nexus": "He sent me; I had no choice.",
                                                               "description": "petty theft (amended)"})
        edit = youth_screen.open_youth(worker, youth_id).history[0]
        assert [name for name, _old, _new in edit.changes] == ["description"]
        counsel_edit = youth_screen.open_youth(attorney, youth_id).history[0]
        assert [name for name, _old, _new in counsel_edit.changes] == ["description", "nexus"]
        assert attorney.records.withheld([seen[0].record_id]) == set()
    finally:
        worker.close()


def test_an_arrest_number_with_no_court_is_flagged_before_it_captions_a_packet(admin: Vault,
                                                                              attorney: Vault) -> None:
    """Attorney review, session 36: an arrest report's number typed as the count's case number
    made a packet captioned "Case No. ARR-FICT-0512 ... Defendant" for an arrest never charged."""
    youth_id = fx.youth(admin)
    arrest = {**fx.ADULT, "count_kind": "arrest", "case_number": "ARR-FICT-0512", "court": None,
              "judgment_date": None}
    case_id = fx.petition(attorney, youth_id, [arrest])
    with pytest.raises(ValidationFailed) as refused:
        workflow.advance(attorney, case_id, "attorney_reviewed")
    assert any(x.field == "case_number" and "ARR-FICT-0512" in x.message for x in refused.value.problems)
    # Charged in a court: a court's number, nothing said.
    charged = fx.petition(attorney, youth_id, [{**arrest, "court": "Demo County Superior Court"}])
    p = workflow.load(attorney, youth_id, charged)
    from csec_desktop.vacatur.petition import form_problems

    found = form_problems(p.case, charged, p.counts, date(2026, 12, 4))
    assert not any(x.field == "case_number" for x in found)
