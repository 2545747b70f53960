"""Hand a PDF to the system's print queue (CUPS) from memory, so text stays vector.

Where the print system takes PDF itself (CUPS on Linux and macOS), the document's bytes go to
`lp` on its standard input: nothing is written by us, the job is named by the document's neutral
title, and CUPS applies the page range and copies. Qt's own CUPS path would first write the
document to a temporary file and send pictures of the pages; that is the fallback for systems
without CUPS (the window paints the pages one at a time).

What CUPS keeps in its spool until the job is printed is the print system's, as with any
printed paper; docs/security.md says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import pypdfium2 as pdfium

from csec_desktop.errors import CsecError
from csec_desktop.text import Line, W

TIMEOUT_S = 60


class PrintError(CsecError):
    """The print system refused the job; `line` says what to do next, in any language."""

    def __init__(self, line: Line) -> None:
        super().__init__(str(line))
        self.line = line


@dataclass(frozen=True)
class PrintJob:
    queue: str
    title: str  # neutral: a document's kind, never a person's name
    copies: int = 1
    first_page: int | None = None  # 1-based, inclusive; None for the whole document
    last_page: int | None = None
    collate: bool = True
    media: str | None = None  # the paper the document was made for (see `media_of`)

    def command(self) -> list[str]:
        if self.copies < 1:
            raise PrintError(W("The number of copies must be at least 1."))
        args = ["lp", "-d", self.queue, "-t", self.title, "-n", str(self.copies)]
        if self.first_page is not None or self.last_page is not None:
            first = self.first_page or 1
            last = self.last_page or first
            if first < 1 or last < first:
                raise PrintError(W("The page range {first}-{last} is not valid.", first=first, last=last))
            args += ["-P", f"{first}-{last}"]
        if self.media:
            args += ["-o", f"media={self.media}"]
        args += ["-o", f"collate={'true' if self.collate else 'false'}", "--", "-"]
        return args


# CUPS media names by page size in points (rounded): without one, a queue whose default is A4
# shrinks a letter-size court paper onto A4 and the pleading lines no longer sit where they should.
MEDIA = {(612, 792): "Letter", (612, 1008): "Legal", (595, 842): "A4"}


def media_of(pdf: bytes) -> str | None:
    """The paper of the document's first page, when it is one CUPS names."""
    document = pdfium.PdfDocument(pdf)
    try:
        if not len(document):
            return None
        width, height = document.get_page_size(0)
    finally:
        document.close()
    return MEDIA.get((round(width), round(height)))


def queues() -> list[str]:
    """The print queues CUPS knows here; empty where there is no CUPS (or it is not running)."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def accepts_pdf(queue: str) -> bool:
    """Whether `queue` is a CUPS queue this machine can send a PDF to directly."""
    return bool(queue) and shutil.which("lp") is not None and queue in queues()


def send(pdf: bytes, job: PrintJob) -> str:
    """Send the PDF to the queue; returns the print system's job id (e.g. "Office-12")."""
    if not pdf.startswith(b"%PDF-"):
        raise PrintError(W("Only a PDF can be sent to the printer."))
    try:
        done = subprocess.run(job.command(), input=pdf, capture_output=True, timeout=TIMEOUT_S, check=False)
    except FileNotFoundError as error:
        raise PrintError(W("This computer has no print system (CUPS) to send the document to.")) from error
    except subprocess.TimeoutExpired as error:
        raise PrintError(W("The print system did not answer within a minute. Check the printer and try "
                           "again.")) from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrintError(W("The print system refused the document ({reason}). Check the printer and try "
                           "again.", reason=reason[-1] if reason else done.returncode))
    found = re.search(r"request id is (\S+)", done.stdout.decode("utf-8", "replace"))
    return found.group(1) if found else ""
