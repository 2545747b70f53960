"""English and Spanish: every string translated, and the language switches without a restart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from csec_desktop.errors import PermissionDenied
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import admin as admin_screen
from tests.conftest import ADMIN_PASS, WORKER_PASS
from tests.ui.test_shell import _unlock, new_window
from ui import i18n
from ui.main_window import MainWindow
from ui.messages import describe

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\w+\}")


def _marked() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for folder in ("ui", "csec_desktop"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")],
                keywords={"_": None, "N_": None, "W": None, "t": None, "block": None,
                          "ngettext": (1, 2)}):
            found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_marked_string_has_a_spanish_translation() -> None:
    with (ROOT / "csec_desktop" / "locale" / "es.po").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    problems = []
    for message in _marked():
        key = message if isinstance(message, str) else message[0]
        entry = catalog.get(key)
        english = [message] if isinstance(message, str) else list(message)
        spanish = [] if entry is None else ([entry.string] if isinstance(entry.string, str)
                                            else list(entry.string))
        if entry is None or not all(spanish) or entry.fuzzy:
            problems.append(f"untranslated: {key!r}")
            continue
        for en, es in zip(english, spanish, strict=False):
            if sorted(PLACEHOLDER.findall(en)) != sorted(PLACEHOLDER.findall(es)):
                problems.append(f"placeholders differ: {en!r} / {es!r}")
            if len(MNEMONIC.findall(en)) != len(MNEMONIC.findall(es)):
                problems.append(f"keyboard mnemonic lost or added: {en!r} / {es!r}")
    assert problems == []


MNEMONIC = re.compile(r"&(?=[^\s&])")
"""An "&" that marks the next letter as a key (Alt+letter); "Welf. & Inst. Code" marks none."""

DEVELOPER_NOTES = re.compile(r"(SECURITY|DOMAIN|ANCHORS|MODELS|ARCHITECTURE|EXAMPLES)\.md|shared/")


def test_no_text_shown_to_a_person_points_to_the_developers_notes() -> None:
    """The project's notes outside the repository are for its developers: a setting's explanation
    named SECURITY.md, a file no county worker has."""
    pointing = [message for message in _marked()
                for text in ([message] if isinstance(message, str) else list(message))
                if DEVELOPER_NOTES.search(text)]
    assert pointing == []


def test_switching_language_changes_the_window_without_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    win = new_window(qtbot, folder, 40, seed=4)
    try:
        assert win.unlock_page.button.text() == "&Unlock"
        win.language.setCurrentIndex(win.language.findData("es"))
        assert win.unlock_page.button.text() == "&Desbloquear"
        assert win.user_label.text() == "Bloqueado"
        _unlock(qtbot, win, "not the passphrase")
        qtbot.waitUntil(lambda: "incorrectos" in win.unlock_page.message.text(), timeout=10_000)
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        assert "se bloquea tras" in win.user_label.text()
        assert "desbloqueada" in win.user_label.toolTip()
        assert win.model.headerData(0, Qt.Orientation.Horizontal) == "Nombre"
        assert win.today_action.text() == "&Hoy"
        # The rules' "why" lines are said in Spanish too (text.W), not only the titles.
        qtbot.waitUntil(lambda: win.today_model.rowCount() > 0, timeout=10_000)
        win.today_page.table.selectRow(0)
        # The duty's why lines are found again on the vault thread when it is looked at.
        qtbot.waitUntil(lambda: "• " in win.today_page.detail.text(), timeout=10_000)
        detail = win.today_page.detail.text()
        assert "• " in detail and not any(english in detail for english in (
            "legal status", "the county must", "year of age", "the 90-day window"))
        win.set_language("en")
        assert win.today_action.text() == "&Today"
        assert win.model.headerData(0, Qt.Orientation.Horizontal) == "Name"
        assert "locks after" in win.user_label.text() and "unlocked" in win.user_label.toolTip()
        win.set_language("es")
    finally:
        win.close()
    # The choice is remembered beside the vault for the next start.
    again = MainWindow(folder)
    qtbot.addWidget(again)
    try:
        assert again.unlock_page.button.text() == "&Desbloquear"
    finally:
        again.close()
        i18n.set_language("en")
    with pytest.raises(ValueError):
        i18n.set_language("xx")


def test_a_refused_save_in_spanish_keeps_the_window_within_a_1366_pixel_screen(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The youth page's unsaved mark and message sat in one row with its six buttons: in Spanish a
    refused save's message made the row 1,392 pixels wide and the window grew past the screen."""
    win = new_window(qtbot, tmp_path / "vault", 3, seed=4)
    try:
        win.resize(1366, 768)
        win.language.setCurrentIndex(win.language.findData("es"))
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.caseload_action.trigger()
        qtbot.waitUntil(lambda: win.model.rowCount() == 3, timeout=10_000)
        win.open_youth(win.model.summary(0).id)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.youth_page, timeout=10_000)
        page = win.youth_page
        page.dirty_mark.setVisible(True)
        page.show_problems([("legal_name", "Field required"),
                            ("date_of_birth", "Input should be a valid date"),
                            ("aliases.0.name", "Field required")])
        qtbot.wait(50)
        assert win.minimumSizeHint().width() <= 1366 and win.width() <= 1366
        # Every tab's name in sight (History was behind scroll arrows: 1,364 pixels of tabs in 1,348).
        assert page.tabs.tabBar().sizeHint().width() <= page.tabs.width()
        notice = page.notice
        assert notice.isVisible() and notice.height() >= notice.heightForWidth(notice.width())
    finally:
        win.close()
        i18n.set_language("en")


