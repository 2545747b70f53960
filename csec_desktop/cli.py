"""`csec`: administration from a terminal. Core only; never imports the GUI.

Passphrases and recovery keys never go on the command line (where the process list and the
shell history would keep them): at a terminal `csec` asks for them without echo; a script
gives `--passphrase-stdin` (and `--recovery-key-stdin`) and sends them on standard input, one
per line, from a file or a secret store. The exit codes are EXIT_CODES.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from csec_desktop import __version__, demo, errors, transfer
from csec_desktop.domain.people import Permission, Role
from csec_desktop.domain.youth import LegalStatus
from csec_desktop.errors import (
    AccountDisabled,
    AccountLocked,
    CorruptVault,
    CsecError,
    NewerVault,
    NotFound,
    PermissionDenied,
    PlaintextVault,
    StorageProblem,
    ValidationFailed,
    VaultMissing,
    WrongPassphrase,
    storage_problem,
)
from csec_desktop.paths import default_vault_dir
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import caseload as caseload_screen
from csec_desktop.usecases import intake

EXIT_CHECK_FAILED = 1  # audit verify: the trail does not hold
EXIT_ERROR = 2  # usage: a wrong option, or input refused (the message names the field)
EXIT_DUPLICATE = 3  # youth add: possible duplicates found, nothing created
EXIT_AUTHENTICATION = 4
EXIT_PERMISSION = 5
EXIT_NOT_FOUND = 6
EXIT_CORRUPT = 7
EXIT_STORAGE = 8  # the disk is full or read-only, or the vault's files cannot be opened
EXIT_CODES = f"""exit codes:
  0  done
  {EXIT_CHECK_FAILED}  a check found a problem (audit verify)
  {EXIT_ERROR}  usage: a wrong option, or input refused (the message names the field)
  {EXIT_DUPLICATE}  youth add: possible duplicates, nothing created
  {EXIT_AUTHENTICATION}  authentication: wrong user name or passphrase, account locked or disabled
  {EXIT_PERMISSION}  permission: your role may not do this
  {EXIT_NOT_FOUND}  not found: no vault in that folder, or no such youth, user or file
  {EXIT_CORRUPT}  the vault is damaged, unencrypted or from a newer version: restore from a backup
  {EXIT_STORAGE}  the disk is full or read-only, or the vault's files cannot be opened: nothing of
     the last change was saved; free space or fix the folder (do not restore: nothing is damaged)

