"""Counsel sharing the youth's account in one vacatur case with a caseworker.

The account is read by attorneys and supervisors only; a caseworker reads it when an attorney
shares that case with them (the county's decision), for that case alone, to read, until counsel
stops sharing it. Both acts are audited, and each reading by the caseworker is audited as any
reading of the account is. The case's `shared_with` says whom it is shared with (synced with the
case); the values reach the caseworker as copies sealed to their own key
(storage/account_copies.py), never as the compartment's key.
"""

from __future__ import annotations

from dataclasses import dataclass

from csec_desktop import caseload
from csec_desktop.domain.people import Permission, User
from csec_desktop.domain.vacatur import VacaturCase
from csec_desktop.domain.visibility import Scope
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from csec_desktop.storage import account_copies
from csec_desktop.storage.records import StoredRecord
from csec_desktop.storage.vault import Vault
from csec_desktop.text import N_, W


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str


def _case(vault: Vault, case_id: str) -> tuple[StoredRecord, VacaturCase, Youth]:
    try:
        record = vault.records.get(case_id)
    except NotFound:
        record = None
    if record is None or not isinstance(record.body, VacaturCase) or record.owner_id is None:
        raise NotFound(f"No vacatur case {case_id}.")
    youth = caseload.get_youth(vault, record.owner_id, audit=False)
    assert isinstance(youth.body, Youth)
    return record, record.body, youth.body


def _require_counsel(vault: Vault, case_id: str, action: str) -> None:
    if not (vault.user.can(Permission.REVIEW_PETITION) and vault.user.can(Permission.READ_NARRATIVE)):
        vault.audit(action + "_refused", record_id=case_id)
        raise PermissionDenied(W("Only an attorney may share the youth's account, or stop sharing it."))


def candidates(vault: Vault, case_id: str) -> list[Person]:
    """The caseworkers this case's account may be shared with: on this vault, not disabled, who
    see the youth and do not already read the account; those it is shared with already left out."""
    record, _case_body, youth = _case(vault, case_id)
    already = _proven(vault, record)
    return [Person(u.username, u.display_name) for u in vault.users()
            if _may_receive(u, youth) and u.username not in already]


def shared_with(vault: Vault, case_id: str) -> list[Person]:
    """Whom the case's account is shared with, as its signed history proves it (a name written
    into the record outside the app is not shown, and goes at counsel's next share or stop)."""
    record, _case_body, _youth = _case(vault, case_id)
    names = {u.username: u.display_name for u in vault.users()}
    return [Person(name, names.get(name, name)) for name in sorted(_proven(vault, record))]


def _proven(vault: Vault, record: StoredRecord) -> set[str]:
    assert record.owner_id is not None
    return account_copies.proven(vault.require_db(), record.id, record.owner_id)[0]


def _may_receive(user: User, youth: Youth) -> bool:
    """A caseworker who may hold a copy (account_copies.fit) and sees this youth."""
    return account_copies.fit(user) and Scope.for_user(user).allows(youth.assigned_worker, youth.unit,
                                                                     youth.sealed)


def share(vault: Vault, case_id: str, username: str) -> StoredRecord:
    """Give `username` the account of this case to read (an attorney's act, audited)."""
    vault.require(Permission.WRITE_YOUTH)
    _require_counsel(vault, case_id, "account_share")
    record, case, youth = _case(vault, case_id)
    if youth.sealed:
        raise ValidationFailed([FieldProblem("shared_with", N_(
            "cannot be set for a sealed youth: a caseworker does not see a sealed youth's record"))],
            record="vacatur case")
    person = next((u for u in vault.users() if u.username == username), None)
    if person is None or not _may_receive(person, youth):
        raise ValidationFailed([FieldProblem("shared_with", N_(
            "names no caseworker who sees this youth here: choose one from the list"))],
            record="vacatur case")
    # From what the signed history proves, not the record as it reads: counsel's signature on the
    # new list must not take in a name someone wrote into the file.
    already = _proven(vault, record)
    if username in already and sorted(already) == case.shared_with:
        return record
    with caseload.checked_change():
        updated = caseload.update_attached(vault, case_id, {"shared_with": sorted(already | {username})})
    vault.audit("account_shared", record_id=case_id, youth=record.owner_id, shared_with=username)
    return updated


def unshare(vault: Vault, case_id: str, username: str) -> StoredRecord:
    """Stop sharing the case's account with `username`: their copy is deleted at once."""
    vault.require(Permission.WRITE_YOUTH)
    _require_counsel(vault, case_id, "account_unshare")
    record, case, _youth = _case(vault, case_id)
    kept = _proven(vault, record) - {username}
    if username not in case.shared_with and sorted(kept) == case.shared_with:
        return record
    with caseload.checked_change():
        updated = caseload.update_attached(vault, case_id, {"shared_with": sorted(kept)})
    vault.audit("account_unshared", record_id=case_id, youth=record.owner_id, shared_with=username)
    return updated
