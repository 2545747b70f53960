"""A petition's steps: draft -> reviewed by the attorney -> filed. Only a role allowed to review
petitions moves it (and may send it back to draft, or review it again after a change); every move
is audited. A review records what counsel reviewed (petition.fingerprint), and the papers print
unsigned whenever the petition no longer says it. "Reviewed" and
"filed" are refused while any problem remains (vacatur.petition.problems: a placeholder, a
missing fact, an undecided count, a party with no address, a timeliness problem, service not
recorded, a private fact in a public paper), each named with its field."""

from __future__ import annotations

from datetime import date, datetime

from csec_desktop import caseload, directory
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.people import Permission
from csec_desktop.domain.vacatur import CaseStage, CriminalCount, VacaturCase
from csec_desktop.domain.youth import Contact, Youth
from csec_desktop.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W
from csec_desktop.vacatur.petition import PLACEHOLDER, Petition, Problem, blocking, fingerprint

NEXT: dict[CaseStage, frozenset[CaseStage]] = {
    CaseStage.DRAFT: frozenset({CaseStage.ATTORNEY_REVIEWED}),
    # Reviewed again: after a change since counsel's review (petition.changed_since_review).
    CaseStage.ATTORNEY_REVIEWED: frozenset({CaseStage.FILED, CaseStage.DRAFT, CaseStage.ATTORNEY_REVIEWED}),
    CaseStage.FILED: frozenset(),
}


def load(vault: Vault, youth_id: str, case_id: str | None, made_on: date | None = None) -> Petition:
    """The petition `case_id` of this youth (None: the newest), with its counts, the directory's
    addresses and the youth's own, read through the caseload's doors (narrative rule, audit)."""
    if case_id:
        record = caseload.attached_record(vault, youth_id, case_id, "vacatur_case")
    else:
        cases = caseload.attached(vault, youth_id, "vacatur_case")
        if not cases:
            raise NotFound(W("This youth has no vacatur case to print yet."))
        record = cases[-1]  # ids are UUIDv7: the last is the newest
    case = record.body
    assert isinstance(case, VacaturCase)
    youth = caseload.get_youth(vault, youth_id, audit=False).body
    assert isinstance(youth, Youth)
    counts = {r.id: r.body for r in caseload.attached(vault, youth_id, "criminal_count")
              if isinstance(r.body, CriminalCount)}
    agencies = {e.body.name: e.body.address for e in directory.entries(vault)
                if isinstance(e.body, DirectoryEntry)}
    # Where the youth lives or may live: the placement, and the people on the contacts list (a
    # grandmother's address on a public paper says where to look for her).
    contacts = [r.body.address for r in caseload.attached(vault, youth_id, "contact")
                if isinstance(r.body, Contact)]
    addresses = tuple(a for a in (youth.placement.address if youth.placement else None, *contacts) if a)
    return Petition.of(youth, case, record.id, counts, agencies, made_on or datetime.now(LEGAL_ZONE).date(),
                       addresses)


def review(vault: Vault, youth_id: str, case_id: str, target: CaseStage = CaseStage.FILED) -> list[Problem]:
    """What keeps the petition from `target`: the facts, then the public papers themselves (a gap
    left in their text, or a private fact printed in them)."""
    return _review(load(vault, youth_id, case_id), target)


def _review(p: Petition, target: CaseStage) -> list[Problem]:
    from csec_desktop.documents import vacatur as papers

    case_id = p.case_id
    found = blocking(p, p.made_on, target)
    for cc in p.court_cases():
        for name, make, pages in papers.public_papers(p, cc):
            for_filing = make is papers.proof_of_service  # service is recorded after review
            if any(PLACEHOLDER in " ".join(page.split()) for page in pages) and not found \
                    and (target is CaseStage.FILED or not for_filing):
                found.append(Problem("stage", f"the {name} still has a gap to complete", case_id))
            found += [Problem(x.field, x.message, case_id) for x in papers.private_facts(p, name, pages)]
    return found


def advance(vault: Vault, case_id: str, stage: str) -> StoredRecord:
    record = vault.records.get(case_id)
    case = record.body
    if not isinstance(case, VacaturCase):
        raise ValidationFailed([FieldProblem("case", N_("is not a vacatur case"))])
    target = CaseStage(stage)
    if not vault.user.can(Permission.REVIEW_PETITION):
        vault.audit("petition_stage_refused", record_id=case_id, stage=target.value)
        raise PermissionDenied(W("Only an attorney may mark a petition reviewed or filed."))
    if target not in NEXT[case.stage]:
        problem = f"cannot go from {case.stage.value} to {target.value}"
        raise ValidationFailed([FieldProblem("stage", problem)], record="vacatur case")
    # What counsel reviewed is kept as its fingerprint: a change after it unsigns the papers.
    reviewed: str | None = None
    if target is not CaseStage.DRAFT:
        assert record.owner_id is not None
        p = load(vault, record.owner_id, case_id)
        found = _review(p, target)
        if found:
            vault.audit("petition_stage_refused", record_id=case_id, stage=target.value, problems=len(found))
            raise ValidationFailed([FieldProblem(x.field, x.message) for x in found], record="vacatur case")
        reviewed = case.reviewed
        if target is CaseStage.ATTORNEY_REVIEWED:
            reviewed = fingerprint(p.case, p.counts)
    with caseload.checked_change():
        signed_on = case.reviewed_on if reviewed else None  # filing keeps the day counsel signed
        if target is CaseStage.ATTORNEY_REVIEWED:
            signed_on = datetime.now(LEGAL_ZONE).date()
        updated = caseload.update_attached(vault, case_id, {
            "stage": target.value, "reviewed": reviewed,
            "reviewed_on": signed_on.isoformat() if signed_on else None})
    vault.audit("petition_stage", record_id=case_id, youth=record.owner_id, stage=target.value)
    return updated
