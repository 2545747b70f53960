"""What counsel signs is what counsel reviewed (Pen. Code 236.14 papers): a change after the review
unsigns the papers until counsel reviews them again; facts recorded after the review (service,
the hearing, the clerk's number) do not. And the first page and caption as rule 2.111 asks: a
counsel block with its bar number, address and telephone, a hearing recorded where a paper
prints it, the clerk's number on a petition whose arrest was never charged, a title that names
what is petitioned, and agencies that are not numbered as allegations."""

from __future__ import annotations

import pytest

from csec_desktop import caseload
from csec_desktop.documents import jobs
from csec_desktop.documents import vacatur as papers
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.vacatur import petition, workflow
from csec_desktop.vacatur.petition import form_problems
from tests.core import vacatur_fixtures as fx


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.split()) for page in papers.page_texts(pdf))


def _signed(attorney: Vault, youth_id: str, case_id: str) -> bool:
    """Whether the petition prints counsel's typed signature."""
    return "/s/ Alex Q. Sample" in _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))


def _problems(attorney: Vault, youth_id: str, case_id: str) -> list[str]:
    p = workflow.load(attorney, youth_id, case_id)
    return [f"{x.field}: {x.message}" for x in form_problems(p.case, p.case_id, p.counts, p.made_on)]


def test_a_change_after_the_review_unsigns_until_counsel_reviews_again(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT])
    workflow.advance(attorney, case_id, "attorney_reviewed")
    assert _signed(attorney, youth_id, case_id)
    # Service and the hearing are recorded after the review: still what counsel signed.
    caseload.update_attached(attorney, case_id, {"service_date": "2026-11-03", "server_name": "Sam Example"})
    assert _signed(attorney, youth_id, case_id)
    # A count's fine, which no paper prints, changed: still what counsel signed.
    count_id = workflow.load(attorney, youth_id, case_id).counts[0].id
    caseload.update_attached(attorney, count_id, {"fines_and_restitution": "Fictional fine, paid"})
    assert _signed(attorney, youth_id, case_id)
    # The account changed: counsel has not read what would now be signed.
    caseload.update_attached(attorney, case_id, {"grounds": "From 2021 to 2024 a man kept my papers."})
    assert not _signed(attorney, youth_id, case_id)
    packet = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    assert "UNSIGNED DRAFT: the petition changed after it was reviewed by counsel." in packet
    assert "/s/" not in packet
    assert any(line.startswith("reviewed: changed since counsel reviewed it") for line in
               _problems(attorney, youth_id, case_id))
    with pytest.raises(ValidationFailed, match="changed since counsel reviewed it"):
        workflow.advance(attorney, case_id, "filed")
    # Reviewed again (from "reviewed", no detour through draft): signed, and it may be filed.
    workflow.advance(attorney, case_id, "attorney_reviewed")
    assert _signed(attorney, youth_id, case_id)
    assert not [x for x in _problems(attorney, youth_id, case_id) if x.startswith("reviewed")]
    workflow.advance(attorney, case_id, "filed")
    # A count of the petition changed after filing: the papers no longer say what was filed.
    count_id = workflow.load(attorney, youth_id, case_id).counts[0].id
    caseload.update_attached(attorney, count_id, {"nexus": "He sent me to steal food and took my wages."})
    assert not _signed(attorney, youth_id, case_id)
    assert any("changed since it was filed" in line for line in _problems(attorney, youth_id, case_id))


def test_the_fingerprint_is_set_only_by_the_review(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT])
    with pytest.raises(PermissionDenied):
        caseload.update_attached(attorney, case_id, {"reviewed": "0" * 64})
    workflow.advance(attorney, case_id, "attorney_reviewed")
    workflow.advance(attorney, case_id, "draft")
    record = attorney.records.get(case_id)
    assert record.body.reviewed is None  # type: ignore[attr-defined]
    assert not _signed(attorney, youth_id, case_id)


