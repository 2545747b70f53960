"""The vacatur packet: pleading-paper geometry, no full name in any public paper (a canary), the
draft watermark until counsel reviews it, role checks on the steps and on the youth's account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest

from csec_desktop import caseload, directory
from csec_desktop.documents import jobs
from csec_desktop.documents.pleading import LINES
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.vacatur import workflow
from tests.conftest import WORKER_PASS, Users, youth_data
from tests.core.test_documents import _chars

GIVEN, FAMILY = "Canarygiven", "Zzyzxfamily"
PUBLIC = ("vacatur_petition", "vacatur_declaration", "vacatur_order", "vacatur_service")


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    pages = (document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(" ".join(page.split()) for page in pages)


@pytest.fixture
def admin(vault_of: Callable[[Users], Vault]) -> Vault:
    """Here the administrator's vault already has attorney alex and caseworker casey, both Unit A."""
    return vault_of((("alex", "attorney", "Unit A"), ("casey", "caseworker", "Unit A")))


def _setup(admin: Vault) -> tuple[Vault, Vault, str, str, str]:
    attorney = Vault.unlock(admin.folder, "alex", WORKER_PASS)
    worker = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    youth = caseload.create_youth(admin, youth_data(
        legal_name={"given": GIVEN, "family": FAMILY}, date_of_birth="2002-05-01", assigned_worker="casey",
        aliases=[{"name": "Canarymoniker", "kind": "moniker"}]))
    theft = caseload.add_attached(attorney, youth.id, "criminal_count", {
        "count_kind": "conviction", "section": "484", "offense_date": "2021-03-01",
        "judgment_date": "2021-05-03", "county": "Demo",
        "case_number": "21CR-0001", "arresting_agency": "Demo City Police Department",
        "prosecuting_agency": "Demo County District Attorney",
        "while_victim": True, "nexus": "He took my ID and sent me to steal."})
    robbery = caseload.add_attached(attorney, youth.id, "criminal_count", {
        "count_kind": "conviction", "section": "211", "offense_date": "2021-04-01", "while_victim": True})
    directory.add(admin, {"name": "Demo County District Attorney", "services": "Prosecuting agency",
                          "address": "1 Justice Plaza, Demo City, CA 90000"})
    case = caseload.add_attached(attorney, youth.id, "vacatur_case", {
        "count_ids": [theft.id, robbery.id], "services_sought_on": "2022-07-01",
        "public_name": "C. Z.", "counsel": ["Alex Q. Sample (SBN 000000)", "Fictional Legal Aid",
                                             "100 Example Street", "Demo City, CA 90000",
                                             "Telephone: (555) 010-0000"],
        "grounds": "From 2020 to 2022 a man controlled where I lived and what I did.",
        "victimization_ended_on": "2022-06-01", "official_documents": ["child_welfare"],
        "court_county": "Demo", "server_name": "Pat Example", "server_address": "100 Example Street"})
    return attorney, worker, youth.id, theft.id, case.id


def test_no_public_paper_carries_the_full_name(admin: Vault) -> None:
    attorney, worker, youth_id, _theft, case_id = _setup(admin)
    try:
        for kind in PUBLIC:
            pdf = jobs.make(attorney, kind, youth_id)
            words = _text(pdf)
            assert GIVEN not in words and FAMILY not in words and "Canarymoniker" not in words, kind
            assert "C. Z." in words, kind
            assert GIVEN.encode() not in pdf and FAMILY.encode() not in pdf  # nor in metadata
        identity = _text(jobs.make(attorney, "vacatur_identity", youth_id))
        assert f"{GIVEN} {FAMILY}" in identity and "CONDITIONALLY UNDER SEAL" in identity
        petition = _text(jobs.make(attorney, "vacatur_petition", youth_id))
        assert "484" in petition and "§ 211" not in petition  # robbery is violent: not petitioned
        assert "clear and convincing" in petition and "He took my ID" in petition
        order = _text(jobs.make(attorney, "vacatur_order", youth_id))
        assert "Department of Justice" in order and "probation department" in order
        assert "Demo City Police Department" in order and "legal defect" in order
        service = _text(jobs.make(attorney, "vacatur_service", youth_id))
        assert "Demo County District Attorney, 1 Justice Plaza" in service and "PROOF OF SERVICE" in service
        # A caseworker cannot make the papers (they quote the youth's account).
        with pytest.raises(PermissionDenied):
            jobs.make(worker, "vacatur_petition", youth_id)
        assert case_id
    finally:
        attorney.close()
        worker.close()


