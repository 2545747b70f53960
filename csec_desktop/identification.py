"""Identification: CSEC status decisions and screens, as the signed-in person records them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from csec_desktop import caseload, formspec
from csec_desktop.domain.csec import CsecStatus, FormResponse
from csec_desktop.domain.people import Permission
from csec_desktop.errors import NotFound, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault


def record_status(vault: Vault, youth_id: str, status: str, basis: str,
                  decided_at: datetime | None = None) -> StoredRecord:
    """A status decision by the signed-in person; the 24-hour clocks run from `decided_at`."""
    moment = decided_at or datetime.now(LEGAL_ZONE)
    return caseload.add_attached(vault, youth_id, CsecStatus.kind, {
        "status": status, "basis": basis, "decided_at": moment.isoformat(),
        "decided_by": vault.user.username})


def statuses(vault: Vault, youth_id: str) -> list[CsecStatus]:
    found = [r.body for r in caseload.attached(vault, youth_id, CsecStatus.kind)
             if isinstance(r.body, CsecStatus)]
    return sorted(found, key=lambda s: s.decided_at)


def forms() -> dict[str, formspec.FormSpec]:
    """The usable forms, read again only when a file in forms/ changed (a printed plan and every
    saved screen asked for them: reading the YAML each time was most of a plan's making)."""
    folder = formspec.forms_dir()
    stamp = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size)
                  for path in sorted(folder.glob("*.yaml")))
    if _FORMS.get("stamp") != stamp:
        _FORMS["stamp"], _FORMS["forms"] = stamp, formspec.load_all(folder)[0]
    forms_now: dict[str, formspec.FormSpec] = _FORMS["forms"]
    return forms_now


_FORMS: dict[str, Any] = {}


def save_screen(vault: Vault, youth_id: str, form_id: str, answers: dict[str, Any],
                completed_at: datetime | None = None) -> tuple[StoredRecord, formspec.Outcome | None]:
    """Check the answers against the form, score them, and keep them with the form's version."""
    vault.require(Permission.WRITE_YOUTH)
    spec = forms().get(form_id)
    if spec is None:
        raise NotFound(f"No usable form {form_id!r} in forms/ (see `csec forms check`).")
    problems = formspec.check_answers(spec, answers)
    if problems:
        raise ValidationFailed(problems, record=form_id)
    outcome = formspec.score(spec, answers) if spec.scoring else None
    record = caseload.add_attached(vault, youth_id, FormResponse.kind, {
        "form_id": spec.id, "form_version": spec.version, "answers": answers,
        "completed_at": (completed_at or datetime.now(LEGAL_ZONE)).isoformat(),
        "completed_by": vault.user.username, "outcome": outcome.to_json() if outcome else None})
    return record, outcome


def current_answers(response: FormResponse) -> dict[str, Any]:
    """Saved answers carried forward to the form's current version."""
    spec = forms().get(response.form_id)
    if spec is None:
        return dict(response.answers)
    return formspec.upgrade(spec, response.form_version, response.answers)
