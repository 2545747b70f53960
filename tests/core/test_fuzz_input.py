"""Fuzz of everything a person can hand the app: an import file (JSON, through the core and through
`csec import`), a form file (YAML), a directory CSV, and what a form or a screen sends the core.

The property, for every input: no traceback. Either the input is taken, or the app's own error
(`CsecError`, for a record a `ValidationFailed` naming the field) says what is wrong, and the vault
holds exactly the records and changes it held before. A good input still goes in.

Inputs start from good ones (a real export of a demo youth, the project's own form file, the
directory's CSV template, a sample of every record kind) and are bent the ways an independent tester
found tracebacks: nesting a hundred thousand deep, ids repeated in one file, wrong types, unknown
kinds, huge strings and lists, NUL, control, escape and right-to-left characters, lone surrogates,
bytes that are not UTF-8, odd CSV ages (negative, huge, text, blank, superscript digits).

Examples per test: CSEC_FUZZ_EXAMPLES (100 by default, within `make test`); `make fuzz` runs 1,000.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from csec_desktop import caseload, cli, directory, formspec, identification, transfer
from csec_desktop.demo import populate_county
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import CsecError, ValidationFailed
from csec_desktop.ids import new_id
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import intake
from tests.conftest import ADMIN_PASS, VaultTemplates
from tests.core.test_summaries import SAMPLES

EXAMPLES = int(os.environ.get("CSEC_FUZZ_EXAMPLES", "100"))
settings.register_profile(
    "csec-fuzz", max_examples=EXAMPLES, deadline=None, print_blob=True,
    # One vault serves every example of a test (its counts are compared around each one); the
    # inputs are large on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("csec-fuzz")
if os.environ.get("CSEC_FUZZ_NO_SHRINK"):
    FUZZ = settings(FUZZ, phases=[Phase.explicit, Phase.reuse, Phase.generate])

# Inputs ------------------------------------------------------------------------------------------

NASTY_TEXT = [
    "", " ", "\t", "\x00", "Ada\x00Ficta", "\x1b[31mRed\x1b[0m", "\x07", "\x7f", "\x85",
    "\u202eatcif adA", "\u2066Ada\u2069", "\u200bAda", "\ufeffAda", "\ud800", "Ada\udfffFicta",
    "Zoë Ficticia-Núñez", "陈小明", "Ada\nFicta", "A" * 300, "A" * 5_000, "A" * 120_000,
    "2026-02-30", "9999-12-31", "0001-01-01", "-1", "1e309", "NaN", "null", "true", "[]", "{}",
    "01a220a0-d4c3-7b9e-965f-69996f122467", "youth", "reviewed", "filed", "../../etc/passwd",
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.sampled_from(NASTY_TEXT),
)
JSONISH = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=10)


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


RAW = {"@@ nested 100,000 deep @@": "[" * 100_000 + "]" * 100_000, "@@ 5,000 digits @@": "9" * 5_000}
"""Values no encoder writes (json.dumps recurses per level and refuses 5,000-digit numbers) but a
file can hold: drawn as these stand-ins, written into the file's text by `_dumps`."""


def _dumps(doc: Any, *, ensure_ascii: bool = True) -> str:
    text = json.dumps(doc, ensure_ascii=ensure_ascii)
    for stand_in, raw in RAW.items():
        text = text.replace(json.dumps(stand_in), raw)
    return text


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


# Built on demand (a hundred thousand entries are made only when drawn).
MONSTERS: list[Callable[[], Any]] = [
    lambda: _deep(30), lambda: _deep_dict(40), *(_const(stand_in) for stand_in in RAW), lambda: 10**400,
    lambda: ["Alias"] * 100_000, lambda: [{"name": f"Alias {i}"} for i in range(100_000)],
    lambda: {f"k{i}": i for i in range(3_000)}, lambda: "A" * 1_000_000,
    lambda: [{"name": "Alias", "kind": "alias"}] * 60,
]
VALUES = st.one_of(JSONISH, st.sampled_from(MONSTERS).map(lambda make: make()))
SMALL_MONSTERS = [make for make in MONSTERS if len(str(make())) < 200_000]
"""For YAML: PyYAML takes seconds to write a list of 100,000 entries, and loading one is no
different from loading the JSON file the import fuzz already gives the same list."""
YAML_VALUES = st.one_of(JSONISH, st.sampled_from(SMALL_MONSTERS).map(lambda make: make()))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _mutate(doc: Any, draw: st.DrawFn, extra: tuple[str, ...] = (),
            values: st.SearchStrategy[Any] = VALUES) -> tuple[Any, str]:
    """One bend of `doc` (a copy): a value replaced, a field dropped or added, an entry repeated."""
    doc = json.loads(json.dumps(doc))
    op = draw(st.sampled_from(["none", "replace", "replace", "replace", "drop", "add", "repeat",
                               *extra]))
    if op == "none":
        return doc, op
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    if not path:
        return draw(values), op
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "replace":
        parent[last] = draw(values)
    elif op == "drop":
        del parent[last]
    elif op == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["unknown", "kind", "id", "youth_id", "stage", "sealed", "\x00"]))] = \
            draw(values)
    elif op == "repeat" and isinstance(parent, list):
        parent.append(json.loads(json.dumps(parent[last])))
    return doc, op


