"""The youth record and what hangs off it: contacts and case notes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from csec_desktop.domain.base import Body, check_email, check_phone
from csec_desktop.text import N_


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
    given: str = Field(min_length=1, max_length=100)
    middle: str | None = Field(default=None, max_length=100)
    family: str = Field(min_length=1, max_length=100)

    def full(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


class Alias(_Part):
    name: str = Field(min_length=1, max_length=200)
    kind: AliasKind = AliasKind.ALIAS
    note: str | None = Field(default=None, max_length=500)


class Identifiers(_Part):
    juvenile_case_number: str | None = Field(default=None, max_length=40)
    probation_number: str | None = Field(default=None, max_length=40)
    cws_cms_client_id: str | None = Field(default=None, max_length=40)

    @field_validator("*")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and not all(ch.isalnum() or ch in "-/. " for ch in value):
            raise ValueError("may hold only letters, digits, spaces and - / .")
        return value or None


class StatusPeriod(_Part):
    status: LegalStatus
    start: date
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> StatusPeriod:
        if self.end is not None and self.end < self.start:
            raise ValueError("the end date is before the start date")
        return self


class Placement(_Part):
    type: PlacementType
    name: str | None = Field(default=None, max_length=200)
    since: date | None = None
    address: str | None = Field(default=None, max_length=300)


class SafetyFlag(_Part):
    """A person who must not be given information (an exploiter, for instance)."""

    person: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    instruction: str = Field(default="Do not share any information or whereabouts.", max_length=500)
    since: date | None = None


class Consent(_Part):
    kind: ConsentKind
    scope: str = Field(min_length=1, max_length=500)
    given_by: str = Field(min_length=1, max_length=200)
    given_on: date
    expires_on: date | None = None
    revoked_on: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Consent:
        if self.expires_on is not None and self.expires_on < self.given_on:
            raise ValueError("expires before it was given")
        if self.revoked_on is not None and self.revoked_on < self.given_on:
            raise ValueError("revoked before it was given")
        return self


class Youth(Body):
    kind: ClassVar[str] = "youth"

    legal_name: Name
    preferred_name: str | None = Field(default=None, max_length=100)
    aliases: list[Alias] = Field(default_factory=list)
    date_of_birth: date
    pronouns: str | None = Field(default=None, max_length=40)
    primary_language: str = Field(default="English", min_length=1, max_length=60)
    county: str = Field(min_length=1, max_length=60)
    identifiers: Identifiers = Field(default_factory=Identifiers)
    legal_status: list[StatusPeriod] = Field(default_factory=list)
    placement: Placement | None = None
    assigned_worker: str | None = Field(default=None, max_length=64)
    unit: str | None = Field(default=None, max_length=64)
    safety_flags: list[SafetyFlag] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    sealed: bool = False

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth(cls, value: date) -> date:
        today = date.today()
        if value > today:
            raise ValueError("is in the future")
        if today.year - value.year > 30:
            raise ValueError("makes the person older than 30; check the year")
        return value

    def current_status(self, on: date | None = None) -> LegalStatus:
        day = on or date.today()
        for period in sorted(self.legal_status, key=lambda p: p.start, reverse=True):
            if period.start <= day and (period.end is None or period.end >= day):
                return period.status
        return LegalStatus.NONE

    def display_name(self) -> str:
        if self.preferred_name:
            return f"{self.preferred_name} {self.legal_name.family}"
        return self.legal_name.full()

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
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    may_receive_information: bool = False
    notes: str | None = Field(default=None, max_length=2000)

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

    youth_id: str
    occurred_at: AwareDatetime  # pydantic refuses a time without a zone
    note_kind: NoteKind = NoteKind.CONTACT
    text: str = Field(min_length=1, max_length=20000)
