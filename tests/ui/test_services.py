"""Services in the window: the needs assessment, a referral refused without consent, then sent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.test_shell import _open_first_youth, new_window


def test_needs_assessment_and_a_referral_that_needs_consent(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 5, seed=21)
    try:
        youth_id, page = _open_first_youth(qtbot, win)
        # Start from no consent on record.
        page.lists["consents"].set_items([])
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.body.get("consents"), timeout=10_000)
        services_tab = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Ser&vices")
        page.tabs.setCurrentIndex(services_tab)
        qtbot.mouseClick(page.services.needs_button, Qt.MouseButton.LeftButton)
        view = win.form_view
        qtbot.waitUntil(lambda: win.stack.currentWidget() is view, timeout=10_000)
        view.widgets["mental_health_need"].setCurrentIndex(view.widgets["mental_health_need"].findData("need"))
        view.widgets["mental_health_words"].setPlainText("I want someone to talk to who gets it.")
        qtbot.mouseClick(view.finish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.result.text() == "Saved.", timeout=10_000)
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        qtbot.waitUntil(lambda: not win.backend.busy(), timeout=10_000)
        # Back where the assessment was opened (caseworker review, session 36: on the Details).
        assert page.tabs.currentIndex() == services_tab
        # A suggestion: nothing leaves the vault yet.
        refs = page.services.referrals
        refs.form.set_values({"domain": "mental_health", "service": "Trauma therapy",
                              "provider": "Fictional Clinic"})
        qtbot.mouseClick(refs.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(page.services.referrals.items) == 1, timeout=10_000)
        assert page.services.referrals.items[0]["status"] == "suggested"
        page.services.referrals.listing.setCurrentRow(0)
        qtbot.mouseClick(page.services.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "consent" in page.services.referrals.message.text(), timeout=10_000)
        assert page.services.referrals.items[0]["status"] == "suggested"
        # Said where to go (review, session 38), and a caseworker is not offered the override.
        assert "Safety and consent tab" in page.services.referrals.message.text()
        assert page.services.send_button.isEnabled()
        # This window's person (the administrator) may not override: said before typing a reason.
        assert not page.services.override.isEnabled()
        assert "Only a supervisor" in page.services.override.toolTip()
        # The youth's consent recorded, then the referral goes.
        consents = page.lists["consents"]
        consents.form.set_values({"kind": "referral", "scope": "mental-health referrals", "given_by": "youth",
                                  "given_on": "2026-11-01"})
        qtbot.mouseClick(consents.add_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(page.body.get("consents")), timeout=10_000)
        page.services.referrals.listing.setCurrentRow(0)
        # Asked first whether the consent covers this referral: no, and nothing leaves.
        asked: list[str] = []
        page.services.confirm_consent = lambda _rid, c: asked.append(c.scope) or False  # type: ignore[method-assign]
        qtbot.mouseClick(page.services.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.services.referrals.message.text().startswith("Not sent."),
                        timeout=10_000)
        assert asked == ["mental-health referrals"]
        assert page.services.referrals.items[0]["status"] == "suggested"
        assert page.services.send_button.isEnabled()
        page.services.confirm_consent = lambda _rid, c: True  # type: ignore[method-assign]
        qtbot.mouseClick(page.services.send_button, Qt.MouseButton.LeftButton)
        referrals = page.services.referrals
        qtbot.waitUntil(lambda: referrals.items and referrals.items[0]["status"] == "referred",
                        timeout=10_000)
        assert page.services.referrals.items[0]["consent_given_on"] == "2026-11-01"
        # The worker is told which consent it went under, in its own words (it may cover less).
        assert win.statusBar().currentMessage() == ("Referral sent under the consent given on 2026-11-01, "
                                                    "which covers: mental-health referrals. Share only what "
                                                    "it covers.")
        qtbot.waitUntil(lambda: page.services.referrals.message.text().endswith(  # whole, beside the list
            "Share only what it covers."), timeout=10_000)
        page.services.referrals.listing.setCurrentRow(0)

        def offered() -> set[str]:
            model = page.services.next_status.model()
            return {page.services.next_status.itemData(i) for i in range(page.services.next_status.count())
                    if model.item(i).isEnabled()}  # type: ignore[attr-defined]

        # Only the steps a sent referral may take are offered (the others were always refused).
        assert offered() == {"accepted", "declined", "no_show"}
        # Nothing is chosen for the person (the first step offered was "Declined"), and the button
        # waits for a choice.
        assert page.services.next_status.currentIndex() == -1
        assert not page.services.move_button.isEnabled()
        page.services.next_status.setCurrentIndex(page.services.next_status.findData("accepted"))
        assert page.services.move_button.isEnabled()
        qtbot.mouseClick(page.services.move_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.services.referrals.items[0]["status"] == "accepted", timeout=10_000)
        assert offered() == {"active", "declined", "no_show"}
        # Ending one is asked first (one arrow key had chosen "Declined").
        ends: list[str] = []
        page.services.confirm_end = lambda st: ends.append(st.value) or False  # type: ignore[method-assign]
        page.services.next_status.setCurrentIndex(page.services.next_status.findData("declined"))
        qtbot.mouseClick(page.services.move_button, Qt.MouseButton.LeftButton)
        assert ends == ["declined"] and page.services.referrals.message.text() == "Nothing was changed."
        assert page.services.referrals.items[0]["status"] == "accepted"
        page.services.confirm_end = lambda st: True  # type: ignore[method-assign]
        # Active only once the first service's day is recorded on the referral.
        form = page.services.referrals.form
        form.widgets["first_service_on"].setText(page.services.referrals.items[0]["referred_on"])  # type: ignore[attr-defined]
        qtbot.mouseClick(page.services.referrals.replace_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.services.referrals.items[0].get("first_service_on"), timeout=10_000)
        page.services.referrals.listing.setCurrentRow(0)
        for status in ("active", "completed"):
            page.services.next_status.setCurrentIndex(page.services.next_status.findData(status))
            qtbot.mouseClick(page.services.move_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda s=status: page.services.referrals.items[0]["status"] == s, timeout=10_000)
        # Ended: nothing to choose, and the button says why.
        assert offered() == set() and not page.services.move_button.isEnabled()
        assert page.services.next_status.currentText() == ""  # not a greyed "Accepted" by an ended one
        assert "has ended" in page.services.move_button.toolTip()
        assert youth_id == page.youth_id
    finally:
        win.close()


def test_build_a_plan_and_print_it_for_the_youth(qtbot: QtBot, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    win = new_window(qtbot, tmp_path / "vault", 3, seed=22)
    try:
        _youth_id, page = _open_first_youth(qtbot, win)
        goals = page.services.goals
        goals.form.set_values({"domain": "education", "goal": "Finish high school",
                               "steps": "Meet the liaison", "who_helps": "Fictional Liaison",
                               "due_on": "2027-06-01"})
        qtbot.mouseClick(goals.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(page.services.goals.items) == 1, timeout=10_000)
        qtbot.mouseClick(page.services.plan_print, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=10_000)
        view = win.documents.views[0]
        assert view.windowTitle() == "My plan"
        text = pdfium.PdfDocument(view.pdf)[0].get_textpage().get_text_range()
        assert "Finish high school" in text and "Education" in text
        view.close()
    finally:
        win.close()


def test_the_provider_field_offers_the_directory_without_opening_it_first(qtbot: QtBot,
                                                                          tmp_path: Path) -> None:
    """The referral's provider offered no names until the Directory page had been opened once."""
    from csec_desktop import directory
    from csec_desktop.storage.vault import Vault
    from tests.conftest import ADMIN_PASS
    from tests.ui.test_shell import _youth_template
    from ui.main_window import MainWindow

    folder = tmp_path / "vault"
    _youth_template(3, 21).copy_to(folder)
    vault = Vault.unlock(folder, "admin", ADMIN_PASS)
    try:
        directory.add(vault, {"name": "Harbor Light Survivor Advocates (fictional)", "domains": ["safety"],
                              "services": "Survivor mentors (fictional)."})
    finally:
        vault.lock()
    window = MainWindow(folder)
    qtbot.addWidget(window)
    window.show()
    try:
        _youth_id, page = _open_first_youth(qtbot, window)
        assert window._directory_page is None  # never opened
        field = page.services.referrals.form.widgets["provider"]

        def offered() -> list[str]:
            completer = field.completer()  # type: ignore[attr-defined]
            if completer is None:
                return []
            model = completer.model()
            return [model.index(i, 0).data() for i in range(model.rowCount())]

        qtbot.waitUntil(lambda: "Harbor Light Survivor Advocates (fictional)" in offered(), timeout=10_000)
    finally:
        window.close()


