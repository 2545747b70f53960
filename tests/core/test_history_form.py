"""Issue 24 (the vault's size): a create's history row is kept in a short form that reads back to
its canonical text byte for byte, so what is signed, pushed and folded does not change."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from csec_desktop import caseload
from csec_desktop.storage import keys as K
from csec_desktop.storage.history import SAME_AS_BODY, canonical, created, fields_of, kept
from csec_desktop.storage.records import change_message
from csec_desktop.storage.vault import Vault
from csec_desktop.sync import local
from tests.conftest import youth_data

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
NAMES = st.text(min_size=1, max_size=12)


def _text(fields: dict[str, Any]) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@given(st.dictionaries(NAMES, JSON, min_size=1, max_size=6))
def test_a_create_reads_back_to_its_canonical_text(values: dict[str, Any]) -> None:
    text = _text({name: {"old": None, "new": value} for name, value in values.items()})
    short = kept(text)
    assert short.startswith("[") and len(short) < len(text)
    assert canonical(short) == text
    assert fields_of(short) == json.loads(text)


# Values as a body may hold them, and dicts whose keys are not text (JSON makes them text, which
# can reorder or merge them).
ODD = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner)
    | st.dictionaries(st.text(max_size=3) | st.integers(-20, 20) | st.booleans() | st.none(), inner,
                      max_size=3),
    max_leaves=8)


@given(st.dictionaries(NAMES, ODD, max_size=6))
@example({"a": {10: "x", 2: "y"}, "b": "{"})  # JSON's text keys sort "10" before "2"
@example({"a": [{None: 1, 3: 2}]})  # inside a list: "3" sorts before "null"
def test_a_new_records_texts_are_those_each_encoding_would_give(values: dict[str, Any]) -> None:
    # `created` encodes each value once for the body, the create's canonical text and its kept
    # form: each must be byte for byte what encoding it whole gives (the signature covers one).
    try:
        whole = _text(values)
    except TypeError:  # keys of mixed kinds cannot be sorted: refused either way
        with pytest.raises(TypeError):
            created(values)
        return
    body, text, short = created(values)
    assert body == whole
    assert text == _text({name: {"old": None, "new": value} for name, value in values.items()})
    assert short == kept(text)
    assert canonical(short) == text


@given(st.dictionaries(NAMES, st.fixed_dictionaries({"old": JSON, "new": JSON}), min_size=1, max_size=4),
       st.booleans())
def test_any_other_row_is_kept_as_it_is(fields: dict[str, Any], based: bool) -> None:
    if based:
        fields = {name: {**change, "base": "1796210151134-00000-device"} for name, change in fields.items()}
    text = _text(fields)
    if not based and all(change["old"] is None for change in fields.values()):
        assert canonical(kept(text)) == text  # every value new: short, and still exact
    else:
        assert kept(text) == text
    assert fields_of(kept(text)) == fields


def test_text_that_would_not_read_back_exactly_is_kept_in_full() -> None:
    # Spaces, or keys out of order: not the canonical form, so the short form would change it.
    for text in ('{"a": {"new": 1, "old": null}}', '{"b":{"new":1,"old":null},"a":{"new":2,"old":null}}'):
        assert kept(text) == text


def _rows(vault: Vault, record_id: str) -> list[tuple[Any, ...]]:
    return vault.require_db().query(
        "SELECT op_id, record_id, kind, owner_id, op, fields, hlc, user, device, at, signer, sig "
        "FROM changes_full WHERE record_id = ? ORDER BY seq", (record_id,))


def _kept(vault: Vault, record_id: str) -> list[str]:
    """What the file itself holds for each of the record's history rows."""
    return [r[0] for r in vault.require_db().query(
        "SELECT fields FROM changes WHERE record_id = ? ORDER BY seq", (record_id,))]


