"""Preview and print documents from the PDF bytes in memory; nothing is written to disk.

Pages are rendered with pdfium into images held in memory, shown in a scrolling
column, and painted onto the printer page by page. The print job's name is the
document's neutral title, never a youth's name; printing to a file is switched off
in the dialog (saving a file is the audited export instead).
"""

from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QKeySequence,
    QPagedPaintDevice,
    QPainter,
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

from csec_desktop.documents.page import DOCUMENT_LANGUAGES
from ui.i18n import N_, _, bind, language

PREVIEW_DPI = 96
PRINT_DPI = 300


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page as an image, rendered from the bytes in memory."""
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=dpi / 72)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_BGR888).copy()  # .copy(): Qt owns the pixels
            images.append(image)
            bitmap.close()
            page.close()
    finally:
        document.close()
    return images


def paint(device: QPagedPaintDevice, pdf: bytes) -> int:
    """Paint the pages onto a printer (or any paged device); returns how many were painted."""
    images = page_images(pdf, PRINT_DPI)
    painter = QPainter()
    if not painter.begin(device):
        raise RuntimeError(_("The printer could not be started."))
    try:
        for number, image in enumerate(images):
            if number:
                device.newPage()
            # Actual size: 1 PDF point = 1/72 inch on paper, centred in the printable area.
            scale = device.logicalDpiX() / PRINT_DPI
            width, height = image.width() * scale, image.height() * scale
            x = max((device.width() - width) / 2, 0)
            y = max((device.height() - height) / 2, 0)
            painter.drawImage(QRectF(x, y, width, height), image)
    finally:
        painter.end()
    return len(images)


class DocumentView(QDialog):
    """Non-modal preview with Print, Save as PDF (an audited export) and a language choice."""

    printed = Signal(int)  # pages
    export_requested = Signal(str, str)  # purpose, language
    language_changed = Signal(str)

    def __init__(self, parent: QWidget | None, pdf: bytes, title: str, *, allow_export: bool,
                 lang: str | None = None) -> None:
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
        bind(self.message, "setAccessibleName", N_("Document message"))
        language_label = QLabel()
        bind(language_label, "setText", N_("&Language"))
        language_label.setBuddy(self.language_box)
        form = QFormLayout()
        form.addRow(language_label, self.language_box)
        if allow_export:
            form.addRow(purpose_label, self.purpose)
        else:
            purpose_label.hide()
            self.purpose.hide()
            self.export_button.hide()
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
        self.show_pdf(pdf)

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        while self.pages_box.count():
            item = self.pages_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, image in enumerate(page_images(pdf, PREVIEW_DPI), start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(_("Page {n}").format(n=number))
            self.pages_box.addWidget(label, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.pages_box.addStretch(1)

    def print_document(self, dialog_runner: Callable[[QPrintDialog], int] | None = None) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        run = dialog_runner or (lambda d: d.exec())
        if int(run(dialog)) != QDialog.DialogCode.Accepted.value:
            self.message.setText(_("Not printed."))
            return
        try:
            pages = paint(printer, self.pdf)
        except RuntimeError as error:
            self.message.setText(str(error))
            return
        self.message.setText(_("Sent {n} page(s) to the printer.").format(n=pages))
        self.printed.emit(pages)

    def _export(self) -> None:
        if not self.purpose.text().strip():
            self.message.setText(_("Say why this document leaves the vault before saving it."))
            self.purpose.setFocus()
            return
        self.export_requested.emit(self.purpose.text().strip(), self.language_box.currentData())


def show_document(parent: QWidget, pdf: bytes, title: str, *, allow_export: bool,
                  lang: str | None = None) -> DocumentView:
    view = DocumentView(parent, pdf, title, allow_export=allow_export, lang=lang)
    view.show()
    return view
