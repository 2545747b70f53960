"""What each action of the audit trail is called (English source text, translated where it is
shown): the trail keeps the code (storage/audit.py), a person reads the name."""

from __future__ import annotations

from csec_desktop.text import N_

ACTION_NAMES: dict[str, str] = {
    "access_file_reset": N_("The lockout file was made again (it was missing or damaged)"),
    "account_locked": N_("Account locked after failed unlocks"),
    "audit_verified": N_("Audit trail verified"),
    "audit_viewed": N_("Audit trail viewed"),
    "backup": N_("Backup made"),
    "compartment_keys": N_("Keys of sealed records given"),
    "compartments_made": N_("Keys of sealed records made"),
    "conflict_resolved": N_("Sync conflict decided"),
    "consent_override": N_("Referral sent without a recorded consent"),
    "consent_override_refused": N_("Referral without consent refused"),
    "create": N_("Record created"),
    "delete": N_("Record deleted"),
    "demo_data": N_("Fictional demo youth added"),
    "device_enrolled": N_("Device enrolled at the county hub"),
    "directory_import": N_("Directory imported from a file"),
    "duplicate_check": N_("Checked for an existing youth"),
    "duty_done": N_("Duty marked done"),
    "duty_reopened": N_("Duty reopened"),
    "export": N_("Exported"),
    "import": N_("Imported"),
    "key_rotation": N_("Vault key changed"),
    "law_changes_viewed": N_("Law changes viewed"),
    "list_exported": N_("List exported"),
    "lock": N_("Locked"),
    "lockout_released": N_("Lockout released"),
    "narrative_viewed": N_("Youth's account read"),
    "passphrase_changed": N_("Passphrase changed"),
    "petition_stage": N_("Petition stage changed"),
    "petition_stage_refused": N_("Petition stage change refused"),
    "policy_changed": N_("County setting changed"),
    "print": N_("Printed"),
    "recovery_key_checked": N_("Recovery key checked"),
    "recovery_sheet_printed": N_("Recovery sheet printed"),
    "report_exported": N_("Report exported"),
    "report_printed": N_("Report printed"),
    "report_viewed": N_("Report viewed"),
    "restore": N_("Vault restored from a backup"),
    "restore_started": N_("Restore from a backup started"),
    "roster_key_rotated": N_("Key of the list of people changed"),
    "scratch_removed": N_("Leftover working files removed"),
    "search": N_("Caseload searched"),
    "session_ended": N_("Session ended"),
    "signatures_started": N_("Signed history started"),
    "signing_key_recorded": N_("Signing key recorded"),
    "signing_keys_confirmed": N_("Signing keys confirmed"),
    "sync_refusals_set_aside": N_("Refused changes set aside"),
    "tamper_detected": N_("Tampering detected"),
    "today_viewed": N_("Today viewed"),
    "undelivered_exported": N_("Undelivered changes exported"),
    "undelivered_kept": N_("Undelivered changes kept"),
    "undelivered_let_go": N_("Undelivered changes let go"),
    "unlock": N_("Unlocked"),
    "unlock_failed": N_("Unlock failed"),
    "unlock_refused": N_("Unlock refused"),
    "update": N_("Record changed"),
    "user_added": N_("Person added"),
    "user_changed": N_("Person changed"),
    "user_removed": N_("Person removed"),
    "vault_created": N_("Vault created"),
    "youth_sealed": N_("Youth sealed"),
    "youth_unsealed": N_("Youth unsealed"),
    "view": N_("Record opened"),
    "view_refused": N_("Opening a record refused"),
}


def action_name(code: str) -> str:
    """The English name of an audit action (a code written before this list knew it: the code
    with spaces)."""
    return ACTION_NAMES.get(code, code.replace("_", " "))
