"""Intake: the duplicate check (accent-blind, close spellings, aliases, birth date; matches outside
the person's caseload counted, never named), validation naming the field, `csec youth add`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from csec_desktop import caseload, cli
from csec_desktop.errors import PermissionDenied, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import intake
from tests.conftest import ADMIN_PASS, WORKER_PASS, youth_data


def _new(given: str, family: str, birth: str = "2011-03-04") -> dict[str, object]:
    return {"legal_name": {"given": given, "family": family}, "date_of_birth": birth}


def test_duplicates_by_name_spelling_alias_and_birth(admin: Vault) -> None:
    existing = caseload.create_youth(admin, youth_data())  # José Sampleton, alias Sparrow, 2010-04-02
    def why(data: dict[str, object]) -> list[str]:
        return [m.why for m in intake.duplicates(admin, data).matches if m.youth.id == existing.id]

    assert why(_new("Jose", "Sampleton")) == ["same name"]  # accents and case ignored
    assert why(_new("JOSÉ", "SAMPLETON")) == ["same name"]
    assert why(_new("Jose", "Sampletn")) == ["close spelling"]
    assert why(_new("Sparrow", "Unknown")) == ["alias"]
    assert why(_new("Josiah", "Samples", "2010-04-02")) == ["same birth date"]
    assert why(_new("Kiona", "Fauxmont", "2010-04-02")) == []  # same birth date, another person
    assert why(_new("Mateo", "Riverdemo")) == []


def test_a_county_with_many_close_names_still_finds_the_same_one(admin: Vault,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each way of gathering candidates reads a limited number (2,000 in a county of 100,000, where
    the first letters of a given and a family name matched 23,000 youth): the youth of the same
    name, or with the given name as an alias, are gathered by queries of their own and not cut off
    behind youth who share only the first letters of one word. Of several of the same name, the one
    born the same day is named first."""
    monkeypatch.setattr(intake, "CANDIDATES", 5)
    for n in range(8):  # before the youth below in name order, and sharing one name's first letters
        caseload.create_youth(admin, youth_data(
            legal_name={"given": f"Sarah{'abcdefgh'[n]}", "family": "Aardemo"}, preferred_name=None,
            aliases=[], date_of_birth="2011-01-01"))
    same = [caseload.create_youth(admin, youth_data(
        legal_name={"given": "Sara", "family": "Zorrodemo"}, preferred_name=None, aliases=[],
        date_of_birth=born)).id for born in ("2010-01-01", "2010-06-06", "2011-03-04")]
    alias = caseload.create_youth(admin, youth_data(legal_name={"given": "Ann", "family": "Zyxdemo"},
                                                    preferred_name=None, aliases=[{"name": "Sarahz"}])).id
    found = intake.duplicates(admin, _new("Sara", "Zorrodemo"))
    assert next(m.youth.id for m in found.matches if m.why == "same name") == same[2]  # born 2011-03-04
    assert {m.youth.id for m in found.matches if m.why == "same name"} == set(same)
    assert [m.why for m in intake.duplicates(admin, _new("Sarahz", "Unknown")).matches
            if m.youth.id == alias] == ["alias"]


def test_a_match_outside_the_caseload_is_counted_not_named(admin: Vault) -> None:
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    caseload.create_youth(admin, youth_data(assigned_worker="robin", unit="Unit B"))
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        found = intake.duplicates(casey, _new("Jose", "Sampleton"))
        assert found.matches == [] and found.hidden == 1 and found.any
    finally:
        casey.close()


def test_create_assigns_to_the_person_and_names_bad_fields(admin: Vault) -> None:
    with pytest.raises(ValidationFailed) as refused:
        intake.validate(admin, _new("Ana", "Example", "2011-02-30"))
    assert [p.field for p in refused.value.problems] == ["date_of_birth"]
    record = intake.create(admin, {**_new("Ana", "Example"), "aliases": [{"name": "Wren", "kind": "moniker"}],
                                   "legal_status": [{"status": "dependent", "start": "2024-01-02"}]})
    body = caseload.get_youth(admin, record.id).body.dump()
    assert body["assigned_worker"] == "admin" and body["county"] == "Demo County"
    assert body["aliases"][0]["name"] == "Wren"


def test_a_caseworker_naming_another_units_worker_is_told_not_overruled(admin: Vault) -> None:
    """A caseworker's new youth must stay in their caseload. Naming a worker of another unit had
    the record saved under the caseworker instead, without a word; it is now refused at the field.
    Left blank, the youth is the caseworker's, as before."""
    admin.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A")
    casey = Vault.unlock(admin.folder, "casey", WORKER_PASS)
    try:
        with pytest.raises(ValidationFailed) as refused:
            caseload.create_youth(casey, youth_data(assigned_worker="no.such.worker", unit="Unit Z"))
        assert [p.field for p in refused.value.problems] == ["assigned_worker"]
        assert "(casey)" in str(refused.value.problems[0].message)
        record = caseload.create_youth(casey, youth_data(assigned_worker=None, unit="Unit Z"))
        assert caseload.get_youth(casey, record.id).body.assigned_worker == "casey"  # type: ignore[attr-defined]
    finally:
        casey.close()


def test_read_only_cannot_take_in_a_youth(admin: Vault) -> None:
    admin.add_user("rory", role="read_only", passphrase=WORKER_PASS)
    rory = Vault.unlock(admin.folder, "rory", WORKER_PASS)
    try:
        with pytest.raises(PermissionDenied):
            intake.duplicates(rory, _new("Ana", "Example"))
        with pytest.raises(PermissionDenied):
            intake.create(rory, _new("Ana", "Example"))
    finally:
        rory.close()


def _cli(folder: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", *args],
                    stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=out)
    return code, out.getvalue()


def test_csec_youth_add_checks_for_duplicates_first(admin: Vault, tmp_path: Path) -> None:
    caseload.create_youth(admin, youth_data())
    folder = admin.folder
    admin.close()
    file = tmp_path / "youth.json"
    file.write_text(json.dumps(_new("Jose", "Sampleton")), "utf-8")
    code, out = _cli(folder, "youth", "add", str(file), "--json")
    assert code == cli.EXIT_DUPLICATE
    report = json.loads(out)
    assert report["created"] is None and report["possible_duplicates"][0]["why"] == "same name"
    code, out = _cli(folder, "youth", "add", str(file), "--not-a-duplicate", "--json")
    assert code == 0 and json.loads(out)["created"]
    file.write_text(json.dumps(_new("Ana", "Example", "not a date")), "utf-8")
    code, _out = _cli(folder, "youth", "add", str(file))
    assert code != 0
    again = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        assert caseload.page(again)[0] == 2  # the refused ones created nothing
    finally:
        again.close()


def test_a_candidate_body_not_shaped_as_expected_is_read_through_the_model() -> None:
    body = youth_data()
    assert intake._names_of("y1", body).family == "Sampleton"
    broken = {k: v for k, v in body.items() if k != "legal_name"}
    with pytest.raises(ValidationFailed, match=r"legal_name|Legal name"):
        intake._names_of("y1", broken)