@pytest.mark.parametrize(("block", "missing"), [
    (["Alex Q. Sample", "Fictional Legal Aid", "100 Example Street, Demo City, CA 90000", "(555) 010-0000"],
     "State Bar number"),
    (["Alex Q. Sample (SBN 000000)", "Fictional Legal Aid", "Demo City", "(555) 010-0000"],
     "office address with its ZIP code"),
    (["Alex Q. Sample (SBN 000000)", "Fictional Legal Aid", "100 Example Street, Demo City, CA 90000"],
     "telephone number"),
])
def test_counsels_block_names_the_bar_number_address_and_telephone(admin: Vault, attorney: Vault,
                                                                   block: list[str], missing: str) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], counsel=block)
    with pytest.raises(ValidationFailed, match=f"the counsel block has no {missing}"):
        workflow.advance(attorney, case_id, "attorney_reviewed")
    complete = fx.petition(attorney, youth_id, [fx.ADULT_2])
    assert not [x for x in _problems(attorney, youth_id, complete) if x.startswith("counsel:")]


def test_one_hearing_date_for_two_court_cases_is_asked_for_each(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT, fx.JUVENILE], hearings=[], hearing_on="2027-01-08")
    assert any(line.startswith("hearings: the hearing on 2027-01-08 is recorded once for a petition in 2")
               for line in _problems(attorney, youth_id, case_id))
    # Each court case's own hearing: printed on its packet's first page, nothing to ask.
    caseload.update_attached(attorney, case_id, {"hearings": [
        {"case_number": "23CR-004567", "on": "2027-01-08", "department": "12"},
        {"case_number": "JV-0099", "on": "2027-01-15", "department": "J3"}]})
    assert not [x for x in _problems(attorney, youth_id, case_id) if x.startswith("hearings")]
    packet = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    assert "Date: January 8, 2027" in packet and "Date: January 15, 2027" in packet


def test_the_clerks_number_is_printed_for_an_arrest_never_charged(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    arrest = {**fx.ADULT, "count_kind": "arrest", "case_number": None, "judgment_date": None}
    case_id = fx.petition(attorney, youth_id, [arrest], hearings=[])
    petition = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "Case No. (to be assigned by the clerk)" in petition
    hearing = {"case_number": "26MS-000123", "on": "2027-02-01"}
    caseload.update_attached(attorney, case_id, {"court_case_number": "26MS-000123", "hearings": [hearing]})
    petition = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "Case No. 26MS-000123" in petition and "Date: February 1, 2027" in petition
    service = _text(jobs.make(attorney, "vacatur_service", youth_id, item=case_id))
    assert "(case no. 26MS-000123)" in service
    # The clerk's number on a petition whose every count has its own: printed nowhere, so said.
    numbered = fx.petition(attorney, youth_id, [fx.ADULT_2], court_case_number="26MS-000124")
    assert any(line.startswith("court_case_number: the clerk's number 26MS-000124")
               for line in _problems(attorney, youth_id, numbered))


def test_the_title_names_what_is_petitioned_and_agencies_are_not_allegations(admin: Vault,
                                                                            attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    adult = fx.petition(attorney, youth_id, [fx.ADULT])
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=adult))
    assert "VERIFIED PETITION TO VACATE CONVICTION (Pen. Code, § 236.14)" in text  # one count: singular
    assert "ADJUDICATIONS" not in text
    # The agencies are one paragraph, lettered, after the request that names them.
    assert "(a) Demo City Police Department; (b) " in text
    juvenile = fx.petition(attorney, youth_id, [fx.JUVENILE])
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=juvenile))
    assert "VERIFIED PETITION TO VACATE ADJUDICATION (Pen." in text
    service = _text(jobs.make(attorney, "vacatur_service", youth_id, item=juvenile))
    assert "Verified Petition to Vacate Adjudication (Pen. Code, § 236.14)" in service
    two = fx.petition(attorney, youth_id, [fx.ADULT, fx.ADULT_2])
    assert "TO VACATE CONVICTIONS (Pen." in _text(jobs.make(attorney, "vacatur_petition", youth_id, item=two))
    order = _text(jobs.make(attorney, "vacatur_order", youth_id, item=juvenile))
    assert "(subd. (k)(1), (k)(2)): (a) Demo County Sheriff; (b) " in order


def test_the_cover_does_not_say_not_chosen_beside_a_due_date(admin: Vault, attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], service_method=None, service_date=None,
                          served_on="2026-11-05")
    packet = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    cover = packet.split("PETITION TO VACATE")[0]
    assert "not chosen" not in cover
    assert "manner not recorded, date not recorded, received by the prosecutor on November 5, 2026" in cover
    # Day 45, Sunday 2026-12-20, moves to Monday (Code Civ. Proc. 12a), and the index says why.
    assert "December 21, 2026 (45 days from the date the prosecutor received service" in cover
    assert "day 45 falls on Sunday 2026-12-20, when the courts are closed, so the next court day" in cover


