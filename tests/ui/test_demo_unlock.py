"""The demo's unlock page offers its people, one per role with their public passphrases, and is
filled in for the caseworker; a county's unlock page shows none of it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from csec_desktop.demo import DEMO_STAFF
from csec_desktop.domain.people import Role
from ui import app
from ui.unlock_page import UnlockPage


def test_the_unlock_page_offers_the_demo_people_and_defaults_to_the_caseworker(qtbot: QtBot) -> None:
    page = UnlockPage()
    qtbot.addWidget(page)
    page.show()
    assert not page.demo_users.isVisible() and not page.demo_passphrases.isVisible()  # not a demo
    page.offer_demo_users(app.demo_users(), app.DEMO_USER)
    assert page.demo_users.isVisible() and page.demo_passphrases.isVisible()
    names = [page.demo_users.itemData(i) for i in range(page.demo_users.count())]
    assert names == [name for name, *_rest in DEMO_STAFF]
    assert {role for _name, role, *_rest in DEMO_STAFF} == set(Role)  # every role, once
    # The caseworker is filled in, and their passphrase is the one the app names.
    worker = next(p for p in DEMO_STAFF if p[0] == app.DEMO_USER)
    assert worker[1] is Role.CASEWORKER and worker[4] == app.DEMO_PASSPHRASE
    assert page.user.text() == app.DEMO_USER and page.demo_users.currentData() == app.DEMO_USER
    assert "caseworker" in page.demo_users.currentText()
    shown = page.demo_passphrases.text()
    assert all(name in shown and passphrase in shown for name, _r, _d, _u, passphrase in DEMO_STAFF)
    # Choosing another person fills in that user name; a name typed chooses its person.
    page.demo_users.setCurrentIndex(page.demo_users.findData("demo.attorney"))
    assert page.user.text() == "demo.attorney" and page.passphrase.text() == ""
    page.user.setText("demo.supervisor")
    assert page.demo_users.currentData() == "demo.supervisor"
    page.user.setText("someone.else")
    assert page.demo_users.currentData() == "demo.supervisor" and page.user.text() == "someone.else"


def test_the_demo_vault_opens_for_the_caseworker_shown(tmp_path: Path) -> None:
    from csec_desktop.storage.vault import Vault

    folder = tmp_path / "demo"
    app.ensure_demo_vault(folder, youth=12)
    vault = Vault.unlock(folder, app.DEMO_USER, app.DEMO_PASSPHRASE)
    try:
        assert vault.user.role is Role.CASEWORKER
    finally:
        vault.close()
    app.ensure_demo_vault(folder, youth=12)  # made once: a second start leaves it as it is


def test_the_unlock_page_follows_a_switch_to_spanish(qtbot: QtBot) -> None:
    """Spanish chosen at the unlock page: the message, the roles and the demo notice had stayed in
    English (each set once, in the language of the moment)."""
    from ui import i18n
    from ui.i18n import N_

    page = UnlockPage()
    qtbot.addWidget(page)
    page.show()
    page.offer_demo_users(app.demo_users(), app.DEMO_USER)
    page.demo_users.setCurrentIndex(page.demo_users.findData("demo.attorney"))
    page.say(N_("Locked. Unlock to continue."))
    try:
        i18n.set_language("es")
        assert page.message.text() == "Bloqueado. Desbloquee para continuar."
        assert "trabajador de casos" in page.demo_passphrases.text()
        assert "Solo demostración" in page.demo_passphrases.text()
        assert page.demo_users.currentData() == "demo.attorney"  # the person chosen stays chosen
        # A message that is not a kept one (an error said in the moment) is left as it is.
        page.message.setText("Una frase dicha ahora.")
        i18n.set_language("en")
        assert page.message.text() == "Una frase dicha ahora."
        assert "caseworker" in page.demo_passphrases.text()
    finally:
        i18n.set_language("en")
