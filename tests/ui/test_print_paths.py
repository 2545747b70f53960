"""Printing as a clerk needs it (issue 24): the page range and copies chosen in the dialog are
the pages that come out, memory stays flat in the page count, and a CUPS queue gets the PDF
itself, so the printed packet keeps its pages, its paper size and its text."""

from __future__ import annotations

import os
import pwd
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from csec_desktop import print_queue
from csec_desktop.documents import jobs
from csec_desktop.storage.vault import Vault
from tests.core import vacatur_fixtures as fx
from ui.printing import DocumentView

ROOT = Path(__file__).resolve().parents[2]
# CI (.ci/run) sets up a CUPS queue that prints to PDF files (cups-pdf) and names it here.
QUEUE = os.environ.get("CSEC_PRINT_TEST_QUEUE", "")
REQUIRE_CUPS = os.environ.get("CSEC_REQUIRE_CUPS") == "1"


@pytest.fixture
def packet(admin: Vault) -> bytes:
    """A real vacatur packet: three counts over two court cases, each behind its cover."""
    attorney = fx.attorney_of(admin)
    try:
        youth_id = fx.youth(admin)
        case_id = fx.petition(attorney, youth_id, [fx.ADULT, fx.ADULT_2, fx.JUVENILE])
        return jobs.make(attorney, "vacatur_packet", youth_id, item=case_id)
    finally:
        attorney.close()


@pytest.fixture
def view(qtbot: QtBot, packet: bytes) -> Iterator[DocumentView]:
    shown = DocumentView(None, packet, "Vacatur packet", allow_export=False)
    qtbot.addWidget(shown)
    yield shown
    shown.close()


def _ink_by_row(pdf: bytes, index: int) -> list[int]:
    """How much ink each pixel row of a page holds, at 72 dpi: where its lines of text sit."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[index].render(scale=1, grayscale=True)
        pixels, width = bytes(bitmap.buffer), bitmap.stride
        return [width * 255 - sum(pixels[r * width:(r + 1) * width]) for r in range(bitmap.height)]
    finally:
        document.close()


def _likeness(a: list[int], b: list[int]) -> float:
    """Correlation of two pages' ink rows, allowing a shift of a pixel or two (a picture of a page
    is resampled when printed)."""
    return max(statistics.correlation(a[max(k, 0):len(a) + min(k, 0)], b[max(-k, 0):len(b) + min(-k, 0)])
               for k in range(-2, 3))


def _text(pdf: bytes, index: int) -> str:
    """A page's text, spaces folded; characters outside printable ASCII dropped (Ghostscript, which
    cups-pdf prints through, maps some glyphs such as "§" back to control codes)."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = document[index].get_textpage().get_text_range()
    finally:
        document.close()
    return " ".join("".join(c for c in text if " " <= c <= "~" or c.isspace()).split())


def test_the_page_range_and_copies_chosen_are_what_is_painted(view: DocumentView, tmp_path: Path) -> None:
    pages = len(pdfium.PdfDocument(view.pdf))
    assert pages >= 10
    out = tmp_path / "painted.pdf"

    def choose(dialog: QPrintDialog) -> int:
        assert (dialog.minPage(), dialog.maxPage()) == (1, pages)  # the range the dialog offers
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a device without a print system
        printer.setOutputFileName(str(out))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        printer.setCopyCount(2)
        return QDialog.DialogCode.Accepted.value

    printed: list[int] = []
    view.printed.connect(printed.append)
    view.print_document(choose)
    assert printed == [4] and "4 page" in view.message.text()
    painted = out.read_bytes()
    assert len(pdfium.PdfDocument(painted)) == 4
    source = [_ink_by_row(view.pdf, i) for i in (1, 2)]
    # Collated: pages 2, 3, 2, 3, each the page it should be, at its size, and not the other one.
    for index, expected in enumerate((0, 1, 0, 1)):
        got = _ink_by_row(painted, index)
        assert len(got) == len(source[expected])
        assert _likeness(got, source[expected]) > 0.9 > _likeness(got, source[1 - expected]) + 0.2


def test_painting_keeps_one_page_in_memory_at_a_time(tmp_path: Path) -> None:
    """Peak memory after 3 pages and after 30 more is the same within a page's worth, and the
    whole job stays within 150 MB over the process before printing."""
    script = """
import os, resource, sys
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrinter
from tests.benchmarks.documents import court_paper
from ui.printing import paint
app = QApplication([])
short, long = court_paper(12), court_paper(200)
def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def run(pdf, name):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(os.path.join(sys.argv[1], name))
    return paint(printer, pdf)
before = peak()
a = run(short, 'short.pdf'); after_short = peak()
b = run(long, 'long.pdf'); after_long = peak()
print(a, b, before, after_short, after_long)
"""
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                          cwd=ROOT, timeout=110, check=True)
    short, long, before, after_short, after_long = (float(v) for v in done.stdout.split())
    assert short <= 3 and long >= 30
    assert after_long - after_short < 25, done.stdout  # flat in the page count
    assert after_long - before < 150, done.stdout


