"""Record relief (Pen. Code 236.14 and the paths beside it): the youth's arrests, convictions
and juvenile adjudications count by count, and the vacatur case that petitions for some of them
(DOMAIN.md section 1)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_


class CountKind(StrEnum):
    ARREST = "arrest"  # an arrest or citation with no conviction
    CONVICTION = "conviction"
    ADJUDICATION = "adjudication"  # a sustained juvenile (WIC 602) petition
    JUVENILE_ARREST = "juvenile_arrest"  # arrested as a person described in WIC 602, no petition sustained


@register
class CriminalCount(Body):
    kind: ClassVar[str] = "criminal_count"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    count_kind: CountKind
    code: str = Field(default="PC", min_length=1, max_length=10)  # PC, HS, VC...
    section: str = Field(min_length=1, max_length=40)  # "647(b)", "11350(a)"
    description: str | None = Field(default=None, max_length=200)
    offense_date: date | None = None
    arrest_date: date | None = None
    court: str | None = Field(default=None, max_length=200)
    county: str | None = Field(default=None, max_length=60)
    case_number: str | None = Field(default=None, max_length=60)
    arresting_agency: str | None = Field(default=None, max_length=200)
    prosecuting_agency: str | None = Field(default=None, max_length=200)
    disposition: str | None = Field(default=None, max_length=300)
    disposition_date: date | None = None
    fines_and_restitution: str | None = Field(default=None, max_length=300)
    enhancements: list[str] = Field(default_factory=list)  # "12022.7", "12022.5"...
    while_victim: bool = False  # committed while the youth was a victim of human trafficking
    nexus: str | None = Field(default=None, max_length=4000)  # why it was the direct result

    @field_validator("section")
    @classmethod
    def _section(cls, value: str) -> str:
        return value.replace(" ", "")

    @property
    def juvenile(self) -> bool:
        return self.count_kind in (CountKind.ADJUDICATION, CountKind.JUVENILE_ARREST)

    def label(self) -> str:
        return f"{self.code} {self.section}" + (f" ({self.description})" if self.description else "")


OFFICIAL_DOCUMENTS: dict[str, str] = {
    # Pen. Code 236.14(m): documentation from a federal, state or local agency that tends to show the
    # petitioner's status as a trafficking victim; not required. These are the project's suggestions
    # (DOMAIN.md 1.1), not a statutory list.
    "t_visa": N_("T visa approval, or a law-enforcement declaration (I-914 Supplement B)"),
    "hhs_letter": N_("HHS Office on Trafficking in Persons certification or eligibility letter"),
    "child_welfare": N_("A sustained WIC 300 petition or CSEC identification in child-welfare or probation "
                        "records"),
    "police_report": N_("A police report naming the petitioner as a victim"),
    "calvcb": N_("California Victim Compensation Board approval"),
    "court_finding": N_("A court finding in the trafficker's case"),
}

RESTRICTED_FIELDS: dict[str, tuple[str, ...]] = {
    "criminal_count": ("nexus",), "vacatur_case": ("grounds", "safety_concerns"),
}
"""The youth's own account: read and written only with READ_NARRATIVE (caseload enforces it)."""


class CaseStage(StrEnum):
    DRAFT = "draft"
    ATTORNEY_REVIEWED = "attorney_reviewed"
    FILED = "filed"


@register
class VacaturCase(Body):
    """A petition in the making and after: what the interview gathers, the service and the order."""

    kind: ClassVar[str] = "vacatur_case"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    public_name: str = Field(min_length=1, max_length=60)
    """Initials or a court-approved pseudonym: everything public carries only this (236.14(q))."""
    count_ids: list[str] = Field(default_factory=list)
    victimization_ended_on: date | None = None
    services_sought_on: date | None = None
    stage: CaseStage = CaseStage.DRAFT
    served_on: date | None = None  # the prosecuting agency received service
    hearing_on: date | None = None
    order_granted_on: date | None = None
    stay_fines: bool = True  # 236.14(i): collection of fines stayed while the petition is pending
    # For the papers:
    court_county: str | None = Field(default=None, max_length=60)
    court_case_number: str | None = Field(default=None, max_length=60)
    counsel: list[str] = Field(default_factory=list)  # the first-page block, one line each
    grounds: str | None = Field(default=None, max_length=20000)  # the youth's account (restricted)
    safety_concerns: str | None = Field(default=None, max_length=4000)  # (restricted)
    official_documents: list[str] = Field(default_factory=list)  # OFFICIAL_DOCUMENTS codes
    agencies_to_seal: list[str] = Field(default_factory=list)  # beyond those the counts name
    server_name: str | None = Field(default=None, max_length=200)  # who serves the prosecutor
    server_address: str | None = Field(default=None, max_length=300)

    @field_validator("official_documents")
    @classmethod
    def _documents(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in OFFICIAL_DOCUMENTS]
        if unknown:
            raise ValueError(f"unknown kind of documentation: {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _order(self) -> VacaturCase:
        if self.order_granted_on and self.served_on and self.order_granted_on < self.served_on:
            raise ValueError("the order cannot come before the petition was served")
        return self