At a terminal, passphrases and recovery keys are asked for without echo. In a script give
--passphrase-stdin (and --recovery-key-stdin) and send them on standard input, one a line,
from a file or a secret store, never in the command itself."""

_EXIT_FOR: tuple[tuple[tuple[type[Exception], ...], int], ...] = (
    ((WrongPassphrase, AccountLocked, AccountDisabled), EXIT_AUTHENTICATION),
    ((PermissionDenied,), EXIT_PERMISSION),
    ((NotFound, VaultMissing, FileNotFoundError), EXIT_NOT_FOUND),
    ((CorruptVault, PlaintextVault, NewerVault), EXIT_CORRUPT),
    ((StorageProblem,), EXIT_STORAGE),
)


def exit_code(exc: Exception) -> int:
    for kinds, code in _EXIT_FOR:
        if isinstance(exc, kinds):
            return code
    return EXIT_ERROR


class _Stdin:
    def __init__(self, stream: TextIO, *, from_stdin: bool = False) -> None:
        self._stream = stream
        self.from_stdin = from_stdin
        """--passphrase-stdin: secrets come from standard input even at a terminal."""

    @property
    def terminal(self) -> bool:
        try:
            return self._stream.isatty()
        except (AttributeError, ValueError):
            return False

    def line(self, what: str) -> str:
        text = self._stream.readline()
        if not text:
            raise CsecError(f"Expected the {what} as a line on standard input.")
        return text.rstrip("\r\n")

    def secret(self, what: str, *, new: bool = False) -> str:
        """A passphrase or recovery key: asked for without echo at a terminal (twice when `new`),
        else a line of standard input (a script that gave --passphrase-stdin)."""
        if self.from_stdin:
            return self.line(what)
        if not self.terminal:
            raise CsecError(f"Standard input is not a terminal: give --passphrase-stdin (or "
                            f"--recovery-key-stdin) and send the {what} as a line on standard input.")
        first = getpass.getpass(f"{what[0].upper()}{what[1:]}: ")
        if new and getpass.getpass(f"The {what} again: ") != first:
            raise ValidationFailed([errors.FieldProblem(what, "the two entries differ; nothing was changed")])
        return first


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="csec", description="CSEC case vault administration.", epilog=EXIT_CODES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"csec {__version__}")
    p.add_argument("--vault", type=Path, default=None, help="vault folder")
    p.add_argument("--user", help="your user name")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read passphrases from standard input, one a line (for scripts; at a terminal "
                        "csec asks without echo)")
    sub = p.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create a vault; prints the recovery key once")
    init.add_argument("--county", required=True)
    init.add_argument("--admin", required=True)
    init.add_argument("--display-name")

    users = sub.add_parser("users", help="manage people").add_subparsers(dest="users_cmd",
                                                                        required=True)
    add = users.add_parser("add", help="new user; their passphrase is the next stdin line")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--unit")
    add.add_argument("--display-name")
    users.add_parser("list")
    rm = users.add_parser("remove")
    rm.add_argument("name")
    rm.add_argument("--for-cause", action="store_true",
                    help="also rotate the data key so the person's old key opens nothing")
    for name in ("disable", "enable", "release"):
        users.add_parser(name).add_argument("name")

    demo = sub.add_parser("demo", help="add synthetic, plainly fictional youth")
    demo.add_argument("--youth", type=int, required=True)
    demo.add_argument("--seed", type=int, default=1)

    search = sub.add_parser("search", help="find youth by name, alias, moniker or number")
    search.add_argument("text")
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=50)

    export = sub.add_parser("export", help="a youth and everything attached, as JSON")
    export.add_argument("--youth", required=True)
    export.add_argument("--purpose", default="administrative export from the command line")

    listing = sub.add_parser("list", help="your caseload or Today as a CSV that names youth, for your own "
                             "work (export permission, purpose; audited)")
    listing.add_argument("which", choices=["caseload", "today"])
    listing.add_argument("--out", type=Path, required=True, metavar="FILE")
    listing.add_argument("--purpose", required=True, help="who receives it and why")
    listing.add_argument("--force", action="store_true", help="replace FILE if it exists")

    kept = sub.add_parser("undelivered", help="your changes the hub would not take because the youth "
                          "left this device's caseload; --export them for your supervisor")
    kept.add_argument("--export", type=Path, metavar="FILE")
    kept.add_argument("--purpose", default="")
    kept.add_argument("--force", action="store_true", help="replace FILE if it exists")

    report = sub.add_parser("report", help="the program's counts, duties and screens for a period, as CSV, "
                            "XLSX or the printed PDF (audited)")
    report.add_argument("--period", required=True,
                        help="2026Q3, 2026-09, FY2025-26 or 2026-07-01..2026-09-30")
    report.add_argument("--format", choices=["csv", "xlsx", "pdf"], default="csv")
    report.add_argument("--deidentified", action="store_true",
                        help="hide counts under 11 (for outside the county)")
    report.add_argument("--out", type=Path, required=True, metavar="FILE")
    report.add_argument("--purpose", required=True, help="who receives it and why")
    report.add_argument("--force", action="store_true", help="replace FILE if it exists")
    report.add_argument("--unit", help="only this unit's youth")
    report.add_argument("--worker", help="only this worker's youth")
    report.add_argument("--status", choices=[s.value for s in LegalStatus],
                        help="only youth with this court status on the period's last day")
    report.add_argument("--min-age", type=int, help="only youth at least this old on the period's last day")
    report.add_argument("--max-age", type=int, help="only youth at most this old on the period's last day")

    imp = sub.add_parser("import", help="import a file written by export; all or nothing")
    imp.add_argument("file", type=Path)

    audit = sub.add_parser("audit").add_subparsers(dest="audit_cmd", required=True)
    audit.add_parser("verify")

    backup = sub.add_parser("backup", help="write an encrypted backup file")
    backup.add_argument("file", type=Path)

    restore = sub.add_parser("restore", help="rebuild the vault from a backup")
    restore.add_argument("file", type=Path)
    restore.add_argument("--recovery-key-stdin", action="store_true",
                         help="read the recovery key from standard input (else asked at the terminal)")

    rec = sub.add_parser("recovery").add_subparsers(dest="recovery_cmd", required=True)
    raw = rec.add_parser("raw-key", help="print the hex data key (for other SQLCipher 4 tools)")
    raw.add_argument("--recovery-key-stdin", action="store_true",
                     help="read the recovery key from standard input (else asked at the terminal)")

    sub.add_parser("rotate-key", help="re-encrypt the vault under a new data key")
    sub.add_parser("passwd", help="change your passphrase (asked at the terminal; with --passphrase-stdin, "
                                  "the current and the new on lines 2 and 3)")
    doc = sub.add_parser("document", help="list documents, or export one as a PDF (audited)")
    doc.add_argument("name", nargs="?", help="document name (see --list)")
    doc.add_argument("--list", action="store_true", help="name every document")
    doc.add_argument("--youth", help="the youth's record id")
    doc.add_argument("--petition", help="the petition's record id (petition documents)")
    doc.add_argument("--out", type=Path, help="the PDF file to write (a new file)")
    doc.add_argument("--force", action="store_true",
                     help="replace --out if it exists (never a link or a device)")
    doc.add_argument("--purpose", help="why this document leaves the vault (required to export)")
    doc.add_argument("--lang", default="en", help="en, es or en+es (side by side)")
    dire = sub.add_parser("directory", help="the county's resource directory").add_subparsers(
        dest="directory_cmd", required=True)
    dimp = dire.add_parser("import", help="add or update entries from a CSV file (the window's import: "
                                          "every row checked, good rows written in one transaction)")
    dimp.add_argument("file", type=Path, help="CSV in the directory's columns (see the window's template)")
    dimp.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
    rules = sub.add_parser("rules", help="every rule the app applies, with its law and date checked; "
                                          "with --youth, every finding for that youth")
    rules.add_argument("--json", action="store_true")
    rules.add_argument("--youth", help="a youth's record id: print that youth's findings")
    rules.add_argument("--as-of", dest="as_of", help="the instant to evaluate at (ISO 8601 with offset)")
    rules.add_argument("--changes", action="store_true",
                       help="the law changes ahead (from --as-of or today), each with its source and "
                            "confidence")
    forms = sub.add_parser("forms", help="the declarative forms in forms/").add_subparsers(
        dest="forms_cmd", required=True)
    check = forms.add_parser("check", help="validate form files; errors name the file, field and problem")
    check.add_argument("files", nargs="*", type=Path)
    today = sub.add_parser("today", help="what is due and overdue in your caseload")
    today.add_argument("--json", action="store_true")
    youth = sub.add_parser("youth", help="intake").add_subparsers(dest="youth_cmd", required=True)
    youth_add = youth.add_parser("add", help="a new youth from a JSON file, after a duplicate check")
    youth_add.add_argument("file", type=Path, help="JSON: legal_name, date_of_birth, aliases...")
    youth_add.add_argument("--json", action="store_true")
    youth_add.add_argument("--not-a-duplicate", action="store_true",
                           help="create it although youth with close names or the same birth date exist")
    return p


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None,
         stdout: TextIO | None = None) -> int:
    args = build_parser().parse_args(_globals_first(list(sys.argv[1:] if argv is None else argv)))
    from_stdin = bool(args.passphrase_stdin or getattr(args, "recovery_key_stdin", False))
    inp = _Stdin(stdin or sys.stdin, from_stdin=from_stdin)
    out = stdout or sys.stdout
    folder: Path = args.vault or default_vault_dir()
    from csec_desktop import logs  # the redacted log (no file until a line is written)
    logs.setup(folder)
    try:
        try:
            return _run(args, folder, inp, out)
        except OSError as exc:  # the vault's own disk full or read-only, said as such
            outside = exc.filename is not None and not Path(str(exc.filename)).resolve().is_relative_to(
                folder.resolve())
            named = storage_problem(exc) if not isinstance(exc, FileNotFoundError) and not outside else None
            if named is None:
                raise  # a path elsewhere (an output file, an import): said below with the path
            raise named from None
    except (CsecError, FileNotFoundError) as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return exit_code(exc)
    except BrokenPipeError:
        # The reader went away (`csec search ... | head`): nothing more to say to it. Point stdout at
        # nothing so the interpreter's last flush at exit does not raise the same error again.
        _silence_stdout()
        return EXIT_ERROR
    except OSError as exc:
        # The machine, not the input: a full disk, a read-only or forbidden folder, a file that is
        # a folder. Said as such, with the path, instead of a traceback.
        print(f"error: {_os_problem(exc)}", file=sys.stderr)
        return EXIT_STORAGE if exc.errno in STORAGE_ERRNOS else EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted; nothing more was done", file=sys.stderr)
        return 130
    except EOFError:
        print("error: no input (standard input closed)", file=sys.stderr)
        return EXIT_ERROR


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (a test) or already closed
        pass


OS_ADVICE = {
    errno.ENOSPC: "the disk is full: free some space, then do it again",
    errno.EROFS: "that place is read-only: choose a folder you can write to",
    errno.EACCES: "you may not read or write there: choose another folder or ask county IT",
    errno.EPERM: "you may not read or write there: choose another folder or ask county IT",
    errno.EISDIR: "that is a folder: give the path of a file",
    errno.ENOTDIR: "part of that path is a file, not a folder",
}


STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM})
"""A disk full, read-only or forbidden: exit 8 wherever it happens (the vault or a file given)."""


def _os_problem(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    advice = OS_ADVICE.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return f"{where}{advice}; nothing more was done"


def _one_line(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return _shown(f"no such file: {exc.filename}")
    return _shown(" ".join(str(exc).split()))


def _shown(text: str) -> str:
    """Text from a file or a record as the terminal may print it: a control, escape or
    text-direction character (a field name in an import file can hold one) is written as its
    escape (\x1b, \u202e) so it can neither drive the terminal nor reorder the line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _globals_first(argv: list[str]) -> list[str]:
    """Accept --vault, --user and --passphrase-stdin before or after the command word."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--vault", "--user") and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if arg.startswith(("--vault=", "--user=")) or arg == "--passphrase-stdin":
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def _run(args: argparse.Namespace, folder: Path, inp: _Stdin, out: TextIO) -> int:
    cmd = args.command
    if cmd == "init":
        vault, secret = Vault.create(folder, county=args.county, admin=args.admin,
                                     passphrase=inp.secret("new passphrase for " + args.admin, new=True),
                                     display_name=args.display_name)
        vault.lock("cli")
        print("Vault created. County recovery key (shown once; print it and store it "
              "sealed with county IT):", file=out)
        print(secret, file=out)
        return 0
    if cmd == "restore":
        if args.file.exists() and not args.file.is_file():
            raise ValidationFailed([errors.FieldProblem("file", "is a folder or a device, not a backup "
                                                                "file")], record=str(args.file))
        report = Vault.restore(folder, args.file, inp.secret("county recovery key"))
        print(f"Restored {report.records} records and {report.users} users; checked record by "
              "record.", file=out)
        if report.moved_aside:
            print(f"The vault that was there was moved to {report.moved_aside}.", file=out)
        if report.replayed:
            print("Removed or disabled again, as the vault that was there had them: "
                  + ", ".join(report.replayed) + ".", file=out)
        return 0
    if cmd == "rules" and not args.youth and not (args.changes and args.user):
        return _rules(args, out)
    if cmd == "forms":
        return _forms(args, out)
    if cmd == "recovery":
        from csec_desktop.clock import system_clock

        secret = inp.secret("county recovery key")
        dek = Vault.recovery_key_to_dek(folder, secret)
        Vault.audit_recovery_use(folder, dek, "recovery_raw_key", system_clock, secret)
        print(dek.hex(), file=out)
        return 0

    if not args.user:
        raise CsecError("Give --user NAME (csec then asks for your passphrase).")
    vault = Vault.unlock(folder, args.user, inp.secret(f"passphrase for {args.user}"))
    for warning in vault.warnings:  # what the unlock found: said before anything else
        print(f"warning: {warning}", file=sys.stderr)
    try:
        return COMMANDS[cmd](vault, args, inp, out)
    finally:
        vault.lock("cli")


Handler = Callable[[Vault, argparse.Namespace, _Stdin, TextIO], int]


def _users(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    sub = args.users_cmd
    if sub == "add":
        first = inp.secret(f"first passphrase for {args.name}", new=True)
        user = vault.add_user(args.name, role=args.role, passphrase=first, display_name=args.display_name,
                              unit=args.unit)
        print(f"Added {user.username} ({user.role.value}).", file=out)
    elif sub == "list":
        vault.require(Permission.MANAGE_USERS)
        for user in vault.users():
            state = "disabled" if user.disabled else "active"
            print(f"{user.username}\t{user.role.value}\t{user.unit or '-'}\t{state}", file=out)
    elif sub == "remove":
        vault.remove_user(args.name, for_cause=args.for_cause)
        print(f"Removed {args.name}" + (" and rotated the data key." if args.for_cause else "."),
              file=out)
    elif sub in ("disable", "enable"):
        vault.update_user(args.name, disabled=sub == "disable")
        print(f"{args.name} {sub}d.", file=out)
    elif sub == "release":
        vault.release_lockout(args.name)
        print(f"Released {args.name}.", file=out)
    return 0


def _demo(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    """The demo county's data (what `csec-desktop --demo` shows), dated from now. No people are
    added: the demo's public passphrases belong in the demo vault only."""
    shown = sys.stderr.isatty()  # on a terminal, how far it is (100,000 youth take minutes)

    def progress(done: int, total: int) -> None:
        print(f"\r{100 * done // total}% done", end="", file=sys.stderr, flush=True)

    made = demo.populate_county(vault, args.youth, seed=args.seed, progress=progress if shown else None)
    if shown:
        print(file=sys.stderr)
    print(f"Added {made.youth} fictional youth with {made.records} records about them "
          f"({made.duties_done} older duties recorded done, {made.overdue_left} left overdue) and "
          f"{made.directory} directory entries.", file=out)
    return 0


