"""Housing options by age and court status, for a youth whose needs assessment records a
housing need (DOMAIN.md sections 2.7 and 5.3).

Each option is one row of a table read by one function. Options whose law DOMAIN.md marks
UNCONFIRMED (HUD and FYI vouchers, MHSA/BHSA housing) are offered as referral categories only:
the finding says to check eligibility with the program, never that the youth qualifies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from csec_desktop.domain.youth import LegalStatus, Youth
from csec_desktop.rules import (
    LEGAL_ZONE,
    RECHECKED_ON,
    REGISTRY,
    Answer,
    Confidence,
    Facts,
    Finding,
    FindingKind,
    State,
    age_on,
    birthday,
)
from csec_desktop.rules.services import LAW_AS_OF, OPEN_NEED, needs_answers
from csec_desktop.rules.transition import foster_care_basis, in_foster_care_on
from csec_desktop.text import N_, Line, W


def _in_care_on_18th(youth: Youth) -> Answer:
    return in_foster_care_on(youth, birthday(youth.date_of_birth, 18))


def _ever_in_care(youth: Youth) -> bool:
    return any(p.status is not LegalStatus.NONE for p in youth.legal_status)


@dataclass(frozen=True)
class Option:
    rule_id: str
    title: str
    summary: str
    citation: str
    confidence: Confidence
    ages: tuple[int, int]
    who: Callable[[Youth, date, dict[str, object]], Line | Answer | None]
    """Why this youth fits the option on this day, or None; an Answer when the record cannot tell."""


def _thpp(youth: Youth, day: date, _answers: dict[str, object]) -> Line | None:
    basis = foster_care_basis(youth, day)
    return W("a foster youth aged 16 or 17 ({basis})", basis=basis) if basis else None


def _nmd(youth: Youth, day: date, _answers: dict[str, object]) -> Line | None:
    if youth.current_status(day) is LegalStatus.NONMINOR_DEPENDENT:
        return W("a nonminor dependent under 21")
    return None


def _exited_at_18(youth: Youth, day: date, _answers: dict[str, object]) -> Line | Answer | None:
    """THP-Plus (WIC 11400(s)): a former foster youth who exited care at or after 18. A ward who lived at
    home at 18 was under the court, not in foster care."""
    if youth.current_status(day) is not LegalStatus.NONE:
        return None
    at_18 = _in_care_on_18th(youth)
    if at_18.state is State.ELIGIBLE:
        return W("in foster care on the 18th birthday ({why}) and has since left care", why=at_18.why)
    return at_18 if at_18.state is State.CANNOT_TELL else None


def _former_foster(youth: Youth, day: date, _answers: dict[str, object]) -> Line | None:
    if _ever_in_care(youth):
        return W("has been in foster care (check the voucher's own rules: left care at 16 or later, "
                 "homeless or at risk)")
    return None


def _mental_health(_youth: Youth, _day: date, answers: dict[str, object]) -> Line | None:
    if answers.get("mental_health_need") in OPEN_NEED:
        return W("the needs assessment also records a mental-health need")
    return None


def _homeless(youth: Youth, day: date, _answers: dict[str, object]) -> Line | None:
    """Continuum of Care and RHY programs serve youth who are homeless or cannot live safely at home; a youth
    in a foster-care placement today has a placement (its agency finds another)."""
    if in_foster_care_on(youth, day, current=True).state is State.ELIGIBLE:
        return None
    return W("not in a foster-care placement today: check whether the youth is homeless or at risk, or "
             "cannot live safely at home")


OPTIONS = (
    Option("housing.thpp", N_("Transitional Housing Placement Program (THPP)"),
           N_("THPP: supervised transitional housing for foster youth 16 to 18."),
           "Welf. & Inst. Code, §§ 11400, subd. (r), 16522.1", Confidence.SECONDARY, (16, 17), _thpp),
    Option("housing.thp_nmd", N_("Transitional housing for nonminor dependents (THP-NMD)"),
           N_("THP-NMD: an extended-foster-care placement in a host family or a provider-certified unit."),
           "Welf. & Inst. Code, § 11400, subd. (x)(2)-(3)", Confidence.SECONDARY, (18, 20), _nmd),
    Option("housing.silp", N_("Supervised independent living placement (SILP)"),
           N_("SILP for a nonminor dependent: readiness assessment (SOC 157C), approval and agreement "
              "(SOC 157A), health and safety inspection (SOC 157B)."),
           "Welf. & Inst. Code, §§ 11400, subd. (w), 11402.2", Confidence.VERIFIED, (18, 20), _nmd),
    Option("housing.thp_plus", N_("THP-Plus transitional housing"),
           N_("THP-Plus: housing for former foster and probation youth who left care at or after 18, "
              "18 to under 24 (county options to 25)."),
           "Welf. & Inst. Code, §§ 11400, subd. (s), 11403.2", Confidence.SECONDARY, (18, 23),
           _exited_at_18),
    Option("housing.fyi_voucher", N_("Refer for a HUD voucher (Foster Youth to Independence)"),
           N_("HUD Foster Youth to Independence and Family Unification vouchers (referral category: "
              "eligibility not yet confirmed here)."),
           "42 U.S.C. § 1437f(x) (HUD Family Unification Program, including FYI vouchers)",
           Confidence.UNCONFIRMED, (18, 24), _former_foster),
    Option("housing.bhsa", N_("Refer for behavioral-health housing (MHSA / BHSA)"),
           N_("County behavioral-health housing under the MHSA / Behavioral Health Services Act "
              "(referral category: eligibility not yet confirmed here)."),
           "Behavioral Health Services Act (Proposition 1, 2024), formerly the Mental Health Services Act",
           Confidence.UNCONFIRMED, (12, 25), _mental_health),
    # Issue 18: the federal homeless-youth categories California's CSEC guidance names. Referral categories
    # only: 24 CFR part 578 and the Runaway and Homeless Youth Act were not re-read (ages from secondary
    # summaries of the programs).
    Option("housing.hud_coc", N_("Refer to the Continuum of Care (HUD homeless housing)"),
           N_("HUD Continuum of Care housing through the local coordinated entry: transitional housing and "
              "rapid re-housing for homeless youth (referral category: eligibility not yet confirmed here)."),
           "24 C.F.R. part 578; McKinney-Vento Homeless Assistance Act, 42 U.S.C. § 11381 and following",
           Confidence.UNCONFIRMED, (18, 24), _homeless),
    Option("housing.rhy_basic_center", N_("Refer to a runaway and homeless youth shelter (Basic Center)"),
           N_("Runaway and Homeless Youth Act Basic Center Program: short-term shelter and family work for "
              "youth under 18 (referral category: eligibility not yet confirmed here)."),
           "Runaway and Homeless Youth Act, Basic Center Program (34 U.S.C. ch. 111, formerly 42 U.S.C. "
           "§ 5711)", Confidence.UNCONFIRMED, (12, 17), _homeless),
    Option("housing.rhy_transitional_living", N_("Refer to a transitional living program for homeless youth"),
           N_("Runaway and Homeless Youth Act Transitional Living Program: longer-term housing for homeless "
              "youth who enter at 16 to 21 (referral category: eligibility not yet confirmed here)."),
           "Runaway and Homeless Youth Act, Transitional Living Program (34 U.S.C. ch. 111)",
           Confidence.UNCONFIRMED, (16, 21), _homeless),
)


def _rule(option: Option) -> Callable[[Facts, datetime], Iterator[Finding]]:
    def rule(facts: Facts, as_of: datetime) -> Iterator[Finding]:
        youth = facts.get("youth")
        if not isinstance(youth, Youth):
            return
        today = as_of.astimezone(LEGAL_ZONE).date()
        low, high = option.ages
        answers = needs_answers(facts)
        in_ages = low <= age_on(youth.date_of_birth, today) <= high
        if not in_ages or answers.get("housing_need") not in OPEN_NEED:
            return
        reason = option.who(youth, today, answers)
        if reason is None:
            return
        unsure = isinstance(reason, Answer)
        why: tuple[Line, ...] = (W("the needs assessment records a housing need"),
                                 W("aged {low} to {high}", low=low, high=high),
                                 reason.why if isinstance(reason, Answer) else reason)
        if unsure:
            why += (W("cannot tell whether the youth was in foster care on the 18th birthday: record it"),)
        if option.confidence is Confidence.UNCONFIRMED:
            why += (W("a referral category: the program decides eligibility"),)
        yield REGISTRY.info[option.rule_id].finding(
            FindingKind.CANNOT_TELL if unsure else FindingKind.SUGGESTION, option.title, why,
            youth_id=str(facts.get("youth_id")), occurrence=option.rule_id,
            state=State.CANNOT_TELL if unsure else None,
            missing=reason.missing if isinstance(reason, Answer) else ())
    return rule


NEW_IN_ISSUE_18 = ("housing.hud_coc", "housing.rhy_basic_center", "housing.rhy_transitional_living")

for _option in OPTIONS:
    REGISTRY.register(_option.rule_id, summary=_option.summary, citation=_option.citation,
                      law_as_of=RECHECKED_ON if _option.rule_id in NEW_IN_ISSUE_18 else LAW_AS_OF,
                      confidence=_option.confidence, ages=_option.ages,
                      needs=("form_response",), domain="housing")(_rule(_option))