def test_a_corrected_birth_date_that_changes_what_a_count_alleges_unsigns(admin: Vault,
                                                                          attorney: Vault) -> None:
    """Counsel's review found a 647(b) count at 18; the birth date corrected makes the youth 17
    then, and the petition now alleges it was no offense for a minor: not what counsel signed."""
    youth_id = fx.youth(admin)
    solicitation = {**fx.ADULT, "section": "647(b)", "description": "solicitation"}
    case_id = fx.petition(attorney, youth_id, [solicitation])
    workflow.advance(attorney, case_id, "attorney_reviewed")
    assert _signed(attorney, youth_id, case_id)
    caseload.update_youth(admin, youth_id, {"date_of_birth": "2007-01-15"})
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "not an offense for a person under 18" in text and "/s/" not in text


def test_the_signature_is_dated_the_day_counsel_reviewed(admin: Vault, attorney: Vault, clock) -> None:  # type: ignore[no-untyped-def]
    """Printed again after service, the petition was dated the day it was printed (after its own
    proof of service): it carries the day counsel reviewed and signed it; unsigned, a blank."""
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT])
    draft = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "Dated: ________________ __________________________________ Alex Q. Sample" in draft
    workflow.advance(attorney, case_id, "attorney_reviewed")
    reviewed_on = attorney.records.get(case_id).body.reviewed_on  # type: ignore[attr-defined]
    assert reviewed_on is not None
    p = workflow.load(attorney, youth_id, case_id, made_on=reviewed_on.replace(year=reviewed_on.year + 1))
    later = _text(papers.one_paper(p, papers.petition, "petition"))
    assert f"Dated: {papers._day(reviewed_on)} /s/ Alex Q. Sample" in later
    workflow.advance(attorney, case_id, "filed")
    assert attorney.records.get(case_id).body.reviewed_on == reviewed_on  # type: ignore[attr-defined]


