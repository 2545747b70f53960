"""Shared base for record bodies and the conversion of pydantic errors to ours."""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, Self

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import to_json

from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.text import N_, Line, W

# Bounds on what is written ----------------------------------------------------------------------

MAX_ITEMS = 50
"""A list (or mapping) field holds at most this many entries unless its model's `bounds` say
otherwise: 50 aliases, flags or attendees is already far beyond any real record."""
MAX_TEXT = 4_000
"""A text with no `max_length` of its own (an id, an entry of a list of texts, a form's answer) is
at most this long unless its model's `bounds` say otherwise."""
MAX_DEPTH = 12
"""Nesting deeper than any record has (a youth's alias is 3 levels down, a form's answer 4)."""
HARD_ITEMS = 2_000
HARD_TEXT = 100_000
"""Beyond these no field of any record goes: refused before the model is tried, so a file of a
million entries or a megabyte-long name costs nothing to refuse and yields one problem, not a
million."""


@dataclass(frozen=True)
class Bound:
    """How many entries a list or mapping field may hold, and how long each text in it may be."""

    items: int = MAX_ITEMS
    text: int = MAX_TEXT

    def __post_init__(self) -> None:
        # A bound only widens the defaults: `_plainly_in_bounds` reads a record against them.
        if self.items < MAX_ITEMS or self.text < MAX_TEXT:
            raise ValueError(f"a bound below the defaults ({MAX_ITEMS} entries, {MAX_TEXT} characters)")


class Body(BaseModel):
    """The JSON body of a stored record. Unknown fields are refused, not dropped."""

    # defer_build: each kind's validator is built when first used, not when the app starts (the
    # record kinds imported 30 ms sooner, 0.19 s instead of 0.22; a session uses a few of them).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True,
                              defer_build=True)

    kind: ClassVar[str]
    owner_field: ClassVar[str | None] = None
    """The field naming the youth this record belongs to (None for the youth itself)."""
    bounds: ClassVar[Mapping[str, Bound]] = {}
    """Fields whose lists genuinely grow longer than MAX_ITEMS (a placement history) or whose
    texts run longer than MAX_TEXT (a form's long answers), with their own bound."""
    happened: ClassVar[tuple[str, ...]] = ()
    """Moments or days that have already happened (when information was received, when staff
    learned a youth was missing, a count's dates): refused when written as a time ahead of now, or
    a day after today (caseload.add_attached and update_attached). A 24-hour clock starting from a
    day typed a week ahead ran a week late. Not checked on reading, so a record from a device whose
    clock ran ahead still opens."""

    @classmethod
    def parse(cls, data: Any, record: str | None = None) -> Self:
        """Check what is written (a form, an import, an update): its shape (nesting, sizes,
        finite numbers), no hidden characters in any text, the model, and every list and text
        within its bound (`Bound`). Reading a stored record (`load`) never refuses on these, so a
        record written before a check existed still opens."""
        text = _json_text(data) if isinstance(data, dict | list) else None
        shape = [] if text is not None and _plainly_in_shape(text) else shape_problems(data)
        if shape:  # refused before anything walks or validates it: nothing below meets a monster
            raise ValidationFailed(shape, record)
        hidden = hidden_characters(data, text=text)
        try:
            body = cls.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailed([*hidden, *problems_from(exc)], record) from None
        problems = [*hidden, *([] if text is not None and _plainly_in_bounds(text) else bound_problems(body))]
        if problems:
            raise ValidationFailed(problems, record)
        return body

    @classmethod
    def load(cls, data: Any, record: str | None = None) -> Self:
        """Read a stored record: the model only (the write-time checks of `parse` are not applied
        again, so text or lists written before a bound existed never lock a record away)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValidationFailed(problems_from(exc), record) from None

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


DEFAULT_BOUND = Bound()


def shape_problems(data: Any) -> list[FieldProblem]:
    """What no record may hold at all: nesting deeper than MAX_DEPTH, more than HARD_ITEMS entries,
    text longer than HARD_TEXT, numbers that are not finite (NaN, infinity). Iterative, so data
    nested a hundred thousand levels deep is refused instead of exhausting the stack."""
    problems: list[FieldProblem] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack and len(problems) < 20:
        value, path, depth = stack.pop()
        where = path or "(record)"
        if isinstance(value, str):
            if len(value) > HARD_TEXT:
                problems.append(FieldProblem(where, W(
                    "is {n} characters long, far more than any field holds", n=f"{len(value):,}")))
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(FieldProblem(where, N_("is not a finite number")))
        elif isinstance(value, dict | list | tuple):
            if depth >= MAX_DEPTH:
                problems.append(FieldProblem(where, W("is nested more than {n} levels deep", n=MAX_DEPTH)))
            elif len(value) > HARD_ITEMS:
                problems.append(FieldProblem(where, W(
                    "has {n} entries, far more than any field holds", n=f"{len(value):,}")))
            else:
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for key, item in items:
                    if isinstance(key, str) and len(key) > HARD_TEXT:
                        problems.append(FieldProblem(where, N_("has a field name far longer than any")))
                        continue
                    stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
    return problems


def _json_text(data: Any) -> str | None:
    """A record's data as JSON text, or None when it holds a value JSON cannot write."""
    try:
        return to_json(data).decode()
    except ValueError:
        return None