def test_in_spanish_headers_and_filters_read_whole_and_a_cut_duty_shows_in_its_tooltip(
        qtbot: QtBot, tmp_path: Path) -> None:
    """The caseload's birth-date header read "echa de nacimient" and its filters "Cualquier estatus
    lega" in Spanish, with room to spare on a 1366-pixel screen; Today cut long duties and laws."""
    win = new_window(qtbot, tmp_path / "vault", 20, seed=4)
    try:
        win.resize(1366, 768)
        _unlock(qtbot, win, ADMIN_PASS)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.today_page, timeout=10_000)
        win.set_language("es")  # after the tables are made: their columns are fitted again
        win.caseload_action.trigger()
        page = win.caseload_page
        header = page.table.horizontalHeader()
        for column in range(header.count() - 1):  # the last stretches to the edge
            assert header.sectionSize(column) >= header.sectionSizeHint(column), column
        for combo in (page.status, page.csec, page.age, page.worker):
            shown = combo.fontMetrics().horizontalAdvance(combo.itemText(0))
            assert combo.sizeHint().width() > shown, combo.itemText(0)
        assert win.minimumSizeHint().width() <= 1366
        qtbot.waitUntil(lambda: win.today_model.rowCount() > 0, timeout=10_000)
        index = win.today_model.index(0, 4)
        assert win.today_model.data(index, Qt.ItemDataRole.ToolTipRole) == win.today_model.data(index)
        law = win.today_model.index(0, 7)
        assert win.today_model.data(law, Qt.ItemDataRole.ToolTipRole).startswith(("Welf.", "Pen.", "Gov."))
    finally:
        win.close()
        i18n.set_language("en")


def test_a_refusal_from_the_core_is_said_in_the_interface_language(vault_of, vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A refusal read "Your role (caseworker) does not allow this" in the Spanish window."""
    vault_of((("casey", "caseworker", "Unit A"),)).close()
    casey = Vault.unlock(vault_dir, "casey", WORKER_PASS)
    try:
        with pytest.raises(PermissionDenied) as refused:
            admin_screen.overview(casey)
        assert str(refused.value).startswith("Your role (caseworker) does not allow this")  # the log's
        i18n.set_language("es")
        assert describe(refused.value).startswith("Su rol (trabajador de casos) no permite esto")
    finally:
        i18n.set_language("en")
        casey.lock("test")


def test_a_refused_entry_is_said_in_the_interface_language() -> None:
    """A refusal's field messages (marked N_ in the core) read in Spanish; they were English."""
    from csec_desktop.domain.base import shape_problems, stated_purpose
    from csec_desktop.errors import ValidationFailed
    from csec_desktop.reports import periods

    with pytest.raises(ValidationFailed) as refused:
        periods.parse("last spring")
    with pytest.raises(ValidationFailed) as too_long:  # a message with values in it (a text.W line)
        stated_purpose("x" * 600, "document")
    with pytest.raises(ValidationFailed) as unsaid:  # an export with no reason given
        stated_purpose("  ", "record")
    deep: list[object] = []
    for _level in range(20):
        deep = [deep]
    shape = ValidationFailed(shape_problems({"note": "x" * 100_001, "list": deep}))
    try:
        i18n.set_language("es")
        said = describe(refused.value)
        assert "escriba un trimestre (2026Q3)" in said and "write a quarter" not in said
        assert "tiene 600 caracteres; como máximo 500" in describe(too_long.value)
        assert "indique por qué este registro sale de la bóveda" in describe(unsaid.value)
        assert "tiene 100,001 caracteres, mucho más" in describe(shape)
        assert "está anidado en más de 12 niveles" in describe(shape)
    finally:
        i18n.set_language("en")
    assert "write a quarter (2026Q3)" in describe(refused.value)
    assert "is 600 characters long; at most 500" in describe(too_long.value)
    assert "say why this record leaves the vault" in describe(unsaid.value)
    assert "is 100,001 characters long, far more" in describe(shape)
    assert "is nested more than 12 levels deep" in describe(shape)



def test_a_spin_box_is_as_wide_as_its_any_in_each_language(qtbot: QtBot) -> None:
    """Sync review 2: the directory's age box kept its English width and read "ier edad"."""
    from PySide6.QtWidgets import QSpinBox

    from ui.i18n import N_, bind, set_language, special_value

    box = QSpinBox()
    qtbot.addWidget(box)
    bind(box, special_value, N_("Any age"))
    try:
        set_language("es")
        assert box.specialValueText() == "Cualquier edad"
        assert box.minimumWidth() > box.fontMetrics().horizontalAdvance("Cualquier edad")
    finally:
        set_language("en")
    assert box.specialValueText() == "Any age"
