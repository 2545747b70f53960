"""The unlock page: user name and passphrase, and the message that says what happened."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import N_, _, bind, on_change

ROLE_NAMES = {"caseworker": N_("caseworker"), "supervisor": N_("supervisor"), "attorney": N_("attorney"),
              "administrator": N_("administrator"), "read_only": N_("read only")}


class UnlockPage(QWidget):
    def __init__(self, hint: str = "") -> None:
        super().__init__()
        self.user = QLineEdit()
        bind(self.user, "setAccessibleName", N_("User name"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        bind(self.passphrase, "setAccessibleName", N_("Passphrase"))
        self.button = QPushButton()
        bind(self.button, "setText", N_("&Unlock"))
        self.message = QLabel(hint)
        self.message.setWordWrap(True)
        bind(self.message, "setAccessibleName", N_("Unlock message"))
        form = QFormLayout()
        user_label = QLabel()
        bind(user_label, "setText", N_("User &name"))  # Alt+U is Unlock's
        user_label.setBuddy(self.user)
        pass_label = QLabel()
        bind(pass_label, "setText", N_("&Passphrase"))
        pass_label.setBuddy(self.passphrase)
        form.addRow(user_label, self.user)
        form.addRow(pass_label, self.passphrase)
        # The demo vault only: its people, one per role, with their (public) passphrases.
        self.demo_users = QComboBox()
        # Filled after the page is first shown: sized then, to an empty list, it cut the names off
        # ("demo.worker (trabajador de c").
        self.demo_users.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bind(self.demo_users, "setAccessibleName", N_("Demo person to sign in as"))
        self.demo_label = QLabel()
        bind(self.demo_label, "setText", N_("&Demo person"))
        self.demo_label.setBuddy(self.demo_users)
        form.addRow(self.demo_label, self.demo_users)
        self.demo_users.hide()
        self.demo_label.hide()
        self.demo_passphrases = QLabel()
        self.demo_passphrases.setTextFormat(Qt.TextFormat.RichText)
        self.demo_passphrases.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bind(self.demo_passphrases, "setAccessibleName", N_("Demo people and their passphrases"))
        self.demo_passphrases.hide()
        self._demo: list[tuple[str, str, str]] = []
        self.demo_users.currentIndexChanged.connect(self._demo_chosen)
        self.user.textChanged.connect(self._user_named)
        box = QVBoxLayout(self)
        box.addStretch(1)
        title = QLabel()
        bind(title, "setText", N_("<h2>CSEC Case Desktop</h2><p>Unlock the vault to continue.</p>"))
        box.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        inner = QWidget()
        inner.setLayout(form)
        inner.setMinimumWidth(380)
        inner.setMaximumWidth(620)
        box.addWidget(inner, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.demo_passphrases, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.message.setFixedWidth(560)  # a fixed width lets a wrapped message get its full height
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # Centred between stretches, not by the layout's alignment flag: a widget added with one
        # keeps the height of its first text, and a message that later wrapped showed one line.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.message)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(2)
        self.passphrase.returnPressed.connect(self.button.click)
        self._said: tuple[str, str] | None = None  # (message in English, as shown)
        on_change(self, "_retranslate")

    def say(self, message: str) -> None:
        """Show a message marked with N_: said again in the language chosen here, where the person
        switched to Spanish and "Locked. Unlock to continue." stayed in English."""
        self.message.setText(_(message))
        self._said = (message, self.message.text())

    def _retranslate(self) -> None:
        if self._said is not None and self.message.text() == self._said[1]:  # still the one shown
            self.say(self._said[0])
        if self._demo:
            self._show_demo(self.demo_users.currentData())

    def offer_demo_users(self, users: Sequence[tuple[str, str, str]], default: str) -> None:
        """The demo vault's people (user name, role, passphrase), shown with their passphrases
        because the demo holds only fictional youth; `default` is filled in. Never for a real vault."""
        self._demo = list(users)
        self._show_demo(default)
        self._demo_chosen(self.demo_users.currentIndex())

    def _show_demo(self, default: str | None) -> None:
        """The demo people's list and table, in the interface's language."""
        self.demo_users.blockSignals(True)
        self.demo_users.clear()
        for name, role, _passphrase in self._demo:
            self.demo_users.addItem(f"{name} ({_(ROLE_NAMES.get(role, role))})", name)
        self.demo_users.blockSignals(False)
        self.demo_users.show()
        self.demo_label.show()
        rows = "".join(f"<tr><td>{escape(name)}</td><td>{escape(_(ROLE_NAMES.get(role, role)))}</td>"
                       f"<td><code>{escape(passphrase)}</code></td></tr>"
                       for name, role, passphrase in self._demo)
        heading = escape(_("Demo only: these fictional people and passphrases are public."))
        self.demo_passphrases.setText(f"<p><b>{heading}</b></p><table cellspacing='6'>{rows}</table>")
        self.demo_passphrases.show()
        index = self.demo_users.findData(default)
        self.demo_users.blockSignals(True)
        self.demo_users.setCurrentIndex(max(index, 0))
        self.demo_users.blockSignals(False)

    def _user_named(self, name: str) -> None:
        """The demo person shown follows the user name (after a lock it named the person chosen
        first while the name was another's)."""
        index = self.demo_users.findData(name.strip())
        if index >= 0 and index != self.demo_users.currentIndex():
            self.demo_users.blockSignals(True)
            self.demo_users.setCurrentIndex(index)
            self.demo_users.blockSignals(False)

    def _demo_chosen(self, index: int) -> None:
        if 0 <= index < len(self._demo):
            self.user.setText(self._demo[index][0])
            self.passphrase.clear()
            self.passphrase.setFocus()
