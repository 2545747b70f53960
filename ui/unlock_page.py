"""The unlock page: user name and passphrase, and the message that says what happened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui.i18n import N_, bind


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
        bind(user_label, "setText", N_("&User name"))
        user_label.setBuddy(self.user)
        pass_label = QLabel()
        bind(pass_label, "setText", N_("&Passphrase"))
        pass_label.setBuddy(self.passphrase)
        form.addRow(user_label, self.user)
        form.addRow(pass_label, self.passphrase)
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
        self.message.setFixedWidth(560)  # a fixed width lets a wrapped message get its full height
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.message, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        self.passphrase.returnPressed.connect(self.button.click)
