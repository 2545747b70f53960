"""An error nobody caught: write a crash report without case data, log it, tell the person.

`install(folder)` replaces `sys.excepthook` (which PySide6 also calls for an exception
escaping a slot or a virtual method, on any thread) and `threading.excepthook`. The hook
writes `logs/crash-*.txt` through `csec_desktop.logs.write_crash_report` (types and frames
only), logs the error (redacted by the log's filter) and shows a message box that does not
block: `open()`, on the GUI thread, through a queued signal. A second crash while the box is
up updates it rather than stacking boxes; after `MAX_REPORTS` reports in one run only the
log is written (an error repeating in a paint event must not fill the disk).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from csec_desktop import APP_NAME, logs
from ui.i18n import _

log = logging.getLogger("csec.crash")

MAX_REPORTS = 5


class CrashReporter(QObject):
    """Lives on the GUI thread; the hooks may run on any thread."""

    _reported = Signal(str)  # the report's path, or "" when none could be written

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.reports: list[Path] = []
        self.box: QMessageBox | None = None
        self._lock = threading.Lock()
        self._reported.connect(self._tell, Qt.ConnectionType.QueuedConnection)

    # The hooks -------------------------------------------------------------------

    def excepthook(self, exc_type: type[BaseException], exc: BaseException | None,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc if exc is not None else exc_type(), tb)
            return
        self.report(exc_type, exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # as Python's own hook: a thread that exits is no error
        self.report(args.exc_type, args.exc_value, args.exc_traceback)

    def report(self, exc_type: type[BaseException], exc: BaseException | None,
               tb: TracebackType | None) -> Path | None:
        """Write the report (unless too many this run), log, and have the GUI thread say so."""
        path: Path | None = None
        with self._lock:
            allowed = len(self.reports) < MAX_REPORTS
            if allowed:
                try:
                    path = logs.write_crash_report(self.folder, exc_type, exc, tb)
                    self.reports.append(path)
                except OSError as error:
                    log.error("could not write a crash report (%s)", error)
        log.critical("unhandled %s; crash report %s", exc_type, path.name if path else None,
                     exc_info=(exc_type, exc, tb) if exc is not None else None)
        if allowed:
            self._reported.emit(str(path) if path else "")
        return path

    # Telling the person ----------------------------------------------------------

    @Slot(str)
    def _tell(self, path: str) -> None:
        text = _("Something went wrong inside the program (a bug). No case information was "
                 "written to the report.")
        if path:
            detail = _("The report is here:\n{path}\n\nPlease send this file to county IT. If the "
                       "program behaves oddly, close it and start it again.").format(path=path)
        else:
            detail = _("No report could be written. Please tell county IT what you were doing "
                       "when this happened.")
        try:
            if self.box is not None:  # already up: say the newest report
                self.box.setInformativeText(detail)
                return
        except RuntimeError:  # its window was closed under it (a preview, on lock)
            self.box = None
        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, parent)
        box.setInformativeText(detail)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._closed)
        box.destroyed.connect(self._closed)
        self.box = box
        box.open()  # returns at once: nothing waits on the person

    @Slot()
    def _closed(self) -> None:
        self.box = None


_installed: CrashReporter | None = None


def install(folder: Path) -> CrashReporter:
    """Call on the GUI thread, after the log is set up and before the window is built."""
    global _installed
    reporter = CrashReporter(folder)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    _installed = reporter  # kept alive as long as the hooks point at it
    return reporter
