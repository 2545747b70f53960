"""Extended foster care (AB 12) records: the orders that open it, the participation conditions
and their evidence, the agreements, the six-month cycle, re-entry and the transition plan
(DOMAIN.md section 2). Each is a record attached to the youth, so its history keeps every version.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, model_validator

from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_


class OrderType(StrEnum):
    DEPENDENCY = "dependency"  # a dependent in foster care (WIC 300, 361.2)
    WARD_727A = "ward_727a"  # a ward ordered into foster care placement (WIC 727(a))
    TRANSITION_450 = "transition_450"  # transition jurisdiction (WIC 450)
    REENTRY = "reentry"  # a voluntary re-entry agreement (SOC 163) and the 388(e) order


@register
class PlacementOrder(Body):
    """A foster-care placement order: the gateway to extended foster care when it is in effect on
    the 18th birthday."""

    kind: ClassVar[str] = "placement_order"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("ordered_on",)

    youth_id: str
    order_type: OrderType = Field(title=N_("Kind of order"))
    ordered_on: date = Field(title=N_("Ordered on (YYYY-MM-DD)"))
    ended_on: date | None = Field(default=None, title=N_("Ended on (YYYY-MM-DD)"))
    vacated_under_236_14: bool = Field(default=False,
                                       title=N_("Ended because the adjudication was vacated under Pen. Code "
                                                "236.14"))
    """The order ended because the underlying adjudication was vacated under Pen. Code 236.14:
    WIC 450(a)(1)(B) treats the youth as if it had not (AB 604, 2017)."""
    court_case: str | None = Field(default=None, max_length=60, title=N_("Court case number"))

    @model_validator(mode="after")
    def _order(self) -> PlacementOrder:
        if self.ended_on is not None and self.ended_on < self.ordered_on:
            raise ValueError("an order cannot end before it was made")
        return self

    def in_effect_on(self, day: date) -> bool:
        return self.ordered_on <= day and (self.ended_on is None or self.ended_on >= day)


class Condition(StrEnum):
    SCHOOL = "1"
    POSTSECONDARY = "2"
    EMPLOYMENT_PROGRAM = "3"
    WORKING_80_HOURS = "4"
    MEDICAL = "5"


CONDITION_TEXT: dict[Condition, str] = {
    # Welf. & Inst. Code 11403(b)(1)-(5), quoted exactly (DOMAIN.md 2.2, VERIFIED).
    Condition.SCHOOL: N_("(1) The nonminor is completing secondary education or a program leading to an "
                         "equivalent credential."),
    Condition.POSTSECONDARY: N_("(2) The nonminor is enrolled in an institution that provides postsecondary "
                                "or vocational education."),
    Condition.EMPLOYMENT_PROGRAM: N_("(3) The nonminor is participating in a program or activity designed to "
                                     "promote, or remove barriers to employment."),
    Condition.WORKING_80_HOURS: N_("(4) The nonminor is employed for at least 80 hours per month."),
    Condition.MEDICAL: N_("(5) The nonminor is incapable of doing any of the activities described in "
                          "paragraphs (1) to (4), inclusive, due to a medical condition, and that "
                          "incapability is supported by regularly updated information in the case plan of "
                          "the nonminor."),
}

CONDITION_SHORT: dict[str, str] = {
    Condition.SCHOOL.value: N_("(1) Finishing high school or an equivalent"),
    Condition.POSTSECONDARY.value: N_("(2) In college or vocational school"),
    Condition.EMPLOYMENT_PROGRAM.value: N_("(3) In a program to find work or remove barriers to it"),
    Condition.WORKING_80_HOURS.value: N_("(4) Working at least 80 hours a month"),
    Condition.MEDICAL.value: N_("(5) A medical condition prevents (1)-(4)"),
}


@register
class Participation(Body):
    """One participation condition the youth meets, with its evidence and when it was verified."""

    kind: ClassVar[str] = "efc_participation"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("verified_on", "medical_update_on")

    youth_id: str
    condition: Condition = Field(title=N_("Condition"))
    since: date = Field(title=N_("Since (YYYY-MM-DD)"))
    until: date | None = Field(default=None, title=N_("Until (YYYY-MM-DD)"))
    # what shows it: an enrollment letter, pay stubs
    evidence: str = Field(min_length=1, max_length=2000, title=N_("Evidence"))
    verified_on: date | None = Field(default=None, title=N_("Verified on (YYYY-MM-DD)"))
    plan: str | None = Field(default=None, max_length=4000,
                             title=N_("Plan (condition 3: removing barriers to work; condition 5: the "
                                      "condition)"))
    """For condition (3): the plan to remove barriers to employment (it may include therapy and
    trauma services); for (5): the medical or mental-health condition as the case plan records it."""
    # condition (5): the latest update of the documentation
    medical_update_on: date | None = Field(default=None,
                                           title=N_("Medical information last updated (YYYY-MM-DD)"))

    @model_validator(mode="after")
    def _consistent(self) -> Participation:
        if self.until is not None and self.until < self.since:
            raise ValueError("a condition cannot end before it began")
        if self.condition is Condition.MEDICAL and self.medical_update_on is None:
            raise ValueError("condition (5) needs the date its medical or mental-health information was "
                             "last updated")
        if self.condition is Condition.EMPLOYMENT_PROGRAM and not (self.plan or "").strip():
            raise ValueError("condition (3) needs the plan to remove barriers to employment")
        return self

    def met_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)


@register
class EfcAgreement(Body):
    """The signed agreements and SILP approvals: SOC 162 (mutual agreement), SOC 157C/157A/157B."""

    kind: ClassVar[str] = "efc_agreement"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = (
        "mutual_agreement_signed_on", "silp_readiness_on", "silp_approved_on", "silp_inspected_on")

    youth_id: str
    mutual_agreement_signed_on: date | None = Field(default=None,  # SOC 162
                                                    title=N_("Mutual agreement (SOC 162) signed on "
                                                             "(YYYY-MM-DD)"))
    # a ward who stays under 602: no mutual agreement needed
    remains_under_delinquency: bool = Field(default=False,
                                            title=N_("Remains under delinquency jurisdiction (no mutual "
                                                     "agreement needed)"))
    silp_readiness_on: date | None = Field(default=None,  # SOC 157C (optional but encouraged)
                                           title=N_("SILP readiness assessment (SOC 157C) on (YYYY-MM-DD)"))
    # SOC 157A
    silp_approved_on: date | None = Field(default=None, title=N_("SILP approved (SOC 157A) on (YYYY-MM-DD)"))
    silp_inspected_on: date | None = Field(default=None,  # SOC 157B, re-inspected every 12 months
                                           title=N_("SILP inspected (SOC 157B) on (YYYY-MM-DD)"))
    # an NMD in an STRTP: the need documented in the case plan
    strtp_need_documented: bool = Field(default=False,
                                        title=N_("STRTP: the need is documented in the case plan"))


@register
class Certification(Body):
    """The six-month TILCP update and the certification of the conditions met (the content of
    SOC 161), given to the eligibility worker and the court."""

    kind: ClassVar[str] = "efc_certification"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("certified_on",)

    youth_id: str
    certified_on: date = Field(title=N_("Certified on (YYYY-MM-DD)"))
    conditions: list[Condition] = Field(min_length=1, title=N_("Conditions met"))
    tilcp_updated: bool = Field(default=True, title=N_("The TILCP was updated"))
    certified_by: str = Field(min_length=1, max_length=200, title=N_("Certified by"))
    notes: str | None = Field(default=None, max_length=2000, title=N_("Notes"))


class HearingKind(StrEnum):
    REVIEW = "review"  # WIC 366.31 status review
    REENTRY = "reentry"  # WIC 388(e) request to return
    TERMINATION = "termination"  # WIC 391


@register
class NmdHearing(Body):
    kind: ClassVar[str] = "nmd_hearing"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("report_filed_on",)

    youth_id: str
    hearing: HearingKind = Field(default=HearingKind.REVIEW, title=N_("Hearing"))
    on: date = Field(title=N_("Date (YYYY-MM-DD)"))
    held: bool = Field(default=False, title=N_("Held"))
    report_filed_on: date | None = Field(default=None, title=N_("Report filed on (YYYY-MM-DD)"))
    advised_benefits_and_reentry: bool = Field(default=False,
                                               title=N_("Told the benefits of staying and the right to "
                                                        "re-enter"))
    """WIC 391: the youth was told the benefits of staying and the right to re-enter before 21."""
    # The report's items (WIC 366.31(b)) that the record does not already hold:
    efforts: str | None = Field(default=None, max_length=4000, title=N_("Efforts made and help given"))
    exit_documents: str | None = Field(default=None, max_length=4000,  # progress on WIC 391(e)(2) items
                                       title=N_("Progress on the WIC 391(e)(2) items"))
    high_school_credits: str | None = Field(default=None, max_length=1000, title=N_("High school credits"))
    postsecondary_helper: str | None = Field(default=None, max_length=200,
                                             title=N_("Who helps with college and financial-aid "
                                                      "applications"))
    notes: str | None = Field(default=None, max_length=2000, title=N_("Notes"))


@register
class ReentryAgreement(Body):
    """A voluntary re-entry agreement (SOC 163), the 388(e) petition and the new TILCP."""

    kind: ClassVar[str] = "reentry_agreement"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("signed_on", "petition_filed_on", "tilcp_done_on")

    youth_id: str
    signed_on: date = Field(title=N_("Signed on (YYYY-MM-DD)"))
    petition_filed_on: date | None = Field(default=None, title=N_("388(e) petition filed on (YYYY-MM-DD)"))
    tilcp_done_on: date | None = Field(default=None, title=N_("TILCP done on (YYYY-MM-DD)"))

    @model_validator(mode="after")
    def _after(self) -> ReentryAgreement:
        for name in ("petition_filed_on", "tilcp_done_on"):
            value = getattr(self, name)
            if value is not None and value < self.signed_on:
                raise ValueError(f"{name.replace('_', ' ')} cannot be before the agreement was signed")
        return self


TRANSITION_SECTIONS: dict[str, str] = {
    # Welf. & Inst. Code 16501.1(g)(16)(B): what the 90-day transition plan covers at least.
    "housing": N_("Housing"), "health_insurance": N_("Health insurance"), "education": N_("Education"),
    "mentors": N_("Local mentors and continuing support"),
    "workforce": N_("Workforce supports and employment"),
    "health_care_power_of_attorney": N_("A power of attorney for health care"),
    "advance_directive": N_("Information on the advance health care directive"),
}


@register
class TransitionPlan(Body):
    """The 90-day transition plan, personalized at the youth's direction, as detailed as the
    youth chooses; each section in the youth's words."""

    kind: ClassVar[str] = "transition_plan"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("made_on",)

    youth_id: str
    made_on: date = Field(title=N_("Made on (YYYY-MM-DD)"))
    youth_directed: bool = Field(default=True, title=N_("Directed by the youth"))
    housing: str = Field(default="", max_length=4000, title=N_("Housing"))
    health_insurance: str = Field(default="", max_length=4000, title=N_("Health insurance"))
    medi_cal_verified: bool = Field(default=False,
                                    title=N_("Medi-Cal verified; the move to former-foster-youth Medi-Cal "
                                             "arranged"))
    """Medi-Cal enrollment verified, and the move to former-foster-youth Medi-Cal (WIC 14005.28)
    arranged with no gap and no new application."""
    education: str = Field(default="", max_length=4000, title=N_("Education"))
    mentors: str = Field(default="", max_length=4000, title=N_("Local mentors and continuing support"))
    workforce: str = Field(default="", max_length=4000, title=N_("Workforce supports and employment"))
    health_care_power_of_attorney: str = Field(default="", max_length=4000,
                                               title=N_("A power of attorney for health care"))
    advance_directive: str = Field(default="", max_length=4000,
                                   title=N_("Information on the advance health care directive"))

    def missing_sections(self) -> list[str]:
        return [name for name in TRANSITION_SECTIONS if not getattr(self, name).strip()]