def test_a_created_youth_is_short_in_the_file_and_whole_everywhere_else(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    # While the body is the one it was created with, the create's row holds nothing of its own:
    # the view reads the body into it.
    body = admin.require_db().scalar("SELECT body FROM records WHERE id = ?", (youth.id,))
    assert _kept(admin, youth.id) == [SAME_AS_BODY]
    assert _rows(admin, youth.id)[0][5] == "[" + body + "]"
    assert admin.verify_audit().ok
    caseload.update_youth(admin, youth.id, {"unit": "Unit B"})
    # The first change of the body wrote the body as created into the row (the trigger).
    assert _kept(admin, youth.id)[0] == "[" + body + "]"
    (create, update) = _rows(admin, youth.id)
    assert create[4] == "create" and create[5].startswith("[")
    assert update[5].startswith("{") and '"base"' in update[5]
    full = canonical(create[5])
    assert len(create[5]) < 0.7 * len(full)

    # The signature covers the canonical text (not the kept one), and holds.
    signer = admin.require_db().scalar("SELECT signing_key FROM users WHERE username = ?", (create[10],))
    message = change_message(*create[:5], full, *create[6:10])
    assert K.signature_holds(K.unb64(signer), K.unb64(create[11]), message)
    assert admin.verify_audit().ok

    # The history screen and the push see every field with "old" and "new", as before.
    history = admin.records.history(youth.id)
    assert history[0].fields["unit"] == {"new": "Unit A", "old": None}
    assert history[1].fields["unit"]["new"] == "Unit B"
    pushed = [op for op in local.outbox(admin) if op.record_id == youth.id]
    sent = pushed[0].model_dump(mode="json")["fields"]
    assert pushed[0].op == "create" and sent["unit"]["new"] == "Unit A" and sent["unit"]["old"] is None
    assert set(sent) == set(json.loads(full))


def test_rows_kept_in_full_before_still_verify(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    db = admin.require_db()
    # As a vault written before the short form holds it: the canonical text itself.
    (row,) = _rows(admin, youth.id)
    db.execute("UPDATE changes SET fields = ? WHERE op_id = ?", (canonical(row[5]), row[0]))
    assert admin.verify_audit().ok
    assert admin.records.history(youth.id)[0].fields["unit"]["new"] == "Unit A"


def test_a_short_row_edited_outside_the_app_is_found(admin: Vault) -> None:
    youth = caseload.create_youth(admin, youth_data())
    (row,) = _rows(admin, youth.id)
    admin.require_db().execute("UPDATE changes SET fields = ? WHERE record_id = ?",
                               (row[5].replace('"Unit A"', '"Unit Z"'), youth.id))
    report = admin.verify_audit()
    assert not report.ok
    assert f"of record {youth.id} does not hold its signature" in "; ".join(report.records)


def test_a_body_edited_outside_the_app_is_found_with_the_trigger_or_without(admin: Vault) -> None:
    kept_copy = caseload.create_youth(admin, youth_data())
    referenced = caseload.create_youth(admin, youth_data(legal_name={"given": "Wren", "family": "Sample"}))
    db = admin.require_db()
    edit = "UPDATE records SET body = json_set(body, '$.unit', 'Unit Z') WHERE id = ?"
    # The trigger copies the body as created into the history row first: the history no longer
    # folds to the body.
    db.execute(edit, (kept_copy.id,))
    # Dropped, the edited body reads into the create's row, whose signature no longer holds.
    db.execute("DROP TRIGGER changes_created_kept")
    db.execute(edit, (referenced.id,))
    assert _kept(admin, referenced.id) == [SAME_AS_BODY]
    text = "; ".join(admin.verify_audit().records)
    assert f"record {kept_copy.id} differs from its history" in text
    assert f"of record {kept_copy.id} does not hold" not in text
    assert f"of record {referenced.id} does not hold its signature" in text


def _short_edits(stored: str) -> dict[str, str]:
    """Edits a person with the data key could make to a short row that read back to the same
    canonical text (so its signature would still hold), or hide content beside it."""
    obj = json.loads(stored)[0]
    return {
        "spaces": "[ " + stored[1:-1] + " ]",
        "pretty": "[" + json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "]",
        "keys reordered": "[" + json.dumps(dict(reversed(list(obj.items()))), ensure_ascii=False,
                                           separators=(",", ":")) + "]",
        "an escape": stored.replace('"Unit A"', '"\\u0055nit A"'),
        "a second object": stored[:-1] + ',{"unit":"Unit Z","note":"hidden"}]',
        "values beside it": stored[:-1] + ',"anything",42,null]',
        "a repeated key": '[{"unit":"Unit Z",' + stored[2:],
        "nothing": "[]", "a number": "[1]", "null": "[null]", "a string": '"x"',
        "a field not a change": '{"unit":[1]}',
    }


@pytest.mark.parametrize("edit", list(_short_edits('[{"unit":"Unit A"}]')))
def test_a_short_row_written_otherwise_than_the_app_writes_it_is_reported(admin: Vault, edit: str) -> None:
    youth = caseload.create_youth(admin, youth_data())
    db = admin.require_db()
    (row,) = _rows(admin, youth.id)
    db.execute("UPDATE changes SET fields = ? WHERE op_id = ?", (_short_edits(row[5])[edit], row[0]))
    report = admin.verify_audit()  # reports; never raises
    assert not report.ok
    assert f"of record {youth.id} is not in the form the app writes" in "; ".join(report.records)


@pytest.mark.parametrize("clocks", ["5", '"garbage"', "{", '{"x":5}', "[1]", "null"])
def test_field_stamps_that_do_not_read_are_reported(admin: Vault, clocks: str) -> None:
    # Edited outside the app, a record's clocks stopped it opening while audit verify said ok.
    youth = caseload.create_youth(admin, youth_data())
    assert admin.verify_audit().ok
    admin.require_db().execute("UPDATE records SET clocks = ? WHERE id = ?", (clocks, youth.id))
    report = admin.verify_audit()
    assert f"record {youth.id}'s field stamps cannot be read" in "; ".join(report.records)
