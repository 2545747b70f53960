"""Referrals as the signed-in person may make them: no referral leaves without a consent on
record, unless a role allowed to override gives a reason (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from csec_desktop import caseload
from csec_desktop.domain.people import Permission
from csec_desktop.domain.services import NEXT, Referral, ReferralStatus
from csec_desktop.domain.youth import Consent, ConsentKind, Youth
from csec_desktop.errors import FieldProblem, PermissionDenied, ValidationFailed
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault

REFERRAL_CONSENTS = {ConsentKind.REFERRAL, ConsentKind.RELEASE_OF_INFORMATION}


def consent_for_referral(youth: Youth, on: date) -> Consent | None:
    """A referral or release-of-information consent in force on `on`, the newest first."""
    in_force = [c for c in youth.consents if c.kind in REFERRAL_CONSENTS and c.given_on <= on
                and (c.revoked_on is None or c.revoked_on > on)
                and (c.expires_on is None or c.expires_on >= on)]
    return max(in_force, key=lambda c: c.given_on) if in_force else None


def suggest(vault: Vault, youth_id: str, data: dict[str, Any]) -> StoredRecord:
    """A referral the team is considering: nothing has left the vault yet."""
    return caseload.add_attached(vault, youth_id, Referral.kind,
                                 {**data, "status": ReferralStatus.SUGGESTED.value})


def send(vault: Vault, referral_id: str, on: date, override_reason: str | None = None) -> StoredRecord:
    """Mark a suggested referral as sent: needs a consent in force, or an override with a reason."""
    record = vault.records.get(referral_id)
    referral = record.body
    if not isinstance(referral, Referral) or record.owner_id is None:
        raise ValidationFailed([FieldProblem("referral", "is not a referral")])
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
                "consent", "no referral or release-of-information consent is in force; record the youth's "
                           "consent first, or a supervisor overrides with a reason")], record="referral")
        if not vault.user.can(Permission.OVERRIDE_CONSENT):
            vault.audit("consent_override_refused", record_id=referral_id)
            raise PermissionDenied("Only a supervisor may send a referral without a recorded consent.")
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
        raise ValidationFailed([FieldProblem("referral", "is not a referral")])
    target = ReferralStatus(status)
    if target is ReferralStatus.REFERRED:
        raise ValidationFailed([FieldProblem("status", "use send() so the consent is checked")])
    _check_move(referral.status, target)
    with caseload.checked_change():
        return caseload.update_attached(vault, referral_id, {"status": target.value})


def _check_move(current: ReferralStatus, target: ReferralStatus) -> None:
    if target not in NEXT[current]:
        allowed = ", ".join(sorted(s.value for s in NEXT[current])) or "nothing (it has ended)"
        raise ValidationFailed([FieldProblem(
            "status", f"cannot go from {current.value} to {target.value}; next can be: {allowed}")],
            record="referral")
