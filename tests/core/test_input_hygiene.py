"""Each input that once ended in a traceback (found by hand, by an independent tester, or by
tests/core/test_fuzz_input.py) now ends in a message naming what is wrong, with nothing written; and
the bounds on what a record may hold. Every name here is fictional."""

from __future__ import annotations

import errno
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from csec_desktop import caseload, cli, directory, formspec, transfer
from csec_desktop.demo import populate_county
from csec_desktop.domain import base
from csec_desktop.domain.base import MAX_DEPTH, MAX_ITEMS
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError, ValidationFailed
from csec_desktop.ids import new_id
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import intake
from tests.conftest import ADMIN_PASS, VaultTemplates, youth_data


def _counts(vault: Vault) -> tuple[int, int]:
    db = vault.require_db()
    return int(db.scalar("SELECT count(*) FROM records")), int(db.scalar("SELECT count(*) FROM changes"))


def refused(vault: Vault, call: Any, *args: Any) -> ValidationFailed:
    """`call(*args)` refuses with ValidationFailed and writes nothing."""
    before = _counts(vault)
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    assert _counts(vault) == before
    return caught.value


def fields(exc: ValidationFailed) -> list[str]:
    return [p.field for p in exc.problems]


@pytest.fixture
def youth(admin: Vault) -> str:
    return intake.create(admin, youth_data(assigned_worker="admin")).id


# Lists and texts have bounds --------------------------------------------------------------------


def test_a_hundred_thousand_aliases_are_refused_naming_the_field(admin: Vault) -> None:
    aliases = [{"name": f"Fictional alias {i}"} for i in range(100_000)]
    exc = refused(admin, intake.create, admin, youth_data(aliases=aliases))
    assert fields(exc) == ["aliases"] and "100,000" in str(exc)


def test_a_list_one_over_its_bound_is_refused_and_at_its_bound_taken(admin: Vault, youth: str) -> None:
    aliases = [{"name": f"Fictional alias {i}"} for i in range(MAX_ITEMS + 1)]
    exc = refused(admin, caseload.update_youth, admin, youth, {"aliases": aliases})
    assert fields(exc) == ["aliases"] and f"at most {MAX_ITEMS}" in str(exc)
    saved = caseload.update_youth(admin, youth, {"aliases": aliases[:MAX_ITEMS]})
    assert isinstance(saved.body, Youth) and len(saved.body.aliases) == MAX_ITEMS


def test_a_list_that_grows_over_a_childhood_has_a_larger_bound(admin: Vault, youth: str) -> None:
    history = [{"type": "resource_family", "start": f"{2000 + i // 12}-{i % 12 + 1:02d}-01"}
               for i in range(150)]
    saved = caseload.update_youth(admin, youth, {"placement_history": history})
    assert isinstance(saved.body, Youth) and len(saved.body.placement_history) == 150


def test_every_list_field_of_every_kind_is_bounded() -> None:
    """One mechanism for all: a list field with no bound of its own (a max_length pydantic checks, or
    a larger entry in its model's `bounds`) gets the default."""
    from annotated_types import MaxLen

    from csec_desktop.domain.base import DEFAULT_BOUND, bound_problems
    from csec_desktop.domain.kinds import KINDS

    too_many = MAX_ITEMS + 1
    checked = 0
    for kind, model in KINDS.items():
        for name, info in model.model_fields.items():
            own = any(isinstance(m, MaxLen) for m in info.metadata)
            larger = model.bounds.get(name, DEFAULT_BOUND).items > MAX_ITEMS
            if "list[" not in str(info.annotation) or own or larger:
                continue
            checked += 1
            instance = model.model_construct(**{name: ["x"] * too_many})
            assert [p.field for p in bound_problems(instance) if p.field == name] == [name], (kind, name)
    assert checked >= 10