def test_a_required_area_or_condition_starts_with_nothing_chosen(qtbot: QtBot) -> None:
    """Review, session 38: a new goal or referral started in "Physical health" and a participation
    condition at "(1)", so an entry saved in haste went under the first item. A required choice
    from a fixed list starts at "(choose one)", and the model refuses it beside the field."""
    from csec_desktop.domain.services import PlanGoal
    from csec_desktop.errors import ValidationFailed
    from ui.efc_tab import EfcTab
    from ui.services_tab import ServicesTab

    services, efc = ServicesTab(), EfcTab()
    qtbot.addWidget(services)
    qtbot.addWidget(efc)
    for form, name in ((services.goals.form, "domain"), (services.referrals.form, "domain"),
                       (efc.participation.form, "condition")):
        form.set_values(form.defaults())
        assert form.widgets[name].currentText() == "(choose one)", name  # type: ignore[attr-defined]
        assert form.values()[name] is None
    goal = services.goals.form
    goal.widgets["goal"].setPlainText("A safe place of my own")  # type: ignore[attr-defined]
    try:
        PlanGoal.parse({**goal.values(), "youth_id": "fictional"})
    except ValidationFailed as refused:
        assert "domain" in [p.field for p in refused.problems]
    else:
        raise AssertionError("a goal with no area was taken")