def _search(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    result = caseload_screen.query(vault, caseload_screen.CaseloadQuery(text=args.text), limit=args.limit)
    found = result.rows
    if not args.json and result.total > len(found):
        print(f"{len(found)} of {result.total} shown (raise --limit for more)", file=sys.stderr)
    if args.json:
        json.dump([s.to_json() for s in found], out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for s in found:
            print(f"{s.id}\t{s.name}\t{s.date_of_birth}\t{s.status.value}", file=out)
    return 0


def _export(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    data = transfer.export_youth(vault, args.youth, args.purpose)
    json.dump(data, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return 0


def _import(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    youth_id = transfer.import_youth(vault, transfer.read_json(args.file))
    print(f"Imported youth {youth_id}.", file=out)
    return 0


def _undelivered(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    from csec_desktop.sync import undelivered

    if args.export is not None:
        count = undelivered.export(vault, args.export, args.purpose, overwrite=args.force)
        print(f"Exported {count} undelivered change(s) to {args.export}.", file=out)
        return 0
    items = undelivered.mine(vault)
    for item in items:
        values = "; ".join(f"{k}: {v}" for k, v in item.fields.items())
        about = item.youth_name or item.youth_id
        print(f"#{item.id} {item.typed_at[:16]} {item.kind} ({item.op}) about {about}: {values}\n"
              f"    why kept: {item.reason}", file=out)
    print(f"{len(items)} undelivered change(s).", file=out)
    return 0


def _list(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    from csec_desktop.reports import lists

    rows = lists.write(vault, args.which, args.out, args.purpose, overwrite=args.force)
    print(f"Wrote {rows} rows of your {args.which} to {args.out}.", file=out)
    return 0


def _report(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    from csec_desktop.caseload import Filters
    from csec_desktop.reports import export, periods
    from csec_desktop.reports.counts import Scope

    period = periods.parse(args.period)
    scope = Scope(Filters(status=LegalStatus(args.status) if args.status else None, min_age=args.min_age,
                          max_age=args.max_age, worker=args.worker), unit=args.unit)
    export.write(vault, period, args.out, args.purpose, deidentified=args.deidentified, fmt=args.format,
                 overwrite=args.force, scope=scope)
    print(f"Wrote the {period.label} report to {args.out}.", file=out)
    return 0


def _audit(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    result = vault.verify_audit()
    print(result, file=out)
    return 0 if result.ok else EXIT_CHECK_FAILED


def _backup(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    count = vault.backup(args.file)
    print(f"Backed up {count} records to {args.file} (restore needs the county recovery key).",
          file=out)
    return 0


def _rotate(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    vault.rotate_data_key("requested from the command line")
    print("The vault is now encrypted under a new data key.", file=out)
    return 0


def _passwd(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    vault.change_passphrase(inp.secret("current passphrase"), inp.secret("new passphrase", new=True))
    print("Passphrase changed.", file=out)
    return 0


def _as_of(args: argparse.Namespace) -> datetime:
    from csec_desktop.errors import FieldProblem
    from csec_desktop.rules import LEGAL_ZONE

    try:
        as_of = datetime.fromisoformat(args.as_of) if args.as_of else datetime.now(LEGAL_ZONE)
    except ValueError:
        raise ValidationFailed([FieldProblem("--as-of", "is not an ISO 8601 instant")]) from None
    if as_of.tzinfo is None:
        raise ValidationFailed([FieldProblem("--as-of", "needs a UTC offset, e.g. 2026-11-28T09:00-08:00")])
    if not 1900 <= as_of.year <= 2200:  # the rules count years and days from it: year 1 or 9999 overflows
        raise ValidationFailed([FieldProblem("--as-of", "is a year from 1900 to 2200")])
    return as_of


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from csec_desktop import today  # noqa: F401 - loads every module that registers rules
    from csec_desktop.rules import REGISTRY

    if args.changes:
        return _law_changes(None, args, out)
    infos = sorted(REGISTRY.info.values(), key=lambda i: i.rule_id)
    if args.json:
        json.dump([i.to_json() for i in infos], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    for info in infos:
        print(f"{info.rule_id}\t{info.citation}\tlaw as of {info.law_as_of.isoformat()}\t"
              f"{info.confidence.value}\t{info.summary}", file=out)
    return 0


def _document(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    from csec_desktop.documents import jobs
    from csec_desktop.errors import FieldProblem

    if args.list:
        for kind in jobs.DOCUMENTS.values():
            print(f"{kind.kind}\t{kind.title}", file=out)
        return 0
    missing = [FieldProblem(name, "is required to export a document")
               for name, value in (("name", args.name), ("--youth", args.youth), ("--out", args.out),
                                   ("--purpose", args.purpose)) if not value]
    if missing:
        raise ValidationFailed(missing, record="document")
    from csec_desktop.documents.page import DOCUMENT_LANGUAGES

    if args.lang not in DOCUMENT_LANGUAGES:
        raise ValidationFailed([FieldProblem("--lang", f"is one of {', '.join(DOCUMENT_LANGUAGES)}")],
                               record="document")
    item = args.petition or None
    chosen = jobs.DOCUMENTS.get(args.name)
    if chosen is not None and chosen.item_kind == "vacatur_case" and not item:
        raise ValidationFailed([FieldProblem("--petition", "name the petition (a vacatur case id) to print; "
                                             "a youth may have several")], record="document")
    size = jobs.export(vault, args.name, args.youth, args.purpose, args.out, lang=args.lang, item=item,
                       overwrite=args.force)
    print(f"Wrote {args.out} ({size:,} bytes); the export is in the audit trail.", file=out)
    return 0


def _forms(args: argparse.Namespace, out: TextIO) -> int:
    from csec_desktop import formspec

    files = args.files or sorted(formspec.forms_dir().glob("*.yaml"))
    bad = 0
    for path in files:
        try:
            spec = formspec.load_file(path)
        except formspec.FormError as exc:
            print(f"error: {exc}", file=sys.stderr)
            bad += 1
            continue
        fields = sum(1 for _ in spec.fields())
        print(f"ok: {path.name}: {spec.id} version {spec.version}, {len(spec.steps)} steps, {fields} fields",
              file=out)
    return EXIT_ERROR if bad else 0


def _law_changes(vault: Vault | None, args: argparse.Namespace, out: TextIO) -> int:
    """`csec rules --changes`: the window's "Law changes" page (usecases.law.upcoming); with --user, how many
    youth in that person's caseload each change touches."""
    from csec_desktop.usecases import law as law_screen

    found = law_screen.upcoming(vault, _as_of(args))
    if args.json:
        json.dump([r.to_json() for r in found.rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    for r in found.rows:
        c = r.change
        touched = "" if not found.counted else \
            f"\t{r.youth} youth" if r.youth is not None else "\tyouth: not recorded"
        print(f"{c.day.isoformat() if c.day else 'date NOT CONFIRMED'}\t{c.confidence.value}"
              f"{' (pending bill)' if c.pending else ''}\t{c.source}\t{c.title}{touched}", file=out)
    return 0


def _youth_rules(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    """Every finding for one youth at an instant; with --json, each eligibility finding's state
    (eligible, not_eligible, cannot_tell) and missing facts, and the per-count vacatur verdicts.
    With --changes (and --user), the law changes ahead counted over the caseload."""
    if args.changes:
        return _law_changes(vault, args, out)
    from csec_desktop import caseload, today, vacatur
    from csec_desktop.domain.vacatur import CriminalCount
    from csec_desktop.domain.youth import Youth

    as_of = _as_of(args)
    found = today.for_youth(vault, args.youth, as_of)
    if args.json:
        youth = caseload.get_youth(vault, args.youth, audit=False).body
        assert isinstance(youth, Youth)
        verdicts = []
        for record in caseload.attached(vault, args.youth, "criminal_count"):
            if not isinstance(record.body, CriminalCount):
                continue
            answer = vacatur.assess(record.body, youth)
            state = VACATUR_STATE.get(answer.answer.value, "cannot_tell")
            verdicts.append({
                "count_id": record.id, "label": record.body.label(), "answer": answer.answer.value,
                "state": state, "missing": ["an attorney's review of the facts of this count"]
                if state == "cannot_tell" else [],
                "why": [str(w) for w in answer.why], "citations": list(answer.citations),
                "standard": str(answer.standard) if answer.standard else None})
        json.dump({"youth_id": args.youth, "as_of": as_of.isoformat(),
                   "findings": [f.to_json() for f in found],
                   "eligibility": [f.to_json() for f in found if f.state is not None],
                   "vacatur": verdicts}, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    for f in found:
        due = f.due.isoformat() if f.due else "-"
        state = f.state.value if f.state else ("done" if f.done else f.kind.value)
        print(f"{state}\t{due}\t{f.rule_id}\t{f.title}\t{f.citation}\t{f.confidence.value}", file=out)
    return 0


VACATUR_STATE = {"eligible": "eligible", "not_eligible": "not_eligible", "review": "cannot_tell",
                 "correct_record": "not_eligible"}
"""A count's vacatur answer as one of the three states ("review": an attorney decides on facts the
record does not hold; "correct_record": no petition, the record is an error to correct)."""


def _today(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    from datetime import datetime

    from csec_desktop.rules import LEGAL_ZONE
    from csec_desktop.usecases import today as today_screen

    now = datetime.now(LEGAL_ZONE)
    found = today_screen.whole(vault, now)
    if args.json:
        json.dump([i.to_json() for i in found], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return 0
    for item in found:
        f = item.finding
        due = f.due.strftime("%Y-%m-%d") if f.due else "-"
        state = "OVERDUE" if f.overdue(now) else "due"
        print(f"{state}\t{due}\t{f.youth_id}\t{f.rule_id}\t{f.title}\t{f.citation}", file=out)
    return 0


def _youth_add(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    """Intake for county IT: the window's validation and duplicate check."""
    data = transfer.read_json(args.file)
    if not isinstance(data, dict):
        raise ValidationFailed([errors.FieldProblem("file", "must hold one JSON object (the youth)")])
    found = intake.duplicates(vault, data)
    if found.any and not args.not_a_duplicate:
        if args.json:
            json.dump({"created": None, "possible_duplicates": [
                {**m.youth.to_json(), "why": m.why} for m in found.matches],
                "outside_your_caseload": found.hidden}, out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            for m in found.matches:
                print(f"possible duplicate ({m.why}): {m.youth.id}\t{m.youth.name}\t{m.youth.date_of_birth}",
                      file=out)
            if found.hidden:
                print(f"{found.hidden} close match(es) outside your caseload: ask a supervisor", file=out)
            print("Nothing created. Open the existing record, or add --not-a-duplicate.", file=out)
        return EXIT_DUPLICATE
    record = intake.create(vault, data)
    if args.json:
        json.dump({"created": record.id, "possible_duplicates": [], "outside_your_caseload": found.hidden},
                  out, indent=1)
        out.write("\n")
    else:
        print(f"Created {record.id}.", file=out)
    return 0


def _youth(vault: Vault, args: argparse.Namespace, inp: _Stdin, out: TextIO) -> int:
    return _youth_add(vault, args, inp, out)


def _directory(vault: Vault, args: argparse.Namespace, out: TextIO) -> int:
    """`csec directory import FILE.csv`: the same preview and apply as the window's import."""
    from csec_desktop import directory

    try:
        with args.file.open("rb") as handle:  # bounded: /dev/zero or a huge file is refused, not read
            content = handle.read(directory.MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise CsecError(f"Cannot read {args.file}: {exc.strerror or exc}") from None
    previewed = directory.preview(vault, content)
    for problem in previewed.header_problems:
        print(_shown(f"{args.file.name}: {problem.field}: {problem.message}"), file=out)
    for row in previewed.bad:
        for problem in row.problems:
            print(_shown(f"{args.file.name}: line {row.line}: {problem.field}: {problem.message}"), file=out)
    if previewed.header_problems:
        print("Nothing imported: fix the header first.", file=out)
        return EXIT_ERROR
    good = previewed.good
    if args.dry_run:
        print(f"{len(good)} row(s) would be imported, {len(previewed.bad)} refused; nothing written.",
              file=out)
        return 0 if not previewed.bad else EXIT_ERROR
    added, updated = directory.apply(vault, previewed)
    print(f"Added {added}, updated {updated}, refused {len(previewed.bad)}.", file=out)
    return 0 if not previewed.bad else EXIT_ERROR


COMMANDS: dict[str, Handler] = {
    "youth": _youth,
    "rules": _youth_rules,
    "document": _document,
    "directory": lambda vault, args, inp, out: _directory(vault, args, out),
    "today": _today,
    "users": _users, "demo": _demo, "search": _search, "export": _export, "import": _import,
    "audit": _audit, "backup": _backup, "rotate-key": _rotate, "passwd": _passwd,
    "undelivered": _undelivered,
    "report": _report,
    "list": _list,
}

__all__ = ["PermissionDenied", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