def _plainly_in_shape(text: str) -> bool:
    """Whether a record's JSON text shows, without walking it, that `shape_problems` finds
    nothing: that short, no container holds HARD_ITEMS entries (each takes two characters) and no
    text is HARD_TEXT long; with that few brackets nothing nests MAX_DEPTH deep; pydantic writes a
    non-finite number as NaN or Infinity. Brackets, "NaN" or length in a text only send a record
    the long way. The walk was the largest part of checking a pushed record at the hub."""
    return (len(text) <= 2 * HARD_ITEMS and text.count("{") + text.count("[") <= MAX_DEPTH
            and "NaN" not in text and "Infinity" not in text)


def _plainly_in_bounds(text: str) -> bool:
    """Whether a record's JSON text shows that `bound_problems` finds nothing: no text in it can
    be longer than MAX_TEXT, and with fewer than MAX_ITEMS commas no list or mapping holds more
    than MAX_ITEMS entries (no bound is below these, see Bound)."""
    return len(text) <= MAX_TEXT and text.count(",") < MAX_ITEMS


def bound_problems(model: BaseModel, path: str = "") -> list[FieldProblem]:
    """A problem for every list, mapping or text in a checked model longer than its bound: the
    field's own `max_length` where it has one (pydantic checked it), else the `bounds` entry of
    its model, else DEFAULT_BOUND. Nested models are checked against their own bounds."""
    problems: list[FieldProblem] = []
    for name, bound, own in _field_bounds(type(model)):
        where = f"{path}.{name}" if path else name
        value = getattr(model, name, None)  # None: a field a model_construct left out
        if value is None or isinstance(value, bool | int | float):
            continue
        problems += _value_problems(value, where, bound, own)
    return problems


@functools.cache
def _field_bounds(model: type[BaseModel]) -> tuple[tuple[str, Bound, bool], ...]:
    """Each field of a model class with its bound and whether it has a `max_length` of its own
    (worked out once per class: per record it was a quarter of checking a youth)."""
    bounds: Mapping[str, Bound] = getattr(model, "bounds", {})
    return tuple((name, bounds.get(name, DEFAULT_BOUND), any(isinstance(m, MaxLen) for m in info.metadata))
                 for name, info in model.model_fields.items())


def _value_problems(value: Any, where: str, bound: Bound, own_max: bool = False) -> list[FieldProblem]:
    if isinstance(value, BaseModel):
        return bound_problems(value, where)
    if isinstance(value, str):
        if not own_max and len(value) > bound.text:
            return [FieldProblem(where, W("is {n} characters long; at most {most}",
                                          n=f"{len(value):,}", most=f"{bound.text:,}"))]
        return []
    if isinstance(value, dict | list | tuple | set | frozenset):
        problems: list[FieldProblem] = []
        if not own_max and len(value) > bound.items:
            problems.append(FieldProblem(where, W("has {n} entries; at most {most}",
                                                  n=f"{len(value):,}", most=f"{bound.items:,}")))
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and len(key) > bound.text:
                    problems.append(FieldProblem(where, W(
                        "has a field name longer than {n} characters", n=f"{bound.text:,}")))
                problems += _value_problems(item, f"{where}.{key}", bound)
        else:
            for index, item in enumerate(value):
                problems += _value_problems(item, f"{where}.{index}", bound)
        return problems
    return []