def test_service_and_packets_follow_the_clerks_number_and_the_case_in_any_case(admin: Vault,
                                                                               attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    arrest = {**fx.ADULT, "count_kind": "arrest", "case_number": None, "judgment_date": None}
    # Service recorded under the clerk's number is the packet's own: nothing more is asked for it.
    case_id = fx.petition(attorney, youth_id, [arrest], hearings=[], service_method=None, service_date=None,
                          court_case_number="26MS-000125",
                          services=[{"case_number": "26MS-000125", "method": "personal",
                                     "delivered_on": "2026-11-30"}])
    found = _problems(attorney, youth_id, case_id)
    assert not [x for x in found if "served" in x or "delivered or mailed" in x or x.startswith("services")]
    # Two packets without a case number: the clerk's number can go to neither, and that is said.
    juvenile = {**fx.JUVENILE, "count_kind": "juvenile_arrest", "case_number": None, "judgment_date": None}
    both = fx.petition(attorney, youth_id, [arrest, juvenile], hearings=[], court_case_number="26MS-000126")
    assert any(x.startswith("court_case_number: the clerk's number 26MS-000126 cannot go to 2 packets")
               for x in _problems(attorney, youth_id, both))
    # One case number typed in two ways is one court case for the papers and for the review.
    lower = {**fx.ADULT_2, "case_number": fx.ADULT["case_number"].lower()}
    one = fx.petition(attorney, youth_id, [fx.ADULT, lower], hearings=[], hearing_on="2027-01-08")
    assert len(workflow.load(attorney, youth_id, one).court_cases()) == 1
    assert not [x for x in _problems(attorney, youth_id, one) if x.startswith("hearings")]


@pytest.mark.parametrize(("lines", "missing"), [
    (["Jane Q. Example, Cal. Bar # 123456", "10 Example St., Demo City, CA 90000", "Tel: 5550100000"], ""),
    (["Jane Q. Example", "Bar Number 123456", "Demo City, California 90000-1234", "555/010-0000"], ""),
    (["Jane Q. Example (S.B.N. 123456)", "Demo City, CA 90000", "+1 555 010 0000"], ""),
    (["Jane Q. Example", "Member of the State Bar of California", "Demo City, CA 90000", "(555) 010-0000"],
     "State Bar number"),
    (["Jane Q. Example (SBN pending)", "Demo City, CA 90000", "(555) 010-0000"], "State Bar number"),
    (["Jane Q. Example (SBN 98765)", "12345 Example Blvd., Demo City", "(555) 010-0000"],
     "office address with its ZIP code"),
    (["Jane Q. Example (SBN 123456)", "Demo City, CA 90000", "Fax: (555) 010-0001"], "telephone number"),
])
def test_counsels_block_is_read_as_people_write_it(lines: list[str], missing: str) -> None:
    from csec_desktop.vacatur.petition import _COUNSEL_PARTS

    assert [what for what, present in _COUNSEL_PARTS if not present(lines)] == ([missing] if missing else [])


def test_counsel_signs_with_the_name_alone_once_and_agencies_are_named_once(admin: Vault,
                                                                            attorney: Vault) -> None:
    youth_id = fx.youth(admin)
    block = ["Jane Q. Example, State Bar No. 123456", "Attorneys for Petitioner", "Fictional Legal Aid",
             "100 Example Street, Demo City, CA 90000", "Telephone: (555) 010-0000"]
    case_id = fx.petition(attorney, youth_id, [fx.ADULT], counsel=block,
                          agencies_to_seal=["California Department of Justice", "demo city police department",
                                            "Demo County Probation Department", "Demo County Sheriff"])
    workflow.advance(attorney, case_id, "attorney_reviewed")
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    assert "/s/ Jane Q. Example Jane Q. Example Attorney for Petitioner" in text
    assert "Attorney for Petitioner C. Z." not in text  # "Attorneys for Petitioner" already says it
    order = _text(jobs.make(attorney, "vacatur_order", youth_id, item=case_id))
    assert ("(k)(1), (k)(2)): (a) Demo City Police Department; (b) Demo County Sheriff; (c) The "
            "California Department of Justice (Pen. Code, § 236.14, subd. (k)(1)(B)); (d) Demo County "
            "Probation Department (Pen. Code, § 236.14, subd. (k)(1)(E)).") in order


def test_the_petitioners_verification_keeps_its_signature(admin: Vault, attorney: Vault) -> None:
    """A long account pushed the petitioner's signature line alone onto a page of its own."""
    youth_id = fx.youth(admin)
    for repeat in range(18, 34, 2):
        case_id = fx.petition(attorney, youth_id, [fx.ADULT],
                              grounds="Fictional words of the account repeated here. " * repeat,
                              safety_concerns="Fictional safety note. " * 5)
        pages = [" ".join(t.split()) for t in papers.page_texts(
            jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))]
        signing = [page for page in pages if "C. Z. Petitioner" in page]
        assert signing and all("VERIFICATION" in page for page in signing), repeat


def test_the_pro_per_block_is_not_what_counsel_signs_while_counsel_is_named(admin: Vault,
                                                                           attorney: Vault) -> None:
    """With counsel named, counsel's block prints on the first page and the petitioner's own
    (address, telephone, e-mail, guardian ad litem) prints nowhere: editing it leaves the papers
    signed. Counsel's block is printed: editing it unsigns them. A review recorded by an earlier
    version, whose digest counted the pro per block, still holds while nothing printed changed."""
    youth_id = fx.youth(admin)
    case_id = fx.petition(attorney, youth_id, [fx.ADULT])
    caseload.update_attached(attorney, case_id, {"petitioner_email": "old@example.invalid"})
    workflow.advance(attorney, case_id, "attorney_reviewed")
    assert _signed(attorney, youth_id, case_id)
    caseload.update_attached(attorney, case_id, {
        "petitioner_email": "new@example.invalid", "petitioner_phone": "(555) 010-0199",
        "guardian_ad_litem": "Fictional Guardian"})
    assert _signed(attorney, youth_id, case_id)
    p = workflow.load(attorney, youth_id, case_id)
    assert "new@example.invalid" not in _text(jobs.make(attorney, "vacatur_petition", youth_id, item=case_id))
    # The digest of an earlier version (the pro per fields counted) is still a review of these facts.
    earlier = p.case.model_copy(update={"reviewed": petition.fingerprint(p.case, p.counts, unprinted=True)})
    assert not petition.changed_since_review(earlier, p.counts)
    assert petition.changed_since_review(earlier.model_copy(update={"grounds": "Other words."}), p.counts)
    counsel = [*p.case.counsel]
    counsel[0] = counsel[0] + " (of counsel)"
    caseload.update_attached(attorney, case_id, {"counsel": counsel})
    assert not _signed(attorney, youth_id, case_id)
