"""First run: make the vault, then show the county recovery key once."""

from __future__ import annotations

from collections.abc import Iterable

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

from csec_desktop.domain.people import MIN_PASSPHRASE_LENGTH, passphrase_strength
from ui.i18n import N_, _, bind, on_change


def _labelled(form: QFormLayout, text: str, field: QLineEdit, name: str) -> None:
    label = QLabel()
    bind(label, "setText", text)
    label.setBuddy(field)
    bind(field, "setAccessibleName", name)
    form.addRow(label, field)


def strength_text(passphrase: str, about: Iterable[str | None] = ()) -> str:
    """The estimator's verdict with its advice (zxcvbn), in the interface's language; `about` are
    the person's name and the county, which make a passphrase easier to guess."""
    if not passphrase:
        return _("At least {n} characters; a few unrelated words work well.").format(
            n=MIN_PASSPHRASE_LENGTH)
    found = passphrase_strength(passphrase, about)
    advice = " ".join(_(text) for text in found.feedback)
    if found.problem:
        return " ".join((_("Too weak: {problem}.").format(problem=_(found.problem)), advice)).strip()
    if found.score >= 4:
        return _("Strong.")
    return _("Acceptable. Longer is stronger: add another word.")


class FirstRunPage(QWidget):
    """Two steps: the form, then the recovery key. Emits `finished` when the person is done."""

    create_requested = Signal(str, str, str, str)  # county, admin, display name, passphrase
    print_requested = Signal(str, str)  # county, recovery key
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
        _labelled(form, N_("&County"), self.county, N_("County"))
        _labelled(form, N_("Administrator &user name"), self.admin, N_("Administrator user name"))
        _labelled(form, N_("&Full name"), self.display_name, N_("Administrator full name"))
        _labelled(form, N_("&Passphrase"), self.passphrase, N_("Passphrase"))
        _labelled(form, N_("Passphrase &again"), self.confirm, N_("Passphrase again"))
        self.strength = QLabel(strength_text(""))
        bind(self.strength, "setAccessibleName", N_("Passphrase strength"))
        form.addRow("", self.strength)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Set-up message"))
        self.create_button = QPushButton()
        bind(self.create_button, "setText", N_("&Create the vault"))
        box = QVBoxLayout(form_page)
        intro = QLabel()
        intro.setWordWrap(True)
        bind(intro, "setText", N_("<h2>Set up this workstation</h2><p>Records are kept encrypted "
                                  "in a vault on this computer. Create it and its first administrator."
                                  "</p>"))
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self.create_button, alignment=Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.message)
        box.addStretch(1)
        on_change(self, "_retranslate")  # the strength hint and the erased vault's news too
        self.passphrase.textChanged.connect(lambda t: self.strength.setText(
            strength_text(t, (self.admin.text(), self.display_name.text(), self.county.text()))))
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
        bind(self.key, "setAccessibleName", N_("County recovery key"))
        self.saved = QCheckBox()
        bind(self.saved, "setText", N_("I have written the recovery key down or printed it, and it will "
                                       "be stored sealed with county IT"))
        self.print_button = QPushButton()
        bind(self.print_button, "setText", N_("&Print the recovery sheet…"))
        self.print_button.clicked.connect(
            lambda: self.print_requested.emit(self.county.text(), self.key.text()))
        self.done_button = QPushButton()
        bind(self.done_button, "setText", N_("&Continue"))
        self.done_button.setEnabled(False)
        self.saved.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self._done)
        kbox = QVBoxLayout(key_page)
        explain = QLabel()
        explain.setWordWrap(True)
        bind(explain, "setText", N_("<h2>County recovery key</h2><p>This key is shown <b>once</b>. "
                                    "With it, county IT can restore the vault from a backup if every "
                                    "passphrase is lost. Anyone holding it can open the vault: keep it "
                                    "sealed and away from this computer.</p>"))
        kbox.addWidget(explain)
        kbox.addWidget(self.key, alignment=Qt.AlignmentFlag.AlignHCenter)
        kbox.addWidget(self.print_button, alignment=Qt.AlignmentFlag.AlignLeft)
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
            self.message.setText(_("The two passphrases differ. Type them again."))
            self.confirm.clear()
            self.confirm.setFocus()
            return
        self.message.setText(_("Creating the vault…"))
        self.create_button.setEnabled(False)
        self.create_requested.emit(self.county.text(), self.admin.text().strip(),
                                   self.display_name.text(), self.passphrase.text())

    def say_erased(self, when: str) -> None:
        """This folder's vault was erased when the hub revoked the computer (`when`: California
        time): said in the window's language, again after a switch (it stayed in English)."""
        self._erased = when
        self.message.clear()
        self._retranslate()

    _erased = ""
    _erased_said = ""  # the news as last said, so a switch of language says it again (and nothing else)

    def _retranslate(self) -> None:
        said = self.message.text()
        if self._erased and said in ("", self._erased_said):  # not replaced by another message
            self._erased_said = _(
                "This computer's vault was erased on {when} because the county hub revoked the computer. "
                "Changes made here that had not been synced by then are lost. Set the workstation up "
                "again, then ask the hub administrator for a new enrolment code.").format(when=self._erased)
            self.message.setText(self._erased_said)
        about = (self.admin.text(), self.display_name.text(), self.county.text())
        self.strength.setText(strength_text(self.passphrase.text(), about))

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
