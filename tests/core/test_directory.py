"""The resource directory: who may change it, search and filters, and a CSV import that shows
every row's problems before anything is written."""

from __future__ import annotations

import pytest

from csec_desktop import directory
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from tests.conftest import WORKER_PASS

GOOD = {"name": "Fictional Youth Advocates", "services": "Survivor mentoring", "domains": ["safety"],
        "age_from": 12, "age_to": 24, "languages": ["English", "Spanish"], "phone": "(555) 010-0100"}


def test_search_by_words_area_age_and_language(admin: Vault) -> None:
    directory.add(admin, GOOD)
    directory.add(admin, {"name": "Fictional Housing Co-op", "services": "THP-NMD host homes",
                          "domains": ["housing"], "age_from": 18, "age_to": 21})
    directory.add(admin, {"name": "Demo County CSEC Coordinator", "entry_kind": "coordinator",
                          "services": "Team meetings, county protocol", "domains": ["safety", "legal"]})
    everyone = directory.entries(admin)
    assert everyone[0].body.dump()["name"] == "Demo County CSEC Coordinator"  # sorted by name
    names = lambda found: {e.body.dump()["name"] for e in found}  # noqa: E731
    assert names(directory.search(everyone, "host homes")) == {"Fictional Housing Co-op"}
    assert names(directory.search(everyone, domain="safety")) == {"Fictional Youth Advocates",
                                                                  "Demo County CSEC Coordinator"}
    assert names(directory.search(everyone, age=17)) == {"Fictional Youth Advocates",
                                                         "Demo County CSEC Coordinator"}
    assert names(directory.search(everyone, language="span")) == {"Fictional Youth Advocates"}
    assert names(directory.search(everyone, "mentoring", domain="housing")) == set()


def test_a_caseworker_reads_the_directory_but_cannot_change_it(admin_with_casey: Vault) -> None:
    admin = admin_with_casey
    entry = directory.add(admin, GOOD)
    worker = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        assert len(directory.entries(worker)) == 1
        with pytest.raises(PermissionDenied):
            directory.update(worker, entry.id, {"hours": "always"})
        with pytest.raises(PermissionDenied):
            directory.preview(worker, directory.template().encode())
    finally:
        worker.close()


def test_bad_entries_name_the_field(admin: Vault) -> None:
    with pytest.raises(ValidationFailed) as bad:
        directory.add(admin, {**GOOD, "domains": ["housing", "astrology"], "age_from": 20, "age_to": 12})
    fields = {p.field for p in bad.value.problems}
    assert "domains" in fields


CSV = """Name,Services,Domains,Ages,Languages,Phone,Last_verified
Fictional Youth Advocates,Mentoring and advocacy,Safety;Mental health,12-24,English;Spanish,\
(555) 010-0100,2026-10-01
Fictional Clinic,Teen health,physical_health;reproductive_health,10-25,English,555-0101 ext 4,2026-09-30
,No name here,safety,12-24,English,(555) 010-0102,2026-09-01
Fictional Legal Aid,Vacatur and protective orders,legal,twelve,English,(555) 010-0103,2026-09-01
Fictional Shelter,Emergency beds,housing;astrology,12-17,English,(555) 010-0104,2026-13-01
Fictional Clinic,Teen health again,physical_health,10-25,English,(555) 010-0105,2026-09-30

"""


def test_csv_import_previews_row_errors_then_writes_only_good_rows(admin: Vault) -> None:
    directory.add(admin, {**GOOD, "hours": "Mon-Fri 9-5"})
    preview = directory.preview(admin, ("\ufeff" + CSV).encode())  # a spreadsheet's byte-order mark
    assert not preview.header_problems
    by_line = {row.line: row for row in preview.rows}
    assert by_line[2].ok and by_line[2].replaces  # same name as the existing entry: an update
    assert by_line[2].data["domains"] == ["safety", "mental_health"]  # labels read as ids
    assert by_line[3].ok and not by_line[3].replaces
    assert [p.field for p in by_line[4].problems] == ["name"]
    assert [p.field for p in by_line[5].problems] == ["ages"]
    assert {p.field for p in by_line[6].problems} == {"domains", "last_verified"}
    assert "first on line 3" in by_line[7].problems[0].message
    assert directory.entries(admin)[0].body.dump()["services"] == "Survivor mentoring"  # nothing written yet
    added, updated = directory.apply(admin, preview)
    assert (added, updated) == (1, 1)
    found = {e.body.dump()["name"]: e.body.dump() for e in directory.entries(admin)}
    assert found["Fictional Youth Advocates"]["services"] == "Mentoring and advocacy"
    assert found["Fictional Youth Advocates"]["hours"] == "Mon-Fri 9-5"  # a blank cell keeps what was there
    assert found["Fictional Clinic"]["phone"] == "555-0101 ext 4"
    assert any(e.action == "directory_import" for e in admin.audit_log.entries())


def test_a_csv_with_unknown_columns_is_refused_whole(admin: Vault) -> None:
    preview = directory.preview(admin, b"name,services,favourite colour\nA,B,C\n")
    assert [p.field for p in preview.header_problems] == ["favourite colour"]
    assert preview.good == []
    with pytest.raises(ValidationFailed):
        directory.apply(admin, preview)
    preview = directory.preview(admin, b"name,hours\nA,9-5\n")
    assert [p.field for p in preview.header_problems] == ["services"]
    # The template imports as it is.
    assert len(directory.preview(admin, directory.template().encode()).good) == 1