def test_a_text_with_no_length_of_its_own_gets_the_default(admin: Vault, youth: str) -> None:
    count = {"count_kind": "conviction", "section": "647(b)", "enhancements": ["E" * 5_000]}
    exc = refused(admin, caseload.add_attached, admin, youth, "criminal_count", count)
    assert fields(exc) == ["enhancements.0"] and "at most 4,000" in str(exc)


def test_a_record_stored_before_a_bound_or_check_still_opens(admin: Vault, youth: str) -> None:
    """Reading never refuses: a youth written (by an older version) with 60 aliases and a NUL opens;
    only a new write is held to the bound."""
    db = admin.require_db()
    body = json.loads(db.scalar("SELECT body FROM records WHERE id = ?", (youth,)))
    body["aliases"] = [{"name": f"Old alias {i}", "kind": "alias"} for i in range(60)]
    body["preferred_name"] = "Old\x00name"
    with db.transaction():
        db.execute("UPDATE records SET body = ? WHERE id = ?", (json.dumps(body), youth))
    opened = admin.records.get(youth)
    assert isinstance(opened.body, Youth) and len(opened.body.aliases) == 60
    exc = refused(admin, caseload.update_youth, admin, youth, {"pronouns": "they/them"})
    assert set(fields(exc)) == {"preferred_name", "aliases"}


def test_a_pulled_state_written_before_a_bound_is_stored(admin: Vault, youth: str) -> None:
    """The hub's state of a youth saved (by an older version) with 60 aliases: refusing it at the pull
    would stop every later pull at this record."""
    body = admin.records.get(youth).body.dump()
    body["aliases"] = [{"name": f"Old alias {i}", "kind": "alias"} for i in range(60)]
    with admin.require_db().transaction():
        assert admin.records.put_remote(record_id=youth, kind="youth", owner_id=youth, version=2,
                                        deleted=False, body=body, clocks={"aliases": "0" * 16},
                                        updated_at="2026-01-05T17:00:00Z", updated_by="casey")
    stored = admin.records.get(youth).body
    assert isinstance(stored, Youth) and len(stored.aliases) == 60


def test_nesting_deeper_than_any_record_is_refused_not_a_recursion_error(admin: Vault, youth: str) -> None:
    deep: Any = "x"
    for _ in range(5_000):
        deep = [deep]
    answers = {"form_id": "csec_indicator_screen", "form_version": 1, "answers": {"q": deep},
               "completed_at": "2026-01-05T09:00:00-08:00", "completed_by": "admin"}
    exc = refused(admin, caseload.add_attached, admin, youth, "form_response", answers)
    assert f"more than {MAX_DEPTH} levels" in str(exc) and fields(exc)[0].startswith("answers.q")


def test_a_number_that_is_not_finite_is_refused(admin: Vault, youth: str) -> None:
    answers = {"form_id": "needs_assessment", "form_version": 1, "answers": {"q": math.nan},
               "completed_at": "2026-01-05T09:00:00-08:00", "completed_by": "admin"}
    exc = refused(admin, caseload.add_attached, admin, youth, "form_response", answers)
    assert fields(exc) == ["answers.q"] and "finite" in str(exc)


# Forms and screens -------------------------------------------------------------------------------


def test_an_unknown_kind_of_record_is_named(admin: Vault, youth: str) -> None:
    exc = refused(admin, caseload.add_attached, admin, youth, "not_a_kind", {})
    assert fields(exc) == ["kind"]


def test_a_legal_name_of_the_wrong_shape_is_named_not_raised(admin: Vault) -> None:
    for wrong in ("Ada Ficta", ["Ada", "Ficta"], 7):
        data = youth_data(legal_name=wrong)
        assert not intake.duplicates(admin, data).any
        exc = refused(admin, intake.create, admin, data)
        assert fields(exc) == ["legal_name"]


