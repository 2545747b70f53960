"""A petition's steps: draft -> reviewed by the attorney -> filed. Only a role allowed to review
petitions moves it (and may send it back to draft); every move is audited."""

from __future__ import annotations

from csec_desktop import caseload
from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import CaseStage, VacaturCase
from csec_desktop.errors import FieldProblem, PermissionDenied, ValidationFailed
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault

NEXT: dict[CaseStage, frozenset[CaseStage]] = {
    CaseStage.DRAFT: frozenset({CaseStage.ATTORNEY_REVIEWED}),
    CaseStage.ATTORNEY_REVIEWED: frozenset({CaseStage.FILED, CaseStage.DRAFT}),
    CaseStage.FILED: frozenset(),
}


def advance(vault: Vault, case_id: str, stage: str) -> StoredRecord:
    record = vault.records.get(case_id)
    case = record.body
    if not isinstance(case, VacaturCase):
        raise ValidationFailed([FieldProblem("case", "is not a vacatur case")])
    target = CaseStage(stage)
    if not vault.user.can(Permission.REVIEW_PETITION):
        vault.audit("petition_stage_refused", record_id=case_id, stage=target.value)
        raise PermissionDenied("Only an attorney may mark a petition reviewed or filed.")
    if target not in NEXT[case.stage]:
        problem = f"cannot go from {case.stage.value} to {target.value}"
        raise ValidationFailed([FieldProblem("stage", problem)], record="vacatur case")
    with caseload.checked_change():
        updated = caseload.update_attached(vault, case_id, {"stage": target.value})
    vault.audit("petition_stage", record_id=case_id, youth=record.owner_id, stage=target.value)
    return updated
