"""County policy kept inside the vault (so only an administrator can change it).

Each setting says where its default comes from. Where the law sets no number and the
county must choose (DOMAIN.md marks these UNCONFIRMED or county practice), the setting
says so, and the screens that use it say so too.
"""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop import machine_policy
from csec_desktop.domain.people import Permission
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W


@dataclass(frozen=True)
class Setting:
    name: str
    default: int
    low: int
    high: int
    unit: str
    source: str  # why the default is what it is


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("idle_lock_minutes", 15, 1, 30, "minutes",
            N_("at most 30 minutes, the session lock of the FBI CJIS Security Policy; 15 by default")),
    Setting("team_convene_days", 30, 1, 90, "days",
            N_("county practice: no statute sets when the team must meet (Welf. & Inst. Code 16524.6-16524.8 "
               "call for a team, not a deadline); set by the county")),
    Setting("rescreen_days", 180, 30, 365, "days",
            N_("county practice: no statute sets a re-screening interval; set by the county")),
    Setting("referral_followup_days", 14, 1, 90, "days",
            N_("county practice: follow up a referral not yet active after this many days")),
    Setting("rescreen_after_event_days", 7, 1, 30, "days",
            N_("county practice: re-screen this soon after a return from missing or a placement change")),
    Setting("efc_medical_update_days", 180, 30, 365, "days",
            N_("NOT CONFIRMED: Welf. & Inst. Code 11403(b)(5) asks for \"regularly updated\" medical "
               "information without a number; six months (the TILCP cycle) by default, set by the county")),
    Setting("retro_medi_cal_months_2027", 2, 0, 3, "months",
            N_("NOT CONFIRMED: H.R. 1 (Pub. L. 119-21) sec. 71112 as we read it: applications from 1 January "
               "2027 reach back two months for most groups; correct it here from DHCS guidance")),
    Setting("retro_medi_cal_months_2027_expansion", 1, 0, 3, "months",
            N_("NOT CONFIRMED: H.R. 1 (Pub. L. 119-21) sec. 71112 as we read it: applications from 1 January "
               "2027 reach back one month for expansion adults; correct it here from DHCS guidance")),
    Setting("federal_medicaid_humanitarian_2026", 0, 0, 1, "yes (1) or no (0)",
            N_("NOT CONFIRMED: H.R. 1 (Pub. L. 119-21) sec. 71109 as we read it: from 1 October 2026 "
               "federal Medicaid no longer funds Medi-Cal for refugees, asylees and certified trafficking "
               "victims (0); set 1 if DHCS guidance says otherwise")),
    Setting("statewide_system_days", 7, 1, 60, "days",
            N_("county practice: Welf. & Inst. Code 16501.35(a)(2) requires the CSEC status to be documented "
               "in the statewide child welfare system (CWS/CMS, later CARES) but sets no deadline; the "
               "county sets how soon after an identification")),
    Setting("protective_order_notice_days", 30, 1, 120, "days",
            N_("county practice: how long before a protective order ends Today says so (the renewal rules "
               "are not encoded here)")),
    Setting("calvcb_relocation_cap", 0, 0, 100000, "dollars (0 = not stated)",
            N_("NOT CONFIRMED: the most CalVCB pays for relocation (Gov. Code 13957); the amount was not "
               "confirmed in the enacted text, so nothing is shown until the county enters it from CalVCB")),
    Setting("csec_program_county", 0, 0, 1, "1 = yes, 0 = no",
            N_("whether the county opted into the state CSEC Program (Welf. & Inst. Code 16524.7); only then "
               "does the team of 16524.7(d)(2)(B) apply, and the app warns when a discipline is absent")),
)}

IDLE_LOCK_DEFAULT_MINUTES = SETTINGS["idle_lock_minutes"].default
IDLE_LOCK_MAX_MINUTES = SETTINGS["idle_lock_minutes"].high


def machine_set() -> dict[str, str]:
    """Settings this computer's policy fixes (machine_policy), with where: no one changes them here."""
    found = machine_policy.load()
    return {name: found.source for name in SETTINGS if getattr(found, name, None) is not None}


def _machine(name: str, value: int) -> int:
    """The computer's policy wins over the vault's setting (machine_policy)."""
    return machine_policy.idle_lock_minutes(value) if name == "idle_lock_minutes" else value


def get(vault: Vault, name: str) -> int:
    return _machine(name, _stored(vault, name))


def _stored(vault: Vault, name: str) -> int:
    setting = SETTINGS[name]
    stored = _signed(vault)
    value = stored.get(f"policy.{name}")
    if value is None and name == "idle_lock_minutes":  # stored under its first key by schema 1-3
        value = stored.get("idle_lock_minutes")
    if value is None:
        return setting.default
    return max(setting.low, min(int(value), setting.high))


def _signed(vault: Vault) -> dict[str, str]:
    """The settings as an administrator signed them (storage/county_settings.py): a row changed
    during a session is not followed. A vault whose list was signed before they were has its rows."""
    signed = vault.signed_settings()
    if signed is not None:
        return signed
    return dict(vault.require_db().query(
        "SELECT key, value FROM meta WHERE key LIKE 'policy.%' OR key = 'idle_lock_minutes'"))


def values(vault: Vault) -> dict[str, int]:
    """Every setting at once (a record page and each chunk of Today read them all)."""
    stored = _signed(vault)
    out: dict[str, int] = {}
    for name, setting in SETTINGS.items():
        value = stored.get(f"policy.{name}")
        if value is None and name == "idle_lock_minutes":  # stored under its first key by schema 1-3
            value = stored.get("idle_lock_minutes")
        out[name] = _machine(name, setting.default if value is None else
                             max(setting.low, min(int(value), setting.high)))
    return out


def set_value(vault: Vault, name: str, value: int) -> None:
    vault.require(Permission.MANAGE_USERS)
    setting = SETTINGS[name]
    fixed = machine_set()
    if name in fixed:
        where = fixed[name]
        raise ValidationFailed([FieldProblem(name.replace("_", " "), W(
            "is set by this computer's policy ({where}); county IT changes it there", where=where))])
    if not setting.low <= value <= setting.high:
        raise ValidationFailed([FieldProblem(
            name.replace("_", " "), f"must be between {setting.low} and {setting.high} {setting.unit}")])
    db = vault.require_db()
    with db.transaction():
        # Written and signed with the list of people (storage/county_settings.py).
        vault.sign_settings({f"policy.{name}": str(value)})
        vault.audit("policy_changed", setting=name, value=value)


def idle_lock_minutes(vault: Vault) -> int:
    return get(vault, "idle_lock_minutes")


def set_idle_lock_minutes(vault: Vault, minutes: int) -> None:
    set_value(vault, "idle_lock_minutes", minutes)
