"""Referrals as the signed-in person may make them: no referral leaves without a consent on
record, unless a role allowed to override gives a reason (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from csec_desktop import caseload
from csec_desktop.domain.csec import FormResponse
from csec_desktop.domain.people import Permission
from csec_desktop.domain.services import (
    NEXT,
    SERVICE_DOMAINS,
    GoalStatus,
    PlanGoal,
    Referral,
    ReferralStatus,
)
from csec_desktop.domain.youth import Consent, ConsentKind, Youth
from csec_desktop.errors import FieldProblem, PermissionDenied, ValidationFailed
from csec_desktop.identification import current_answers
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W

REFERRAL_CONSENTS = {ConsentKind.REFERRAL, ConsentKind.RELEASE_OF_INFORMATION}


def consent_for_referral(youth: Youth, on: date) -> Consent | None:
    """A referral or release-of-information consent in force on `on`, the newest first."""
    in_force = [c for c in youth.consents if c.kind in REFERRAL_CONSENTS and c.given_on <= on
                and (c.revoked_on is None or c.revoked_on > on)
                and (c.expires_on is None or c.expires_on >= on)]
    return max(in_force, key=lambda c: c.given_on) if in_force else None


def consent_to_use(vault: Vault, referral_id: str, on: date) -> Consent | None:
    """The consent `send` would send this referral under on `on` (None: none in force), for the
    person to check that it covers this provider and area before anything leaves: a consent's
    scope is the person's own words, and one given for a legal clinic covered a housing referral."""
    record = vault.records.get(referral_id)
    if not isinstance(record.body, Referral) or record.owner_id is None:
        raise ValidationFailed([FieldProblem("referral", N_("is not a referral"))])
    youth = caseload.get_youth(vault, record.owner_id, audit=False).body
    assert isinstance(youth, Youth)
    return consent_for_referral(youth, on)


OVERRIDE_MIN = 15
"""Characters of an override's reason at least: a sentence saying why it cannot wait ("x" was
taken, and the referral left without consent on a reason that said nothing)."""


def suggest(vault: Vault, youth_id: str, data: dict[str, Any]) -> StoredRecord:
    """A referral the team is considering: nothing has left the vault yet."""
    return caseload.add_attached(vault, youth_id, Referral.kind,
                                 {**data, "status": ReferralStatus.SUGGESTED.value})


def send_and_say(vault: Vault, referral_id: str, on: date,
                 override_reason: str | None = None) -> Consent | None:
    """`send`, and the consent it was sent under (None: sent on an override), for the window to
    name: its scope is the person's words and may cover less than the referral."""
    record = send(vault, referral_id, on, override_reason)
    assert record.owner_id is not None
    youth = caseload.get_youth(vault, record.owner_id, audit=False).body
    assert isinstance(youth, Youth)
    return consent_for_referral(youth, on) if getattr(record.body, "consent_given_on", None) else None


def send(vault: Vault, referral_id: str, on: date, override_reason: str | None = None) -> StoredRecord:
    """Mark a suggested referral as sent: needs a consent in force, or an override with a reason."""
    record = vault.records.get(referral_id)
    referral = record.body
    if not isinstance(referral, Referral) or record.owner_id is None:
        raise ValidationFailed([FieldProblem("referral", N_("is not a referral"))])
    youth = caseload.get_youth(vault, record.owner_id, audit=False).body
    assert isinstance(youth, Youth)
    _check_move(referral.status, ReferralStatus.REFERRED)
    consent = consent_for_referral(youth, on)
    changes: dict[str, Any] = {"status": ReferralStatus.REFERRED.value, "referred_on": on.isoformat()}
    if consent is not None:
        changes["consent_given_on"] = consent.given_on.isoformat()
    else:
        if not (override_reason or "").strip():
            raise ValidationFailed([FieldProblem(
                "consent", N_("no referral or release-of-information consent is in force; record the youth's "
                           "consent first, or a supervisor overrides with a reason"))], record="referral")
        if not vault.user.can(Permission.OVERRIDE_CONSENT):
            vault.audit("consent_override_refused", record_id=referral_id)
            raise PermissionDenied(W("Only a supervisor may send a referral without a recorded consent."))
        if len((override_reason or "").strip()) < OVERRIDE_MIN:
            raise ValidationFailed([FieldProblem("consent_override_reason", W(
                "say in a sentence why the referral cannot wait for a written consent (at least {n} "
                "characters)", n=OVERRIDE_MIN))], record="referral")
        changes["consent_override_reason"] = override_reason
    with caseload.checked_change():
        updated = caseload.update_attached(vault, referral_id, changes)
    if consent is None:
        vault.audit("consent_override", record_id=referral_id, youth=record.owner_id,
                    reason=(override_reason or "").strip())
    return updated


