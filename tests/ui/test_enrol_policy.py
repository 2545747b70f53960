"""Enrolment on a computer where county IT set the hub in the machine policy: the address and the
pinned certificate are filled in and cannot be changed in the dialog; a broken policy file is
said before the dialog opens (the enrolment would be refused anyway)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csec_desktop import machine_policy
from csec_desktop.machine_policy import MachinePolicy
from ui.main_window import MainWindow
from ui.sync_ui import EnrolDialog

PEM = "-----BEGIN CERTIFICATE-----\nRklDVElPTkFM\n-----END CERTIFICATE-----\n"


def test_the_hub_set_by_county_it_is_filled_in_and_fixed(qtbot: QtBot, tmp_path: Path) -> None:
    cert = tmp_path / "county-hub.pem"
    cert.write_text(PEM, encoding="ascii")
    policy = MachinePolicy(hub_url="https://hub.demo-county.example:8443", hub_certificate=str(cert),
                           source="/etc/csec-desktop/policy.toml")
    dialog = EnrolDialog(None, policy)
    qtbot.addWidget(dialog)
    assert dialog.url.text() == "https://hub.demo-county.example:8443" and dialog.url.isReadOnly()
    assert dialog.cert.isReadOnly() and "policy.toml" in dialog.url.toolTip()
    assert "enrolment code" in dialog.message.text()
    dialog.code.setText("ABCD-EFGH")
    assert dialog.values() == ("https://hub.demo-county.example:8443", "ABCD-EFGH", PEM)


def test_without_a_policy_everything_is_typed(qtbot: QtBot) -> None:
    dialog = EnrolDialog(None, MachinePolicy())
    qtbot.addWidget(dialog)
    assert dialog.url.text() == "" and not dialog.url.isReadOnly() and not dialog.cert.isReadOnly()
    assert dialog.message.text() == ""


def test_a_broken_policy_file_is_said_before_enrolling(qtbot: QtBot, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "policy.toml"
    broken.write_text("hub_url = [unclosed", encoding="utf-8")
    monkeypatch.setenv("CSEC_MACHINE_POLICY", str(broken))
    win = MainWindow(tmp_path / "vault")
    qtbot.addWidget(win)
    win.sync_screens.enrol(win)  # returns at once: no dialog was opened
    said = win.statusBar().currentMessage()
    assert "policy.toml" in said and "TOML" in said
    win.close()
    with pytest.raises(machine_policy.PolicyFileError):
        machine_policy.load()
