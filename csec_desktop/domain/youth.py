"""The youth record and what hangs off it: contacts and case notes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from csec_desktop.clock import legal_today
from csec_desktop.domain.base import Body, Bound, check_email, check_phone, on_or_after
from csec_desktop.text import LANGUAGES, N_, W, translations


class _Part(BaseModel):
    # defer_build, as Body's (domain/base.py): a part's validator is built inside its record's,
    # when first used, not when the app imports the models.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class LegalStatus(StrEnum):
    DEPENDENT = "dependent"  # Welf. & Inst. Code 300
    WARD = "ward"  # Welf. & Inst. Code 602
    DUAL_STATUS = "dual_status"  # Welf. & Inst. Code 241.1
    NONMINOR_DEPENDENT = "nonminor_dependent"  # Welf. & Inst. Code 11400(v)
    NONE = "none"


LEGAL_STATUS_LABELS: dict[LegalStatus, str] = {
    LegalStatus.DEPENDENT: N_("Dependent (WIC 300)"),
    LegalStatus.WARD: N_("Ward (WIC 602)"),
    LegalStatus.DUAL_STATUS: N_("Dual status (WIC 241.1)"),
    LegalStatus.NONMINOR_DEPENDENT: N_("Nonminor dependent (WIC 11400(v))"),
    LegalStatus.NONE: N_("No court status"),
}


class AliasKind(StrEnum):
    ALIAS = "alias"
    MONIKER = "moniker"
    STREET_NAME = "street_name"


class PlacementType(StrEnum):
    HOME_OF_PARENT = "home_of_parent"
    RELATIVE = "relative"
    NREFM = "nrefm"
    RESOURCE_FAMILY = "resource_family"
    STRTP = "strtp"
    THPP = "thpp"
    THP_NMD = "thp_nmd"
    SILP = "silp"
    JUVENILE_HALL = "juvenile_hall"
    CAMP = "camp"
    SHELTER = "shelter"
    OTHER = "other"


class ConsentKind(StrEnum):
    RELEASE_OF_INFORMATION = "release_of_information"
    REFERRAL = "referral"
    HEALTH = "health"
    SUBSTANCE_USE_DISCLOSURE = "substance_use_disclosure"  # 42 CFR Part 2
    OTHER = "other"


class Name(_Part):
    given: str = Field(min_length=1, max_length=100, title=N_("Given name"))
    middle: str | None = Field(default=None, max_length=100, title=N_("Middle name"))
    family: str = Field(min_length=1, max_length=100, title=N_("Family name"))

    def full(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


class Alias(_Part):
    name: str = Field(min_length=1, max_length=200, title=N_("Name"))
    kind: AliasKind = Field(default=AliasKind.ALIAS, title=N_("Kind"))
    note: str | None = Field(default=None, max_length=500, title=N_("Note"))


class Identifiers(_Part):
    juvenile_case_number: str | None = Field(default=None, max_length=40, title=N_("Juvenile case number"))
    probation_number: str | None = Field(default=None, max_length=40, title=N_("Probation number"))
    cws_cms_client_id: str | None = Field(default=None, max_length=40, title=N_("CWS/CMS client id"))

    @field_validator("*")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and not all(ch.isalnum() or ch in "-/. " for ch in value):
            raise ValueError(N_("may hold only letters, digits, spaces and - / ."))
        return value or None


class StatusPeriod(_Part):
    status: LegalStatus = Field(title=N_("Legal status"))
    start: date = Field(title=N_("Start (YYYY-MM-DD)"))
    end: date | None = Field(default=None, title=N_("End (YYYY-MM-DD)"))

    @model_validator(mode="after")
    def _ordered(self) -> StatusPeriod:
        if self.end is not None and self.end < self.start:
            raise ValueError("the end date is before the start date")
        return self


class Placement(_Part):
    type: PlacementType = Field(title=N_("Placement type"))
    name: str | None = Field(default=None, max_length=200, title=N_("Name"))
    since: date | None = Field(default=None, title=N_("Since (YYYY-MM-DD)"))
    address: str | None = Field(default=None, max_length=300, title=N_("Address"))


FOSTER_CARE_TYPES = frozenset({
    PlacementType.RELATIVE, PlacementType.NREFM, PlacementType.RESOURCE_FAMILY, PlacementType.STRTP,
    PlacementType.THPP, PlacementType.THP_NMD, PlacementType.SILP, PlacementType.SHELTER})
"""Placements that are foster care. Living with a parent, in juvenile hall or in a camp is not;
"other" says nothing either way (a rule that needs to know says it cannot tell)."""
NOT_FOSTER_CARE_TYPES = frozenset({PlacementType.HOME_OF_PARENT, PlacementType.JUVENILE_HALL,
                                   PlacementType.CAMP})


class PlacementPeriod(_Part):
    """Where the youth lived from one day to another, and under which order: the facts every rule
    that asks "in foster care on day X" reads (extended foster care at 18, former-foster-youth
    Medi-Cal, THP-Plus, re-entry)."""

    type: PlacementType = Field(title=N_("Placement type"))
    start: date = Field(title=N_("Start (YYYY-MM-DD)"))
    end: date | None = Field(default=None, title=N_("End (YYYY-MM-DD)"))
    order: str | None = Field(default=None, max_length=200,
                              title=N_("Order (e.g. WIC 361.2 or 727(a) placement order, date)"))
    name: str | None = Field(default=None, max_length=200, title=N_("Name"))

    @model_validator(mode="after")
    def _ordered(self) -> PlacementPeriod:
        if self.end is not None and self.end < self.start:
            raise ValueError("the end date is before the start date")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


SAFETY_INSTRUCTION = N_("Do not share any information or whereabouts.")


class SafetyFlag(_Part):
    """A person who must not be given information (an exploiter, for instance)."""

    person: str = Field(min_length=1, max_length=200, title=N_("Person"))
    description: str | None = Field(default=None, max_length=1000, title=N_("Description"))
    # The form offers the default in the window's language (ui/record_form.defaults), and that text is
    # kept; `instruction_shown` gives it in the reader's language.
    instruction: str = Field(default=SAFETY_INSTRUCTION, max_length=500, title=N_("Instruction to staff"))
    since: date | None = Field(default=None, title=N_("Since (YYYY-MM-DD)"))


def _name_words(text: str) -> frozenset[str]:
    """The words of a name, case and accents aside, without what is said in brackets ("Marco
    Fakename (alleged exploiter)" -> marco, fakename)."""
    plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    plain = "".join(c for c in unicodedata.normalize("NFD", plain) if not unicodedata.combining(c))
    return frozenset(re.findall(r"[^\W_]+", plain.casefold()))


def flag_naming(name: str, flags: Sequence[SafetyFlag]) -> SafetyFlag | None:
    """The safety flag whose person is `name` (a contact's): the same words in any order, or all of
    the words of a two-word name or longer inside the other (a flag on "Marco Fakename (alleged
    exploiter)" names the contact "Marco Fakename" and "Marco A. Fakename"). One given name alone
    ("Maria") names no one: a mother and an exploiter may share it."""
    words = _name_words(name)
    if not words:
        return None
    for flag in flags:
        flagged = _name_words(flag.person)
        if flagged and (words == flagged or (len(words) >= 2 and words <= flagged)
                        or (len(flagged) >= 2 and flagged <= words)):
            return flag
    return None


def instruction_shown(value: str | None, gettext_: Callable[[str], str]) -> str:
    """A flag's instruction as its reader reads it: the default sentence, in whichever language it
    was kept (a Spanish window keeps it in Spanish), in the reader's language (an English paper
    printed it in Spanish); anything a person wrote, as written."""
    if value and value.strip() in _instruction_everywhere():
        return gettext_(SAFETY_INSTRUCTION)
    return value or ""


@cache
def _instruction_everywhere() -> frozenset[str]:
    # Read at the first flag shown, never at start: each catalog is read once (text.translations).
    return frozenset(translations(code).gettext(SAFETY_INSTRUCTION) for code in LANGUAGES)


class Consent(_Part):
    kind: ConsentKind = Field(title=N_("Kind"))
    scope: str = Field(min_length=1, max_length=500, title=N_("What it covers"))
    given_by: str = Field(min_length=1, max_length=200, title=N_("Given by"))
    given_on: date = Field(title=N_("Given on (YYYY-MM-DD)"))
    expires_on: date | None = Field(default=None, title=N_("Expires on (YYYY-MM-DD)"))
    revoked_on: date | None = Field(default=None, title=N_("Revoked on (YYYY-MM-DD)"))

    # On the fields, not the model: a model's problem was shown under "Revoked on" whatever it was.
    _expires_after = on_or_after("expires_on", "given_on", "expires before it was given")
    _revoked_after = on_or_after("revoked_on", "given_on", "revoked before it was given")


EARLIEST_BIRTH = date(1900, 1, 1)
MAX_YOUTH_AGE = 30
"""Past this age a record is an adult client of the record-relief work, marked as such; a youth
this old is more likely a typing error in the year."""


def placement_periods(history: Any, current: Any) -> list[dict[str, Any]]:
    """The placement history as stored, or for a record with only its current placement (one
    stored before the history, or one whose history was never filled in), that placement as one
    open period from its "since" date. Readers of the raw JSON use it too (reports/counts.py), so
    they count what the model reads: a nonminor in a SILP counted in no placement."""
    if history:
        return list(history)
    if isinstance(current, dict) and current.get("since") and current.get("type"):
        return [{"type": current["type"], "start": current["since"], "name": current.get("name")}]
    return []


class Youth(Body):
    kind: ClassVar[str] = "youth"
    # Histories grow over a childhood in care (a placement every few months, a status at each
    # hearing); aliases, flags and the rest keep the default bound.
    bounds: ClassVar[Mapping[str, Bound]] = {"legal_status": Bound(items=200),
                                             "placement_history": Bound(items=200),
                                             "consents": Bound(items=100)}

    legal_name: Name = Field(title=N_("Legal name"))
    preferred_name: str | None = Field(default=None, max_length=100, title=N_("Preferred name"))
    aliases: list[Alias] = Field(default_factory=list, title=N_("Aliases, monikers and street names"))
    date_of_birth: date = Field(title=N_("Date of birth (YYYY-MM-DD)"))
    pronouns: str | None = Field(default=None, max_length=40, title=N_("Pronouns"))
    primary_language: str = Field(default="English", min_length=1, max_length=60,
                                  title=N_("Primary language"))
    county: str = Field(min_length=1, max_length=60, title=N_("County"))
    identifiers: Identifiers = Field(default_factory=Identifiers, title=N_("Identifiers"))
    legal_status: list[StatusPeriod] = Field(default_factory=list, title=N_("Legal status over time"))
    placement: Placement | None = Field(default=None, title=N_("Current placement"))
    placement_history: list[PlacementPeriod] = Field(
        default_factory=list, title=N_("Placement history (type, order and dates)"))
    record_relief_client: bool = Field(
        default=False, title=N_("Adult client of the record-relief work (Pen. Code 236.14): any age"))
    assigned_worker: str | None = Field(default=None, max_length=64, title=N_("Assigned worker"))
    unit: str | None = Field(default=None, max_length=64, title=N_("Unit"))
    safety_flags: list[SafetyFlag] = Field(default_factory=list,
                                           title=N_("Safety flags: people who must not be given information"))
    consents: list[Consent] = Field(default_factory=list, title=N_("Consents"))
    sealed: bool = Field(default=False,
                         title=N_("Sealed record (seen only by roles allowed to read sealed records)"))

    @model_validator(mode="before")
    @classmethod
    def _migrate_placement(cls, data: Any) -> Any:
        """A record stored before placement history had only the current placement: read it as
        one open period from its "since" date, so rules about past days have something to read."""
        if isinstance(data, dict) and not data.get("placement_history"):
            history = placement_periods(None, data.get("placement"))
            if history:
                data = {**data, "placement_history": history}
        return data

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth(cls, value: date) -> date:
        # Only a fixed bound here: a check against today's date would make a stored record stop
        # reading on the day it is crossed (1 January of the year someone turns 31). The checks
        # relative to today are birth_date_problems (on writes) and read_warnings (on reads).
        if value < EARLIEST_BIRTH:
            raise ValueError(f"is before {EARLIEST_BIRTH.isoformat()}; check the year")
        return value

    def current_status(self, on: date | None = None) -> LegalStatus:
        day = on or legal_today()
        for period in sorted(self.legal_status, key=lambda p: p.start, reverse=True):
            if period.start <= day and (period.end is None or period.end >= day):
                return period.status
        return LegalStatus.NONE

    def placement_on(self, day: date) -> PlacementPeriod | None:
        """The placement period covering `day` (the latest started, if periods overlap)."""
        covering = [p for p in self.placement_history if p.covers(day)]
        return max(covering, key=lambda p: p.start) if covering else None

    def display_name(self) -> str:
        if self.preferred_name:
            return f"{self.preferred_name} {self.legal_name.family}"
        return self.legal_name.full()

    def list_names(self) -> list[Any]:
        """[display name, full legal name, aliases]: what a caseload row shows (youth_fields.names)."""
        return [self.display_name(), self.legal_name.full(), [a.name for a in self.aliases]]

    def search_terms(self) -> list[str]:
        terms = [self.legal_name.full()]
        if self.preferred_name:
            terms.append(self.preferred_name)
        terms.extend(a.name for a in self.aliases)
        for ident in self.identifiers.model_dump().values():
            if ident:
                terms.append(ident)
                # Let "JV24001" find "JV-24-001": index the number without punctuation too.
                terms.append("".join(ch for ch in ident if ch.isalnum()))
        return terms


class Contact(Body):
    kind: ClassVar[str] = "contact"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    name: str = Field(min_length=1, max_length=200, title=N_("Name"))
    relationship: str = Field(min_length=1, max_length=100, title=N_("Relationship"))
    phone: str | None = Field(default=None, max_length=40, title=N_("Phone"))
    email: str | None = Field(default=None, max_length=200, title=N_("E-mail"))
    address: str | None = Field(default=None, max_length=300, title=N_("Address"))
    may_receive_information: bool = Field(default=False, title=N_("May receive information about the youth"))
    notes: str | None = Field(default=None, max_length=2000, title=N_("Notes"))

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return check_phone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return check_email(value)


class NoteKind(StrEnum):
    CONTACT = "contact"
    HOME_VISIT = "home_visit"
    COURT = "court"
    TEAM = "team"
    OTHER = "other"


class CaseNote(Body):
    kind: ClassVar[str] = "case_note"
    owner_field: ClassVar[str | None] = "youth_id"
    # A note tells what happened: one dated 2027 was kept, a visit that had not been made.
    happened: ClassVar[tuple[str, ...]] = ("occurred_at",)

    youth_id: str
    # pydantic refuses a time without a zone
    occurred_at: AwareDatetime = Field(title=N_("When (YYYY-MM-DD HH:MM)"))
    note_kind: NoteKind = Field(default=NoteKind.CONTACT, title=N_("Kind of note"))
    text: str = Field(min_length=1, max_length=20000, title=N_("Text"))


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_problems(youth: Youth, today: date) -> list[str]:
    """What a write must refuse about the birth date, relative to the day it is made. Never used
    on reading: a stored record always opens (read_warnings says what looks wrong)."""
    if youth.date_of_birth > today:
        return [N_("is in the future")]  # said in the window's language (it was English in Spanish)
    if _age(youth.date_of_birth, today) > MAX_YOUTH_AGE and not youth.record_relief_client:
        return [W("makes the person older than {age}: check the year, or mark the person as an adult "
                  "client of the record-relief work", age=MAX_YOUTH_AGE)]
    return []


def read_warnings(youth: Youth, today: date) -> list[str]:
    """What looks wrong in a stored record on this day, said as a warning: the record still opens,
    and Today and search still read it."""
    return [N_("The date of birth is in the future: check it.")] if youth.date_of_birth > today else \
        [N_("This person is over 30 and not marked as an adult record-relief client: check the year "
            "of birth.")] if _age(youth.date_of_birth, today) > MAX_YOUTH_AGE \
        and not youth.record_relief_client else []
