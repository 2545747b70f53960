"""Forms in forms/: every file valid, broken files named precisely, scoring explained,
saved answers carried across form versions."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from csec_desktop import formspec, identification
from csec_desktop.errors import ValidationFailed
from csec_desktop.formspec import FormError
from csec_desktop.storage.vault import Vault
from tests.conftest import youth_data

SCREEN = formspec.forms_dir() / "csec_indicator_screen.yaml"


def _screen_data() -> dict[str, Any]:
    return yaml.safe_load(SCREEN.read_text("utf-8"))


def test_every_form_file_is_valid_with_both_languages() -> None:
    files = sorted(formspec.forms_dir().glob("*.yaml"))
    assert files, "forms/ holds no form"
    forms, problems = formspec.load_all()
    assert problems == [] and len(forms) == len(files)
    for spec in forms.values():
        for field in spec.fields():
            assert field.label.en and field.label.es


@pytest.mark.parametrize(("change", "where", "message"), [
    (lambda d: d["steps"][2]["fields"][0].update(type="slider"), "steps[2] (running).fields[0] "
     "(missing_episodes).type", "Input should be"),
    (lambda d: d["steps"][1]["fields"][1].update(id="exchange_for_needs"), "(form)", "used twice"),
    (lambda d: d["steps"][0]["fields"][0].update(validators=["run_shell"]), "steps[0] (about).fields[0] "
     "(screened_on)", "unknown validator 'run_shell'"),
    (lambda d: d["steps"][1]["fields"][0]["label"].pop("es"), "label.es", "must be filled in"),
    (lambda d: d.update(schema_version=7), "schema_version", "reads form schema_version 1"),
    (lambda d: d["scoring"]["bands"].reverse(), "scoring", "bands must start at 0 and rise"),
])
def test_a_broken_form_names_the_file_the_field_and_the_problem(tmp_path: Path, change: Any, where: str,
                                                                 message: str) -> None:
    data = copy.deepcopy(_screen_data())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(FormError) as caught:
        formspec.load_file(path)
    text = str(caught.value)
    assert text.startswith("broken.yaml: ")
    assert message in text
    if where != "(form)":
        assert where in text


def test_a_malformed_file_is_skipped_and_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(SCREEN.read_text("utf-8"), "utf-8")
    (tmp_path / "bad.yaml").write_text("steps: [unclosed\n", "utf-8")
    forms, problems = formspec.load_all(tmp_path)
    assert list(forms) == ["csec_indicator_screen"]
    assert len(problems) == 1 and problems[0].file == "bad.yaml" and "not valid YAML" in str(problems[0])


def test_scoring_follows_the_rule_in_the_file_and_explains_itself() -> None:
    spec = formspec.load_file(SCREEN)
    nothing = formspec.score(spec, {})
    assert nothing.band == "no_concern" and nothing.drivers == ()
    one_possible = formspec.score(spec, {"older_partner": "possible"})  # 1 x weight 2 = 2
    assert one_possible.band == "possible_concern" and one_possible.score == 2
    # A clear rating on a key item meets the legal definition: clear concern on its own.
    key = formspec.score(spec, {"exchange_for_needs": "clear"})
    assert key.band == "clear_concern" and key.by_key_item and key.score == 6
    many = formspec.score(spec, {"missing_episodes": "clear", "older_partner": "clear",
                                 "branding": "possible", "school_absence": "possible"})
    assert many.score == 4 + 4 + 2 + 1 and many.band == "clear_concern" and not many.by_key_item
    assert [d.field_id for d in many.drivers][:2] == ["missing_episodes", "older_partner"]


def test_answers_are_checked_field_by_field() -> None:
    spec = formspec.load_file(SCREEN)
    problems = {(p.field, p.message) for p in formspec.check_answers(
        spec, {"screened_on": "2999-01-01", "sources_used": ["youth", "psychic"], "branding": "maybe",
               "invented": "x"})}
    assert ("screened_on", "is in the future") in problems
    assert ("sources_used", "holds a value that is not one of the choices") in problems
    assert ("branding", "must be none, possible or clear") in problems
    assert ("invented", "is not a field of this form") in problems


def test_saved_answers_survive_a_new_version_of_the_form(admin: Vault, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from csec_desktop import caseload
    from csec_desktop.domain.csec import FormResponse

    youth = caseload.create_youth(admin, youth_data())
    record, outcome = identification.save_screen(admin, youth.id, "csec_indicator_screen", {
        "screened_on": "2026-11-01", "sources_used": ["youth", "records"], "branding": "clear",
        "hidden_online": "possible"})
    assert outcome is not None and outcome.band == "possible_concern"
    with pytest.raises(ValidationFailed) as refused:
        identification.save_screen(admin, youth.id, "csec_indicator_screen", {"screened_on": "2026-11-01"})
    assert refused.value.problems[0].field == "sources_used"
    # Version 2 renames one item, drops another and recodes a source.
    data = _screen_data()
    data["version"] = 2
    data["steps"][5]["fields"][0]["id"] = "marks_of_ownership"
    data["steps"][4]["fields"][1]["id"] = "several_accounts"
    data["steps"][0]["fields"][1]["options"][2]["value"] = "case_file"
    data["upgrades"] = [{"from_version": 1, "rename": {"branding": "marks_of_ownership"},
                         "drop": ["hidden_online"], "values": {"sources_used": {"records": "case_file"}}}]
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "csec_indicator_screen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    monkeypatch.setattr(formspec, "forms_dir", lambda: folder)
    saved = admin.records.get(record.id).body
    assert isinstance(saved, FormResponse) and saved.form_version == 1
    answers = identification.current_answers(saved)
    assert answers == {"screened_on": "2026-11-01", "sources_used": ["youth", "case_file"],
                       "marks_of_ownership": "clear"}
    spec = identification.forms()["csec_indicator_screen"]
    assert formspec.check_answers(spec, answers) == []
    assert formspec.score(spec, answers).band == "possible_concern"
