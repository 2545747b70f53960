"""Preview and print from memory; export asks the purpose; locking closes every preview."""

from __future__ import annotations

from datetime import date
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
from ui import documents, main_window
from ui.printing import DocumentView


def test_preview_print_export_and_lock(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = new_window(qtbot, tmp_path / "vault", 12, seed=8)
    try:
        youth_id, page = _open_first_youth(qtbot, win)
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        view: DocumentView = win.documents.views[0]
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
        monkeypatch.setattr(documents, "choose_export_path", lambda _parent: target)
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        assert "why" in view.message.text() and not target.exists()
        qtbot.keyClicks(view.purpose, "Team meeting packet")
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: target.exists(), timeout=10_000)
        assert "why" not in view.message.text()  # answered: the request no longer shows
        # The name offered says what the file holds and when, never whose it is.
        day = date(2026, 12, 4)
        assert documents.suggested_name(view.windowTitle(), day) == "Youth summary 2026-12-04.pdf"
        assert documents.suggested_name("Vacatur packet (Pen. Code 236.14)", date(2026, 12, 4)) \
            == "Vacatur packet 2026-12-04.pdf"
        # Spanish, re-made in place.
        view.language_box.setCurrentIndex(view.language_box.findData("es"))
        qtbot.waitUntil(lambda: not win.backend.busy(), timeout=10_000)
        assert "Resumen del joven" in pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        # Locking closes the preview with everything else.
        qtbot.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert win.documents.views == [] and not view.isVisible()
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
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        view = win.documents.views[0]
        assert not view.export_button.isVisibleTo(view)
        text = pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        assert page.key.text()[:19] in text
        view.close()
    finally:
        win.close()


def test_every_document_is_made_previewed_and_printed_without_a_file(
        qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import builtins
    import os
    import tempfile
    from datetime import date

    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QPdfWriter

    from csec_desktop import caseload
    from csec_desktop.documents import jobs
    from csec_desktop.documents.pleading import CourtPaper, Section, Signature, render_court_paper
    from csec_desktop.documents.recovery_sheet import recovery_sheet
    from tests.conftest import youth_data
    from ui.printing import PreviewPages, paint

    vault, _secret = Vault.create(tmp_path / "vault", county="Demo County", admin="admin",
                                  passphrase=ADMIN_PASS)
    youth = caseload.create_youth(vault, youth_data(safety_flags=[{"person": "Fictional Exploiter"}]))
    from datetime import datetime

    from csec_desktop import identification
    from csec_desktop.rules import LEGAL_ZONE

    # Something for every document to print: a screen, a status and a missing episode.
    identification.save_screen(vault, youth.id, "csec_indicator_screen",
                               {"screened_on": "2026-11-20", "sources_used": ["youth"], "branding": "clear"})
    identification.record_status(vault, youth.id, "at_risk", "screen")
    caseload.add_attached(vault, youth.id, "missing_episode",
                          {"learned_at": datetime.now(LEGAL_ZONE).isoformat()})
    # ... a sent referral and a team meeting (the letter and the team summary).
    from csec_desktop import services

    caseload.update_youth(vault, youth.id, {"consents": [{"kind": "referral", "scope": "services",
                                                          "given_by": "youth", "given_on": "2026-11-01"}]})
    referral = services.suggest(vault, youth.id, {"domain": "safety", "service": "Advocacy",
                                                  "provider": "Fictional Advocates"})
    services.send(vault, referral.id, date(2026, 11, 20))
    caseload.add_attached(vault, youth.id, "team_meeting", {"held_on": "2026-11-21"})
    caseload.add_attached(vault, youth.id, "nmd_hearing", {"on": "2026-12-15"})
    # ... and a vacatur case, which only an attorney (or a supervisor) may print.
    from tests.conftest import WORKER_PASS

    vault.add_user("alex", role="attorney", passphrase=WORKER_PASS, unit="Unit A")
    attorney = Vault.unlock(tmp_path / "vault", "alex", WORKER_PASS)
    count = caseload.add_attached(attorney, youth.id, "criminal_count", {
        "count_kind": "arrest", "section": "484", "arrest_date": "2024-01-01", "nexus": "told to"})
    caseload.add_attached(attorney, youth.id, "vacatur_case", {"public_name": "J. D.",
                                                               "count_ids": [count.id]})
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    writes: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def watched_open(file, mode="r", *args, **kw):  # type: ignore[no-untyped-def]
        if any(flag in mode for flag in "wax+"):
            writes.append(str(file))
        return real_open(file, mode, *args, **kw)

    def watched_os_open(path, flags, *args, **kw):  # type: ignore[no-untyped-def]
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and "vault" not in str(path):
            writes.append(str(path))
        return real_os_open(path, flags, *args, **kw)

    monkeypatch.setattr(builtins, "open", watched_open)
    monkeypatch.setattr(os, "open", watched_os_open)
    made = [jobs.make(attorney if jobs.DOCUMENTS[kind].court_paper else vault, kind, youth.id, lang)
            for kind in jobs.DOCUMENTS for lang in ("en", "es", "en+es")]
    attorney.close()
    made.append(recovery_sheet(county="Demo County", secret="ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789",
                               made_on=date(2026, 11, 28)))
    made.append(render_court_paper(CourtPaper(
        counsel=("Fictional Counsel",), court="Superior Court of the State of California",
        county="County of Demo", case_title=("IN RE J. D.",), case_number="JV-1", title="DECLARATION",
        sections=(Section(None, ("Text.",)),),
        signature=Signature("Fictional Counsel", "Attorney", "November 28, 2026"))))
    for pdf in made:
        preview = PreviewPages(pdf)  # the preview
        assert not preview.pixmap(len(preview) - 1).isNull()
        preview.close()
        buffer = QBuffer()  # its own byte array, in memory
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        assert paint(QPdfWriter(buffer), pdf) >= 1  # the print path, onto a device in memory
    vault.close()
    assert writes == []
    assert list(home.iterdir()) == [] and list(temp.iterdir()) == []


def test_ctrl_p_on_a_record_opens_its_hearing_sheet(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 6, seed=4)
    try:
        _youth_id, page = _open_first_youth(qtbot, win)
        page.edits["pronouns"].setFocus()
        qtbot.keyClick(page.edits["pronouns"], Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        view = win.documents.views[0]
        assert view.windowTitle() == "Hearing sheet"
        assert len(pdfium.PdfDocument(view.pdf)) == 1
        view.close()
    finally:
        win.close()
