"""Directory: the county CSEC coordinator and the providers youth are referred to.

Everyone signed in can search it (by words, area of life, age and language); roles that
manage it add, change and remove entries, and import a CSV after a preview that shows every
row's problems. The page runs its own vault calls on the window's worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csec_desktop import directory
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.people import Permission
from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.domain.summaries import summarize
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import StoredRecord
from ui.i18n import N_, _, bind, item_text, problem, special_value
from ui.item_list import ItemList
from ui.messages import describe
from ui.scrolling import scrolled
from ui.table_model import Index, TranslatedTableModel, tab_leaves
from ui.tasks import Tasks


def summary(item: dict[str, Any]) -> str:
    """An entry's line in the list (the registry in csec_desktop.domain.summaries)."""
    return summarize(DirectoryEntry, item, _)


class PreviewModel(TranslatedTableModel):
    COLUMNS = (N_("Line"), N_("Name"), N_("What will happen"))

    def reset(self, rows: list[directory.ImportRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row: directory.ImportRow = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return str(row.line)
            if index.column() == 1:
                return str(row.data.get("name", ""))
            if row.problems:
                return _("Not imported: {problems}").format(
                    problems="; ".join(f"{p.field}: {problem(p.message)}" for p in row.problems))
            return _("Updates the entry of that name") if row.replaces else _("Adds a new entry")
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2 and row.problems:
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None


class ImportDialog(QDialog):
    """The preview of a CSV import: nothing is written until Import is pressed."""

    def __init__(self, preview: directory.ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import into the directory: preview"))
        self.resize(820, 480)
        self.model = PreviewModel()
        self.model.reset(preview.rows)
        table = QTableView()
        tab_leaves(table)
        table.setModel(self.model)
        table.setAccessibleName(_("Rows of the file"))
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(True)
        good, bad = len(preview.good), len(preview.bad)
        if preview.header_problems:
            text = _("This file cannot be imported: {problems}. Nothing was written.").format(
                problems="; ".join(f"{p.field}: {problem(p.message)}" for p in preview.header_problems))
        else:
            text = _("{good} rows can be imported; {bad} rows have problems and will be left out (fix them "
                     "in the file and import it again). Nothing is written until you press Import.").format(
                good=good, bad=bad)
        self.summary = QLabel(text)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Import summary"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(_("&Import {good} rows").format(good=good),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(good > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(table, 1)
        box.addWidget(buttons)


class DirectoryPage(QWidget):
    status_message = Signal(str)
    entries_changed = Signal(list)  # names, for the provider field of referrals

    def __init__(self, tasks: Tasks) -> None:
        super().__init__()
        self.tasks = tasks
        self.records: list[StoredRecord] = []
        self.can_manage = False
        self.dialog: ImportDialog | None = None
        heading = QLabel()
        bind(heading, "setText", N_("<h2>Directory</h2>The county CSEC coordinator and the providers youth "
                                    "are referred to. Check the date each entry was last verified."))
        heading.setWordWrap(True)
        self.read_only_note = QLabel()
        bind(self.read_only_note, "setText", N_("You can search and read the directory. A supervisor or an "
                                                "administrator keeps it up to date: tell them of an entry "
                                                "that is wrong or missing."))
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setVisible(False)
        self.search_box = QLineEdit()
        bind(self.search_box, "setAccessibleName", N_("Search the directory"))
        bind(self.search_box, "setPlaceholderText", N_("Search names, services, notes…"))
        self.area = QComboBox()
        self.area.addItem("", "")
        bind(self.area, lambda c, t: c.setItemText(0, t), N_("Any area of life"))
        for index, (code, text) in enumerate(SERVICE_DOMAINS.items(), start=1):
            self.area.addItem("", code)
            bind(self.area, item_text(index), text)
        bind(self.area, "setAccessibleName", N_("Area of life"))
        self.age = QSpinBox()
        self.age.setRange(-1, 30)
        self.age.setValue(-1)
        bind(self.age, special_value, N_("Any age"))
        bind(self.age, "setAccessibleName", N_("Serves this age"))
        self.language = QLineEdit()
        bind(self.language, "setAccessibleName", N_("Serves in this language"))
        bind(self.language, "setPlaceholderText", N_("Language"))
        filters = QHBoxLayout()
        for text, widget, stretch in ((N_("&Find"), self.search_box, 3), (N_("Ar&ea"), self.area, 2),
                                      (N_("A&ge"), self.age, 0), (N_("Lan&guage"), self.language, 1)):
            label = QLabel()
            bind(label, "setText", text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, stretch)
        self.count = QLabel()
        bind(self.count, "setAccessibleName", N_("How many entries are shown"))
        self.entries = ItemList(N_("Entries"), DirectoryEntry, summary, attached=True,
                                choices={"domains": SERVICE_DOMAINS})
        self.entries.listing.setMaximumHeight(260)
        self.entries.add_record.connect(self._add)
        self.entries.update_record.connect(self._update)
        self.entries.delete_record.connect(self._remove)
        self.import_button = QPushButton()
        bind(self.import_button, "setText", N_("&Import from a CSV file…"))
        self.import_button.clicked.connect(self._choose_import)
        self.template_button = QPushButton()
        bind(self.template_button, "setText", N_("Save a blank CSV &template…"))
        self.template_button.clicked.connect(self._save_template)
        tools = QHBoxLayout()
        tools.addWidget(self.count, 1)
        tools.addWidget(self.template_button)
        tools.addWidget(self.import_button)
        box = QVBoxLayout(self)
        box.addWidget(heading)
        box.addWidget(self.read_only_note)
        box.addLayout(filters)
        box.addLayout(tools)
        box.addWidget(scrolled(self.entries), 1)
        self.search_box.textChanged.connect(lambda _t: self._show())
        # From the words to the entries by keyboard, as on the caseload: Down or Enter.
        self.search_box.returnPressed.connect(self._to_entries)
        self.search_box.installEventFilter(self)
        self.language.textChanged.connect(lambda _t: self._show())
        self.area.currentIndexChanged.connect(lambda _i: self._show())
        self.age.valueChanged.connect(lambda _v: self._show())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down:
            self._to_entries()
            return True
        return super().eventFilter(watched, event)

    def _to_entries(self) -> None:
        listing = self.entries.listing
        if self.entries.items:
            listing.setCurrentRow(max(listing.currentRow(), 0))
            listing.setFocus()

    # Loading and filtering -------------------------------------------------------

    def load(self, on_done: Callable[[], None] | None = None) -> None:
        def work(vault: Vault) -> tuple[list[StoredRecord], bool]:
            return directory.entries(vault), vault.user.can(Permission.MANAGE_DIRECTORY)

        def done(result: tuple[list[StoredRecord], bool]) -> None:
            self.records, self.can_manage = result
            for widget in (self.entries.add_button, self.entries.replace_button, self.entries.remove_button,
                           self.import_button, self.template_button):
                widget.setVisible(self.can_manage)
            # Read in full contrast, as the youth page's lists are for a role that may not write:
            # greyed out, the details were hard to read and said nothing of why. With no button
            # to keep a change, the note says who keeps the directory.
            self.read_only_note.setVisible(not self.can_manage)
            self._show()
            self.entries_changed.emit([r.body.dump()["name"] for r in self.records])
            if on_done:
                on_done()

        self.tasks.run(work, done, lambda e: self.entries.message.setText(describe(e)))

    def _show(self) -> None:
        age = self.age.value()
        shown = directory.search(self.records, self.search_box.text(), domain=self.area.currentData() or None,
                                 age=None if age < 0 else age, language=self.language.text())
        self.entries.set_items([r.body.dump() for r in shown], [r.id for r in shown])
        self.count.setText(_("{shown} of {total} entries shown").format(shown=len(shown),
                                                                      total=len(self.records)))

    def clear(self) -> None:
        self.records = []
        self.entries.clear()
        self.search_box.clear()
        self.language.clear()
        if self.dialog is not None:
            self.dialog.reject()

    # Changes -------------------------------------------------------------------

    def _call(self, fn: Callable[[Any], Any], message: str) -> None:
        def done(_result: Any) -> None:
            self.load()
            self.status_message.emit(message)

        def failed(error: Exception) -> None:
            if isinstance(error, ValidationFailed):
                self.entries.show_problems([(p.field, p.message) for p in error.problems])
            else:
                self.entries.message.setText(describe(error))

        self.tasks.run(fn, done, failed)

    def _add(self, data: dict[str, Any]) -> None:
        self._call(lambda v: directory.add(v, data), _("Added to the directory."))

    def _update(self, record_id: str, data: dict[str, Any]) -> None:
        self._call(lambda v: directory.update(v, record_id, data), _("Directory entry saved."))

    def _remove(self, record_id: str) -> None:
        self._call(lambda v: directory.remove(v, record_id), _("Removed from the directory."))

    # Import ----------------------------------------------------------------------

    def _choose_import(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Import into the directory"), str(Path.home()),
                                                   _("CSV files (*.csv)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path, on_preview: Callable[[ImportDialog], None] | None = None) -> None:
        """Preview the file on the worker, then show the preview; Import writes the good rows."""
        def work(vault: Vault) -> directory.ImportPreview:
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise ValidationFailed([FieldProblem("file", f"cannot be read: {exc.strerror}")],
                                       record="directory import") from None
            return directory.preview(vault, content)

        def previewed(preview: directory.ImportPreview) -> None:
            self.dialog = ImportDialog(preview, self)
            self.dialog.accepted.connect(lambda: self._apply(preview))
            self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
            if on_preview:
                on_preview(self.dialog)
            self.dialog.open()

        def failed(error: Exception) -> None:
            self.entries.message.setText(describe(error) if not isinstance(error, ValidationFailed)
                                         else "; ".join(str(p) for p in error.problems))

        self.tasks.run(work, previewed, failed)

    def _apply(self, preview: directory.ImportPreview) -> None:
        def done(result: tuple[int, int]) -> None:
            added, updated = result
            text = _("Imported: {added} added, {updated} updated, {bad} rows left out.").format(
                added=added, updated=updated, bad=len(preview.bad))
            self.status_message.emit(text)
            self.load(lambda: self.entries.message.setText(text))  # after the reload, which clears it

        self.tasks.run(lambda vault: directory.apply(vault, preview), done,
                       lambda e: self.entries.message.setText(describe(e)))

    def _save_template(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Save a blank CSV template"),
                                                   str(Path.home() / "directory-template.csv"),
                                                   _("CSV files (*.csv)"))
        if path:
            Path(path).write_text(directory.template(), encoding="utf-8")
            self.status_message.emit(_("Template saved. Fill one row per entry, then import it."))
