"""Record relief in the window: counts entered one by one, each told what the law allows and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from tests.ui.test_shell import _open_first_youth, new_window

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def test_counts_are_assessed_as_they_are_entered(qtbot: QtBot, tmp_path: Path) -> None:
    win = new_window(qtbot, tmp_path / "vault", 3, seed=5)
    try:
        _youth_id, page = _open_first_youth(qtbot, win)
        tab = page.relief
        page.tabs.setCurrentIndex(9)
        assert "No arrest" in tab.assessment.text()
        # An administrator may not write the youth's account: refused, nothing saved.
        form = tab.counts.form
        form.set_values({**form.defaults(), "count_kind": "conviction", "section": "484",
                         "offense_date": "2025-03-01", "nexus": "He made me."})
        qtbot.mouseClick(tab.counts.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "attorney" in tab.counts.message.text(), timeout=10_000)
        assert tab.counts.items == []
        # A date after today is marked beside its own field, each one named (they had all gone to
        # a line under the form's last field, none marked).
        form.set_values({**form.defaults(), "count_kind": "conviction", "section": "484",
                         "offense_date": "2099-03-01", "disposition_date": "2099-04-01"})
        qtbot.mouseClick(tab.counts.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "ahead of now" in form.errors["offense_date"].text(), timeout=10_000)
        assert "ahead of now" in form.errors["disposition_date"].text()
        assert form.general.text() == "" and tab.counts.items == []
        for section, while_victim in (("211", True), ("484", True), ("11350", False)):
            form.set_values({**form.defaults(), "count_kind": "conviction", "section": section,
                             "offense_date": "2025-03-01", "while_victim": while_victim})
            before = len(tab.counts.items)
            qtbot.mouseClick(tab.counts.add_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda b=before: len(tab.counts.items) == b + 1, timeout=10_000)
        text = tab.assessment.text()
        assert "cannot be petitioned under 236.14" in text and "violent felony" in text
        assert "needs review" in text and "direct-result narrative" in text and "trafficking victim" in text
        # Spanish: the why lines follow the language.
        win.set_language("es")
        assert "no puede incluirse en una petición" in tab.assessment.text()
        assert "delito grave violento" in tab.assessment.text()
        win.set_language("en")
    finally:
        win.close()


def test_from_the_record_to_a_printed_packet_offline(qtbot: QtBot, tmp_path: Path) -> None:
    """The attorney's path in the window: counts ticked into the petition, the review listing what
    is missing and refusing, then one packet previewed as one document, signed once reviewed."""
    import pypdfium2 as pdfium

    from csec_desktop import directory
    from csec_desktop.storage.vault import Vault
    from tests.conftest import ADMIN_PASS, WORKER_PASS, youth_data
    from ui.main_window import MainWindow

    vault, _ = Vault.create(tmp_path / "vault", county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    vault.add_user("alex", role="attorney", passphrase=WORKER_PASS, unit="Unit A")
    caseload_youth = youth_data(legal_name={"given": "Canarygiven", "family": "Zzyzxfamily"},
                                date_of_birth="2002-05-01")
    from csec_desktop import caseload

    caseload.create_youth(vault, caseload_youth)
    directory.add(vault, {"name": "Demo County District Attorney", "services": "Prosecuting agency",
                          "address": "1 Justice Plaza, Demo City, CA 90000"})
    vault.close()
    win = MainWindow(tmp_path / "vault")
    qtbot.addWidget(win)
    win.show()

    def text_of(pdf: bytes) -> str:
        document = pdfium.PdfDocument(pdf)
        return " ".join(" ".join(document[i].get_textpage().get_text_range().split())
                        for i in range(len(document)))

    try:
        win.unlock_page.user.setText("alex")
        win.unlock_page.passphrase.setText(WORKER_PASS)
        qtbot.mouseClick(win.unlock_page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: win.model.rowCount() == 1, timeout=10_000)
        win.open_youth(win.model.summary(0).id)
        page = win.youth_page
        qtbot.waitUntil(lambda: win.stack.currentWidget() is page, timeout=10_000)
        tab = page.relief
        form = tab.counts.form
        form.set_values({**form.defaults(), "count_kind": "conviction", "section": "484",
                         "offense_date": "2021-03-01", "judgment_date": "2021-05-03", "county": "Demo",
                         "case_number": "21CR-0001", "prosecuting_agency": "Demo County District Attorney",
                         "arresting_agency": "Demo City Police Department",
                         "while_victim": True, "nexus": "He sent me to steal."})
        qtbot.mouseClick(tab.counts.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(tab.counts.items) == 1, timeout=10_000)
        case = tab.cases.form
        case.set_values({**case.defaults(), "public_name": "C. Z.", "services_sought_on": "2022-07-01",
                         "grounds": "A man controlled my life from 2020 to 2022.",
                         "counsel": ["Alex Q. Sample (SBN 000000)", "Fictional Legal Aid",
                                     "1 Example Street, Demo City, CA 90000", "(555) 010-0000"]})
        qtbot.mouseClick(tab.cases.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(tab.cases.items) == 1, timeout=10_000)
        # The new petition starts with the count the law allows, ticked; counsel takes it out.
        assert tab.cases.listing.currentRow() == 0 and tab.cases.items[0]["count_ids"] == tab.counts.ids
        assert tab.petition_counts.item(0).checkState() is Qt.CheckState.Checked
        tab.petition_counts.item(0).setCheckState(Qt.CheckState.Unchecked)
        qtbot.mouseClick(tab.use_counts, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.cases.items[0].get("count_ids") == [], timeout=10_000)
        tab.cases.listing.setCurrentRow(0)
        lines = [tab.review.item(i).text() for i in range(tab.review.count())]
        assert any("no count is chosen" in line for line in lines), lines
        # Mark reviewed is refused, with the problems named.
        qtbot.mouseClick(tab.stage_buttons["attorney_reviewed"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "no count is chosen" in tab.cases.message.text(), timeout=20_000)
        # Tick the count into the petition.
        assert tab.petition_counts.count() == 1
        tab.petition_counts.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.mouseClick(tab.use_counts, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(tab.cases.items[0].get("count_ids")), timeout=10_000)
        tab.cases.listing.setCurrentRow(0)
        lines = [tab.review.item(i).text() for i in range(tab.review.count())]
        assert not any("no count is chosen" in line for line in lines)
        assert any("before filing" in line for line in lines)  # service is not recorded yet
        # A problem line takes the attorney to its field.
        service = next(i for i in range(tab.review.count()) if "delivered or mailed" in
                       tab.review.item(i).text())
        for area in win.youth_page.findChildren(QScrollArea):
            area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())  # away from it
        tab._go_to_problem(tab.review.item(service))
        assert tab.cases.form.widgets["service_date"].hasFocus() or not win.isActiveWindow()
        # In sight, not only focused: it had stayed above the visible part of the page.
        assert not tab.cases.form.widgets["service_date"].visibleRegion().isEmpty()
        qtbot.mouseClick(tab.print_buttons["vacatur_packet"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=20_000)
        words = text_of(win.documents.views[0].pdf)
        assert "Vacatur packet: filing index" in words and "VERIFIED PETITION" in words
        assert "PROOF OF SERVICE" in words and "[PROPOSED] ORDER" in words and "/s/" not in words
        public = words.split("CONFIDENTIAL IDENTITY ATTACHMENT;")[0]
        assert "C. Z." in public and "Canarygiven" not in public
        win.documents.views[0].close()
        qtbot.waitUntil(lambda: win.documents.views == [], timeout=10_000)
        # Counsel reviews it: signed.
        tab.cases.listing.setCurrentRow(0)
        qtbot.mouseClick(tab.stage_buttons["attorney_reviewed"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.cases.items and tab.cases.items[0]["stage"] == "attorney_reviewed",
                        timeout=20_000)
        tab.cases.listing.setCurrentRow(0)
        qtbot.mouseClick(tab.print_buttons["vacatur_petition"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=20_000)
        assert "/s/ Alex Q. Sample" in text_of(win.documents.views[0].pdf)
        win.documents.views[0].close()
        qtbot.waitUntil(lambda: win.documents.views == [], timeout=10_000)
        # The account edited after the review: the tab says counsel must review again, and the
        # petition prints unsigned until then.
        tab.cases.listing.setCurrentRow(0)
        tab.cases.form.widgets["grounds"].setPlainText("A man controlled my life from 2019 to 2022.")
        qtbot.mouseClick(tab.cases.replace_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any("changed since counsel reviewed it" in tab.review.item(i).text()
                                    for i in range(tab.review.count())), timeout=20_000)
        tab.cases.listing.setCurrentRow(0)
        qtbot.mouseClick(tab.print_buttons["vacatur_petition"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(win.documents.views) == 1, timeout=20_000)
        assert "/s/" not in text_of(win.documents.views[0].pdf)
        win.documents.views[0].close()
    finally:
        win.close()


def test_a_role_that_may_not_read_the_account_sees_its_boxes_say_so(qtbot: QtBot) -> None:
    """Attorney review, session 36: a caseworker saw the account's boxes empty and editable, as if
    nothing were written, and a petition changed since counsel's review still read "Reviewed by the
    attorney" in the list."""
    from csec_desktop.domain.vacatur import VacaturCase
    from csec_desktop.vacatur import assess
    from csec_desktop.vacatur.petition import CountOnFile, fingerprint
    from tests.conftest import youth_data
    from tests.core import vacatur_fixtures as fx
    from ui.vacatur_tab import VacaturTab

    tab = VacaturTab()
    qtbot.addWidget(tab)
    tab.withhold_account(True)
    for form, name in ((tab.counts.form, "nexus"), (tab.cases.form, "grounds"),
                       (tab.cases.form, "safety_concerns")):
        box = form.widgets[name]
        assert box.isReadOnly() and "Withheld from your role" in box.placeholderText(), name  # type: ignore[attr-defined]
    tab.withhold_account(False)
    assert not tab.counts.form.widgets["nexus"].isReadOnly()  # type: ignore[attr-defined]
    assert tab.counts.form.widgets["nexus"].placeholderText() == ""  # type: ignore[attr-defined]
    # Reviewed, then a count changed: the list says the papers print unsigned.
    from csec_desktop.domain.vacatur import CriminalCount
    from csec_desktop.domain.youth import Youth

    youth = Youth.model_validate(youth_data())
    count = CriminalCount.model_validate({**fx.ADULT, "youth_id": "y"})
    case = VacaturCase.model_validate({**fx.CASE, "youth_id": "y", "count_ids": ["c1"],
                                       "stage": "attorney_reviewed"})
    on_file = (CountOnFile("c1", count, assess(count, youth)),)
    reviewed = case.model_copy(update={"reviewed": fingerprint(case, on_file)})
    tab.counts.set_items([count.model_dump(mode="json")], ["c1"])
    tab.cases.set_items([reviewed.model_dump(mode="json")], ["p1"])
    tab.show_answers([(count.model_dump(mode="json"), assess(count, youth))])
    assert tab.cases.listing.item(0).text() == "C. Z. · Reviewed by the attorney"
    changed = count.model_copy(update={"description": "a typo"})
    tab.counts.set_items([changed.model_dump(mode="json")], ["c1"])
    tab.show_answers([(changed.model_dump(mode="json"), assess(changed, youth))])
    assert tab.cases.listing.item(0).text() == \
        "C. Z. · Reviewed by the attorney · changed since, prints unsigned"