def _bytes(text: str, draw: st.DrawFn) -> bytes:
    """The file as saved: UTF-8, or bent (cut short, a byte that is not UTF-8, Latin-1, a NUL)."""
    data = text.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(["as is", "as is", "as is", "cut", "0xff", "latin-1", "nul", "bom"]))
    if how == "cut":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if how == "0xff":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\xff" + data[at:]
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "nul":
        return data.replace(b"\"", b"\"\x00", 1)
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    return data


# The vault ---------------------------------------------------------------------------------------


def _counts(vault: Vault) -> tuple[int, int]:
    db = vault.require_db()
    return (int(db.scalar("SELECT count(*) FROM records")), int(db.scalar("SELECT count(*) FROM changes")))


@contextlib.contextmanager
def refused_or_taken(vault: Vault, *, must_take: bool = False) -> Iterator[list[bool]]:
    """The property: the block ends either normally or with our own error, and after our error the
    vault's records and changes are exactly as before. Any other exception fails the test."""
    before = _counts(vault)
    taken = [True]
    try:
        yield taken
    except CsecError as exc:
        taken[0] = False
        assert str(exc).strip(), "an error with no message"
        if isinstance(exc, ValidationFailed):
            assert exc.problems and all(p.field for p in exc.problems), "a refusal that names no field"
        assert _counts(vault) == before, f"refused ({exc!s:.200}) yet the vault changed"
        assert not must_take, f"a good input was refused: {exc!s:.300}"


@pytest.fixture
def county(admin: Vault) -> Vault:
    populate_county(admin, 3, seed=5)
    return admin


def _youth_ids(vault: Vault) -> list[str]:
    return [r[0] for r in vault.require_db().query(
        "SELECT r.id FROM records r JOIN youth_fields f ON f.rowid = r.rowid WHERE f.sealed = 0 "
        "AND r.deleted = 0 ORDER BY r.rowid")]


def _export(vault: Vault) -> dict[str, Any]:
    """The export of the demo youth with the most attached records."""
    ids = _youth_ids(vault)
    richest = max(ids, key=lambda y: len(vault.records.attached(y)))
    return transfer.export_youth(vault, richest, "fuzz base")


def _fresh_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """The same export under new ids (each example imports a youth the vault does not hold)."""
    text = json.dumps(doc)
    for entry in [doc["youth"], *doc["attached"]]:
        text = text.replace(entry["id"], new_id())
    fresh: dict[str, Any] = json.loads(text)
    return fresh


# Import: the core and the file ---------------------------------------------------------------------


def test_fuzz_import_json(county: Vault) -> None:
    base = _export(county)
    assert base["attached"], "the base export has attached records"

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        doc, op = _mutate(_fresh_ids(base), data.draw, ("repeat", "repeat"))
        text = _dumps(doc, ensure_ascii=data.draw(st.booleans()))
        content = _bytes(text, data.draw)
        good = op == "none" and content == text.encode()
        with refused_or_taken(county, must_take=good) as taken:
            youth_id = transfer.import_youth(county, transfer.parse_json(content))
        if taken[0]:
            assert county.records.get(youth_id).kind == "youth"

    run()


def test_a_good_export_still_imports_after_the_fuzz_shapes(county: Vault) -> None:
    doc = _fresh_ids(_export(county))
    before = _counts(county)
    with refused_or_taken(county, must_take=True):
        youth_id = transfer.import_youth(county, transfer.parse_json(json.dumps(doc).encode()))
    assert youth_id == doc["youth"]["id"]
    assert _counts(county)[0] == before[0] + 1 + len(doc["attached"])


@pytest.fixture
def closed_vault(vault_templates: VaultTemplates, tmp_path: Path) -> Path:
    """A vault folder (administrator `admin`, ADMIN_PASS) with the demo county, locked."""
    folder = tmp_path / "cli-vault"
    vault = vault_templates.get(()).open_copy(folder)
    populate_county(vault, 2, seed=9)
    vault.close()
    return folder


