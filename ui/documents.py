"""Documents: made on the vault thread in memory, previewed, printed or exported (audited by
the core), and every open preview closed on lock."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from csec_desktop.clock import legal_today
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import documents as documents_screen
from ui import i18n
from ui.i18n import N_, _
from ui.tasks import Report, Tasks, ignore

Maker = Callable[[str], Callable[[Vault], bytes]]  # language -> work that makes the PDF


def _jobs() -> Any:
    """The document makers, imported when the first document is made: they load ReportLab and
    the fonts, which a window that has not printed yet need not wait for at start."""
    from csec_desktop.documents import jobs

    return jobs


def choose_export_path(parent: QWidget) -> Path | None:
    """Ask where to save an exported PDF (replaced in tests, which never block on a dialog)."""
    from PySide6.QtWidgets import QFileDialog

    name, _filter = QFileDialog.getSaveFileName(parent, _("Save as PDF file"),
                                                suggested_name(parent.windowTitle(), legal_today()),
                                                "PDF (*.pdf)")
    return Path(name) if name else None


def suggested_name(title: str, day: date) -> str:
    """A file name for an exported document: its kind and the day, never a youth's name (which the
    person adds if they mean to); "document.pdf" said nothing of what the file held."""
    plain = re.sub(r"\s*\([^)]*\)", "", title)  # the law in brackets: "Vacatur packet (Pen. Code 236.14)"
    plain = " ".join(re.sub(r'[\\/:*?"<>|]+', " ", plain).split()) or _("document")
    return f"{plain} {day.isoformat()}.pdf"


class DocumentsController(QObject):
    def __init__(self, tasks: Tasks, parent: QWidget, *, status: Callable[[str], None],
                 choose_path: Callable[[QWidget], Path | None] | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.parent_widget, self._status = tasks, parent, status
        self._choose_path = choose_path
        self.views: list[QWidget] = []  # open previews: closed on lock

    def open(self, make: Maker, title: str, on_printed: Callable[[int], None],
             on_export: Callable[[str, str, Path], None] | None, on_error: Report | None = None,
             why_no_export: str = "", languages: bool = True) -> None:
        """Make a document on the vault thread, then preview it; its language can change where it is
        made in either (`languages`)."""
        from ui.printing import DocumentView

        lang = i18n.language()

        def shown(pdf: bytes) -> None:
            view = DocumentView(self.parent_widget, pdf, _(title), allow_export=on_export is not None,
                                lang=lang, why_no_export=why_no_export, languages=languages)
            self.views.append(view)
            view.finished.connect(lambda _code, v=view: self.views.remove(v) if v in self.views else None)
            view.printed.connect(on_printed)
            view.language_changed.connect(lambda code: self.tasks.run(make(code), view.show_pdf))
            if on_export is not None:
                export = on_export

                def chosen(purpose: str, code: str) -> None:
                    path = (self._choose_path or choose_export_path)(view)
                    if path is not None:
                        export(purpose, code, path)
                view.export_requested.connect(chosen)
            view.show()

        self.tasks.run(make(lang), shown, on_error)

    def about_youth(self, youth_id: str, kind: str, item: str = "", on_error: Report | None = None) -> None:
        """Preview a document about the youth (or about one of its records, `item`)."""
        def make(lang: str) -> Callable[[Vault], bytes]:
            return lambda vault: _jobs().make(vault, kind, youth_id, lang, item or None)

        def on_printed(pages: int) -> None:
            self.tasks.run(lambda vault: _jobs().printed(vault, kind, youth_id, pages), ignore)

        def on_export(purpose: str, lang: str, path: Path) -> None:
            def done(size: int) -> None:
                self._status(_("Saved the PDF ({kb} KB). The export is in the audit trail.").format(
                    kb=max(size // 1024, 1)))

            # The save dialog has asked before replacing a file.
            self.tasks.run(lambda vault: _jobs().export(vault, kind, youth_id, purpose, path, lang,
                                                     item or None, overwrite=True), done)

        def allowed(choice: documents_screen.DocumentChoice) -> None:
            # What the role may not do is not offered (the core refuses it anyway), and it says why.
            from csec_desktop.domain.people import Permission
            from csec_desktop.usecases.session import WHY_NOT

            self.open(make, choice.title, on_printed, on_export if choice.can_export else None, on_error,
                      why_no_export="" if choice.can_export else WHY_NOT[Permission.EXPORT])

        self.tasks.run(lambda vault: documents_screen.choice(vault, kind), allowed, on_error)

    def recovery_sheet(self, county: str, secret: str, on_error: Report) -> None:
        """Made and previewed in memory; only its printing is audited (never the key)."""
        def make(lang: str) -> Callable[[Vault], bytes]:
            def work(_vault: Vault) -> bytes:
                from csec_desktop.documents.recovery_sheet import recovery_sheet

                return recovery_sheet(county=county, secret=secret, made_on=datetime.now(LEGAL_ZONE).date(),
                                      lang=lang)
            return work

        def on_printed(pages: int) -> None:
            self.tasks.run(lambda vault: vault.audit("recovery_sheet_printed", pages=pages))

        self.open(make, N_("County recovery sheet"), on_printed, None, on_error)

    def program_report(self, period: Any, scope: Any, on_error: Report) -> None:
        """The program report shown on the Reports page, previewed to print (in English, as every
        report file is; saving it is the page's audited export, with its CSV and workbook)."""
        def make(_lang: str) -> Callable[[Vault], bytes]:
            def work(vault: Vault) -> bytes:
                from csec_desktop.reports import export

                return export.pdf_bytes(vault, period, deidentified=False, scope=scope)
            return work

        def on_printed(pages: int) -> None:
            self.tasks.run(lambda vault: vault.audit("report_printed", period=period.label, pages=pages,
                                                     scope=scope.words()), ignore)

        self.open(make, N_("Program report"), on_printed, None, on_error, languages=False)

    def close_all(self) -> None:
        for view in list(self.views):
            view.close()
        self.views.clear()
