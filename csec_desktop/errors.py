"""Exceptions the core raises.

`CsecError` subclasses are *known* conditions: their message is written for the
person at the keyboard and says what to do next. Anything else is a bug.
Messages never carry a youth's name or any record content.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass


class CsecError(Exception):
    """A condition the user can understand and act on."""


class WrongPassphrase(CsecError):
    def __init__(self, failures_left: int | None = None) -> None:
        self.failures_left = failures_left
        tail = ""
        if failures_left is not None:
            tail = f" {failures_left} attempt(s) left before the account locks for 10 minutes."
        super().__init__("Wrong user name or passphrase." + tail)


class AccountLocked(CsecError):
    def __init__(self, minutes_left: int) -> None:
        self.minutes_left = minutes_left
        super().__init__(
            f"This account is locked after 5 failed unlocks. Try again in {minutes_left} "
            "minute(s), or ask an administrator to release it."
        )


class AccountDisabled(CsecError):
    def __init__(self) -> None:
        super().__init__("This account is disabled. Ask an administrator.")


class VaultMissing(CsecError):
    pass


class CorruptVault(CsecError):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"The vault is damaged and cannot be trusted ({detail}). Nothing was changed. "
            "Restore it from a backup with the county recovery key (see docs/recovery.md)."
        )


class StorageProblem(CsecError):
    """The disk or the folder refused a read or a write: the vault is not damaged, and a restore
    would not help (it needs the same disk). Each subclass says what to do about it."""

    advice = "Check the disk and the vault folder, then try again."

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        where = f" ({detail})" if detail else ""
        super().__init__(f"{self.summary}{where}. Nothing of the last change was saved; "
                         f"what was saved before is intact. {self.advice}")

    summary = "The vault's disk could not be used"


class DiskFull(StorageProblem):
    summary = "The disk that holds the vault is full"
    advice = ("Free some space on it (empty the trash, move large files away), then do it again. "
              "Do not restore from a backup: the vault is not damaged.")


class ReadOnlyVault(StorageProblem):
    summary = "The vault cannot be written here: its disk or folder is read-only"
    advice = ("Check the vault folder's permissions (your account must be able to write in it) "
              "or move the vault to a folder on a disk that is not read-only, then try again.")


class VaultUnreachable(StorageProblem):
    summary = "The vault's files could not be opened or read"
    advice = ("Check that the disk is connected and the vault folder is there and readable by "
              "your account, then try again. If it keeps happening, ask county IT.")


class PlaintextVault(CsecError):
    def __init__(self) -> None:
        super().__init__(
            "Refusing to open an unencrypted SQLite file as a vault. "
            "Move it aside and restore the vault from a backup."
        )


class NewerVault(CsecError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"This vault was made by a newer version of the app (schema {found}; this app "
            f"reads up to {supported}). Install the newer version to open it."
        )


class PermissionDenied(CsecError):
    pass


class NotFound(CsecError):
    pass


class StaleRecord(CsecError):
    """The record changed since it was read (optimistic concurrency)."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationFailed(CsecError):
    """Input was refused; each problem names the field it is about."""

    def __init__(self, problems: list[FieldProblem], record: str | None = None) -> None:
        self.problems = problems
        self.record = record
        where = f"{record}: " if record else ""
        super().__init__(where + "; ".join(str(p) for p in problems))


class OfflineLocked(CsecError):
    def __init__(self, days: int) -> None:
        self.days = days
        super().__init__(
            f"This computer has not reached the county hub for more than {days} days, so cases stay "
            "closed. Connect, ask the hub administrator to release this device, then Sync now."
        )


_OS_ERRORS: dict[int, type[StorageProblem]] = {
    errno.ENOSPC: DiskFull,
    errno.EDQUOT: DiskFull,
    errno.EROFS: ReadOnlyVault,
    errno.EACCES: ReadOnlyVault,
    errno.EPERM: ReadOnlyVault,
    errno.EIO: VaultUnreachable,
}


def storage_problem(exc: OSError) -> StorageProblem | None:
    """The named condition for an OSError from a file the vault writes, or None (a bug)."""
    kind = _OS_ERRORS.get(exc.errno or -1)
    return kind(exc.strerror or "") if kind is not None else None