def test_screen_answers_of_the_wrong_type_are_named() -> None:
    """A list or a mapping where a choice or a rating belongs raised TypeError (unhashable)."""
    wrong: dict[formspec.FieldType, Any] = {formspec.FieldType.CHOICE: ["a", "list"],
                                            formspec.FieldType.RATING: {"a": "mapping"},
                                            formspec.FieldType.MULTI_CHOICE: [["nested"]]}
    seen = set()
    for path in sorted(formspec.forms_dir().glob("*.yaml")):
        spec = formspec.load_file(path)
        answers = {f.id: wrong[f.type] for f in spec.fields() if f.type in wrong}
        problems = {p.field: p.message for p in formspec.check_answers(spec, {**answers, "": "x"})}
        assert set(answers) | {"(a field with no name)"} <= set(problems), problems
        seen |= {f.type for f in spec.fields() if f.type in wrong}
    assert seen == set(wrong)


def test_a_number_answer_must_be_finite() -> None:
    spec = formspec.parse({
        "schema_version": 1, "id": "fictional_form", "version": 1, "title": {"en": "T", "es": "T"},
        "steps": [{"id": "one", "title": {"en": "T", "es": "T"},
                   "fields": [{"id": "count", "type": "number", "label": {"en": "N", "es": "N"}}]}],
    }, "fictional.yaml")
    for bad in (math.inf, math.nan, "7", True):
        assert [p.field for p in formspec.check_answers(spec, {"count": bad})] == ["count"], bad
    for good in (7, 2.5, 10**50):
        assert formspec.check_answers(spec, {"count": good}) == []


@pytest.mark.parametrize("text", [
    "a: " + "[" * 5_000 + "]" * 5_000,
    "schema_version: 1\nid: x\nversion: 2001-02-30\n",
    "schema_version: 1\nid: x\nversion: " + "9" * 5_000 + "\n",
], ids=["nested", "no such day", "5000 digits"])
def test_a_form_file_yaml_cannot_read_is_a_form_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(formspec.FormError) as caught:
        formspec.load_file(path)
    # Where libyaml reads the file, too deep a nesting is its own parse error, at line 1.
    assert caught.value.file == "bad.yaml" and caught.value.field in ("(file)", "line 1")


# Directory CSV -----------------------------------------------------------------------------------


def test_a_csv_whose_first_line_cannot_be_read_is_named(admin: Vault) -> None:
    # A cell longer than the csv module's limit (131,072 characters) in the header line.
    content = b"name,services," + b"x" * 200_000 + b"\nFictional Provider,Housing\n"
    previewed = directory.preview(admin, content)
    assert [p.field for p in previewed.header_problems] == ["file"]


def test_a_row_the_preview_calls_good_is_one_the_import_writes(admin: Vault) -> None:
    """A right-to-left override in a name: the preview refused nothing and the import then refused
    the whole file. Now the preview names it and the other rows go in."""
    content = "name,services\nFictional \u202eProvider,Housing\nFictional Shelter,Beds\n".encode()
    previewed = directory.preview(admin, content)
    assert [(r.line, [p.field for p in r.problems]) for r in previewed.bad] == [(2, ["name"])]
    assert directory.apply(admin, previewed) == (1, 0)


# Import ------------------------------------------------------------------------------------------


@pytest.fixture
def export(admin: Vault) -> dict[str, Any]:
    populate_county(admin, 2, seed=4)
    youth_id = max((r[0] for r in admin.require_db().query(
        "SELECT r.id FROM records r JOIN youth_fields f ON f.rowid = r.rowid WHERE f.sealed = 0")),
        key=lambda y: len(admin.records.attached(y)))
    data = transfer.export_youth(admin, youth_id, "test")
    text = json.dumps(data)
    for entry in [data["youth"], *data["attached"]]:
        text = text.replace(entry["id"], new_id())
    fresh: dict[str, Any] = json.loads(text)
    assert len(fresh["attached"]) >= 2
    return fresh


def test_ids_repeated_in_one_file_are_named(admin: Vault, export: dict[str, Any]) -> None:
    export["attached"][1]["id"] = export["attached"][0]["id"]
    exc = refused(admin, transfer.import_youth, admin, export)
    assert fields(exc) == ["attached[1].id"] and "attached[0]" in str(exc)
    export["attached"][1]["id"] = export["youth"]["id"]
    assert fields(refused(admin, transfer.import_youth, admin, export)) == ["attached[1].id"]