def _cli(folder: Path, *args: str) -> tuple[int, str]:
    """`csec` in this process, as an administrator types it; what it printed to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["--vault", str(folder), "--user", "admin", "--passphrase-stdin", *args],
                        stdin=io.StringIO(ADMIN_PASS + "\n"), stdout=io.StringIO())
    return code, err.getvalue()


def _locked_counts(folder: Path) -> tuple[int, int]:
    vault = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        return _counts(vault)
    finally:
        vault.lock("test")


def test_fuzz_csec_import(closed_vault: Path, tmp_path: Path) -> None:
    vault = Vault.unlock(closed_vault, "admin", ADMIN_PASS)
    try:
        base = _export(vault)
        start = _counts(vault)
    finally:
        vault.lock("test")
    names = itertools.count()
    imported = [0]

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        doc, _ = _mutate(_fresh_ids(base), data.draw, ("repeat",))
        path = tmp_path / f"youth-{next(names)}.json"
        path.write_bytes(_bytes(_dumps(doc), data.draw))
        code, err = _cli(closed_vault, "import", str(path))  # any traceback fails the test here
        if code == 0:
            imported[0] += 1 + len(doc.get("attached") or [])  # null or left out: the youth alone
        else:
            assert code == cli.EXIT_ERROR and err.startswith("error: "), err

    run()
    # Every refused file left the vault as it was: it holds the start and what was taken, no more.
    records, changes = _locked_counts(closed_vault)
    assert (records - start[0], changes - start[1]) == (imported[0], imported[0])


# Form files (YAML) ---------------------------------------------------------------------------------

YAML_SNIPPETS = [
    "a: " + "[" * 5_000 + "]" * 5_000, "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400)),
    "schema_version: 1\nid: x\nversion: 2001-02-30\n", "version: " + "9" * 5_000,
    "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "steps: *c\n", "a: !!python/object:os.system x\n", "? [a, b]\n: c\n", "a: !!binary '###'\n",
    "- just\n- a\n- list\n", "plain text", "", "id: \"\\0\\e\\u202e\"\n", "version: .nan\n",
]


def test_fuzz_form_files(tmp_path: Path) -> None:
    base = yaml.safe_load((formspec.forms_dir() / "csec_indicator_screen.yaml").read_text("utf-8"))
    names = itertools.count()

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        if data.draw(st.integers(0, 3)) == 0:
            text = data.draw(st.sampled_from(YAML_SNIPPETS)) + data.draw(st.text(max_size=20))
        else:
            doc, _ = _mutate(base, data.draw, values=YAML_VALUES)
            try:
                text = yaml.safe_dump(doc, allow_unicode=data.draw(st.booleans()))
            except (yaml.YAMLError, ValueError, OverflowError):
                return  # a value YAML cannot write is no file a person could hand the app
        path = tmp_path / f"form-{next(names)}.yaml"
        path.write_bytes(_bytes(text, data.draw))
        with contextlib.suppress(formspec.FormError):  # a FormError names the file and field
            formspec.load_file(path)
        if data.draw(st.integers(0, 3)):
            return
        code, err = _cli(tmp_path, "forms", "check", str(path))  # and as county IT checks one
        assert code in (0, cli.EXIT_ERROR), err
        assert code == 0 or err.startswith("error: "), err

    run()


def test_the_forms_shipped_still_load() -> None:
    forms, problems = formspec.load_all()
    assert not problems and {"csec_indicator_screen", "needs_assessment"} <= set(forms)


# Directory CSV -----------------------------------------------------------------------------------

AGES = ["12-24", "0-30", "-5-10", "5--1", "10-5", "99999999999999999999-1", "1" * 5_000 + "-2", "²-5",
        "١٢-٢٤", "ten-twenty", "", " ", "12", "12 - 24", "12-24-30", "\x00-1", "1e3-2"]
CELLS = st.one_of(st.sampled_from(NASTY_TEXT[:-1]), st.text(max_size=30), st.sampled_from(AGES))


def test_fuzz_directory_csv(county: Vault) -> None:
    template = list(csv.reader(io.StringIO(directory.template())))
    header, example = template[0], template[1]
    names = itertools.count()

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        columns = list(header)
        if data.draw(st.integers(0, 4)) == 0:
            columns = data.draw(st.lists(st.sampled_from([*header, "unknown", "", "Name ", "ages"]),
                                         max_size=14))
        rows = []
        for _ in range(data.draw(st.integers(0, 4))):
            row = dict(zip(header, example, strict=True))
            # Of one width: a name one digit longer made the file longer, and a replayed case drew
            # where to cut it from another range (hypothesis: "Inconsistent data generation").
            row["name"] = f"Fictional Provider {next(names):09d}"
            for column in data.draw(st.lists(st.sampled_from(header), max_size=4)):
                row[column] = data.draw(CELLS)
            if data.draw(st.booleans()):  # ages are where the tester's tracebacks were
                row["ages"] = data.draw(st.sampled_from(AGES))
            cells = [row.get(c, "") for c in columns]
            if data.draw(st.integers(0, 9)) == 0:
                cells.append("one cell too many")
            rows.append(cells)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        text = out.getvalue().replace("\ud800", "?").replace("\udfff", "?")
        content = _bytes(text, data.draw)
        with refused_or_taken(county):
            previewed = directory.preview(county, content)
            if previewed.header_problems:
                return
            before = _counts(county)[0]
            added, updated = directory.apply(county, previewed)
            # What the preview called good is what was written.
            assert added + updated == len(previewed.good)
            assert _counts(county)[0] == before + added

    run()


def test_odd_ages_in_a_csv_are_named_not_raised(county: Vault) -> None:
    for ages in ("-5-10", "99999999999999999999-1", "1" * 5_000 + "-2", "²-5", "١٢-٢٤", "ten-twenty"):
        content = f"name,services,ages\nFictional Provider,Housing,{ages}\n".encode()
        [row] = directory.preview(county, content).rows
        assert [p.field for p in row.problems] in (["ages"], ["age_from"], ["age_to"]), (ages, row.problems)
    [row] = directory.preview(county, b"name,services,ages\nFictional Provider,Housing,\n").rows
    assert row.ok  # blank: the entry's default ages


# What a form or a screen sends the core -------------------------------------------------------------

RECORD_SAMPLES: dict[str, dict[str, Any]] = {  # the kinds a youth's forms add (those a youth owns)
    **{model.kind: data for model, data in SAMPLES.items()
       if getattr(model, "kind", None) in KINDS and KINDS[model.kind].owner_field},
    DutyDone.kind: {"rule_id": "csec.report_24h", "done_on": "2026-01-05", "method": "telephone"},
}


def test_every_kind_has_a_sample_to_bend() -> None:
    owned = {k for k, m in KINDS.items() if m.owner_field}
    assert owned == set(RECORD_SAMPLES) | {"form_response"}  # answers: test_fuzz_screen_answers


def test_fuzz_record_forms(county: Vault) -> None:
    """A new record, a change to one, a new youth and a change to a youth, as forms send them."""
    youth_id = _youth_ids(county)[0]
    youth = county.records.get(youth_id).body.dump()
    kinds = sorted(RECORD_SAMPLES)
    # A certification names only conditions on record as met on its day: the sample's are.
    for condition in RECORD_SAMPLES["efc_certification"]["conditions"]:
        caseload.add_attached(county, youth_id, "efc_participation", {
            "condition": condition, "since": "2025-01-01", "evidence": "Fictional letter"})

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from([*kinds, "youth", "youth", "new youth", "not_a_kind"]))
        if kind == "youth":
            changes, _ = _mutate({k: youth[k] for k in data.draw(st.lists(st.sampled_from(sorted(youth)),
                                                                          min_size=1, max_size=3))},
                                 data.draw)
            if isinstance(changes, dict):
                with refused_or_taken(county):
                    caseload.update_youth(county, youth_id, changes)
            return
        if kind == "new youth":
            new, _ = _mutate({**{k: v for k, v in youth.items() if k != "sealed"}}, data.draw)
            if isinstance(new, dict):
                with refused_or_taken(county):
                    intake.duplicates(county, new)
                    intake.create(county, new)
            return
        sample, op = _mutate(RECORD_SAMPLES.get(kind, {}), data.draw)
        if not isinstance(sample, dict):
            return
        with refused_or_taken(county) as taken:
            record = caseload.add_attached(county, youth_id, kind, sample)
        if not taken[0]:
            assert op != "none" or kind == "not_a_kind", "a good sample was refused"
            return
        changes, _ = _mutate(record.body.dump(), data.draw)
        if isinstance(changes, dict):
            changes.pop("youth_id", None)
            with refused_or_taken(county):
                caseload.update_attached(county, record.id, changes)

    run()


def test_fuzz_screen_answers(county: Vault) -> None:
    youth_id = _youth_ids(county)[0]
    forms = identification.forms()
    saved = {r.body.dump()["form_id"]: r.body.dump()["answers"]
             for r in county.records.attached(youth_id, "form_response")}
    assert saved, "the demo youth has a saved screen to start from"

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        form_id = data.draw(st.sampled_from(sorted(forms)))
        answers, _ = _mutate(saved.get(form_id, {}), data.draw)
        if isinstance(answers, dict):
            with refused_or_taken(county):
                identification.save_screen(county, youth_id, form_id, answers)

    run()


def test_a_youth_is_still_written_after_the_fuzz_shapes(county: Vault) -> None:
    data = {"legal_name": {"given": "Ada", "family": "Ficticia"}, "date_of_birth": "2010-04-01",
            "aliases": [{"name": f"Fictional alias {i}"} for i in range(50)]}
    with refused_or_taken(county, must_take=True):
        record = intake.create(county, data)
    assert isinstance(record.body, Youth) and len(record.body.aliases) == 50
