"""The app's YAML documents read through libyaml give what PyYAML's own safe loader gives, and a
start that reads none does not import PyYAML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from csec_desktop import formspec, yaml_data

DOCUMENTS = sorted([*formspec.forms_dir().glob("*.yaml"),
                    *(Path(yaml_data.__file__).parent / "vacatur").glob("*.yaml")])


def test_there_are_documents_to_compare() -> None:
    assert len(DOCUMENTS) >= 3 and any(p.name == "violent_felonies.yaml" for p in DOCUMENTS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_the_quick_loader_reads_each_document_as_the_pure_one_does(path: Path) -> None:
    text = path.read_text("utf-8")
    assert yaml_data.safe_load(text) == yaml.safe_load(text)


def test_bad_yaml_is_refused_as_pyyaml_refuses_it() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml_data.safe_load("a: [1, 2\nb: c")
    with pytest.raises(yaml.YAMLError):
        yaml_data.safe_load("!!python/object:os.system {}")  # a safe loader builds no object


def test_the_modules_an_unlock_and_today_load_do_not_import_pyyaml() -> None:
    code = ("import sys, csec_desktop.policy, csec_desktop.sync.local, csec_desktop.today, "
            "csec_desktop.caseload; print('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