@pytest.mark.parametrize("where,value,field", [
    ("attached", 5, "attached"), ("attached", "text", "attached"), ("attached", {"a": 1}, "attached"),
    ("kind", ["contact"], "attached[0].kind"), ("kind", {"k": 1}, "attached[0].kind"),
])
def test_wrong_types_in_an_import_are_named(admin: Vault, export: dict[str, Any], where: str, value: Any,
                                            field: str) -> None:
    if where == "attached":
        export["attached"] = value
    else:
        export["attached"][0]["kind"] = value
    assert fields(refused(admin, transfer.import_youth, admin, export)) == [field]


def test_an_import_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    cases = {
        "deep.json": b"[" * 100_000 + b"]" * 100_000, "latin.json": '{"a": "Zo\xeb"}'.encode("latin-1"),
        "digits.json": b"[" + b"9" * 5_000 + b"]", "twice.json": b'{"format": 1, "format": 2}',
        "text.json": b"not json",
    }
    said = {}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValidationFailed) as caught:
            transfer.read_json(tmp_path / name)
        assert fields(caught.value) == ["file"] and caught.value.record == str(tmp_path / name)
        said[name] = str(caught.value)
    assert "nested too deeply" in said["deep.json"] and "UTF-8" in said["latin.json"]
    assert "twice" in said["twice.json"]
    with pytest.raises(ValidationFailed, match="cannot be read"):
        transfer.read_json(tmp_path)


def test_a_good_export_with_a_bom_still_imports(admin: Vault, export: dict[str, Any]) -> None:
    data = transfer.parse_json(b"\xef\xbb\xbf" + json.dumps(export).encode())
    assert transfer.import_youth(admin, data) == export["youth"]["id"]


# The command line --------------------------------------------------------------------------------


@pytest.fixture
def folder(vault_templates: VaultTemplates, tmp_path: Path) -> Path:
    vault = vault_templates.get(()).open_copy(tmp_path / "vault")
    populate_county(vault, 1, seed=2)
    vault.close()
    return tmp_path / "vault"


def run_cli(folder: Path, *args: str, stdout: Any = None) -> tuple[int, str]:
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", *args],
                        stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=stdout or io.StringIO())
    return code, err.getvalue()


def _a_youth(folder: Path) -> str:
    out = io.StringIO()
    run_cli(folder, "search", "", "--json", stdout=out)
    youth_id: str = json.loads(out.getvalue())[0]["id"]
    return youth_id


