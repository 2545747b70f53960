"""Preview and print from memory; export asks the purpose; locking closes every preview."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from csec_desktop.storage.vault import Vault
from tests.conftest import ADMIN_PASS
from tests.ui.test_accessibility import _labels_without_buddies, _unnamed
from tests.ui.test_shell import _open_first_youth, new_window
from ui import main_window
from ui.printing import DocumentView


def test_preview_print_export_and_lock(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = new_window(qtbot, tmp_path / "vault", 12, seed=8)
    try:
        youth_id, page = _open_first_youth(qtbot, win)
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win._views) == 1, timeout=10_000)
        view: DocumentView = win._views[0]
        assert view.windowTitle() == "Youth summary"  # never the youth's name
        assert view.pages_box.count() >= 2  # at least one page image and the stretch
        assert _unnamed(view) == [] and _labels_without_buddies(view) == []
        # Print: the dialog cannot print to a file; here the test points the printer at a PDF.
        printed = tmp_path / "printer-output.pdf"

        def accept(dialog: QPrintDialog) -> int:
            assert not dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile)
            printer = dialog.printer()
            assert printer.docName() == "Youth summary"
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))
            return QDialog.DialogCode.Accepted.value

        view.print_document(accept)
        assert len(pdfium.PdfDocument(printed.read_bytes())) >= 1
        view.print_document(lambda _d: QDialog.DialogCode.Rejected.value)
        assert "Not printed" in view.message.text()
        # Export: refused without a purpose; with one, saved where the person chose.
        target = tmp_path / "export" / "summary.pdf"
        monkeypatch.setattr(main_window, "choose_export_path", lambda _parent: target)
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        assert "why" in view.message.text() and not target.exists()
        qtbot.keyClicks(view.purpose, "Team meeting packet")
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: target.exists(), timeout=10_000)
        # Spanish, re-made in place.
        view.language_box.setCurrentIndex(view.language_box.findData("es"))
        qtbot.waitUntil(lambda: not win.backend.busy(), timeout=10_000)
        assert "Resumen del joven" in pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        # Locking closes the preview with everything else.
        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert win._views == [] and not view.isVisible()
        qtbot.waitUntil(lambda: win.backend.holder.vault is None, timeout=10_000)
        vault = Vault.unlock(win.folder, "admin", ADMIN_PASS)
        actions = [(e.action, e.record_id) for e in vault.audit_log.entries()]
        vault.close()
        assert ("print", youth_id) in actions and ("export", youth_id) in actions
    finally:
        win.close()


def test_first_run_recovery_sheet_preview_cannot_be_exported(qtbot: QtBot, tmp_path: Path) -> None:
    win = main_window.MainWindow(tmp_path / "new")
    qtbot.addWidget(win)
    win.show()
    try:
        win.start_first_run()
        page = win.first_run
        qtbot.keyClicks(page.county, "Demo County")
        qtbot.keyClicks(page.admin, "admin")
        qtbot.keyClicks(page.passphrase, ADMIN_PASS)
        qtbot.keyClicks(page.confirm, ADMIN_PASS)
        qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.steps.currentIndex() == 1, timeout=10_000)
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win._views) == 1, timeout=10_000)
        view = win._views[0]
        assert not view.export_button.isVisibleTo(view)
        text = pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        assert page.key.text()[:19] in text
        view.close()
    finally:
        win.close()
