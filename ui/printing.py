"""Preview and print documents from the PDF bytes in memory; nothing is written to disk by us.

The preview draws a page only when it scrolls into view and keeps a few drawn pages, so a
100-page packet costs what the visible pages cost. Printing goes one of two ways:
- to a CUPS queue, the PDF itself (csec_desktop/print_queue.py): text stays vector and CUPS
  applies the page range and copies;
- to any other printer, each page is rendered with pdfium and painted, one page at a time,
  so memory stays flat in the page count.
The print job's name is the document's neutral title, never a youth's name; printing to a file
is switched off in the dialog (saving a file is the audited export instead).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPagedPaintDevice,
    QPageSize,
    QPainter,
    QPaintEvent,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from csec_desktop import print_queue
from csec_desktop.documents.page import DOCUMENT_LANGUAGES
from csec_desktop.text import say
from ui.i18n import N_, _, bind, language

PREVIEW_DPI = 96
PRINT_DPI = 300
PREVIEW_KEPT = 6  # drawn preview pages kept; the others are drawn again when scrolled back to


def page_image(document: pdfium.PdfDocument, index: int, dpi: int) -> QImage:
    """One page as an image of its own, rendered from the document in memory."""
    with rendered(document, index, dpi) as image:
        return image.copy()  # .copy(): Qt owns the pixels once pdfium's bitmap is gone


@contextmanager
def rendered(document: pdfium.PdfDocument, index: int, dpi: int) -> Iterator[QImage]:
    """One page as an image over pdfium's own bitmap (no copy), valid inside the block only."""
    page = document[index]
    bitmap = page.render(scale=dpi / 72)
    try:
        yield QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_BGR888)
    finally:
        bitmap.close()
        page.close()


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_size(pdf: bytes) -> tuple[float, float]:
    """The first page's width and height in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        width, height = document.get_page_size(0)
        return width, height
    finally:
        document.close()


def paint(device: QPagedPaintDevice, pdf: bytes, first: int = 1, last: int | None = None,
          copies: int = 1) -> int:
    """Paint pages first..last (1-based) onto a printer or any paged device, `copies` times
    (collated), one page in memory at a time; returns how many pages were painted."""
    document = pdfium.PdfDocument(pdf)
    painter = QPainter()
    painted = 0
    try:
        last = min(last or len(document), len(document))
        if first < 1 or first > last:
            raise RuntimeError(_("There is no page {first} to {last} in this document.").format(
                first=first, last=last))
        if not painter.begin(device):
            raise RuntimeError(_("The printer could not be started."))
        try:
            for _copy in range(max(copies, 1)):
                for index in range(first - 1, last):
                    if painted:
                        device.newPage()
                    with rendered(document, index, PRINT_DPI) as image:
                        # Actual size: 1 PDF point = 1/72 inch on paper, centred in the printable area.
                        scale = device.logicalDpiX() / PRINT_DPI
                        width, height = image.width() * scale, image.height() * scale
                        x = max((device.width() - width) / 2, 0)
                        y = max((device.height() - height) / 2, 0)
                        painter.drawImage(QRectF(x, y, width, height), image)
                    painted += 1
        finally:
            painter.end()
    finally:
        document.close()
    return painted


class PageView(QWidget):
    """A page of the preview: sized from the PDF, drawn when it is first painted on screen."""

    def __init__(self, pages: PreviewPages, index: int, size: QSize) -> None:
        super().__init__()
        self.pages, self.index = pages, index
        self.setFixedSize(size)
        self.setAccessibleName(_("Page {n}").format(n=index + 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if not self.pages.closed:
            painter.drawPixmap(0, 0, self.pages.pixmap(self.index))
        painter.end()


class PreviewPages:
    """The open document and the few pages drawn last (least recently shown dropped first)."""

    def __init__(self, pdf: bytes) -> None:
        self.document = pdfium.PdfDocument(pdf)
        self.drawn: OrderedDict[int, QPixmap] = OrderedDict()
        self.closed = False

    def __len__(self) -> int:
        return len(self.document)

    def size(self, index: int) -> QSize:
        width, height = self.document.get_page_size(index)
        return QSize(round(width * PREVIEW_DPI / 72), round(height * PREVIEW_DPI / 72))

    def pixmap(self, index: int) -> QPixmap:
        if index in self.drawn:
            self.drawn.move_to_end(index)
        else:
            self.drawn[index] = QPixmap.fromImage(page_image(self.document, index, PREVIEW_DPI))
            while len(self.drawn) > PREVIEW_KEPT:
                self.drawn.popitem(last=False)
        return self.drawn[index]

    def close(self) -> None:
        self.closed = True  # a page widget still waiting to be deleted draws nothing
        self.drawn.clear()
        self.document.close()


class DocumentView(QDialog):
    """Non-modal preview with Print, Save as PDF (an audited export) and a language choice."""

    printed = Signal(int)  # pages
    export_requested = Signal(str, str)  # purpose, language
    language_changed = Signal(str)

    def __init__(self, parent: QWidget | None, pdf: bytes, title: str, *, allow_export: bool,
                 lang: str | None = None, why_no_export: str = "", languages: bool = True) -> None:
        """`why_no_export`: a message marked for translation, said where the export would be, when
        the person's role may not export (not for a paper no one exports, such as the recovery key).
        `languages`: False for a document made in one language only (no choice offered)."""
        super().__init__(parent)
        self.pdf = pdf
        self.title = title
        self.setWindowTitle(title)  # a neutral document title, never a name
        self.pages = QWidget()
        self.pages_box = QVBoxLayout(self.pages)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self.pages)
        bind(area, "setAccessibleName", N_("Document preview"))
        self.language_box = QComboBox()
        for code, name in DOCUMENT_LANGUAGES.items():
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(max(self.language_box.findData(lang or language()), 0))
        bind(self.language_box, "setAccessibleName", N_("Document language"))
        self.language_box.currentIndexChanged.connect(
            lambda _i: self.language_changed.emit(self.language_box.currentData()))
        self.print_button = QPushButton()
        bind(self.print_button, "setText", N_("&Print…"))
        self.purpose = QLineEdit()
        bind(self.purpose, "setAccessibleName", N_("Purpose of the export"))
        bind(self.purpose, "setPlaceholderText", N_("Why this document leaves the vault (required)"))
        purpose_label = QLabel()
        bind(purpose_label, "setText", N_("P&urpose"))
        purpose_label.setBuddy(self.purpose)
        self.export_button = QPushButton()
        bind(self.export_button, "setText", N_("&Save as PDF file…"))
        self.close_button = QPushButton()
        bind(self.close_button, "setText", N_("&Close"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        # Room for two lines kept whether or not anything is said: as the line came and went, the
        # buttons moved under the pointer and a click meant for Close printed.
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing())
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        bind(self.message, "setAccessibleName", N_("Document message"))
        language_label = QLabel()
        bind(language_label, "setText", N_("&Language"))
        language_label.setBuddy(self.language_box)
        form = QFormLayout()
        if languages:
            form.addRow(language_label, self.language_box)
        else:
            language_label.hide()
            self.language_box.hide()
            if lang and lang != "en":  # deliberate, and said: a Spanish window previewed English unexplained
                only = QLabel()
                only.setWordWrap(True)
                bind(only, "setText", N_("This document is made in English only, as the county and the state "
                                         "read it."))
                form.addRow(only)
        self.export_note = QLabel()  # why there is no "Save as PDF file" (it was missing unexplained)
        self.export_note.setWordWrap(True)
        if allow_export:
            form.addRow(purpose_label, self.purpose)
        else:
            purpose_label.hide()
            self.purpose.hide()
            self.export_button.hide()
            if why_no_export:
                bind(self.export_note, "setText", why_no_export)
                form.addRow(self.export_note)
        buttons = QHBoxLayout()
        for button in (self.print_button, self.export_button, self.close_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(area, 1)
        box.addLayout(form)
        box.addLayout(buttons)
        box.addWidget(self.message)
        self.print_button.clicked.connect(self.print_document)
        self.export_button.clicked.connect(self._export)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Print, self).activated.connect(lambda: self.print_document())
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A letter page at preview resolution is 816 px wide; on a laptop the preview is only as tall
        # as the screen leaves room for, so its buttons and the export purpose stay on screen.
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 60 if screen is not None else 900
        self.resize(900, max(480, min(900, room)))
        self.preview: PreviewPages | None = None
        self.show_pdf(pdf)

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        while self.pages_box.count():
            item = self.pages_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if self.preview is not None:
            self.preview.close()
        self.preview = PreviewPages(pdf)
        for index in range(len(self.preview)):
            self.pages_box.addWidget(PageView(self.preview, index, self.preview.size(index)),
                                     alignment=Qt.AlignmentFlag.AlignHCenter)
        self.pages_box.addStretch(1)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.preview is not None:
            self.preview.close()
        super().closeEvent(event)

    def print_document(self, dialog_runner: Callable[[QPrintDialog], int] | None = None) -> None:
        pages = page_count(self.pdf)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        # The paper the document was made for, and the whole sheet as the painter's area: the
        # document has its own margins, and a court paper's lines must not move or shrink.
        width, height = page_size(self.pdf)
        printer.setPageSize(QPageSize(QSizeF(width, height), QPageSize.Unit.Point))
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        dialog.setMinMax(1, pages)
        run = dialog_runner or (lambda d: d.exec())
        if int(run(dialog)) != QDialog.DialogCode.Accepted.value:
            self.message.setText(_("Not printed."))
            return
        first, last = 1, pages
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), min(max(printer.toPage(), printer.fromPage()), pages)
        copies = max(printer.copyCount(), 1)
        try:
            if (printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
                    and print_queue.accepts_pdf(printer.printerName())):
                print_queue.send(self.pdf, print_queue.PrintJob(
                    queue=printer.printerName(), title=self.title, copies=copies,
                    first_page=first if (first, last) != (1, pages) else None,
                    last_page=last if (first, last) != (1, pages) else None,
                    collate=printer.collateCopies(), media=print_queue.media_of(self.pdf)))
            else:
                # A device that makes its own copies is asked once; otherwise every copy is painted.
                paint(printer, self.pdf, first, last, 1 if printer.supportsMultipleCopies() else copies)
        except print_queue.PrintError as error:
            self.message.setText(say(error.line, _))
            return
        except RuntimeError as error:
            self.message.setText(str(error))
            return
        sheets = (last - first + 1) * copies
        self.message.setText(_("Sent {n} page(s) to the printer.").format(n=sheets))
        self.printed.emit(sheets)

    def _export(self) -> None:
        if not self.purpose.text().strip():
            self.message.setText(_("Say why this document leaves the vault before saving it."))
            self.purpose.setFocus()
            return
        self.message.clear()  # the request to say why, answered: it stayed up after the save
        self.export_requested.emit(self.purpose.text().strip(), self.language_box.currentData())


def show_document(parent: QWidget, pdf: bytes, title: str, *, allow_export: bool,
                  lang: str | None = None) -> DocumentView:
    view = DocumentView(parent, pdf, title, allow_export=allow_export, lang=lang)
    view.show()
    return view