def test_cli_import_of_a_deeply_nested_file(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    code, err = run_cli(folder, "import", str(tmp_path / "deep.json"))
    assert code == cli.EXIT_ERROR and "nested too deeply" in err


def test_cli_document_in_a_language_it_does_not_have(folder: Path, tmp_path: Path) -> None:
    code, err = run_cli(folder, "document", "youth_summary", "--youth", _a_youth(folder), "--purpose", "test",
                        "--out", str(tmp_path / "a.pdf"), "--lang", "xx")
    assert code == cli.EXIT_ERROR and "--lang" in err and not (tmp_path / "a.pdf").exists()


@pytest.mark.parametrize("number,advice", [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full"),
                                           (errno.EACCES, "may not")])
def test_cli_a_folder_it_cannot_write_is_said_not_raised(folder: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, number: int,
                                                        advice: str) -> None:
    from csec_desktop.documents import jobs

    def refuse(path: Path, data: bytes) -> None:
        raise OSError(number, "refused", str(path))

    monkeypatch.setattr(jobs, "atomic_write", refuse)
    youth_id = _a_youth(folder)
    code, err = run_cli(folder, "document", "youth_summary", "--youth", youth_id, "--purpose", "test",
                        "--out", str(tmp_path / "ro" / "a.pdf"))
    assert code == cli.EXIT_STORAGE and advice in err and str(tmp_path / "ro" / "a.pdf") in err


def test_cli_restore_from_a_folder(folder: Path, tmp_path: Path) -> None:
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = cli.main(["--vault", str(folder), "restore", str(tmp_path), "--recovery-key-stdin"],
                        stdin=io.StringIO("NOT-A-KEY\n"), stdout=io.StringIO())
    assert code == cli.EXIT_ERROR and "folder" in err.getvalue()


def test_cli_demo_of_absurdly_many_youth_is_refused_at_once(folder: Path) -> None:
    code, err = run_cli(folder, "demo", "--youth", str(10**20))
    assert code == cli.EXIT_ERROR and "youth" in err


def test_cli_output_closed_early_is_not_a_traceback(folder: Path) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    code, _ = run_cli(folder, "search", "", "--json", stdout=ClosedPipe())
    assert code == cli.EXIT_ERROR


def test_the_cli_still_answers_csec_errors_as_before(folder: Path) -> None:
    code, err = run_cli(folder, "export", "--youth", "no-such-id")
    assert code == cli.EXIT_NOT_FOUND and err.startswith("error: ")
    assert issubclass(ValidationFailed, CsecError)


def test_cli_errors_never_send_control_characters_to_the_terminal(folder: Path, tmp_path: Path) -> None:
    """A field name in an import file is quoted back in the error: an escape sequence in it would
    drive the terminal, a right-to-left override reorder the line."""
    (tmp_path / "bad.json").write_text(json.dumps({"format": "csec-youth-export/1", "youth": {
        "id": new_id(), "kind": "youth", "body": {"\x1b]0;owned\x07\u202eevil": 1}}}))
    code, err = run_cli(folder, "import", str(tmp_path / "bad.json"))
    assert code == cli.EXIT_ERROR and "\\x1b]0;owned\\x07\\u202eevil" in err
    assert not any(ch in err for ch in "\x1b\x07\u202e")
    (tmp_path / "bad.csv").write_text("name,services,\x1b[2Jcolumn\n")
    out = io.StringIO()
    run_cli(folder, "directory", "import", str(tmp_path / "bad.csv"), stdout=out)
    assert "\\x1b[2jcolumn" in out.getvalue() and "\x1b" not in out.getvalue()


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00+00:00", "9999-12-31T23:59-12:00"])
def test_cli_rules_at_an_instant_out_of_range_is_named(folder: Path, as_of: str) -> None:
    """Year 1, or the last minute of 9999 west of UTC: the rules' date arithmetic overflowed."""
    code, err = run_cli(folder, "rules", "--youth", _a_youth(folder), "--json", "--as-of", as_of)
    assert code == cli.EXIT_ERROR and "--as-of" in err


@pytest.mark.parametrize("purpose,words", [("\x00", "hidden"), ("Court\u202e order", "U+202E"),
                                           ("x" * 501, "at most 500"), ("  ", "say why")])
def test_a_purpose_is_said_short_and_with_nothing_hidden(folder: Path, tmp_path: Path, purpose: str,
                                                        words: str) -> None:
    """The purpose goes into the audit trail and onto the exported paper's stamp."""
    youth_id = _a_youth(folder)
    code, err = run_cli(folder, "export", "--youth", youth_id, "--purpose", purpose)
    assert code == cli.EXIT_ERROR and "purpose" in err and words in err
    code, err = run_cli(folder, "document", "youth_summary", "--youth", youth_id, "--purpose", purpose,
                        "--out", str(tmp_path / "a.pdf"))
    assert code == cli.EXIT_ERROR and "purpose" in err and words in err and not (tmp_path / "a.pdf").exists()


def test_cli_reads_at_most_what_a_file_of_its_kind_can_hold(folder: Path) -> None:
    """/dev/zero never ends: each reader stops past its limit instead of filling memory."""
    for args, words in ((("import", "/dev/zero"), "larger than 50 MB"),
                        (("youth", "add", "/dev/zero"), "larger than 50 MB"),
                        (("forms", "check", "/dev/zero"), "larger than 1 MB"),
                        (("directory", "import", "/dev/zero"), "larger than 2 MB")):
        out = io.StringIO()
        code, err = run_cli(folder, *args, stdout=out)
        assert code == cli.EXIT_ERROR and words in err + out.getvalue(), (args, err, out.getvalue())


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | _TEXT,
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
                        max_leaves=12)


