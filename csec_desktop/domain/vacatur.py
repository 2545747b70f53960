"""Record relief (Pen. Code 236.14 and the paths beside it): the youth's arrests, convictions
and juvenile adjudications count by count, and the vacatur case that petitions for some of them
(DOMAIN.md section 1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from csec_desktop.domain.base import Body, Bound
from csec_desktop.domain.fields import LATER
from csec_desktop.domain.kinds import register
from csec_desktop.domain.people import USERNAME
from csec_desktop.text import N_


class CountKind(StrEnum):
    ARREST = "arrest"  # an arrest or citation with no conviction
    CONVICTION = "conviction"
    ADJUDICATION = "adjudication"  # a sustained juvenile (WIC 602) petition
    JUVENILE_ARREST = "juvenile_arrest"  # arrested as a person described in WIC 602, no petition sustained


class CounselDecision(StrEnum):
    """Counsel's reading of the record of conviction where the 667.5(c) table cannot decide."""

    UNDECIDED = "undecided"  # first, and the default: a form never decides for counsel
    NONVIOLENT = "nonviolent"
    VIOLENT = "violent"


COUNSEL_DECISION_LABELS: dict[CounselDecision, str] = {
    CounselDecision.UNDECIDED: N_("Not decided (or the table decides)"),
    CounselDecision.NONVIOLENT: N_("Nonviolent on the record of conviction: petition it"),
    CounselDecision.VIOLENT: N_("Violent on the record of conviction: leave it out"),
}


def initials(*names: str | None) -> str:
    """'José', 'Sampleton' -> 'J. S.': the public name a petition starts with (236.14(q))."""
    return " ".join(f"{n.strip()[0].upper()}." for n in names if n and n.strip())


@register
class CriminalCount(Body):
    kind: ClassVar[str] = "criminal_count"
    owner_field: ClassVar[str | None] = "youth_id"
    # A count's dates are of things done: a conviction dated next year was assessed as one that
    # can be petitioned.
    happened: ClassVar[tuple[str, ...]] = ("offense_date", "arrest_date", "disposition_date",
                                           "judgment_date")

    youth_id: str
    # What the rules and the count list need come first; LATER fields are folded in the form.
    count_kind: CountKind = Field(title=N_("Kind"))
    code: str = Field(default="PC", min_length=1, max_length=30, title=N_("Code (PC, HS, VC…)"))
    section: str = Field(min_length=1, max_length=40, title=N_("Section, such as 647(b)"))
    description: str | None = Field(default=None, max_length=200, title=N_("Description"),
                                    json_schema_extra=LATER)
    offense_date: date | None = Field(default=None, title=N_("Offense date (YYYY-MM-DD)"))
    arrest_date: date | None = Field(default=None, title=N_("Arrest date (YYYY-MM-DD)"),
                                     json_schema_extra=LATER)
    court: str | None = Field(default=None, max_length=200, title=N_("Court"), json_schema_extra=LATER)
    county: str | None = Field(default=None, max_length=60, title=N_("County"), json_schema_extra=LATER)
    # A court's number, printed as the caption's: an arrest report's number typed here made a packet
    # captioned with it for an arrest never charged.
    case_number: str | None = Field(default=None, max_length=60,
                                    title=N_("Court case number (if charges were filed)"),
                                    description=N_("Not an arrest report's number: the papers are captioned "
                                                   "with this number."))
    arresting_agency: str | None = Field(default=None, max_length=200, title=N_("Arresting agency"),
                                         json_schema_extra=LATER)
    prosecuting_agency: str | None = Field(default=None, max_length=200, title=N_("Prosecuting agency"))
    disposition: str | None = Field(default=None, max_length=300, title=N_("Disposition"),
                                    json_schema_extra=LATER)
    disposition_date: date | None = Field(default=None, title=N_("Disposition date (YYYY-MM-DD)"),
                                          json_schema_extra=LATER)
    judgment_date: date | None = Field(default=None,  # printed as "convicted on" / "petition sustained on"
                                       title=N_("Date of the conviction or of the sustained petition "
                                                "(YYYY-MM-DD)"), json_schema_extra=LATER)
    fines_and_restitution: str | None = Field(default=None, max_length=300, title=N_("Fines and restitution"),
                                              json_schema_extra=LATER)
    enhancements: list[str] = Field(default_factory=list,  # "12022.7", "12022.5"...
                                    title=N_("Enhancements charged and proved (one per line)"))
    while_victim: bool = Field(default=False,  # committed while the youth was a victim of human trafficking
                               title=N_("Committed while the youth was a victim of human trafficking"))
    nexus: str | None = Field(default=None, max_length=4000,  # why it was the direct result
                              title=N_("How it was the direct result of being trafficked (the youth's own "
                                       "words, sworn)"),
                              description=N_("Printed as written in the youth's sworn declaration: write it "
                                             "in the first person, as the youth would say it."))
    counsel_decision: CounselDecision = Field(
        default=CounselDecision.UNDECIDED,
        title=N_("Counsel's decision where the violent-felony table cannot decide"), json_schema_extra=LATER)

    @field_validator("counsel_decision", mode="before")
    @classmethod
    def _undecided(cls, value: object) -> object:
        return CounselDecision.UNDECIDED if value is None else value

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
COUNSEL_FIELDS = frozenset({"stage", "reviewed", "reviewed_on", "shared_with"})
"""A case's fields only counsel sets (REVIEW_PETITION): on the desktop through vacatur.workflow and
vacatur.sharing (caseload.GUARDED_FIELDS); the hub refuses them from anyone else's device."""


