"""One youth's record: safety banner, editable fields with messages beside them,
history, undo of the last saved edit, and drafts kept in the vault while typing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# (path in the record body, label). Paths with a dot are one level inside a group.
FIELDS: tuple[tuple[str, str], ...] = (
    ("legal_name.given", "Given name"),
    ("legal_name.middle", "Middle name"),
    ("legal_name.family", "Family name"),
    ("preferred_name", "Preferred name"),
    ("date_of_birth", "Date of birth (YYYY-MM-DD)"),
    ("pronouns", "Pronouns"),
    ("primary_language", "Primary language"),
    ("county", "County"),
    ("identifiers.juvenile_case_number", "Juvenile case number"),
    ("identifiers.probation_number", "Probation number"),
    ("identifiers.cws_cms_client_id", "CWS/CMS client id"),
    ("assigned_worker", "Assigned worker"),
    ("unit", "Unit"),
)


def read_path(body: dict[str, Any], path: str) -> str:
    value: Any = body
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def changes_from(body: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Top-level field changes for the core, from the edited text of each path."""
    out: dict[str, Any] = {}
    for path, text in values.items():
        new: str | None = text.strip() or None
        if read_path(body, path) == (new or ""):
            continue
        top, _, inner = path.partition(".")
        if inner:
            group = dict(out.get(top) or body.get(top) or {})
            group[inner] = new
            out[top] = group
        else:
            out[top] = new
    return out


class YouthPage(QWidget):
    save_requested = Signal(str, dict, int)  # youth id, changes, expected version
    undo_requested = Signal(str)
    draft_changed = Signal(str, dict)  # draft key, values
    back_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.youth_id = ""
        self.version = 0
        self.body: dict[str, Any] = {}
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Safety flags")
        self.banner.setStyleSheet("background:#8b0000;color:white;padding:8px;font-weight:bold")
        self.title = QLabel()
        self.title.setAccessibleName("Record heading")
        self.notice = QLabel()
        self.notice.setAccessibleName("Record message")
        self.notice.setWordWrap(True)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for path, text in FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(text)
            error = QLabel()
            error.setStyleSheet("color:#b00020")
            error.setAccessibleName(f"{text} problem")
            label = QLabel(text)
            label.setBuddy(edit)
            row = QHBoxLayout()
            row.addWidget(edit, 3)
            row.addWidget(error, 2)
            form.addRow(label, row)
            edit.textEdited.connect(self._edited)
            self.edits[path] = edit
            self.errors[path] = error
        self.save_button = QPushButton("&Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.undo_button = QPushButton("&Undo last saved edit")
        self.back_button = QPushButton("&Back to caseload")
        buttons = QHBoxLayout()
        for button in (self.save_button, self.undo_button, self.back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.history = QListWidget()
        self.history.setAccessibleName("Record history")
        history_label = QLabel("&History")
        history_label.setBuddy(self.history)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.notice)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(history_label)
        right.addWidget(self.history)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addWidget(self.title)
        outer.addLayout(body)
        self.save_button.clicked.connect(self._save)
        self.undo_button.clicked.connect(lambda: self.undo_requested.emit(self.youth_id))
        self.back_button.clicked.connect(self.back_requested.emit)
        QShortcut(QKeySequence("Esc"), self, activated=self.back_requested.emit)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._emit_draft)

    def draft_key(self) -> str:
        return f"youth:{self.youth_id}"

    def show_record(self, youth_id: str, version: int, body: dict[str, Any],
                    history: list[str], draft: dict[str, str] | None) -> None:
        self.youth_id, self.version, self.body = youth_id, version, body
        flags = body.get("safety_flags") or []
        self.banner.setVisible(bool(flags))
        self.banner.setText("SAFETY: " + " | ".join(
            f"{f['person']}: {f.get('instruction') or ''}" for f in flags))
        status = "sealed record · " if body.get("sealed") else ""
        self.title.setText(f"<h2>Youth record</h2><p>{status}version {version}</p>")
        for path, edit in self.edits.items():
            edit.setText(read_path(body, path))
            self.errors[path].clear()
        self.history.clear()
        self.history.addItems(history)
        self.notice.clear()
        if draft:
            for path, text in draft.items():
                if path in self.edits:
                    self.edits[path].setText(text)
            self.notice.setText("Unsaved changes from an earlier session were restored. "
                                "Save them, or press Undo in each field to discard.")
        self.edits["legal_name.given"].setFocus()

    def clear(self) -> None:
        self._draft_timer.stop()
        self.youth_id, self.version, self.body = "", 0, {}
        for path, edit in self.edits.items():
            edit.clear()
            self.errors[path].clear()
        self.banner.clear()
        self.title.clear()
        self.history.clear()
        self.notice.clear()

    def values(self) -> dict[str, str]:
        return {path: edit.text() for path, edit in self.edits.items()}

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        for label in self.errors.values():
            label.clear()
        unplaced = []
        for field, message in problems:
            target = self.errors.get(field) or self.errors.get(field.split(".")[0])
            if target is None:
                unplaced.append(f"{field}: {message}")
            else:
                target.setText(message)
        self.notice.setText("Not saved: fix the fields marked in red." +
                            (" " + "; ".join(unplaced) if unplaced else ""))

    def _edited(self, _text: str) -> None:
        self._draft_timer.start()

    def _emit_draft(self) -> None:
        if self.youth_id:
            self.draft_changed.emit(self.draft_key(), self.values())

    def _save(self) -> None:
        self._draft_timer.stop()
        changes = changes_from(self.body, self.values())
        if not changes:
            self.notice.setText("Nothing to save.")
            return
        self.save_requested.emit(self.youth_id, changes, self.version)