def _cups_out() -> Path:
    return Path(os.environ.get("CSEC_PRINT_TEST_OUT") or Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF")


def _files(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.glob("*.pdf")} if folder.exists() else {}


def _printed_file(folder: Path, before: dict[Path, int], job: str) -> bytes:
    """The PDF cups-pdf writes for the job (a new file, or one it wrote again), once CUPS is done."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        waiting = subprocess.run(["lpstat", "-o", QUEUE], capture_output=True, text=True, check=False).stdout
        written = [path for path, stamp in _files(folder).items() if before.get(path) != stamp]
        if job not in waiting and written:
            pdf = written[-1].read_bytes()
            written[-1].unlink()
            return pdf
        time.sleep(0.3)
    raise AssertionError(f"CUPS did not print job {job} into {folder} within a minute")


@pytest.mark.skipif(not QUEUE and not REQUIRE_CUPS, reason="no CUPS test queue (CSEC_PRINT_TEST_QUEUE)")
def test_a_cups_queue_prints_the_packet_itself(view: DocumentView, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert QUEUE and print_queue.accepts_pdf(QUEUE), f"CUPS queue {QUEUE!r} is not there"
    folder = _cups_out()
    sent: list[str] = []
    real_send = print_queue.send
    monkeypatch.setattr(print_queue, "send", lambda pdf, job: sent.append(real_send(pdf, job)) or sent[-1])

    def run(first: int | None, last: int | None, copies: int) -> bytes:
        before = _files(folder)

        def choose(dialog: QPrintDialog) -> int:
            printer = dialog.printer()
            printer.setPrinterName(QUEUE)
            if first is not None and last is not None:
                printer.setPrintRange(QPrinter.PrintRange.PageRange)
                printer.setFromTo(first, last)
            printer.setCopyCount(copies)
            return QDialog.DialogCode.Accepted.value

        view.print_document(choose)
        assert sent and sent[-1].startswith(QUEUE), view.message.text()
        return _printed_file(folder, before, sent[-1])

    source = view.pdf
    pages = len(pdfium.PdfDocument(source))
    whole = run(None, None, 1)
    document = pdfium.PdfDocument(whole)
    assert len(document) == pages
    assert [round(v) for v in document.get_page_size(0)] == [612, 792]  # letter, as made
    for index in range(pages):  # vector text came through: a painted picture would have none
        assert _text(whole, index) == _text(source, index), f"page {index + 1}"
    assert "PETITION" in _text(whole, 1)
    # Pages 2-3, two copies: CUPS applies the range and the copies to the PDF it was given.
    part = run(2, 3, 2)
    assert [_text(part, i) for i in range(len(pdfium.PdfDocument(part)))] == [
        _text(source, 1), _text(source, 2), _text(source, 1), _text(source, 2)]
    assert "Sent 4 page(s)" in view.message.text()


def test_the_print_queue_command_and_its_refusals() -> None:
    job = print_queue.PrintJob(queue="Office", title="Vacatur packet", copies=2, first_page=3, last_page=5,
                               media="Letter")
    assert job.command() == ["lp", "-d", "Office", "-t", "Vacatur packet", "-n", "2", "-P", "3-5",
                             "-o", "media=Letter", "-o", "collate=true", "--", "-"]
    with pytest.raises(print_queue.PrintError, match="page range 5-3"):
        print_queue.PrintJob(queue="Office", title="t", first_page=5, last_page=3).command()
    with pytest.raises(print_queue.PrintError, match="copies"):
        print_queue.PrintJob(queue="Office", title="t", copies=0).command()
    with pytest.raises(print_queue.PrintError, match="Only a PDF"):
        print_queue.send(b"not a pdf", print_queue.PrintJob(queue="Office", title="t"))
    assert not print_queue.accepts_pdf("No such queue anywhere")


def test_a_long_preview_draws_only_the_pages_in_view(qtbot: QtBot) -> None:
    from tests.benchmarks.documents import court_paper
    from ui.printing import PREVIEW_KEPT

    shown = DocumentView(None, court_paper(700), "Court paper", allow_export=False)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    preview = shown.preview
    assert preview is not None and len(preview) >= 100
    qtbot.waitUntil(lambda: 0 in preview.drawn)  # the first page, on screen
    assert len(preview.drawn) <= PREVIEW_KEPT
    shown.close()
    assert preview.closed and not preview.drawn


def test_a_document_made_in_english_only_says_so_in_a_spanish_window(qtbot: QtBot, packet: bytes) -> None:
    """Spanish review, session 34: the program report's preview was English with no word that it is
    meant to be (the youth's documents offer a language; it offers none)."""
    from PySide6.QtWidgets import QLabel

    only = "made in English only"
    spanish = DocumentView(None, packet, "Program report", allow_export=False, lang="es", languages=False)
    english = DocumentView(None, packet, "Program report", allow_export=False, lang="en", languages=False)
    for shown in (spanish, english):
        qtbot.addWidget(shown)
    assert any(only in label.text() for label in spanish.findChildren(QLabel))
    assert not any(only in label.text() for label in english.findChildren(QLabel))