def test_the_draft_watermark_goes_when_counsel_reviews(admin: Vault) -> None:
    attorney, worker, youth_id, theft, case_id = _setup(admin)
    try:
        # The watermark is strokes, not text: a draft is known by its unsigned counsel line.
        assert "/s/" not in _text(jobs.make(attorney, "vacatur_petition", youth_id))
        with pytest.raises(ValidationFailed, match="cannot be petitioned"):  # robbery is still chosen
            workflow.advance(attorney, case_id, "attorney_reviewed")
        caseload.update_attached(attorney, case_id, {"count_ids": [theft]})
        with pytest.raises(PermissionDenied):
            workflow.advance(worker, case_id, "attorney_reviewed")
        with pytest.raises(ValidationFailed, match="cannot go from draft to filed"):
            workflow.advance(attorney, case_id, "filed")
        with pytest.raises(PermissionDenied):  # nor around the step, by editing the stage
            caseload.update_attached(attorney, case_id, {"stage": "filed"})
        workflow.advance(attorney, case_id, "attorney_reviewed")
        assert "/s/ Alex Q. Sample" in _text(jobs.make(attorney, "vacatur_petition", youth_id))
        # Edited after the review so that a gap is back: unsigned again (a typed /s/ over
        # "[TO BE COMPLETED ...]" certifies what is not there), signed once it is filled.
        grounds = caseload.attached_record(attorney, youth_id, case_id, "vacatur_case").body.dump()["grounds"]
        caseload.update_attached(attorney, case_id, {"grounds": ""})
        gapped = _text(jobs.make(attorney, "vacatur_petition", youth_id))
        assert "[TO BE COMPLETED" in gapped and "/s/" not in gapped
        caseload.update_attached(attorney, case_id, {"grounds": grounds})
        assert "/s/ Alex Q. Sample" in _text(jobs.make(attorney, "vacatur_petition", youth_id))
        caseload.update_attached(attorney, case_id, {"service_method": "mail", "service_date": "2026-11-02",
                                                     "service_place": "Demo City"})
        workflow.advance(attorney, case_id, "filed")
        actions = [e.action for e in admin.audit_log.entries()]
        assert "petition_stage_refused" in actions and actions.count("petition_stage") == 2
    finally:
        attorney.close()
        worker.close()


def test_the_youths_account_is_for_the_roles_allowed(admin: Vault) -> None:
    attorney, worker, youth_id, theft_id, _case = _setup(admin)
    try:
        seen: dict[str, Any] = {r.id: r.body for r in caseload.attached(worker, youth_id, "criminal_count")}
        assert seen[theft_id].nexus is None  # blanked for a caseworker
        # Their form sends the blank back: the account is kept, the other change is made.
        caseload.update_attached(worker, theft_id, {"nexus": None, "disposition": "probation"})
        body = {r.id: r.body for r in caseload.attached(attorney, youth_id, "criminal_count")}[theft_id]
        assert body.nexus == "He took my ID and sent me to steal." and body.disposition == "probation"
        with pytest.raises(PermissionDenied):
            caseload.update_attached(worker, theft_id, {"nexus": "changed"})
        assert any(e.action == "narrative_viewed" for e in admin.audit_log.entries())
    finally:
        attorney.close()
        worker.close()


def test_the_petition_is_on_pleading_paper(admin: Vault) -> None:
    attorney, worker, youth_id, _theft, _case = _setup(admin)
    try:
        pdf = jobs.make(attorney, "vacatur_petition", youth_id)
        assert pdfium.PdfDocument(pdf)[0].get_size() == (612.0, 792.0)
        for number, chars in enumerate(_chars(pdf), start=1):
            numbers: dict[int, str] = {}
            for char, _left, bottom, right, _size in chars:
                if right < 66:
                    numbers[round(bottom)] = numbers.get(round(bottom), "") + char
            labels = [numbers[y] for y in sorted(numbers, reverse=True)]
            assert labels[:LINES] == [str(n) for n in range(1, LINES + 1)], f"page {number}"
            body = [c for c in chars if c[1] >= 72 and 40 < c[2] < 740 and c[4] < 40]  # not the watermark
            assert all(c[3] <= 612 - 36 for c in body)
            assert min(c[4] for c in body) >= 12
    finally:
        attorney.close()
        worker.close()
