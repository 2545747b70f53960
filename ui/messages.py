"""What the window says about a core error, in the interface language.

The core's messages are English sentences for the command line and logs; the known
conditions below are said again here through gettext. Anything else falls back to
the core's own sentence, which is still a clear one.
"""

from __future__ import annotations

import sys

from csec_desktop.errors import (
    AccountDisabled,
    AccountLocked,
    CorruptVault,
    CsecError,
    DiskFull,
    NewerVault,
    PlaintextVault,
    ReadOnlyVault,
    StaleRecord,
    ValidationFailed,
    VaultMissing,
    VaultUnreachable,
    WrongPassphrase,
    storage_problem,
)
from ui.i18n import _, ngettext, problem, say


def describe(error: BaseException) -> str:
    if isinstance(error, OSError):  # a file the vault writes: a full disk is not a bug
        error = storage_problem(error) or error
    if isinstance(error, DiskFull):
        return _("The disk that holds the vault is full. Nothing of the last change was saved; what "
                 "was saved before is intact. Free some space on it, then do it again. Do not restore "
                 "from a backup: the vault is not damaged.")
    if isinstance(error, ReadOnlyVault):
        return _("The vault cannot be written here: its disk or folder is read-only. Nothing of the "
                 "last change was saved. Check the vault folder's permissions or move the vault to a "
                 "disk that is not read-only, then try again.")
    if isinstance(error, VaultUnreachable):
        return _("The vault's files could not be opened or read. Nothing of the last change was "
                 "saved. Check that the disk is connected and the vault folder is there and readable, "
                 "then try again.")
    if isinstance(error, WrongPassphrase):
        text = _("Wrong user name or passphrase.")
        if error.failures_left is not None:
            text += " " + ngettext(
                "{n} attempt left before the account locks for 10 minutes.",
                "{n} attempts left before the account locks for 10 minutes.",
                error.failures_left).format(n=error.failures_left)
        return text
    if isinstance(error, AccountLocked):
        return ngettext(
            "This account is locked after 5 failed unlocks. Try again in {n} minute, "
            "or ask an administrator to release it.",
            "This account is locked after 5 failed unlocks. Try again in {n} minutes, "
            "or ask an administrator to release it.", error.minutes_left).format(n=error.minutes_left)
    if isinstance(error, AccountDisabled):
        return _("This account is disabled. Ask an administrator.")
    if isinstance(error, CorruptVault):
        return _("The vault is damaged and cannot be trusted. Nothing was changed. Restore it from "
                 "a backup with the county recovery key (see docs/recovery.md). Detail: {detail}"
                 ).format(detail=error.detail)
    if isinstance(error, PlaintextVault):
        return _("This folder holds an unencrypted file where the vault should be. Move it aside and "
                 "restore the vault from a backup.")
    if isinstance(error, StaleRecord):
        return _("Someone saved this record after you opened it. Your typing is kept as a draft: go "
                 "back, open the record again and re-apply your change.")
    # The sync client (httpx) is loaded only when a sync starts; its errors exist only after that.
    client = sys.modules.get("csec_desktop.sync.client")
    if client is not None and isinstance(error, client.HubUnreachable):
        return _("Could not reach the county hub. Everything is kept on this computer; it tries again "
                 "every five minutes, or press Sync now (F9) when connected.")
    if client is not None and isinstance(error, client.HubCertificateUntrusted):
        return _("The county hub's certificate is not the one this device trusts, so nothing was "
                 "sent. Ask county IT: the hub's certificate may have been renewed, or this is not "
                 "the county's hub.")
    if isinstance(error, ValidationFailed):
        # Each field by its label on the form, not its stored name ("duty_done: done_at: ...").
        return "; ".join(f"{field_label(error.record, p.field)}: {problem(p.message)}"
                         for p in error.problems)
    if isinstance(error, NewerVault | VaultMissing):
        return str(error)
    if isinstance(error, CsecError) and len(error.args) == 1:
        return say(error.args[0])  # a core message marked for translation (text.W), or as it is
    return str(error)


def field_label(kind: str | None, field: str) -> str:
    """A refused field as its form labels it, in the interface's language: a field of a stored kind
    by its title ("recipients.0.at": the recipients' label), any other by its name made readable."""
    from csec_desktop.domain.fields import kind_label, readable
    from csec_desktop.domain.kinds import KINDS

    head = field.split(".")[0]
    return _(kind_label(kind, head)) if kind in KINDS else _(readable(head))
