"""Logs county IT can read and a youth need not fear.

One rotating file, `<data folder>/logs/csec-desktop.log` (1 MiB x 5 kept, mode 0600 in a
0700 folder), written through `RedactingFilter`, which is an allow-list:

- the message is the **template** our code wrote (`record.msg`, a string literal; a test
  fails on a logging call whose message is not one), never a preformatted string;
- an argument is written only when it is *safe*: int, float, bool, None, an enum (its value
  or name), a UUID, a date or datetime, an exception type, an exception (its type only), or
  a short identifier string (`^[a-z0-9_.:-]{1,64}$`: user names such as `casey`, record
  kinds, versions) or an ISO date string. Anything else, paths and free text included,
  becomes `<redacted>`. Callers must still not pass a youth's name as an argument: a
  lower-case single word would pass as an identifier;
- messages of other libraries (httpx...) keep their template only: their string
  arguments are always redacted, numbers kept (an HTTP status);
- an exception is written as its type and the frames it passed through (file, line,
  function, from `traceback.extract_tb`), never its message, notes or locals: the message
  of a KeyError or a ValidationError can hold a name or a value.

The filter does not change the record (other handlers, and tests' caplog, see it as it
was): it attaches the redacted text, and the file's formatter writes only that.

Crash reports (`write_crash_report`) and `faults.log` (`install_faulthandler`, frames only,
written by the interpreter on a fatal signal) sit beside the log.

Nothing here imports Qt; setting up costs a few milliseconds and creates no file until the
first line is written (the CLI calls `setup` for every command).
"""

from __future__ import annotations

import contextlib
import enum
import faulthandler
import io
import logging
import logging.handlers
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from csec_desktop import APP_NAME, __version__
from csec_desktop.paths import PROJECT_ROOT

LOG_DIR = "logs"
LOG_FILE = "csec-desktop.log"
FAULTS_FILE = "faults.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 5
CRASH_REPORTS_KEPT = 20
REDACTED = "<redacted>"

OWN_LOGGERS = ("csec", "csec_desktop", "ui")
"""Loggers of our own code (by name and their children): templates are ours, and their
safe arguments are written. `logging.getLogger(__name__)` in our modules is one of these."""