@settings(max_examples=1500, deadline=None)
@given(record=st.dictionaries(_TEXT, _JSONISH, max_size=5))
def test_the_quick_check_for_hidden_characters_finds_what_the_walk_finds(record: dict[str, Any]) -> None:
    """hidden_characters first looks at the record's JSON text and walks it only on a match: it must
    never miss what a walk of every text finds (controls escaped, direction marks as themselves)."""
    walked = [p for key, value in record.items() for p in base.hidden_characters(value, key)]
    assert base.hidden_characters(record) == walked


def test_each_hidden_character_is_found_by_the_quick_check() -> None:
    for code in sorted(base.HIDDEN):
        [problem] = base.hidden_characters({"notes": [{"text": f"a{chr(code)}b"}]})
        assert problem.field == "notes.0.text" and f"U+{code:04X}" in problem.message
    assert base.hidden_characters({"text": "a backslash \\u0001 typed, and a tab\tand lines\r\n"}) == []


_SIZED_TEXT = st.integers(0, 4_100).map(lambda n: "x," * (n // 2))  # texts at and past MAX_TEXT
_WIDE = st.recursive(
    st.none() | st.floats() | st.integers() | _TEXT | _SIZED_TEXT,
    lambda inner: (st.integers(0, 60).flatmap(lambda n: st.lists(inner, min_size=n, max_size=n))
                   | st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=80)


class _Loose(BaseModel):
    a: Any = None
    b: Any = None


@settings(max_examples=800, deadline=None)
@given(data=st.fixed_dictionaries({"a": _WIDE, "b": _WIDE}))
def test_the_quick_checks_of_shape_and_bounds_never_pass_what_the_walks_refuse(data: dict[str, Any]) -> None:
    """Body.parse skips walking a record when its JSON text alone shows it in shape and in bounds
    (the walks were most of checking a record pushed to the hub): whatever the quick checks pass,
    the walks must find nothing in."""
    text = base._json_text(data)
    assert text is not None
    if base._plainly_in_shape(text):
        assert base.shape_problems(data) == []
    if base._plainly_in_bounds(text):
        assert base.bound_problems(_Loose.model_validate(data)) == []


def test_a_bound_never_narrows_the_defaults() -> None:
    with pytest.raises(ValueError, match="below the defaults"):
        base.Bound(items=10)


FIRST_USE_IN_THREADS = """
import sys, threading
from csec_desktop.domain.youth import Youth
from tests.conftest import youth_data
assert not Youth.__pydantic_complete__, "built at import: nothing deferred to test"
start, failed = threading.Barrier(8), []
def first_use() -> None:
    start.wait()
    try:
        Youth.parse(youth_data(preferred_name="Kit"))
    except Exception as exc:  # any failure of a valid record is the defect
        failed.append(repr(exc))
threads = [threading.Thread(target=first_use) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(failed or "ok")
"""


def test_a_record_kind_first_used_by_several_threads_at_once_validates_in_each() -> None:
    """Record models build their validators at first use (`defer_build`: the window opens sooner),
    and the window's thread and the vault's can both be first. Building a deferred model was not
    atomic in every pydantic (issue 11849: another thread could validate with the parent's
    validator and refuse a valid record; 2.14 builds under a lock, hence pydantic>=2.14)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", FIRST_USE_IN_THREADS], cwd=root, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0 and out.stdout.strip() == "ok", (out.stdout, out.stderr[-2000:])
