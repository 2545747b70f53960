"""A person a safety flag names is never a contact who may be told about the youth: an alleged
exploiter entered again as "boyfriend" with the box ticked was saved, and the printed summary
said "May receive information: yes" under the red box saying to tell him nothing."""

from __future__ import annotations

import pytest

from csec_desktop import caseload
from csec_desktop.documents import jobs
from csec_desktop.documents.vacatur import page_texts
from csec_desktop.domain.youth import SafetyFlag, flag_naming
from csec_desktop.errors import ValidationFailed
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data

FLAG = {"person": "Marco Fakename (alleged exploiter, fictional)", "description": "Fictional."}


def _youth(admin: Vault, flags: list[dict[str, str]]) -> str:
    return caseload.create_youth(admin, youth_data(safety_flags=flags)).id


def test_a_flagged_person_cannot_be_a_contact_who_is_told(admin: Vault) -> None:
    youth_id = _youth(admin, [FLAG])
    for name in ("Marco Fakename", "marco  FAKENAME", "Márco Fakename", "Fakename Marco",
                 "Marco A. Fakename"):
        with pytest.raises(ValidationFailed) as refused:
            caseload.add_attached(admin, youth_id, "contact", {
                "name": name, "relationship": "boyfriend", "phone": "(555) 010-0199",
                "may_receive_information": True})
        assert [p.field for p in refused.value.problems] == ["may_receive_information"], name
        assert "safety flag" in str(refused.value.problems[0].message)
    assert caseload.attached(admin, youth_id, "contact") == []  # nothing saved
    # Kept as a contact no one tells (a number the team needs), and refused if ticked later.
    kept = caseload.add_attached(admin, youth_id, "contact", {"name": "Marco Fakename",
                                                             "relationship": "boyfriend"})
    with pytest.raises(ValidationFailed):
        caseload.update_attached(admin, kept.id, {"may_receive_information": True})
    assert caseload.attached(admin, youth_id, "contact")[0].body.may_receive_information is False  # type: ignore[attr-defined]


def test_a_shared_given_name_alone_names_no_one(admin: Vault) -> None:
    youth_id = _youth(admin, [{"person": "Maria Lopez-Demo (fictional)"}])
    caseload.add_attached(admin, youth_id, "contact", {"name": "Maria", "relationship": "mother",
                                                       "may_receive_information": True})
    assert flag_naming("Maria", [SafetyFlag(person="Maria Lopez-Demo")]) is None
    assert flag_naming("Cherry", [SafetyFlag(person="Cherry")]) is not None  # a moniker, whole


def test_the_summary_never_prints_yes_beside_a_flag_added_later(admin: Vault) -> None:
    youth_id = _youth(admin, [])
    caseload.add_attached(admin, youth_id, "contact", {"name": "Cherry", "relationship": "friend",
                                                       "may_receive_information": True})
    caseload.add_attached(admin, youth_id, "contact", {"name": "Rowan Example", "relationship": "aunt",
                                                       "may_receive_information": True})
    caseload.update_youth(admin, youth_id, {"safety_flags": [{"person": "Cherry"}]})
    pages = page_texts(jobs.make(admin, "youth_summary", youth_id))
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "Cherry friend no: named in a safety flag" in text
    assert "Rowan Example aunt yes" in text