_IDENTIFIER = re.compile(r"[a-z0-9_.:-]{1,64}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_CRASH_NAME = re.compile(r"crash-\d{8}T\d{6}Z(?:-\d{1,3})?\.txt")
_SPEC = re.compile(r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?"
                   r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")
_MAX_TEMPLATE = 500
_MAX_FRAMES = 60
_MISSING = object()


# What may be written ------------------------------------------------------------


def _type_name(kind: type[Any]) -> str:
    module = getattr(kind, "__module__", "")
    name = getattr(kind, "__qualname__", None) or getattr(kind, "__name__", "?")
    return str(name) if module in ("builtins", "", None) else f"{module}.{name}"


def safe_text(value: Any, *, own: bool = True) -> str | None:
    """`value` as text when it is safe to write, else None.

    `own=False` (another library's argument): numbers and types only, never a string.
    """
    kind = type(value)
    if value is None or kind in (bool, int, float):
        return str(value)
    if isinstance(value, type) and issubclass(value, BaseException):
        return _type_name(value)
    if isinstance(value, BaseException):
        return f"<{_type_name(kind)}>"
    if isinstance(value, enum.Enum):
        inner = value.value
        if type(inner) in (bool, int, float) or (
                own and isinstance(inner, str) and _IDENTIFIER.fullmatch(inner)):
            return str(inner)
        return value.name if _IDENTIFIER.fullmatch(value.name.lower()) else None
    if not own:
        return None
    if kind is str:
        if _IDENTIFIER.fullmatch(value) or _UUID.fullmatch(value) or _ISO_DATE.fullmatch(value) \
                or _CRASH_NAME.fullmatch(value):
            return str(value)
        return None
    if kind in (date, datetime):
        return str(value.isoformat())
    uuid_module = sys.modules.get("uuid")  # no UUID can exist before the module is loaded
    if uuid_module is not None and kind is uuid_module.UUID:
        return str(value)
    return None


def _render_arg(value: Any, match: re.Match[str], own: bool) -> str:
    if value is _MISSING:
        return "<missing>"
    text = safe_text(value, own=own)
    if text is None:
        return REDACTED
    if type(value) in (int, float) and match["conv"] not in "sra":
        spec = "%" + match["flags"] + (match["width"] or "").replace("*", "") + (
            "." + match["precision"] if match["precision"] and match["precision"] != "*" else "") \
            + match["conv"]
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            return str(spec % (value,))
    return text


def render_message(template: Any, args: Any, *, own: bool = True) -> str:
    """The message as `logging` would build it, with every unsafe argument redacted."""
    if not isinstance(template, str):
        return f"<redacted {_type_name(type(template))}>"
    text: str = template if len(template) <= _MAX_TEMPLATE else template[:_MAX_TEMPLATE] + "…"
    if not args:
        return text  # logging applies no %-formatting without arguments
    mapping = args if isinstance(args, Mapping) else None
    positional: Iterator[Any] = iter((args,) if mapping is not None else
                                     (args if isinstance(args, tuple) else (args,)))
    out: list[str] = []
    pos = 0
    for match in _SPEC.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        if match["conv"] == "%":
            out.append("%")
            continue
        for star in (match["width"], match["precision"]):
            if star == "*" and mapping is None:
                next(positional, None)
        if match["key"] is not None:
            value = mapping.get(match["key"], _MISSING) if mapping is not None else _MISSING
        else:
            value = next(positional, _MISSING)
        out.append(_render_arg(value, match, own))
    out.append(text[pos:])
    return "".join(out)


# Tracebacks without data ---------------------------------------------------------


def _short_path(filename: str) -> str:
    """A file name without the folders above the program (which can hold a user's name)."""
    if filename.startswith("<"):
        return filename
    path = Path(filename)
    with contextlib.suppress(ValueError):
        return path.relative_to(PROJECT_ROOT).as_posix()
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(marker):])
    for prefix in (sys.base_prefix, sys.prefix):
        with contextlib.suppress(ValueError):
            return "python/" + path.relative_to(prefix).as_posix()
    return path.name