def test_counsel_shares_one_petitions_account_with_the_caseworker(qtbot: QtBot, tmp_path: Path) -> None:
    """The county's decision: a caseworker reads the youth's account only when an attorney shares
    it for that case. In the window: the attorney chooses the caseworker, the petition says whom it
    is shared with; the caseworker then reads it there, read-only, told who shared it and that
    each reading is recorded; another petition stays withheld."""
    from csec_desktop import caseload
    from csec_desktop.storage.vault import Vault
    from tests.conftest import ADMIN_PASS, WORKER_PASS, youth_data
    from ui.main_window import MainWindow

    account = "Fictional: he kept my papers and sent me out."
    vault, _ = Vault.create(tmp_path / "vault", county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    vault.add_user("alex", role="attorney", passphrase=WORKER_PASS, unit="Unit A",
                   display_name="Alex Sample-Counsel")
    vault.add_user("casey", role="caseworker", passphrase=WORKER_PASS, unit="Unit A",
                   display_name="Casey Sample-Worker")
    youth = caseload.create_youth(vault, youth_data(date_of_birth="2002-05-01")).id
    vault.close()
    alex = Vault.unlock(tmp_path / "vault", "alex", WORKER_PASS)
    caseload.add_attached(alex, youth, "vacatur_case", {"public_name": "C. Z.", "grounds": account})
    caseload.add_attached(alex, youth, "vacatur_case", {"public_name": "C. Y.", "grounds": "Fictional."})
    alex.close()

    def open_as(user: str) -> tuple[MainWindow, object]:
        win = MainWindow(tmp_path / "vault")
        qtbot.addWidget(win)
        win.show()
        win.unlock_page.user.setText(user)
        win.unlock_page.passphrase.setText(WORKER_PASS)
        qtbot.mouseClick(win.unlock_page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.open_youth(youth)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.youth_page
                        and len(win.youth_page.relief.cases.items) == 2, timeout=10_000)
        return win, win.youth_page.relief

    win, tab = open_as("alex")
    try:
        row = next(i for i, item in enumerate(tab.cases.items) if item["public_name"] == "C. Z.")
        tab.cases.listing.setCurrentRow(row)
        offered: list[list[tuple[str, str]]] = []
        tab.choose_person = lambda _t, _x, people: offered.append(people) or "casey"  # type: ignore[method-assign]
        assert tab.share_buttons[True].isEnabled()
        qtbot.mouseClick(tab.share_buttons[True], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Casey Sample-Worker" in tab.share_note.text(), timeout=10_000)
        assert offered == [[("casey", "Casey Sample-Worker")]]
    finally:
        win.close()

    win, tab = open_as("casey")
    try:
        row = next(i for i, item in enumerate(tab.cases.items) if item["public_name"] == "C. Z.")
        tab.cases.listing.setCurrentRow(row)
        box = tab.cases.form.widgets["grounds"]
        assert box.toPlainText() == account and box.isReadOnly()  # type: ignore[attr-defined]
        assert "Alex Sample-Counsel shared" in tab.share_note.text() and "recorded" in tab.share_note.text()
        # Shared but empty: not written, not "withheld".
        assert tab.cases.form.widgets["safety_concerns"].placeholderText() == "Not written."  # type: ignore[attr-defined]
        assert not tab.share_buttons[True].isEnabled() and "attorney" in tab.share_buttons[True].toolTip()
        other = 1 - row
        tab.cases.listing.setCurrentRow(other)
        assert box.toPlainText() == "" and "Withheld" in box.placeholderText()  # type: ignore[attr-defined]
        assert tab.share_note.text() == ""
        # The History tab says what counsel did, with whom, and which petition.
        lines = [win.youth_page.history.item(i).text() for i in range(win.youth_page.history.count())]
        assert any("alex  shared the account of a vacatur petition with casey: " in line and "C. Z." in line
                   for line in lines), lines
        assert not any("Account shared with" in line for line in lines)
    finally:
        win.close()
