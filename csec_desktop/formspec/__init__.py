"""Declarative forms: the files in forms/ checked, scored and upgraded.

A form file (YAML) has a `schema_version`, a stable id and version, English and Spanish
text for every label, steps of fields from a closed set of types, named validators
that live here in the core, an optional scoring rule with outcome bands, and upgrade
steps that carry answers saved under an older version forward. Nothing here knows Qt:
ui/ renders any form from this description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from csec_desktop import yaml_data
from csec_desktop.clock import legal_today
from csec_desktop.domain.base import problems_from
from csec_desktop.errors import CsecError, FieldProblem
from csec_desktop.text import N_

SCHEMA_VERSION = 1
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class FormError(CsecError):
    """A form file that cannot be used: the file, and each field with its problem."""

    def __init__(self, file: str, field: str, problem: str,
                 more: tuple[tuple[str, str], ...] = ()) -> None:
        self.file, self.field, self.problem = file, field, problem
        self.problems = ((field, problem), *more)
        super().__init__("\n".join(f"{file}: {f}: {p}" for f, p in self.problems))


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    NUMBER = "number"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    RATING = "rating"  # no concern / possible / clear


RATINGS: dict[str, str] = {"none": N_("No concern"), "possible": N_("Possible"), "clear": N_("Clear")}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _stable_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("must be lower-case letters, digits and _ (a stable id)")
    return value


class Text(_Spec):
    """A label in both interface languages."""

    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.es if lang.startswith("es") else self.en


class Option(_Spec):
    value: str
    label: Text

    @field_validator("value")
    @classmethod
    def _stable(cls, value: str) -> str:
        return _stable_id(value)


# Validators a form may name. They live in the core so a form file cannot run code.
def _not_future(value: Any) -> str | None:
    return "is in the future" if isinstance(value, str) and value > legal_today().isoformat() else None


def _not_empty_list(value: Any) -> str | None:
    return "choose at least one" if isinstance(value, list) and not value else None


VALIDATORS: dict[str, Callable[[Any], str | None]] = {
    "date_not_future": _not_future,
    "at_least_one": _not_empty_list,
}


class FormField(_Spec):
    id: str
    type: FieldType
    label: Text
    help: Text | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    weight: int = Field(default=0, ge=0, le=10)
    key: bool = False  # a key indicator: "clear" on it decides the band on its own
    validators: tuple[str, ...] = ()
    fresh: bool = False
    """In a form that carries its answers forward: this one starts empty each time (its date)."""

    @field_validator("id")
    @classmethod
    def _stable(cls, value: str) -> str:
        return _stable_id(value)

    @model_validator(mode="after")
    def _consistent(self) -> FormField:
        choices = self.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE)
        if choices and not self.options:
            raise ValueError(f"a {self.type.value} field needs options")
        if not choices and self.options:
            raise ValueError(f"a {self.type.value} field takes no options")
        if len({o.value for o in self.options}) != len(self.options):
            raise ValueError("option values repeat")
        if (self.weight or self.key) and self.type is not FieldType.RATING:
            raise ValueError("only rating fields carry a weight or a key mark")
        unknown = [v for v in self.validators if v not in VALIDATORS]
        if unknown:
            raise ValueError(f"unknown validator {unknown[0]!r}; known: {', '.join(sorted(VALIDATORS))}")
        return self


class Step(_Spec):
    id: str
    title: Text
    intro: Text | None = None
    fields: tuple[FormField, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _stable(cls, value: str) -> str:
        return _stable_id(value)


class Band(_Spec):
    band: str
    min_score: int = Field(ge=0)
    label: Text


class Scoring(_Spec):
    """Sum of rating values times weights; the highest band whose minimum is reached.

    A key indicator rated "clear" lifts the result to `key_clear_band` at least."""

    values: dict[str, int] = Field(default_factory=lambda: {"none": 0, "possible": 1, "clear": 2})
    bands: tuple[Band, ...] = Field(min_length=2)
    key_clear_band: str | None = None
    explanation: Text

    @model_validator(mode="after")
    def _bands(self) -> Scoring:
        if set(self.values) != set(RATINGS):
            raise ValueError(f"values must give exactly {', '.join(RATINGS)}")
        minimums = [b.min_score for b in self.bands]
        if minimums != sorted(minimums) or len(set(minimums)) != len(minimums) or minimums[0] != 0:
            raise ValueError("bands must start at 0 and rise")
        if self.key_clear_band and self.key_clear_band not in {b.band for b in self.bands}:
            raise ValueError(f"key_clear_band {self.key_clear_band!r} is not a band")
        return self


class Upgrade(_Spec):
    """How answers saved under `from_version` become answers of the next version."""

    from_version: int = Field(ge=1)
    rename: dict[str, str] = Field(default_factory=dict)
    drop: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # field -> old value -> new


class FormSpec(_Spec):
    schema_version: int
    id: str
    version: int = Field(ge=1)
    title: Text
    intro: Text | None = None
    notice: Text | None = None
    sources: tuple[str, ...] = ()  # where the form's content comes from (citations)
    steps: tuple[Step, ...] = Field(min_length=1)
    scoring: Scoring | None = None
    upgrades: tuple[Upgrade, ...] = ()
    carries_forward: bool = False
    """A new one starts from the last one's answers (but its `fresh` fields): an assessment kept up
    to date, not a screen, which is answered anew. A second needs assessment had started blank and
    replaced the first in the plan, so needs recorded an hour before read "not assessed"."""

    @field_validator("id")
    @classmethod
    def _stable(cls, value: str) -> str:
        return _stable_id(value)

    @field_validator("schema_version")
    @classmethod
    def _supported(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"this app reads form schema_version {SCHEMA_VERSION}, not {value}")
        return value

    @model_validator(mode="after")
    def _ids(self) -> FormSpec:
        seen: set[str] = set()
        for field in self.fields():
            if field.id in seen:
                raise ValueError(f"field id {field.id!r} is used twice")
            seen.add(field.id)
        if self.scoring is None and any(f.type is FieldType.RATING for f in self.fields()):
            raise ValueError("rating fields need a scoring section")
        for upgrade in self.upgrades:
            if upgrade.from_version >= self.version:
                raise ValueError(f"an upgrade from version {upgrade.from_version} is not older than "
                                 f"version {self.version}")
        return self

    def fields(self) -> Iterable[FormField]:
        for step in self.steps:
            yield from step.fields

    def field(self, field_id: str) -> FormField:
        for field in self.fields():
            if field.id == field_id:
                return field
        raise KeyError(field_id)


def parse(data: Any, file: str) -> FormSpec:
    if not isinstance(data, dict):
        raise FormError(file, "(file)", "is not a mapping of form settings")
    try:
        return FormSpec.model_validate(data)
    except ValidationError as exc:
        found = [(_where(data, p.field), p.message) for p in problems_from(exc)]
        raise FormError(file, *found[0], more=tuple(found[1:])) from None


def _where(data: dict[str, Any], path: str) -> str:
    """Turn "steps.1.fields.3.weight" into "steps[1].fields[3] (ind_gifts).weight"."""
    parts = path.split(".")
    out: list[str] = []
    node: Any = data
    for part in parts:
        if part.isdigit() and isinstance(node, list) and int(part) < len(node):
            node = node[int(part)]
            name = node.get("id") if isinstance(node, dict) else None
            out[-1] += f"[{part}]" + (f" ({name})" if name else "")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out.append(part)
    return ".".join(out)


MAX_FORM_BYTES = 1_000_000
"""A form file is a few dozen kilobytes; anything over a megabyte (or endless, /dev/zero) is not one."""


def load_file(path: Path) -> FormSpec:
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_FORM_BYTES + 1)
        if len(content) > MAX_FORM_BYTES:
            raise FormError(path.name, "(file)", f"is larger than {MAX_FORM_BYTES // 1_000_000} MB: not a "
                                                 "form")
        data = yaml_data.safe_load(content.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FormError(path.name, "(file)", f"cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise FormError(path.name, where, f"is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:  # PyYAML composes nested blocks by recursion
        raise FormError(path.name, "(file)", "is nested too deeply to be a form") from None
    except (ValueError, TypeError) as exc:  # what YAML's own types refuse: 2001-02-30, 5,000 digits
        raise FormError(path.name, "(file)", f"holds a value that cannot be read: {exc}") from None
    return parse(data, path.name)


def forms_dir() -> Path:
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "forms" if bundle else Path(__file__).resolve().parents[2] / "forms"


def load_all(folder: Path | None = None) -> tuple[dict[str, FormSpec], list[FormError]]:
    """Every usable form by id, and the problems of the files that were skipped."""
    forms: dict[str, FormSpec] = {}
    problems: list[FormError] = []
    for path in sorted((folder or forms_dir()).glob("*.yaml")):
        try:
            spec = load_file(path)
        except FormError as exc:
            problems.append(exc)
            continue
        if spec.id in forms:
            problems.append(FormError(path.name, "id", f"{spec.id!r} is already used by another file"))
            continue
        forms[spec.id] = spec
    return forms, problems


# Answers -----------------------------------------------------------------------


def check_answers(spec: FormSpec, answers: dict[str, Any]) -> list[FieldProblem]:
    """Problems with answers, each naming its field; an empty list means they can be saved."""
    problems: list[FieldProblem] = []
    known = {f.id for f in spec.fields()}
    # Named as given (shortened), or said to be blank: a problem always names its field.
    problems += [FieldProblem(str(k)[:64] or "(a field with no name)", N_("is not a field of this form"))
                 for k in answers if k not in known]
    for field in spec.fields():
        value = answers.get(field.id)
        if value in (None, "", []):
            if field.required:
                problems.append(FieldProblem(field.id, N_("is required")))
            continue
        problem = _type_problem(field, value)
        if problem is None:
            problem = next((p for v in field.validators if (p := VALIDATORS[v](value))), None)
        if problem:
            problems.append(FieldProblem(field.id, problem))
    ratings = [f for f in spec.fields() if f.type is FieldType.RATING]
    if spec.scoring is not None and ratings and not any(answers.get(f.id) for f in ratings):
        # Nothing rated gives no result at all; it must never read as "no concern".
        problems.append(FieldProblem(ratings[0].id, N_("no item is rated: rate at least one (an item left "
                                                    "unanswered is not \"no concern\")")))
    return problems


def _type_problem(field: FormField, value: Any) -> str | None:
    kind = field.type
    options = {o.value for o in field.options}
    # Choices and ratings are texts: anything else (a list, a mapping) is not one, and would not
    # even hash to be looked up among them.
    if kind in (FieldType.CHOICE, FieldType.RATING) and not isinstance(value, str):
        return "is not one of the choices" if kind is FieldType.CHOICE else "must be none, possible or clear"
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        return None if isinstance(value, str) else "must be text"
    if kind is FieldType.DATE:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return "must be a date (YYYY-MM-DD)"
        return None
    if kind is FieldType.NUMBER:
        number = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and math.isfinite(value))
        return None if number else "must be a number"
    if kind is FieldType.YES_NO:
        return None if isinstance(value, bool) else "must be yes or no"
    if kind is FieldType.CHOICE:
        return None if value in options else "is not one of the choices"
    if kind is FieldType.MULTI_CHOICE:
        ok = isinstance(value, list) and all(isinstance(v, str) and v in options for v in value)
        return None if ok else "holds a value that is not one of the choices"
    return None if value in RATINGS else "must be none, possible or clear"


@dataclass(frozen=True)
class Driver:
    field_id: str
    rating: str
    points: int
    key: bool


@dataclass(frozen=True)
class Outcome:
    band: str
    score: int
    drivers: tuple[Driver, ...]  # the items that raised the score, largest first
    by_key_item: bool  # the band comes from a key indicator rated clear
    unanswered: tuple[str, ...] = ()
    """Rating items left unanswered, in form order. They add nothing to the score and are never
    counted as "no concern": with any of them the band is only what the answered items reach."""
    rated: int = 0  # rating items answered (no concern, possible or clear)

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def to_json(self) -> dict[str, Any]:
        return {"band": self.band, "score": self.score, "by_key_item": self.by_key_item,
                "drivers": [d.__dict__ for d in self.drivers], "unanswered": list(self.unanswered),
                "rated": self.rated}


def score(spec: FormSpec, answers: dict[str, Any]) -> Outcome:
    """The band the scoring rule in the form file gives these answers, and why."""
    if spec.scoring is None:
        raise FormError(spec.id, "scoring", "this form has no scoring rule")
    rule = spec.scoring
    drivers: list[Driver] = []
    unanswered: list[str] = []
    total = 0
    for field in spec.fields():
        if field.type is not FieldType.RATING:
            continue
        rating = answers.get(field.id)
        if not isinstance(rating, str) or rating not in rule.values:
            unanswered.append(field.id)  # not answered is not "no concern"
            continue
        points = rule.values.get(rating, 0) * field.weight
        total += points
        if points or (field.key and rating == "clear"):
            drivers.append(Driver(field.id, rating, points, field.key))
    band = [b for b in rule.bands if total >= b.min_score][-1].band
    by_key = False
    if rule.key_clear_band and any(d.key and d.rating == "clear" for d in drivers):
        order = [b.band for b in rule.bands]
        if order.index(rule.key_clear_band) > order.index(band):
            band, by_key = rule.key_clear_band, True
    drivers.sort(key=lambda d: (-d.points, not d.key, d.field_id))
    rated = sum(1 for f in spec.fields() if f.type is FieldType.RATING) - len(unanswered)
    return Outcome(band, total, tuple(drivers), by_key, tuple(unanswered), rated)


INCOMPLETE_LOWEST = N_("Incomplete: no concern in the {rated} items answered, {unanswered} not answered")
"""The lowest band of a screen with items left unanswered: it is not a result of "no concern"."""
NOT_ANSWERED = N_("Not answered")


def result_text(spec: FormSpec, outcome: dict[str, Any] | Outcome, lang: str,
                t: Callable[[str], str]) -> str:
    """The band's name as a person reads it, from an Outcome or its saved JSON. A screen with
    unanswered items whose answered items reach only the lowest band does not say "no concern"."""
    data = outcome.to_json() if isinstance(outcome, Outcome) else outcome
    band = data.get("band")
    label = next((b.label.get(lang) for b in (spec.scoring.bands if spec.scoring else ())
                  if b.band == band), str(band or ""))
    unanswered = len(data.get("unanswered") or ())
    lowest = bool(spec.scoring and spec.scoring.bands[0].band == band)
    if unanswered and lowest:
        return t(INCOMPLETE_LOWEST).format(rated=data.get("rated", 0), unanswered=unanswered)
    return label


def upgrade(spec: FormSpec, version: int, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers saved under `version` of this form, carried forward to the current version."""
    if version > spec.version:
        raise FormError(spec.id, "version", f"answers are from version {version}, newer than this form")
    current = dict(answers)
    steps = {u.from_version: u for u in spec.upgrades}
    for from_version in range(version, spec.version):
        step = steps.get(from_version)
        if step is None:
            continue  # nothing changed for saved answers between these versions
        for old, new in step.rename.items():
            if old in current:
                current[new] = current.pop(old)
        for gone in step.drop:
            current.pop(gone, None)
        for field_id, mapping in step.values.items():
            value = current.get(field_id)
            if isinstance(value, list):
                current[field_id] = [mapping.get(v, v) for v in value]
            elif isinstance(value, str):
                current[field_id] = mapping.get(value, value)
    known = {f.id for f in spec.fields()}
    return {k: v for k, v in current.items() if k in known}
