"""Fictional adult, juvenile and mixed vacatur petitions for the tests (and for rendering the
papers to look at them). The canary names and the birth date must never reach a public paper."""

from __future__ import annotations

from typing import Any

from csec_desktop import caseload, directory
from csec_desktop.storage.vault import Vault
from tests.conftest import WORKER_PASS, youth_data

GIVEN, MIDDLE, FAMILY = "Canarygiven", "Quillmiddle", "Zzyzxfamily"
ALIAS, MONIKER = "Canaryalias", "Canarymoniker"
DOB = "2006-05-01"  # 18 on 2024-05-01
PLACEMENT = "77 Canary Lane, Demo City"
DA = "Demo County District Attorney"
DA_ADDRESS = "1 Justice Plaza, Demo City, CA 90000"
COUNSEL = ["Alex Q. Sample (SBN 000000)", "Fictional Legal Aid", "100 Example Street",
           "Demo City, CA 90000", "Telephone: (555) 010-0000"]


def attorney_of(admin: Vault) -> Vault:
    if not any(u.username == "alex" for u in admin.users()):
        admin.add_user("alex", role="attorney", passphrase=WORKER_PASS, unit="Unit A")
    return Vault.unlock(admin.folder, "alex", WORKER_PASS)


def youth(admin: Vault, date_of_birth: str = DOB) -> str:
    record = caseload.create_youth(admin, youth_data(
        legal_name={"given": GIVEN, "middle": MIDDLE, "family": FAMILY}, date_of_birth=date_of_birth,
        assigned_worker="alex", unit="Unit A", county="Demo County",
        aliases=[{"name": ALIAS, "kind": "alias"}, {"name": MONIKER, "kind": "moniker"}],
        placement={"type": "resource_family", "address": PLACEMENT}))
    if not any(e.body.name == DA for e in directory.entries(admin)):  # type: ignore[attr-defined]
        directory.add(admin, {"name": DA, "services": "Prosecuting agency (county agency list)",
                              "address": DA_ADDRESS, "phone": "(555) 010-0101"})
    return record.id


ADULT = {"count_kind": "conviction", "section": "484", "description": "petty theft",
         "county": "Demo County", "court": "Demo County Superior Court", "case_number": "23CR-004567",
         "offense_date": "2024-08-03", "arrest_date": "2024-08-04", "judgment_date": "2024-10-15",
         "arresting_agency": "Demo City Police Department", "prosecuting_agency": DA, "while_victim": True,
         "nexus": "He took my wages and sent me to steal food."}
ADULT_2 = {**ADULT, "code": "H&S", "section": "11377(a)", "description": "possession",
           "offense_date": "2024-08-03", "nexus": "He gave me the drugs to keep me working."}
JUVENILE = {"count_kind": "adjudication", "section": "459.5", "description": "shoplifting",
            "county": "Demo County", "court": "Demo County Juvenile Court", "case_number": "JV-0099",
            "offense_date": "2023-02-10", "arrest_date": "2023-02-10", "judgment_date": "2023-04-02",
            "arresting_agency": "Demo County Sheriff", "prosecuting_agency": DA, "while_victim": True,
            "nexus": "I was told to take clothes for the others."}
CASE = {"public_name": "C. Z.", "counsel": COUNSEL,
        "grounds": "From 2022 to 2024 a man controlled where I lived and what I did.",
        "victimization_started_on": "2022-01-01", "victimization_ended_on": "2024-09-01",
        "services_sought_on": "2024-09-15", "official_documents": ["child_welfare"],
        "court_county": "Demo County",
        "server_name": "Pat Example", "server_address": "100 Example Street, Demo City, CA 90000",
        "service_method": "mail", "service_date": "2026-11-02", "service_place": "Demo City",
        "hearings": [
            {"case_number": "23CR-004567", "on": "2027-01-08", "time": "8:30 a.m.", "department": "12"},
            {"case_number": "JV-0099", "on": "2027-01-15", "department": "J3"}]}

def petition(attorney: Vault, youth_id: str, counts: list[dict[str, Any]], **case: Any) -> str:
    ids = [caseload.add_attached(attorney, youth_id, "criminal_count", c).id for c in counts]
    return caseload.add_attached(attorney, youth_id, "vacatur_case", {**CASE, "count_ids": ids, **case}).id