class ServiceMethod(StrEnum):
    """One manner of service, as the proof of service declares it (Code Civ. Proc. 1011, 1013)."""

    NOT_CHOSEN = "not_chosen"  # first, and the default: the manner is chosen by a person
    PERSONAL = "personal"  # 1011: delivered to the office
    MAIL = "mail"  # 1013(a): first-class mail, postage prepaid
    OVERNIGHT = "overnight"  # 1013(c): express mail or overnight delivery


SERVICE_METHOD_LABELS: dict[ServiceMethod, str] = {
    ServiceMethod.NOT_CHOSEN: N_("Not chosen yet"),
    ServiceMethod.PERSONAL: N_("Personal delivery to the office (Code Civ. Proc. 1011)"),
    ServiceMethod.MAIL: N_("First-class mail (Code Civ. Proc. 1013(a))"),
    ServiceMethod.OVERNIGHT: N_("Overnight delivery (Code Civ. Proc. 1013(c))"),
}


class CourtHearing(BaseModel):
    """The hearing set in one court case (a packet's first page prints it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    case_number: str = Field(min_length=1, max_length=60, title=N_("Case number"))
    on: date | None = Field(default=None, title=N_("Hearing on (YYYY-MM-DD)"))
    time: str | None = Field(default=None, max_length=20, title=N_("Time"))
    department: str | None = Field(default=None, max_length=40, title=N_("Department"))


class CourtService(BaseModel):
    """How the papers of one court case were served, where that differs from the petition's own
    service fields (a petition spanning an adult and a juvenile case serves each packet on its
    own, often on different days or by different means)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    case_number: str = Field(min_length=1, max_length=60, title=N_("Case number"))
    method: ServiceMethod = Field(title=N_("How served (personal, mail or overnight)"))
    delivered_on: date | None = Field(default=None, title=N_("Delivered or mailed on (YYYY-MM-DD)"))
    received_on: date | None = Field(default=None, title=N_("Received by the prosecutor on (YYYY-MM-DD)"))


class CaseStage(StrEnum):
    DRAFT = "draft"
    ATTORNEY_REVIEWED = "attorney_reviewed"
    FILED = "filed"


