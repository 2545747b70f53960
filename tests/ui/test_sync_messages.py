"""What the window says when the hub's certificate is not the pinned one (issue 21: it said
"could not reach", which sends people to check a network that works)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from csec_desktop.sync.client import HubCertificateUntrusted, HubUnreachable
from ui.i18n import set_language
from ui.messages import describe


def test_a_wrong_certificate_is_said_as_such_in_both_languages(qtbot: QtBot) -> None:
    text = describe(HubCertificateUntrusted())
    assert "certificate is not the one this device trusts" in text and "nothing was sent" in text
    assert "county IT" in text and "Could not reach" not in text
    assert "Could not reach" in describe(HubUnreachable("ConnectError"))
    set_language("es")
    try:
        spanish = describe(HubCertificateUntrusted())
        assert "no se envió nada" in spanish and "certificado" in spanish
    finally:
        set_language("en")


def test_a_computer_not_enrolled_hears_of_it_when_it_asks_not_from_the_timer(qtbot: QtBot) -> None:
    """Used offline, the computer's timed syncs said "not enrolled" every few minutes over whatever
    the status bar said (a save, a print); "Sync now" still says it."""
    from typing import Any

    from PySide6.QtCore import QObject, Signal

    from ui.sync_ui import SyncController

    class Backend(QObject):  # answers the enrolment question at once: none
        wrote = Signal()

        def call(self, work: Any, done: Any, failed: Any, **_kw: Any) -> None:
            done(None)

    controller = SyncController(Backend())  # type: ignore[arg-type]
    said: list[object] = []
    controller.finished.connect(lambda _report, error: said.append(error))
    controller.timer.timeout.emit()
    assert said == []
    controller.sync_now()
    assert len(said) == 1 and "not enrolled" in str(said[0])
