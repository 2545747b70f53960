"""Referrals to services, with the consent that allows each one."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, model_validator

from csec_desktop.domain.base import Body, on_or_after
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_

SERVICE_DOMAINS: dict[str, str] = {
    "physical_health": N_("Physical health"), "mental_health": N_("Mental health"),
    "reproductive_health": N_("Reproductive and sexual health"), "substance_use": N_("Substance use"),
    "safety": N_("Safety"), "housing": N_("Housing and placement"), "legal": N_("Civil legal needs"),
    "education": N_("Education"), "employment": N_("Employment and vocational training"),
    "income_benefits": N_("Income and benefits"), "permanency": N_("Permanency and connections"),
}
"""The needs-assessment domains (forms/needs_assessment.yaml uses the same ids; a test checks)."""


class ReferralStatus(StrEnum):
    SUGGESTED = "suggested"
    REFERRED = "referred"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    COMPLETED = "completed"
    DECLINED = "declined"
    NO_SHOW = "no_show"


REFERRAL_STATUS_LABELS: dict[ReferralStatus, str] = {
    ReferralStatus.SUGGESTED: N_("Suggested"), ReferralStatus.REFERRED: N_("Referred"),
    ReferralStatus.ACCEPTED: N_("Accepted"), ReferralStatus.ACTIVE: N_("Active"),
    ReferralStatus.COMPLETED: N_("Completed"), ReferralStatus.DECLINED: N_("Declined"),
    ReferralStatus.NO_SHOW: N_("No-show"),
}

# Where a referral may go next; completed, declined and no-show are ends.
NEXT: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.SUGGESTED: frozenset({ReferralStatus.REFERRED, ReferralStatus.DECLINED}),
    ReferralStatus.REFERRED: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED,
                                        ReferralStatus.NO_SHOW}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.ACTIVE, ReferralStatus.DECLINED,
                                        ReferralStatus.NO_SHOW}),
    ReferralStatus.ACTIVE: frozenset({ReferralStatus.COMPLETED, ReferralStatus.DECLINED}),
    ReferralStatus.COMPLETED: frozenset(), ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.NO_SHOW: frozenset(),
}


@register
class Referral(Body):
    kind: ClassVar[str] = "referral"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    domain: str = Field(min_length=1, max_length=40, title=N_("Area of life"))  # a needs-assessment domain id
    service: str = Field(min_length=1, max_length=300, title=N_("Service"))
    provider: str = Field(min_length=1, max_length=300, title=N_("Provider"))
    status: ReferralStatus = Field(default=ReferralStatus.SUGGESTED, title=N_("Status"))
    referred_on: date | None = Field(default=None, title=N_("Referred on (YYYY-MM-DD)"))
    # the program's reports count the days from referral to this (WIC 16524.13: services and duration)
    first_service_on: date | None = Field(default=None, title=N_("First service on (YYYY-MM-DD)"))
    # the consent the referral relies on
    consent_given_on: date | None = Field(default=None, title=N_("Consent given on (YYYY-MM-DD)"))
    consent_override_reason: str | None = Field(default=None, max_length=2000,
                                                title=N_("Reason to send without a recorded consent"))
    # Printed on the provider's letter: said where it is typed (a note for the file went to them).
    notes: str | None = Field(default=None, max_length=4000,
                              title=N_("Notes for the provider (printed on the referral letter)"))

    # Beside the field (a model's problem has none: the form said "fix the fields marked in red"
    # with none marked).
    _first_after_sent = on_or_after("first_service_on", "referred_on", "is before the referral was sent")

    @model_validator(mode="after")
    def _sent_needs_a_date(self) -> Referral:
        if self.status is not ReferralStatus.SUGGESTED and self.referred_on is None:
            raise ValueError("a referral that has been sent needs the date it was sent")
        return self


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CHANGED = "changed"  # the youth changed their mind: kept, not deleted


@register
class PlanGoal(Body):
    """One goal of the service plan, in the youth's own words, with the next step and who helps.
    Each goal is its own record, so its history keeps every version."""

    kind: ClassVar[str] = "plan_goal"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    domain: str = Field(min_length=1, max_length=40, title=N_("Area of life"))
    goal: str = Field(min_length=1, max_length=2000, title=N_("Goal, in the youth's words"))
    steps: str = Field(min_length=1, max_length=4000, title=N_("Steps (one per line)"))
    who_helps: str = Field(min_length=1, max_length=300, title=N_("Who helps"))
    due_on: date | None = Field(default=None, title=N_("By when (YYYY-MM-DD)"))
    status: GoalStatus = Field(default=GoalStatus.NOT_STARTED, title=N_("Where it stands"))


@register
class PlanSignoff(Body):
    """The plan as reviewed and signed on a day; the next review date."""

    kind: ClassVar[str] = "plan_signoff"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("reviewed_on",)

    youth_id: str
    reviewed_on: date = Field(title=N_("Reviewed on (YYYY-MM-DD)"))
    next_review_on: date = Field(title=N_("Next review (YYYY-MM-DD)"))
    youth_signed: bool = Field(default=False, title=N_("The youth signed"))
    worker_signed: bool = Field(default=False, title=N_("The worker signed"))
    notes: str | None = Field(default=None, max_length=2000, title=N_("Notes"))

    @model_validator(mode="after")
    def _later(self) -> PlanSignoff:
        if self.next_review_on <= self.reviewed_on:
            raise ValueError("the next review must be after this one")
        return self


@register
class SchoolChange(Body):
    """A move to another school: what the liaisons and the graduation exemption turn on."""

    kind: ClassVar[str] = "school_change"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("changed_on",)

    youth_id: str
    changed_on: date = Field(title=N_("Changed school on (YYYY-MM-DD)"))
    from_school: str | None = Field(default=None, max_length=200, title=N_("From school"))
    to_school: str = Field(min_length=1, max_length=200, title=N_("To school"))
    high_school_years_completed: int = Field(default=0, ge=0, le=5,
                                             title=N_("Years of high school completed"))
    # a homeless child or youth (McKinney-Vento)
    homeless: bool = Field(default=False, title=N_("Homeless (McKinney-Vento)"))
    # a former juvenile court school pupil
    from_court_school: bool = Field(default=False, title=N_("Came from a juvenile court school"))
    # when the school's notice under Ed. Code 51225.1 came
    exemption_notice_on: date | None = Field(default=None,
                                             title=N_("School's exemption notice received on (YYYY-MM-DD)"))

    @model_validator(mode="after")
    def _notice_after(self) -> SchoolChange:
        if self.exemption_notice_on is not None and self.exemption_notice_on < self.changed_on:
            raise ValueError("the school's notice cannot come before the change of school")
        return self


class MediCalGroup(StrEnum):
    """The Medi-Cal eligibility group: from 2027 it decides how far back coverage reaches."""

    UNKNOWN = "unknown"
    CHILD = "child"
    FORMER_FOSTER_YOUTH = "former_foster_youth"
    PREGNANT = "pregnant"
    EXPANSION_ADULT = "expansion_adult"
    OTHER = "other"


@register
class UncoveredService(Body):
    """Health care the youth received with no Medi-Cal in force (retroactive coverage may pay)."""

    kind: ClassVar[str] = "uncovered_service"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("received_on", "medi_cal_applied_on")

    youth_id: str
    received_on: date = Field(title=N_("Care received on (YYYY-MM-DD)"))
    what: str = Field(min_length=1, max_length=300, title=N_("What care"))
    # when Medi-Cal was applied for, if it has been
    medi_cal_applied_on: date | None = Field(default=None, title=N_("Medi-Cal applied for on (YYYY-MM-DD)"))
    medi_cal_group: MediCalGroup = Field(default=MediCalGroup.UNKNOWN,
                                         title=N_("Medi-Cal group (from 2027 it decides how far back "
                                                  "coverage reaches)"))

    @model_validator(mode="after")
    def _applied_after(self) -> UncoveredService:
        if self.medi_cal_applied_on is not None and self.medi_cal_applied_on < self.received_on:
            raise ValueError("an application before the service would have covered it: record the gap "
                             "only for care received without coverage")
        return self