@register
class VacaturCase(Body):
    """A petition in the making and after: what the interview gathers, the service and the order."""

    kind: ClassVar[str] = "vacatur_case"
    owner_field: ClassVar[str | None] = "youth_id"
    # A petition may gather many arrests, each court case with its hearings and its service.
    bounds: ClassVar[Mapping[str, Bound]] = {"count_ids": Bound(items=200), "hearings": Bound(items=100),
                                             "services": Bound(items=100), "shared_with": Bound(items=50)}

    youth_id: str
    public_name: str = Field(min_length=1, max_length=60,
                             title=N_("Initials or pseudonym for the public papers"))
    """Initials or a court-approved pseudonym: everything public carries only this (236.14(q))."""
    count_ids: list[str] = Field(default_factory=list, title=N_("Counts in the petition"))
    victimization_started_on: date | None = Field(default=None,
                                                  title=N_("Victimization began on (YYYY-MM-DD)"))
    victimization_ended_on: date | None = Field(default=None, title=N_("Victimization ended on (YYYY-MM-DD)"))
    services_sought_on: date | None = Field(default=None, title=N_("Services first sought on (YYYY-MM-DD)"))
    stage: CaseStage = Field(default=CaseStage.DRAFT, title=N_("Stage"), json_schema_extra=LATER)
    reviewed: str | None = Field(default=None, max_length=64, pattern="^[0-9a-f]{64}$",
                                 title=N_("What counsel reviewed (a fingerprint of the papers' facts)"),
                                 json_schema_extra=LATER)
    """Set when counsel marks the petition reviewed (vacatur.petition.fingerprint): an edit after
    it, here or to a count, leaves the papers unsigned until counsel reviews them again."""
    reviewed_on: date | None = Field(default=None, title=N_("Reviewed and signed by counsel on"),
                                     json_schema_extra=LATER)
    """The day of that review: the date counsel's signature carries on every later printing."""
    # the prosecuting agency received service
    served_on: date | None = Field(default=None, title=N_("Prosecutor received service on (YYYY-MM-DD)"),
                                   json_schema_extra=LATER)
    hearing_on: date | None = Field(default=None, title=N_("Hearing on (YYYY-MM-DD)"),
                                    json_schema_extra=LATER)
    hearings: list[CourtHearing] = Field(default_factory=list,
                                         title=N_("Hearing and department in each court case"),
                                         json_schema_extra=LATER)
    order_denied_on: date | None = Field(default=None, title=N_("Petition denied on (YYYY-MM-DD)"),
                                        json_schema_extra=LATER)
    order_granted_on: date | None = Field(default=None, title=N_("Order granted on (YYYY-MM-DD)"),
                                          json_schema_extra=LATER)
    # 236.14(i): collection of fines stayed while the petition is pending
    stay_fines: bool = Field(default=True,
                             title=N_("Ask that collection of fines be stayed while the petition is pending"))
    # For the papers:
    court_county: str | None = Field(default=None, max_length=60, title=N_("County of the court"),
                                     json_schema_extra=LATER)
    # Counts from one court case print its number; the clerk numbers a petition whose counts have
    # none (an arrest never charged), and its papers then print that.
    court_case_number: str | None = Field(default=None, max_length=60,
                                          title=N_("Case number the clerk gave the petition (for arrests "
                                                   "never charged)"),
                                          json_schema_extra=LATER)
    counsel: list[str] = Field(default_factory=list,  # the first-page block, one line each
                               title=N_("Counsel block for the first page (one line each: name and bar "
                                        "number, office, address, phone)"), json_schema_extra=LATER)
    grounds: str | None = Field(default=None, max_length=20000,  # the youth's account (restricted)
                                title=N_("Grounds: the youth's account, in their own words "
                                         "(sworn; restricted)"),
                                description=N_("Printed as written in the petition and in the youth's sworn "
                                               "declaration: write it in the first person, as the youth "
                                               "would say it."))
    # (restricted here; printed on the public petition, so the title says so: a placement's address
    # typed in it went to the court)
    safety_concerns: str | None = Field(default=None, max_length=4000,
                                        title=N_("Safety concerns (printed on the public petition: never "
                                                 "where anyone lives)"))
    # OFFICIAL_DOCUMENTS codes
    official_documents: list[str] = Field(default_factory=list, title=N_("Official documentation to attach"),
                                          json_schema_extra=LATER)
    agencies_to_seal: list[str] = Field(default_factory=list,  # beyond those the counts name
                                        title=N_("Other agencies to seal and destroy records (one per line)"),
                                        json_schema_extra=LATER)
    # A petitioner in pro per (no counsel block): rule 2.111(1) asks for an address and telephone.
    petitioner_address: str | None = Field(default=None, max_length=300,
                                           title=N_("Petitioner's mailing address (in pro per)"),
                                           json_schema_extra=LATER)
    address_is_confidential: bool = Field(default=False,
                                          title=N_("The mailing address is a confidential one (such as Safe "
                                                   "at Home), not where the petitioner lives"),
                                          json_schema_extra=LATER)
    petitioner_phone: str | None = Field(default=None, max_length=40,
                                         title=N_("Petitioner's telephone (in pro per)"),
                                         json_schema_extra=LATER)
    petitioner_email: str | None = Field(default=None, max_length=200,
                                         title=N_("Petitioner's e-mail (in pro per, optional)"),
                                         json_schema_extra=LATER)
    guardian_ad_litem: str | None = Field(default=None, max_length=200,
                                          title=N_("Guardian ad litem, for a petitioner under 18 without "
                                                   "counsel"), json_schema_extra=LATER)
    # who serves the prosecutor
    server_name: str | None = Field(default=None, max_length=200, title=N_("Who serves the papers"),
                                    json_schema_extra=LATER)
    server_address: str | None = Field(default=None, max_length=300, title=N_("Their address"),
                                       json_schema_extra=LATER)
    service_method: ServiceMethod = Field(default=ServiceMethod.NOT_CHOSEN,
                                          title=N_("How the papers are served"), json_schema_extra=LATER)
    service_date: date | None = Field(default=None,
                                      title=N_("Date delivered or mailed (YYYY-MM-DD)"),
                                      json_schema_extra=LATER)
    service_place: str | None = Field(default=None, max_length=100,
                                      title=N_("City where the server signs the proof of service"),
                                      json_schema_extra=LATER)
    services: list[CourtService] = Field(
        default_factory=list, json_schema_extra=LATER,
        title=N_("Service in each court case, where it differs from the above"))

    shared_with: list[str] = Field(default_factory=list, json_schema_extra=LATER,
                                   title=N_("Account shared with"))
    """Usernames, set only through vacatur.sharing (an attorney's act, audited): each reads this
    case's account, and no other, from a copy sealed to them (storage/account_copies.py)."""

    @field_validator("shared_with")
    @classmethod
    def _usernames(cls, value: list[str]) -> list[str]:
        if any(not USERNAME.match(name) for name in value):
            raise ValueError("is not a list of usernames")
        return sorted(set(value))

    @field_validator("service_method", mode="before")
    @classmethod
    def _not_chosen(cls, value: object) -> object:
        return ServiceMethod.NOT_CHOSEN if value is None else value

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
        if self.victimization_started_on and self.victimization_ended_on \
                and self.victimization_ended_on < self.victimization_started_on:
            raise ValueError("victimization cannot end before it began")
        if self.served_on and self.service_date and self.served_on < self.service_date:
            raise ValueError("the prosecutor cannot receive the papers before they were delivered or mailed")
        return self