def safe_frames(tb: TracebackType | None) -> list[str]:
    """`File "x.py", line 3, in fn` for every frame: no source text, no locals, no message."""
    frames = traceback.extract_tb(tb)
    lines = [f'  File "{_short_path(f.filename)}", line {f.lineno}, in {f.name}' for f in frames]
    if len(lines) > _MAX_FRAMES:
        cut = len(lines) - _MAX_FRAMES
        lines = [*lines[:10], f"  ... {cut} frames left out ...", *lines[10 + cut:]]
    return lines


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and the ones it came from, oldest first; each but the first with the
    sentence that links it to the one before (as Python prints them)."""
    newest_first: list[BaseException] = [exc]
    links: list[str] = []  # links[i]: how newest_first[i + 1] led to newest_first[i]
    seen = {id(exc)}
    current = exc
    while len(newest_first) < 8:
        if current.__cause__ is not None:
            older, link = current.__cause__, "The above exception was the direct cause of:"
        elif current.__context__ is not None and not current.__suppress_context__:
            older, link = current.__context__, "During handling of the above exception:"
        else:
            break
        if id(older) in seen:
            break
        seen.add(id(older))
        newest_first.append(older)
        links.append(link)
        current = older
    oldest_first = newest_first[::-1]
    return [(item, links[len(oldest_first) - 1 - i] if i else "") for i, item in enumerate(oldest_first)]


def safe_exception(exc_type: type[BaseException] | None, exc: BaseException | None,
                   tb: TracebackType | None) -> str:
    """A traceback of types and frames only (the exception's message is never read)."""
    lines: list[str] = []
    if exc is None:
        lines.append("Traceback (file, line and function only; messages left out):")
        lines += safe_frames(tb)
        lines.append(_type_name(exc_type) if exc_type is not None else "unknown error")
        return "\n".join(lines)
    for item, link in _chain(exc):
        if link:
            lines += ["", link, ""]
        lines.append("Traceback (file, line and function only; messages left out):")
        lines += safe_frames(item.__traceback__ if item is not exc or tb is None else tb)
        lines.append(_type_name(type(item)))
        if isinstance(item, BaseExceptionGroup):
            for number, sub in enumerate(item.exceptions[:10], 1):
                lines.append(f"  sub-exception {number}: {_type_name(type(sub))}")
                lines += ["  " + line for line in safe_frames(sub.__traceback__)]
    return "\n".join(lines)


# The filter and the file ---------------------------------------------------------


@dataclass(frozen=True)
class Redacted:
    message: str
    exception: str


def is_own(logger_name: str) -> bool:
    return any(logger_name == p or logger_name.startswith(p + ".") for p in OWN_LOGGERS)


def redact(record: logging.LogRecord) -> Redacted:
    own = is_own(record.name)
    message = render_message(record.msg, record.args, own=own)
    exception = ""
    if record.exc_info and record.exc_info[0] is not None:
        exc_type, exc, tb = record.exc_info
        exception = safe_exception(exc_type, exc, tb)
    return Redacted(message, exception)


class RedactingFilter(logging.Filter):
    """Attaches the redacted text to the record (`record.csec_redacted`); changes nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.csec_redacted = redact(record)
        return True


class RedactedFormatter(logging.Formatter):
    """Writes the time (UTC), level, logger and the redacted text, and nothing else.

    Never `record.getMessage()`, `exc_text` (another handler may have filled it with the
    full traceback) or `stack_info`.
    """

    def format(self, record: logging.LogRecord) -> str:
        safe = getattr(record, "csec_redacted", None)
        if not isinstance(safe, Redacted):
            safe = redact(record)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line = (f"{stamp}.{int(record.msecs):03d}Z {record.levelname} {record.name} "
                f"[{record.process}]: {safe.message}")
        return f"{line}\n{safe.exception}" if safe.exception else line


def _private_dir(folder: Path) -> Path:
    """`folder/logs`, made 0700 (and the data folder too when we are the ones making it)."""
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    logs = folder / LOG_DIR
    logs.mkdir(mode=0o700, exist_ok=True)
    if os.name != "nt":
        with contextlib.suppress(OSError):
            logs.chmod(0o700)
    return logs


def _open_private(path: Path, flags: int) -> int:
    fd = os.open(path, flags | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
    if os.name != "nt":
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o600)  # a file made earlier with wider permissions
    return fd


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Opens (and after each rotation re-opens) the file 0600 in a 0700 folder, on first use."""

    def __init__(self, folder: Path, max_bytes: int, backups: int) -> None:
        self.data_folder = folder
        super().__init__(folder / LOG_DIR / LOG_FILE, maxBytes=max_bytes, backupCount=backups,
                         encoding="utf-8", delay=True)

    def _open(self) -> io.TextIOWrapper:
        _private_dir(self.data_folder)
        fd = _open_private(Path(self.baseFilename), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


_lock = threading.Lock()
_handler: PrivateRotatingFileHandler | None = None
_faults: tuple[Path, IO[bytes]] | None = None


def log_folder(folder: Path) -> Path:
    return folder / LOG_DIR


def setup(folder: Path, *, level: int = logging.INFO, max_bytes: int = MAX_BYTES,
          backups: int = BACKUPS) -> Path:
    """Send the root logger (ours and other libraries') to `folder/logs/csec-desktop.log`.

    Calling it again for the same folder changes only the level; for another folder, the
    log moves there. No file is made until the first line is written.
    """
    global _handler
    folder = Path(folder).absolute()
    path = folder / LOG_DIR / LOG_FILE
    root = logging.getLogger()
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) == path \
                and _handler in root.handlers:
            _handler.setLevel(level)
            root.setLevel(level)
            return path
        _remove_handler(root)
        handler = PrivateRotatingFileHandler(folder, max_bytes, backups)
        handler.setLevel(level)
        handler.addFilter(RedactingFilter())
        handler.setFormatter(RedactedFormatter())
        root.addHandler(handler)
        root.setLevel(level)
        _handler = handler
    return path


def _remove_handler(root: logging.Logger) -> None:
    global _handler
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
        _handler = None


def close() -> None:
    """Stop writing the log and faults.log (tests; the process's exit does it otherwise)."""
    global _faults
    with _lock:
        _remove_handler(logging.getLogger())
        if _faults is not None:
            faulthandler.disable()
            _faults[1].close()
            _faults = None


def install_faulthandler(folder: Path) -> Path:
    """On a fatal error (a crash in Qt, a segfault) the interpreter writes the frames of each
    thread (file, line, function: no values) to `logs/faults.log`, kept open for that."""
    global _faults
    folder = Path(folder).absolute()
    logs = _private_dir(folder)
    path = logs / FAULTS_FILE
    with _lock:
        if _faults is not None and _faults[0] == path and faulthandler.is_enabled():
            return path
        if _faults is not None:
            faulthandler.disable()
            _faults[1].close()
            _faults = None
        with contextlib.suppress(OSError):
            if path.stat().st_size > MAX_BYTES:
                os.replace(path, path.with_name(FAULTS_FILE + ".1"))
        handle = open(_open_private(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "ab")  # noqa: SIM115
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        handle.write(f"--- {APP_NAME} {__version__} started {stamp}, process {os.getpid()}\n".encode())
        handle.flush()
        faulthandler.enable(file=handle, all_threads=True)
        _faults = (path, handle)
    return path


# Crash reports -------------------------------------------------------------------


def write_crash_report(folder: Path, exc_type: type[BaseException] | None,
                       exc: BaseException | None, tb: TracebackType | None) -> Path:
    """`logs/crash-YYYYmmddTHHMMSSZ.txt` (0600): the version, Python and platform, the
    error's type and its frames. No message, no value, no record. Returns its path."""
    import platform

    logs = _private_dir(Path(folder).absolute())
    now = time.gmtime()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", now)
    body = "\n".join([
        f"{APP_NAME} crash report",
        f"Written: {time.strftime('%Y-%m-%dT%H:%M:%SZ', now)}",
        f"Version: {__version__}{' (installed build)' if getattr(sys, 'frozen', False) else ''}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"Platform: {platform.platform()} ({sys.platform})",
        f"Thread: {'main' if threading.current_thread() is threading.main_thread() else 'other'}",
        "",
        "No case information is in this report. Error messages, values and local variables",
        "are left out on purpose: only the kind of error and where in the program it",
        "happened. Send this file to county IT.",
        "",
        f"Error: {_type_name(exc_type) if exc_type is not None else 'unknown'}",
        safe_exception(exc_type, exc, tb),
        "",
    ]).encode("utf-8")
    for attempt in range(1, 1000):
        path = logs / (f"crash-{stamp}.txt" if attempt == 1 else f"crash-{stamp}-{attempt}.txt")
        try:
            fd = _open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        break
    else:
        raise FileExistsError(f"{logs}: too many crash reports this second")
    _prune_crash_reports(logs)
    return path


def _prune_crash_reports(logs: Path) -> None:
    reports = []
    for report in logs.glob("crash-*.txt"):
        with contextlib.suppress(OSError):
            if _CRASH_NAME.fullmatch(report.name):
                reports.append((report.stat().st_mtime, report.name, report))
    for _mtime, _name, old in sorted(reports)[:-CRASH_REPORTS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