HIDDEN = frozenset([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
                    *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""NUL and the other control characters (tab, line feed and carriage return allowed), and the
text-direction embeddings, overrides and isolates: invisible on screen, they can make a name read
as another (a right-to-left override reverses what follows) or break a file or a terminal."""


_HIDDEN_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HIDDEN)) + "]")


_HIDDEN_AS_ITSELF = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_ESCAPED = re.compile(r"\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|[bf])")
"""Where a HIDDEN character can stand in JSON text as pydantic writes it: from U+007F as itself,
below U+0020 as an escape (\\u0001, or \\b and \\f). A match may be a false alarm (a backslash
typed before "u0001", a field's name); no match means no text holds one."""


def hidden_characters(data: Any, path: str = "", *, text: str | None = None) -> list[FieldProblem]:
    """A problem for every text in `data` (nested dicts and lists) holding a HIDDEN character.
    `text`: the data as JSON, when the caller has it already."""
    if not path and isinstance(data, dict | list):
        if text is None:
            # not JSON-like (a value of a type pydantic cannot write): walk it
            text = _json_text(data) or "\\"
        escaped = "\\" in text and _HIDDEN_ESCAPED.search(text) is not None
        if not escaped and _HIDDEN_AS_ITSELF.search(text) is None:
            return []  # the common case, in one pass over the record's JSON: walking it took 9 us a youth
    if isinstance(data, str):
        found = _HIDDEN_RE.search(data)
        if found is None:
            return []
        return [FieldProblem(path or "(record)", W(
            "contains a hidden control or text-direction character ({code}); remove it",
            code=f"U+{ord(found.group()):04X}"))]
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list | tuple):
        items = enumerate(data)
    else:
        return []
    problems: list[FieldProblem] = []
    for key, value in items:
        if isinstance(value, str | dict | list | tuple):
            problems += hidden_characters(value, f"{path}.{key}" if path else str(key))
    return problems


MAX_PURPOSE = 500
_SAY_WHY = {"document": N_("say why this document leaves the vault"),
            "record": N_("say why this record leaves the vault")}


def stated_purpose(purpose: str, what: Literal["document", "record"]) -> str:
    """Why something leaves the vault, as the audit trail keeps it and the paper's stamp prints it:
    said, at most MAX_PURPOSE characters, and nothing hidden in it."""
    text = purpose.strip()
    problems = hidden_characters(text, "purpose")
    if not text:
        problems.append(FieldProblem("purpose", _SAY_WHY[what]))
    elif len(text) > MAX_PURPOSE:
        problems.append(FieldProblem("purpose", W("is {n} characters long; at most {most}",
                                                  n=f"{len(text):,}", most=f"{MAX_PURPOSE:,}")))
    if problems:
        raise ValidationFailed(problems, record="export")
    return text


def check_phone(value: str | None) -> str | None:
    """A phone number people will dial: at least seven digits (extensions and brackets allowed)."""
    if value and sum(ch.isdigit() for ch in value) < 7:
        raise ValueError("needs at least 7 digits")
    return value or None


def check_email(value: str | None) -> str | None:
    if value and ("@" not in value or value.startswith("@") or value.endswith("@")):
        raise ValueError("is not an e-mail address")
    return value or None


PLAIN_PROBLEMS: dict[str, str] = {
    "missing": N_("must be filled in"),
    "date_type": N_("is not a date: write it as YYYY-MM-DD, for example 2010-04-02"),
    "date_parsing": N_("is not a date: write it as YYYY-MM-DD, for example 2010-04-02"),
    "date_from_datetime_parsing": N_("is not a date: write it as YYYY-MM-DD, for example 2010-04-02"),
    "date_from_datetime_inexact": N_("is not a date: write it as YYYY-MM-DD, for example 2010-04-02"),
    "datetime_type": N_("is not a date and time: write it as YYYY-MM-DD HH:MM"),
    "datetime_parsing": N_("is not a date and time: write it as YYYY-MM-DD HH:MM"),
    "datetime_from_date_parsing": N_("is not a date and time: write it as YYYY-MM-DD HH:MM"),
    "timezone_aware": N_("needs its time zone"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "bool_type": N_("must be yes or no"),
    "bool_parsing": N_("must be yes or no"),
}
"""pydantic's messages for the errors a person makes in a form, said plainly ("Input should be a
valid date or datetime, month value is outside expected range of 1-12" became "is not a date:
write it as ..."), and marked for translation: a screen says them through gettext. A choice
outside the list keeps pydantic's message, which names the choices (a form file's author needs them)."""


NO_SUCH_DAY = N_("is not a day of the calendar: that month has fewer days")
NO_SUCH_MONTH = N_("is not a day of the calendar: months run from 01 to 12")
NO_SUCH_TIME = N_("is not a time of day: hours run from 00 to 23, minutes from 00 to 59")
_SHAPED = re.compile(r"(\d{4})-(\d{2})-(\d{2})"  # a day, then perhaps its time and zone
                     r"(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$")


def calendar_problem(text: str) -> str | None:
    """What is wrong with a day or moment written in the asked shape (YYYY-MM-DD, with HH:MM) that
    names no day or time ("2026-02-30 10:00", "2026-13-45"); None for any other text. "Write it as
    YYYY-MM-DD" told a person who had written just that to write it again."""
    found = _SHAPED.match(text.strip())
    if found is None:
        return None
    year, month, day = int(found[1]), int(found[2]), int(found[3])
    if not 1 <= month <= 12:
        return NO_SUCH_MONTH
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return NO_SUCH_DAY
    if found[4] is not None and (int(found[4]) > 23 or int(found[5]) > 59):
        return NO_SUCH_TIME
    return None
CHOOSE_ONE = N_("choose at least one")
NOT_CHOSEN = N_("is not chosen: choose one from its list")


def problems_from(exc: ValidationError) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(record)"
        kind = err["type"]
        if kind == "string_type" and err.get("input") is None:
            message = PLAIN_PROBLEMS["missing"]  # a text field left empty reaches the model as None
        elif kind.startswith(("date", "datetime")) and err.get("input") in ("", None):
            message = PLAIN_PROBLEMS["missing"]  # a required day left blank: not "is not a date"
        elif kind == "too_short" and isinstance(err.get("input"), list | tuple) and not err["input"]:
            message = CHOOSE_ONE  # "List should have at least 1 item after validation, not 0"
        elif kind == "enum" and err.get("input") in (None, ""):
            message = NOT_CHOSEN  # a list left at "(choose one)" read "Input should be 'arrest', ..."
        elif kind.startswith("date") and isinstance(err.get("input"), str) and calendar_problem(err["input"]):
            # Written as asked, but no such day ("2010-02-30"): "write it as YYYY-MM-DD" misled.
            message = calendar_problem(err["input"]) or NO_SUCH_DAY
        else:
            # pydantic prefixes messages from our own validators with "Value error, "; a message
            # made with text.W is taken from the exception itself, so a screen can say it in its
            # own language (the text pydantic keeps is the English sentence).
            raised = (err.get("ctx") or {}).get("error")
            made = raised.args[0] if isinstance(raised, ValueError) and raised.args else None
            message = PLAIN_PROBLEMS.get(kind) or (made if isinstance(made, Line) else
                                                   err["msg"].removeprefix("Value error, "))
        out.append(FieldProblem(path, message))
    return out


def on_or_after(field: str, earlier: str, message: str) -> Any:
    """A validator of the day `field`: not before the day `earlier` (a field declared before it, so
    validated first), refused with `message` beside `field` (a model validator's message has no
    field, and the form showed it under the item's last one)."""
    def check(cls: type, value: date | None, info: ValidationInfo) -> date | None:
        before = info.data.get(earlier)
        if value is not None and before is not None and value < before:
            raise ValueError(message)
        return value

    return field_validator(field)(classmethod(check))
