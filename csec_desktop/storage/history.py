"""How a history row's fields are kept in `changes.fields`.

A row's fields have one canonical text: JSON of field -> {"new": value, "old": value} (an
update adds "base", the stamp it was made against), keys sorted, no spaces. That text is what
the row's signature covers, what a push sends and what `audit verify` folds into the body.

A create names every field of the record with "old" null, so its canonical text wraps each value
in {"new": ..., "old": null}: measured on the demo county, creates were 1,890 of the vault's
8,150 bytes per youth, and the wrapping about a third of them. Such a row is kept short, as a JSON
list holding one object of field -> new value, and only when reading the short form back gives
the canonical text byte for byte (checked as it is written). Everything that reads the column
goes through `canonical` or `fields_of`; a row kept in full reads as it always did, so rows
written before this form stay as they are.

A create's short form is most often the record's body in brackets, word for word: such a row holds
SAME_AS_BODY while the body is unchanged, and is read through the view `changes_full`, which puts
"[" + body + "]" in its place; a trigger writes that text into the row before the body first
changes (schema 18). Code reading the history reads the view, never `changes.fields` itself
(sync/local.held_back, which only looks for a marker in the text, matches such a row's body).
"""

from __future__ import annotations

import json
from typing import Any

SAME_AS_BODY = ""
"""What a create's row holds while its record's body is still the body it was created with."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
# The C encoder `_ENCODER.encode` makes anew for each value (a third of the time for a record's
# short values), made once, with the same options; no check for a value that holds itself (a
# stored body never does: JSON cannot), which is only a RecursionError instead of a ValueError.
_C_ENCODE = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", True, False, True,
) if json.encoder.c_make_encoder is not None else None  # type: ignore[attr-defined]
_STRING = json.encoder.encode_basestring


def dump(value: Any) -> str:
    """The canonical JSON of a value: what `json.dumps` gives with these options, byte for byte."""
    if isinstance(value, str):
        return str(_STRING(value))
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def _all_new(fields: Any) -> bool:
    """Whether every field of a canonical row is {"new": ..., "old": null} and nothing else."""
    return isinstance(fields, dict) and bool(fields) and all(
        isinstance(change, dict) and change.keys() == {"new", "old"} and change["old"] is None
        for change in fields.values())


def kept(text: str, fields: dict[str, Any] | None = None) -> str:
    """What to store for the canonical `text`: the short form where it reads back exactly.
    `fields`: `text` parsed, when the caller has it (it was dumped from them)."""
    if fields is None:
        fields = json.loads(text)
    if not _all_new(fields):
        return text
    short = "[" + dump({name: change["new"] for name, change in fields.items()}) + "]"
    return short if canonical(short) == text else text


def created(data: dict[str, Any], *, text_keys: bool = False) -> tuple[str, str, str]:
    """A new record's body text, its create's canonical text and what `kept` stores for that,
    from one encoding of each value (a youth's create encoded its values five times over: a fifth
    of the demo county's time to write a youth, measured here). Values whose text could read back
    otherwise (a dict with a key that is not text: JSON turns the key into text, which can change
    the order or merge two keys) take `kept`'s own way, which checks. `text_keys`: the caller
    knows every key is text (a body dumped in pydantic's JSON mode, which writes every key as
    text), so the values are not looked through (a third of this function's time for a youth)."""
    if not data or not all(isinstance(name, str) for name in data):
        body = dump(data)
        text = dump({name: {"new": value, "old": None} for name, value in data.items()})
        return body, text, kept(text)
    names = sorted(data)
    values = [dump(data[name]) for name in names]
    keys = [dump(name) for name in names]
    body = "{" + ",".join([f"{key}:{value}" for key, value in zip(keys, values, strict=True)]) + "}"
    text = "{" + ",".join([f'{key}:{{"new":{value},"old":null}}'
                           for key, value in zip(keys, values, strict=True)]) + "}"
    # A value whose text holds no "{" holds no dict; the others are looked through.
    if not text_keys and not all(_text_keys(data[name]) for name, value in zip(names, values, strict=True)
                                 if "{" in value):
        return body, text, kept(text)
    return body, text, "[" + body + "]"


def _text_keys(value: Any) -> bool:
    """Whether every key of every dict in `value` is text (JSON's round trip is then exact)."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _text_keys(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(map(_text_keys, value))
    return True


def fields_of(stored: str) -> dict[str, dict[str, Any]]:
    """The row's fields, field -> {"new", "old"[, "base"]}, from either form."""
    value = json.loads(stored)
    if isinstance(value, list):
        if len(value) != 1 or not isinstance(value[0], dict):
            raise ValueError("a history row's short form holds other than one object")
        return {name: {"new": new, "old": None} for name, new in value[0].items()}
    if not isinstance(value, dict):
        raise ValueError("a history row's fields are neither an object nor the short form")
    return value


def canonical(stored: str) -> str:
    """The canonical text of a stored row's fields (what its signature covers)."""
    if not stored.startswith("["):
        return stored
    return dump(fields_of(stored))


def as_written(stored: str) -> bool:
    """Whether a stored row is in the form `kept` writes for its canonical text. A full row is
    compared as stored (its signature covers it byte for byte); a short one is read through
    `canonical`, which would forgive spaces, key order, escapes, a repeated key or a second
    object an editor put in, so `audit verify` asks this as well."""
    if not stored.startswith("["):
        return True
    try:
        return kept(canonical(stored)) == stored
    except (ValueError, TypeError, AttributeError):
        return False
