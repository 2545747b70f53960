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


def _certificate(folder: Path) -> tuple[Path, Path]:
    from csec_desktop.hub.cli import make_certificate

    return make_certificate("hub.demo-county.example", folder)


def test_the_hub_set_by_county_it_is_filled_in_and_fixed(qtbot: QtBot, tmp_path: Path) -> None:
    cert, _key = _certificate(tmp_path)
    PEM = cert.read_text(encoding="ascii")
    policy = MachinePolicy(hub_url="https://hub.demo-county.example:8443", hub_certificate=str(cert),
                           source="/etc/csec-desktop/policy.toml")
    dialog = EnrolDialog(None, policy)
    qtbot.addWidget(dialog)
    assert dialog.url.text() == "https://hub.demo-county.example:8443" and dialog.url.isReadOnly()
    assert dialog.cert.isReadOnly() and "policy.toml" in dialog.url.toolTip()
    assert "enrolment code" in dialog.message.text()
    dialog.code.setText("ABCD-EFGH")
    dialog._checked()
    assert dialog.result() == EnrolDialog.DialogCode.Accepted
    assert dialog.values() == ("https://hub.demo-county.example:8443", "ABCD-EFGH", PEM)


def test_a_file_that_is_not_the_certificate_is_refused_in_the_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    """A picture chosen by mistake stopped the enrolment as a bug (UnicodeDecodeError); the hub's
    private key gave a bare "SSLError"; a DER .crt, which the file dialog offers, was refused."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    cert, key = _certificate(tmp_path)
    dialog = EnrolDialog(None, MachinePolicy())
    qtbot.addWidget(dialog)
    dialog.url.setText("https://hub.demo-county.example:8443")
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    for chosen, said in ((picture, "is not a certificate"), (key, "is a private key")):
        dialog.cert.setText(str(chosen))
        dialog._checked()
        assert said in dialog.message.text() and chosen.name in dialog.message.text()
        assert dialog.result() != EnrolDialog.DialogCode.Accepted and dialog.url.text()  # kept open, kept
    der = tmp_path / "county.crt"
    der.write_bytes(x509.load_pem_x509_certificate(cert.read_bytes()).public_bytes(Encoding.DER))
    dialog.cert.setText(str(der))
    dialog._checked()
    assert dialog.values()[2] == cert.read_text(encoding="ascii")  # DER taken, as PEM


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
