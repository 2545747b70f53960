"""The county's resource directory: the CSEC coordinator and the providers youth are referred to.

Entries are county records, not a youth's: they belong to no caseload, every signed-in person
may read them, and they sync like any record so every laptop has the same directory offline.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from csec_desktop.domain.base import Body, check_email, check_phone
from csec_desktop.domain.kinds import register
from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.text import N_


class EntryKind(StrEnum):
    COORDINATOR = "coordinator"
    PROVIDER = "provider"


ENTRY_KIND_LABELS: dict[EntryKind, str] = {
    EntryKind.COORDINATOR: N_("County CSEC coordinator"),
    EntryKind.PROVIDER: N_("Specialized provider"),
}


@register
class DirectoryEntry(Body):
    kind: ClassVar[str] = "directory_entry"

    name: str = Field(min_length=1, max_length=200, title=N_("Name"))
    entry_kind: EntryKind = Field(default=EntryKind.PROVIDER, title=N_("Kind of entry"))
    domains: list[str] = Field(default_factory=list, title=N_("Areas of life served"))
    """Service domains served (the ids of SERVICE_DOMAINS)."""
    services: str = Field(min_length=1, max_length=1000, title=N_("Services offered"))
    age_from: int = Field(default=0, ge=0, le=30, title=N_("Youngest age served"))
    age_to: int = Field(default=25, ge=0, le=30, title=N_("Oldest age served"))
    languages: list[str] = Field(default_factory=lambda: ["English"], title=N_("Languages (one per line)"))
    phone: str | None = Field(default=None, max_length=40, title=N_("Phone"))
    email: str | None = Field(default=None, max_length=200, title=N_("E-mail"))
    address: str | None = Field(default=None, max_length=300, title=N_("Address"))
    hours: str | None = Field(default=None, max_length=200, title=N_("Hours"))
    intake_notes: str | None = Field(default=None, max_length=2000, title=N_("How to refer (intake notes)"))
    last_verified: date | None = Field(default=None, title=N_("Last verified (YYYY-MM-DD)"))

    @field_validator("domains")
    @classmethod
    def _known_domains(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d not in SERVICE_DOMAINS]
        if unknown:
            raise ValueError(f"unknown service area {', '.join(unknown)}; use one of "
                             f"{', '.join(SERVICE_DOMAINS)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value if v.strip()]
        if not cleaned:
            raise ValueError("name at least one language the provider serves in")
        return cleaned

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return check_phone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return check_email(value)

    @model_validator(mode="after")
    def _ages(self) -> DirectoryEntry:
        if self.age_to < self.age_from:
            raise ValueError("the highest age served is below the lowest")
        return self

    def serves_age(self, age: int) -> bool:
        return self.age_from <= age <= self.age_to

    def serves_language(self, language: str) -> bool:
        wanted = language.strip().casefold()
        return not wanted or any(wanted in lang.casefold() for lang in self.languages)