def move(vault: Vault, referral_id: str, status: str) -> StoredRecord:
    """Any later step (accepted, active, completed, declined, no-show), in the allowed order."""
    referral = vault.records.get(referral_id).body
    if not isinstance(referral, Referral):
        raise ValidationFailed([FieldProblem("referral", N_("is not a referral"))])
    target = ReferralStatus(status)
    if target is ReferralStatus.REFERRED:
        raise ValidationFailed([FieldProblem("status", "use send() so the consent is checked")])
    _check_move(referral.status, target)
    if target is ReferralStatus.ACTIVE and referral.first_service_on is None:
        # The program counts the days from referral to first service (WIC 16524.13): a referral
        # went "active" with none recorded (review, session 38).
        raise ValidationFailed([FieldProblem("first_service_on", N_(
            "record the date of the first service, and save it, before marking the referral active"))],
            record="referral")
    with caseload.checked_change():
        return caseload.update_attached(vault, referral_id, {"status": target.value})


def _check_move(current: ReferralStatus, target: ReferralStatus) -> None:
    if target not in NEXT[current]:
        allowed = ", ".join(sorted(s.value for s in NEXT[current])) or "nothing (it has ended)"
        raise ValidationFailed([FieldProblem(
            "status", f"cannot go from {current.value} to {target.value}; next can be: {allowed}")],
            record="referral")


# The plan at a glance -------------------------------------------------------------------------


class AreaState(StrEnum):
    """Where one area of life stands, worst first (the order a reader should look at them)."""

    UNMET = "unmet"  # a need recorded and nothing in the plan for it yet
    WORKING = "working"  # goals or referrals under way
    MET = "met"
    NO_NEED = "no_need"
    NOT_SAID = "not_said"  # the youth chose not to say
    NOT_ASSESSED = "not_assessed"


AREA_STATE_LABELS: dict[AreaState, str] = {
    AreaState.UNMET: N_("Need, no plan yet"), AreaState.WORKING: N_("Being worked on"),
    AreaState.MET: N_("Met"), AreaState.NO_NEED: N_("No need now"),
    AreaState.NOT_SAID: N_("Chose not to say"), AreaState.NOT_ASSESSED: N_("Not assessed"),
}

AREA_STATE_COLOURS: dict[AreaState, tuple[str, str]] = {
    AreaState.UNMET: ("#fde0dc", "#b3261e"), AreaState.WORKING: ("#fff1c2", "#8a6100"),
    AreaState.MET: ("#dcefdc", "#1e6b32"), AreaState.NO_NEED: ("#eef0f2", "#5f6368"),
    AreaState.NOT_SAID: ("#eef0f2", "#5f6368"), AreaState.NOT_ASSESSED: ("#ffffff", "#9aa0a6"),
}
"""Fill and border of each state, shared by the screen and the printed picture; the worst states
are the most saturated, and the state is always written in words too."""

_OPEN_REFERRALS = {ReferralStatus.SUGGESTED, ReferralStatus.REFERRED, ReferralStatus.ACCEPTED,
                   ReferralStatus.ACTIVE}


@dataclass(frozen=True)
class AreaSummary:
    domain: str
    state: AreaState
    goals_open: int
    goals_done: int
    referrals_open: int
    referrals_done: int


def overview(answers: dict[str, Any], goals: list[PlanGoal], referrals: list[Referral]) -> list[AreaSummary]:
    """Every area of life with its state, from the latest needs assessment, the plan's goals and the
    referrals; one function so the screen and the printed plan say the same."""
    out = []
    for domain in SERVICE_DOMAINS:
        need = answers.get(f"{domain}_need")
        mine = [g for g in goals if g.domain == domain]
        open_goals = sum(g.status in (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS) for g in mine)
        done_goals = sum(g.status is GoalStatus.DONE for g in mine)
        refs = [r for r in referrals if r.domain == domain]
        open_refs = sum(r.status in _OPEN_REFERRALS for r in refs)
        done_refs = sum(r.status is ReferralStatus.COMPLETED for r in refs)
        if need == "met":
            state = AreaState.MET
        elif open_goals or open_refs or need == "in_progress":
            state = AreaState.WORKING
        elif need == "need":
            state = AreaState.UNMET
        elif done_goals or done_refs:
            state = AreaState.MET
        elif need == "none":
            state = AreaState.NO_NEED
        elif need == "declined":
            state = AreaState.NOT_SAID
        else:
            state = AreaState.NOT_ASSESSED
        out.append(AreaSummary(domain, state, open_goals, done_goals, open_refs, done_refs))
    return out


def plan_overview(vault: Vault, youth_id: str) -> list[AreaSummary]:
    """The plan at a glance for one youth, read from the vault."""
    responses = [r.body for r in caseload.attached(vault, youth_id, "form_response")
                 if isinstance(r.body, FormResponse) and r.body.form_id == "needs_assessment"]
    answers = current_answers(max(responses, key=lambda r: r.completed_at)) if responses else {}
    goals = [g.body for g in caseload.attached(vault, youth_id, "plan_goal") if isinstance(g.body, PlanGoal)]
    referrals = [f.body for f in caseload.attached(vault, youth_id, "referral")
                 if isinstance(f.body, Referral)]
    return overview(answers, goals, referrals)
