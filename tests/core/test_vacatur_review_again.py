"""What counsel signs is what counsel reviewed (Pen. Code 236.14 papers): a change after the review
unsigns the papers until counsel reviews them again; facts recorded after the review (service,
the hearing, the clerk's number) do not. And the first page and caption as rule 2.111 asks: a
counsel block with its bar number, address and telephone, a hearing recorded where a paper
prints it, the clerk's number on a petition whose arrest was never charged, a title that names
what is petitioned, and agencies that are not numbered as allegations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csec_desktop import caseload
from csec_desktop.documents import jobs
from csec_desktop.documents import vacatur as papers
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.vacatur import workflow
from csec_desktop.vacatur.petition import form_problems
from tests.core import vacatur_fixtures as fx


@pytest.fixture
def attorney(admin: Vault) -> Iterator[Vault]:
    vault = fx.attorney_of(admin)
    try:
        yield vault
    finally:
        vault.close()


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
    # The account changed: counsel has not read what would now be signed.
    caseload.update_attached(attorney, case_id, {"grounds": "From 2021 to 2024 a man kept my papers."})
    assert not _signed(attorney, youth_id, case_id)
    packet = _text(jobs.make(attorney, "vacatur_packet", youth_id, item=case_id))
    assert "UNSIGNED DRAFT: the petition changed after counsel reviewed it." in packet and "/s/" not in packet
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
    assert "VERIFIED PETITION TO VACATE CONVICTIONS (Pen. Code, § 236.14)" in text
    assert "ADJUDICATIONS" not in text
    # The agencies are one paragraph, lettered, after the request that names them.
    assert "(a) Demo City Police Department; (b) " in text
    juvenile = fx.petition(attorney, youth_id, [fx.JUVENILE])
    text = _text(jobs.make(attorney, "vacatur_petition", youth_id, item=juvenile))
    assert "VERIFIED PETITION TO VACATE ADJUDICATIONS" in text
    service = _text(jobs.make(attorney, "vacatur_service", youth_id, item=juvenile))
    assert "Verified Petition to Vacate Adjudications (Pen. Code, § 236.14)" in service
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
    assert "December 20, 2026 (45 days from the date the prosecutor received service" in cover
