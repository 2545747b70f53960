"""First run: make the vault, then show the county recovery key once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.people import MIN_PASSPHRASE_LENGTH, passphrase_problem


def _labelled(form: QFormLayout, text: str, field: QLineEdit, name: str) -> None:
    label = QLabel(text)
    label.setBuddy(field)
    field.setAccessibleName(name)
    form.addRow(label, field)


def strength_text(passphrase: str) -> str:
    if not passphrase:
        return f"At least {MIN_PASSPHRASE_LENGTH} characters; a few unrelated words work well."
    problem = passphrase_problem(passphrase)
    if problem:
        return f"Too weak: {problem}."
    words = len(passphrase.split())
    if len(passphrase) >= 20 or words >= 4:
        return "Strong."
    return "Acceptable. Longer is stronger: add another word."


class FirstRunPage(QWidget):
    """Two steps: the form, then the recovery key. Emits `finished` when the person is done."""

    create_requested = Signal(str, str, str, str)  # county, admin, display name, passphrase
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.steps = QStackedWidget()
        # Step 1: the form.
        form_page = QWidget()
        form = QFormLayout()
        self.county = QLineEdit()
        self.admin = QLineEdit()
        self.display_name = QLineEdit()
        self.passphrase = QLineEdit()
        self.confirm = QLineEdit()
        for field in (self.passphrase, self.confirm):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        _labelled(form, "&County", self.county, "County")
        _labelled(form, "Administrator &user name", self.admin, "Administrator user name")
        _labelled(form, "&Full name", self.display_name, "Administrator full name")
        _labelled(form, "&Passphrase", self.passphrase, "Passphrase")
        _labelled(form, "Passphrase &again", self.confirm, "Passphrase again")
        self.strength = QLabel(strength_text(""))
        self.strength.setAccessibleName("Passphrase strength")
        form.addRow("", self.strength)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Set-up message")
        self.create_button = QPushButton("&Create the vault")
        box = QVBoxLayout(form_page)
        box.addWidget(QLabel("<h2>Set up this workstation</h2><p>Records are kept encrypted "
                             "in a vault on this computer. Create it and its first administrator."
                             "</p>"))
        box.addLayout(form)
        box.addWidget(self.create_button, alignment=Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.message)
        box.addStretch(1)
        self.passphrase.textChanged.connect(lambda t: self.strength.setText(strength_text(t)))
        self.create_button.clicked.connect(self._submit)
        self.confirm.returnPressed.connect(self._submit)
        form_page.setMaximumWidth(720)
        # Step 2: the recovery key.
        key_page = QWidget()
        self.key = QLabel()
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = QFont("monospace")
        font.setPointSize(18)
        self.key.setFont(font)
        self.key.setAccessibleName("County recovery key")
        self.saved = QCheckBox("I have written the recovery key down and it will be stored sealed "
                               "with county IT")
        self.done_button = QPushButton("&Continue")
        self.done_button.setEnabled(False)
        self.saved.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self._done)
        kbox = QVBoxLayout(key_page)
        kbox.addWidget(QLabel("<h2>County recovery key</h2><p>This key is shown <b>once</b>. "
                              "With it, county IT can restore the vault from a backup if every "
                              "passphrase is lost. Anyone holding it can open the vault: keep it "
                              "sealed and away from this computer.</p>"))
        kbox.addWidget(self.key, alignment=Qt.AlignmentFlag.AlignHCenter)
        kbox.addWidget(self.saved)
        kbox.addWidget(self.done_button, alignment=Qt.AlignmentFlag.AlignLeft)
        kbox.addStretch(1)
        key_page.setMaximumWidth(720)
        self.steps.addWidget(form_page)
        self.steps.addWidget(key_page)
        outer = QVBoxLayout(self)
        outer.addWidget(self.steps)

    def _submit(self) -> None:
        if self.passphrase.text() != self.confirm.text():
            self.message.setText("The two passphrases differ. Type them again.")
            self.confirm.clear()
            self.confirm.setFocus()
            return
        self.message.setText("Creating the vault…")
        self.create_button.setEnabled(False)
        self.create_requested.emit(self.county.text(), self.admin.text().strip(),
                                   self.display_name.text(), self.passphrase.text())

    def failed(self, message: str) -> None:
        self.create_button.setEnabled(True)
        self.message.setText(message)

    def show_recovery_key(self, secret: str) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.key.setText(secret)
        self.steps.setCurrentIndex(1)
        self.saved.setFocus()

    def _done(self) -> None:
        self.key.clear()  # shown once
        self.finished.emit()
