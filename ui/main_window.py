"""The main window: a shell of pages and the controllers that fill them.

It owns the session (first run, unlock, lock, the offline limit, a revoked device), the
navigation and the language; everything else is a controller per area, each given the
callables it needs rather than the window: caseload (ui/caseload_page.py), a youth and its
screens (ui/youth_controller.py), documents (ui/documents.py), Today (ui/today_page.py),
administration (ui/admin_page.py), sync (ui/sync_screens.py). All vault work runs on the
worker thread through ui/tasks.py. Ctrl+L locks at once; an idle period locks too. The
window title never carries a youth's name.
"""

from __future__ import annotations

import gc
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

# Only what the unlock page needs is imported here: the window is on screen before the rest of
# the app's modules load (about 0.3 s of a cold start), and they load while the person types, or
# while the vault thread derives the key when the passphrase came at once (`_build_rest`). Code
# below that needs one imports it where it is used; a module is loaded once, later imports of it
# cost a lookup.
from csec_desktop import APP_NAME
from csec_desktop.fileio import atomic_write
from csec_desktop.usecases import unlock
from ui import i18n
from ui.i18n import N_, _, bind, ngettext, role_label
from ui.idle import IdleWatcher
from ui.keys import EnterPresses, show_where_the_keys_go, tip_with
from ui.messages import describe
from ui.scrolling import chosen_from_its_list
from ui.tasks import Change, Tasks, VaultEvents
from ui.unlock_page import UnlockPage
from ui.worker import Holder, VaultThread

if TYPE_CHECKING:
    from csec_desktop.storage.vault import Vault
    from csec_desktop.usecases import session
    from ui.admin_controller import AdminController
    from ui.admin_page import AdminPage
    from ui.directory_page import DirectoryPage
    from ui.first_run import FirstRunPage
    from ui.form_view import FormView
    from ui.intake_page import IntakeController, IntakePage
    from ui.law_changes import LawChangesPage
    from ui.reports_page import ReportsPage
    from ui.youth_controller import ScreenController, YouthController
    from ui.youth_page import YouthPage

INTERFACE_FILE = "interface.json"
"""Beside the vault: the interface language and the window's geometry. Nothing about any youth."""

Session = tuple[str, str, int]  # user name, role, idle minutes
YOUTH_PAGE_AFTER_MS = 1000
"""A youth page put off by an unlock is built this long after the caseload's first page: after
its rows are painted and Today's first rows are asked for, while the person reads them (opening a
youth before then builds it at once)."""
REST_AT_THE_LATEST_MS = 1000
"""The rest of the window is built after the unlock page's first paint, or this long after start."""
log = logging.getLogger(__name__)


def _offline_lock(vault: Vault) -> int | None:
    """The county's offline limit in days if this device is past it, else None."""
    from csec_desktop.sync import local as sync_local

    if not sync_local.is_locked(vault):
        return None
    found = sync_local.enrolment(vault)
    return found.max_offline_days if found else None


def _open(holder: Holder, folder: Path, user: str, passphrase: str, ahead: unlock.KeyAhead,
          checking: Callable[[str], None] | None = None) -> Session:
    from csec_desktop import policy

    holder.vault = unlock.open_vault(folder, user, passphrase, ahead, checking)
    return holder.vault.user.username, holder.vault.user.role.value, policy.idle_lock_minutes(holder.vault)


def tune_collector() -> None:
    """Python's cycle collector, set for a window that holds a county's Today (100,000 youth:
    about 120,000 duties, millions of objects). At the default thresholds it traversed those
    objects so often that the vault thread's work took 40% longer (Today's chunks over 100,000
    youth: 37.7 s, and 27.1 s with these). Collections still run, less often; objects made at
    start (modules, classes, widgets) are set aside from them. Where the GUI thread's collector
    runs (ui/collector.py, started before the window), it keeps the thresholds it found, Python's
    defaults, and checks at most every half second; made to read these instead, the window
    measured no better at 100,000 youth (Today's whole list 33.0 and 57.2 s against 31.3 and
    49.0 s, alternated; memory the same), so it was left so."""
    gc.set_threshold(50_000, 20, 100)
    gc.freeze()
    # The window's thread waits for the interpreter lock for every call into Python a paint makes
    # (a table's data(), row by row); while the vault thread works, each wait lasted up to the
    # switch interval (5 ms by default), so a table of rows took most of a second to paint.
    sys.setswitchinterval(0.0005)


class MainWindow(QMainWindow):
    checking_vault = Signal(str)
    """Emitted from the vault thread when an unlock checks the vault first (queued to this one)."""

    def __init__(self, folder: Path, hint: str = "", idle: IdleWatcher | None = None) -> None:
        super().__init__()
        tune_collector()
        self.folder = folder
        self._load_language()
        self.setWindowTitle(APP_NAME)  # never a youth's name, nor the user's
        self.backend = VaultThread(self)
        self.tasks = Tasks(self.backend, self._error, ended=lambda _e: self._session_ended())
        self.events = VaultEvents(self)
        self._username = ""
        self._session: Session = ("", "", 15)
        self._pending_session: Session = ("", "", 15)
        self._build_shell(hint)
        self._build_status_bar()
        # Application-wide: Ctrl+L locks from a document preview or any other window too.
        lock = QShortcut(QKeySequence("Ctrl+L"), self, context=Qt.ShortcutContext.ApplicationShortcut)
        lock.activated.connect(self.lock)
        new = QShortcut(QKeySequence.StandardKey.New, self)
        new.activated.connect(self.new_youth)
        sync_now = QShortcut(QKeySequence("F9"), self)
        for shortcut, name in ((lock, N_("Lock now")), (new, N_("New youth")), (sync_now, N_("Sync now"))):
            bind(shortcut, "setWhatsThis", name)  # named in the About box's list of keys
        sync_now.activated.connect(lambda: self.sync.sync_now() if self._username else None)
        self.idle = idle or IdleWatcher(parent=self)
        self.idle.idle.connect(lambda: self.lock("idle"))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.idle.watch(app)
            show_where_the_keys_go(app)
            self.enter_presses = EnterPresses(self)
            self.enter_presses.watch(app)
        self._show_user()
        self.restore_geometry()
        # The rest once the unlock page is on screen: at the event loop's first turn it came before
        # the window system's first paint, and the window stayed blank while it was built.
        self.unlock_page.installEventFilter(self)
        QTimer.singleShot(REST_AT_THE_LATEST_MS, self, self._build_in_turn)  # a window never painted

    # Building -------------------------------------------------------------------

    _rest_built = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.unlock_page and event.type() == QEvent.Type.Paint:
            self.unlock_page.removeEventFilter(self)
            QTimer.singleShot(0, self, self._build_in_turn)
        return super().eventFilter(watched, event)

    def _build_in_turn(self) -> None:
        """The rest of the window, then the youth page at a turn of the event loop of its own."""
        self._build_rest()
        if self._youth_page is None:
            QTimer.singleShot(0, self, self._build_youth_when_free)  # (see youth_page)

    if not TYPE_CHECKING:  # hidden from mypy: each part is typed where `_build_rest` makes it

        def __getattr__(self, name: str) -> object:
            # Called only for a name not found: a part asked for before the event loop's first
            # turn built it (a caller that uses the window at once, as tests do) is built now.
            if name.startswith("_") or self._rest_built or "stack" not in self.__dict__:
                raise AttributeError(name)
            self._build_rest()
            return getattr(self, name)

    def _build_shell(self, hint: str) -> None:
        self.unlock_page = UnlockPage(hint)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock_page)
        # What an unlock found that the person must read (people changed outside the app and put
        # back, the audit trail cut since their last unlock, the youth's account not yet theirs):
        # a band above every page until dismissed or locked, not a status message that scrolls away.
        self.warning_band = QWidget()
        band = QHBoxLayout(self.warning_band)
        band.setContentsMargins(8, 4, 8, 4)
        self.warning_text = QLabel()
        self.warning_text.setWordWrap(True)
        bind(self.warning_text, "setAccessibleName", N_("What the unlock found"))
        dismiss = QPushButton()
        bind(dismiss, "setText", N_("Dismiss"))
        dismiss.clicked.connect(lambda: self.warning_band.setVisible(False))
        band.addWidget(self.warning_text, 1)
        band.addWidget(dismiss)
        self.warning_band.setStyleSheet("background:#fff3cd;color:#3d2e00")
        self.warning_band.setVisible(False)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.warning_band)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.unlock_page.button.clicked.connect(self._unlock)
        self.checking_vault.connect(self._checking)  # emitted on the vault thread, run on this one

    def _build_rest(self) -> None:
        """Every page but the unlock page, the controllers, the navigation. Built at the first turn
        of the event loop, or at once by whatever needs them first (an unlock that ends, a first
        run, a lock)."""
        if self._rest_built:
            return
        self._rest_built = True
        from ui.fonts import ensure_fallback

        ensure_fallback()  # before any youth's name is shown
        # Every module the vault thread's first tasks use is loaded here, on this thread (see
        # `_unlock`): one thread imports at a time, so neither can wait on the other's
        # half-loaded module (CPython refuses such an import: "deadlock detected").
        import csec_desktop.policy
        import csec_desktop.sync.local
        import csec_desktop.usecases.session  # noqa: F401
        from ui.caseload_model import CaseloadModel
        from ui.caseload_page import CaseloadPage
        from ui.sync_ui import ConflictsPage, OfflineLockPage
        from ui.today_model import TodayModel
        from ui.today_page import TodayPage

        self.model = CaseloadModel()
        self.today_model = TodayModel()
        self.today_page = TodayPage(self.today_model)
        self.caseload_page = CaseloadPage(self.model)
        self.conflicts_page = ConflictsPage()
        self.offline_page = OfflineLockPage()
        for page in (self.today_page, self.caseload_page, self.conflicts_page, self.offline_page):
            self.stack.addWidget(page)
        self._build_controllers()
        self._build_navigation()
        self._build_sync_status()
        self.model.modelReset.connect(self._caseload_shown)

    def _build_controllers(self) -> None:
        from ui.caseload_page import CaseloadController
        from ui.documents import DocumentsController
        from ui.sync_screens import SyncScreens
        from ui.sync_ui import SyncController
        from ui.today_controller import TodayController

        status = self._status
        self.caseload = CaseloadController(
            self.tasks, self.caseload_page, self.model, username=lambda: self._username,
            shown=lambda: self.stack.currentWidget() is self.caseload_page, sees=self._sees)
        self.caseload_page.new_button.clicked.connect(self.new_youth)
        self.documents = DocumentsController(self.tasks, self, status=status)
        self.today = TodayController(self.tasks, self.today_page, self.today_model,
                                     shown=lambda: self.stack.currentWidget() is self.today_page)
        self.sync = SyncController(self.backend, self)
        self.sync.revoked.connect(self._revoked)
        self.sync_screens = SyncScreens(
            self.tasks, self.events, self.sync, self.conflicts_page, self.offline_page, status=status,
            show=self.stack.setCurrentWidget, current=self.stack.currentWidget,
            offline_check=lambda: self.tasks.run(_offline_lock, self._enter))
        self.events.changed.connect(self._changed)
        self._shown_page: QWidget | None = None
        self.stack.currentChanged.connect(self._page_changed)
        self.caseload_page.table.activated.connect(
            lambda index: self.open_youth(self.model.summary(index.row()).id))
        # From a duty, the record opens on its Duties (it opened on the Details, the duty out of sight).
        self.today_page.open_requested.connect(lambda youth_id: self.open_youth(youth_id, on_duties=True))
        self.conflicts_page.back_requested.connect(lambda: self.open_today())

    # The youth page is the largest (a form for each kind of record: 0.19 s of the window's 0.28 s
    # at start), and nobody sees it before a youth is opened: it is built after the rest of the
    # window (`_build_in_turn`, while the passphrase is typed; after the caseload's first page when
    # an unlock runs), or at once by the first use of `youth_page`, `youth` or `screens`. Added last to
    # the stack, its widgets end the window's focus chain; Tab order is unchanged, for the chain is
    # a cycle and the page's widgets stay together in it.
    _youth_page: YouthPage | None = None
    _unlocking = False  # an unlock asked for and not yet ended by the caseload's first page
    _youth_waits = False  # its build put off until then
    _youth: YouthController
    _screens: ScreenController
    _providers: list[str] | None = None

    # Pages few open in a day are built when first shown: at start, the reports page's module and
    # charts were an eighth of the window's imports, and building the administration and directory
    # pages 45 of the window's 120 ms.
    # So are intake, the law changes and the first run's page (a vault made here): unbuilt at an
    # unlock, their modules and widgets were about 20 ms of the window's work before the caseload.
    _reports_page: ReportsPage | None = None
    _admin: AdminController | None = None
    _directory_page: DirectoryPage | None = None
    _form_view: FormView | None = None
    _intake: IntakeController | None = None
    _law_changes_page: LawChangesPage | None = None
    _first_run: FirstRunPage | None = None

    @property
    def intake(self) -> IntakeController:
        if self._intake is None:
            from ui.intake_page import IntakeController, IntakePage

            self._build_rest()
            page = IntakePage()
            self.stack.addWidget(page)
            self._intake = IntakeController(
                self.tasks, page, show_page=lambda: self.stack.setCurrentWidget(page),
                opened=self.open_youth, cancelled=self._back_to_caseload)
        return self._intake

    @property
    def intake_page(self) -> IntakePage:
        return self.intake.page

    @property
    def law_changes_page(self) -> LawChangesPage:
        if self._law_changes_page is None:
            from ui.law_changes import LawChangesPage

            self._law_changes_page = LawChangesPage(self.tasks)
            self.stack.addWidget(self._law_changes_page)
        return self._law_changes_page

    @property
    def first_run(self) -> FirstRunPage:
        if self._first_run is None:
            from ui.first_run import FirstRunPage

            self._build_rest()
            page = self._first_run = FirstRunPage()
            self.stack.addWidget(page)
            page.create_requested.connect(self._create_vault)
            page.finished.connect(lambda: self._unlocked(self._pending_session))
            page.print_requested.connect(
                lambda county, secret: self.documents.recovery_sheet(
                    county, secret, lambda e: page.failed(describe(e))))
        return self._first_run

    @property
    def form_view(self) -> FormView:
        """A screen's form (a youth's screens): built with the youth page, its module reads the
        forms' definitions (YAML), a tenth of the window's imports at start."""
        if self._form_view is None:
            from ui.form_view import FormView

            self._form_view = FormView()
            self.stack.addWidget(self._form_view)
        return self._form_view

    @property
    def admin(self) -> AdminController:
        if self._admin is None:
            from ui.admin_controller import AdminController
            from ui.admin_page import AdminPage

            page = AdminPage()
            self.stack.addWidget(page)
            page.enrol_requested.connect(lambda: self.sync_screens.enrol(self))
            self._admin = AdminController(self.tasks, page,
                                          show_page=lambda: self.stack.setCurrentWidget(page))
            # New county settings move due dates: Today is found again (its dates had stayed on the
            # old days until a lock, beside explanations giving the new ones).
            self._admin.county_changed.connect(lambda: self.events.announce("", "policy"))
        return self._admin

    @property
    def admin_page(self) -> AdminPage:
        return self.admin.page

    @property
    def directory_page(self) -> DirectoryPage:
        if self._directory_page is None:
            from ui.directory_page import DirectoryPage

            page = self._directory_page = DirectoryPage(self.tasks)
            self.stack.addWidget(page)
            page.status_message.connect(self._status)
            page.entries_changed.connect(self._providers_changed)
        return self._directory_page

    @property
    def reports_page(self) -> ReportsPage:
        if self._reports_page is None:
            from ui.reports_page import ReportsPage

            page = self._reports_page = ReportsPage(self.tasks)
            self.stack.addWidget(page)
            page.open_requested.connect(self.open_youth)
            page.print_requested.connect(lambda period, scope: self.documents.program_report(
                period, scope, page.failed))
            if self.capabilities is not None:
                self._guide_reports(self.capabilities)
        return self._reports_page

    @property
    def youth_page(self) -> YouthPage:
        return self._build_youth()

    @property
    def youth(self) -> YouthController:
        self._build_youth()
        return self._youth

    @property
    def screens(self) -> ScreenController:
        self._build_youth()
        return self._screens

    def _build_youth_when_free(self) -> None:
        """The page built once the window is up, unless an unlock is running: built then, it held
        the interpreter against the unlock and the caseload's first page (a passphrase filled in
        at once, or typed before the window was up: the first page after 1.39 s instead of 1.02 s
        at 100,000 youth). It waits for that page, then."""
        if self._youth_page is not None:
            return
        if self._unlocking:
            self._youth_waits = True
            return
        self._build_youth()

    def _caseload_shown(self) -> None:
        if self._unlocking:
            self._unlock_over()

    def _unlock_over(self) -> None:
        self._unlocking = False
        if self._username:
            self.sync.refresh()
        if self._youth_waits:
            self._youth_waits = False
            QTimer.singleShot(YOUTH_PAGE_AFTER_MS, self, self._build_youth_when_free)

    def _build_youth(self) -> YouthPage:
        if self._youth_page is not None:
            return self._youth_page
        self._build_rest()
        # Made inside the window: made on its own once the window is up, it was a window of its
        # own for a moment and took the focus (and with it the window's shortcuts) away.
        # Imported here too: the youth page's modules (its controller, the screens' forms, the
        # record-relief workflow) were an eighth of the window's imports at start.
        from ui.youth_controller import ScreenController, YouthController
        from ui.youth_page import YouthPage

        page = self._youth_page = YouthPage(self.stack)
        self.stack.addWidget(page)
        self._youth = YouthController(
            self.tasks, self.events, page, status=self._status, username=lambda: self._username,
            show_page=lambda: self.stack.setCurrentWidget(page))
        self._screens = ScreenController(
            self.tasks, self.events, self.form_view,
            show_view=lambda: self.stack.setCurrentWidget(self.form_view),
            closed=lambda youth_id: self.open_youth(youth_id) if youth_id else self._back_to_caseload(),
            report=page.notice.setText)
        page.back_requested.connect(self._back_to_caseload)
        page.screen_requested.connect(self.open_screen)
        page.print_requested.connect(self.print_document)
        page.print_item_requested.connect(self.print_document)
        if self._providers is not None:
            page.set_providers(self._providers)
        if self.capabilities is not None:
            self._guide_youth(self.capabilities)
        return page

    def _providers_changed(self, names: list[str]) -> None:
        self._providers = names
        if self._youth_page is not None:
            self._youth_page.set_providers(names)

    def _build_navigation(self) -> None:
        from ui.about import show_about

        nav = self.addToolBar("")
        bind(nav, "setWindowTitle", N_("Navigation"))
        nav.setObjectName("navigation")
        nav.setMovable(False)
        self.today_action = QAction(self, shortcut=QKeySequence("Ctrl+1"))
        self.caseload_action = QAction(self, shortcut=QKeySequence("Ctrl+2"))
        # Numbered in the toolbar's order (Administration had been 3, left of Directory's 4).
        self.directory_action = QAction(self, shortcut=QKeySequence("Ctrl+3"))
        self.law_changes_action = QAction(self, shortcut=QKeySequence("Ctrl+4"))
        self.reports_action = QAction(self, shortcut=QKeySequence("Ctrl+5"))
        self.admin_action = QAction(self, shortcut=QKeySequence("Ctrl+6"))
        self.lock_action = QAction(self)  # Ctrl+L is application-wide (__init__)
        self.passphrase_action = QAction(self, shortcut=QKeySequence("Ctrl+7"))  # it had none: a
        # keyboard user could not change her passphrase (the toolbar is not in the Tab order)
        self.about_action = QAction(self, shortcut=QKeySequence("F1"))
        for action, text in ((self.today_action, N_("&Today")), (self.caseload_action, N_("&Caseload")),
                             (self.directory_action, N_("Di&rectory")),
                             (self.law_changes_action, N_("Law c&hanges")),
                             (self.reports_action, N_("Re&ports")),
                             (self.admin_action, N_("&Administration")),
                             (self.passphrase_action, N_("My &passphrase…")), (self.lock_action, N_("&Lock")),
                             (self.about_action, N_("A&bout"))):
            bind(action, "setText", text)
            nav.addAction(action)
        # Each button's tooltip names its key (three did); F1's About lists them all.
        for action, tip in ((self.today_action, N_("Today")), (self.caseload_action, N_("Caseload")),
                            (self.directory_action, N_("Directory")),
                            (self.admin_action, N_("Administration")),
                            (self.about_action, N_("About")), (self.lock_action, N_("Lock now")),
                            (self.law_changes_action, N_("Law changes")),
                            (self.reports_action, N_("Reports")),
                            (self.passphrase_action, N_("Change the passphrase you sign in with"))):
            keys = "Ctrl+L" if action is self.lock_action else action.shortcut().toString()
            bind(action, tip_with(keys), tip)
        self.today_action.triggered.connect(lambda: self.open_today())
        self.caseload_action.triggered.connect(self._back_to_caseload)
        self.admin_action.triggered.connect(self.open_admin)
        self.directory_action.triggered.connect(self.open_directory)
        self.law_changes_action.triggered.connect(
            lambda: self.law_changes_page.load(lambda: self.stack.setCurrentWidget(self.law_changes_page)))
        self.reports_action.triggered.connect(self._open_reports)
        self.lock_action.triggered.connect(lambda: self.lock())
        self.passphrase_action.triggered.connect(
            lambda: self.admin.ask_passphrase(self, self._say_in_a_box))
        self.about_action.triggered.connect(lambda: show_about(self))
        self.nav = nav
        nav.setVisible(False)

    def _build_status_bar(self) -> None:
        self.user_label = QLabel()
        bind(self.user_label, "setAccessibleName", N_("Who is signed in"))
        self.language = chosen_from_its_list(QComboBox())
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        bind(self.language, "setAccessibleName", N_("Interface language"))
        self.language.currentIndexChanged.connect(lambda _i: self.set_language(self.language.currentData()))
        for widget in (self.user_label, self.language):
            self.statusBar().addPermanentWidget(widget)

    def _build_sync_status(self) -> None:
        from ui.sync_ui import SyncStatus

        self.sync_status = SyncStatus()
        self.sync_status.setVisible(False)
        self.sync_status.sync_requested.connect(lambda *_a: self.sync.sync_now())
        self.sync_status.conflicts_requested.connect(self.open_conflicts)
        self.sync_status.kept_requested.connect(lambda: self.sync_screens.open_kept(self))
        self.sync_status.refused_requested.connect(lambda: self.sync_screens.open_refused(self))
        self.sync.finished.connect(self.sync_status.note_result)
        self.sync.status_changed.connect(self.sync_status.show_status)
        self.statusBar().insertPermanentWidget(0, self.sync_status)  # left of who is signed in

    def _say_in_a_box(self, text: str) -> None:
        """A result a person must read whole (the status bar cut it off at 1366 pixels, and it went);
        not waited on, and closed at lock."""
        box = QMessageBox(QMessageBox.Icon.Information, _("My passphrase"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("said")
        box.open()

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8_000)

    def _error(self, error: Exception) -> None:
        self.statusBar().showMessage(describe(error), 10_000)

    # Language ---------------------------------------------------------------------

    def _interface(self) -> dict[str, str]:
        try:
            found = json.loads((self.folder / INTERFACE_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}

    def _load_language(self) -> None:
        code = self._interface().get("language", "en")
        i18n.set_language(code if code in i18n.LANGUAGES else "en")

    def _remember(self, **values: str) -> None:
        """Keep interface choices beside the vault (only once the vault folder exists)."""
        if self.folder.is_dir():
            kept = {**self._interface(), **values}
            atomic_write(self.folder / INTERFACE_FILE, json.dumps(kept).encode())

    def restore_geometry(self) -> None:
        """Where and how large the window was last time; a laptop's default otherwise."""
        saved = self._interface().get("geometry", "")
        if not (saved and self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))):
            self.resize(1280, 720)

    def set_language(self, code: str) -> None:
        """Switch every bound text now; remember the choice beside the vault."""
        i18n.set_language(code)
        index = self.language.findData(code)
        if index != self.language.currentIndex():
            self.language.setCurrentIndex(index)
        self._show_user()
        self._remember(language=code)
        if self._rest_built and self.stack.currentWidget() is self.caseload_page:
            self.caseload.show_count()

    # First run --------------------------------------------------------------------

    def start_first_run(self) -> None:
        from csec_desktop.sync import local as sync_local

        self._build_rest()
        self.stack.setCurrentWidget(self.first_run)
        self.first_run.county.setFocus()
        erased = sync_local.erased_at(self.folder)
        if erased:  # the plain set-up screen said nothing of the vault erased, or of what was lost
            from csec_desktop.domain.summaries import local_time

            self.first_run.say_erased(local_time(erased))

    def prepare(self, work: Callable[[], object], message: str) -> None:
        """Run set-up work (making the demo vault) on the worker thread; unlock waits for it."""
        self.unlock_page.button.setEnabled(False)
        hint = self.unlock_page.message.text()
        self.unlock_page.message.setText(message)

        def done(_result: object) -> None:
            self.unlock_page.button.setEnabled(True)
            self.unlock_page.message.setText(hint)

        self.tasks.run_holder(lambda _h: work(), done,
                              lambda e: self.unlock_page.message.setText(describe(e)))

    def _create_vault(self, county: str, admin: str, display: str, passphrase: str) -> None:
        folder = self.folder

        def work(holder: Holder) -> tuple[str, Session]:
            from csec_desktop import policy
            from csec_desktop.storage.vault import Vault

            vault, secret = Vault.create(folder, county=county, admin=admin, passphrase=passphrase,
                                         display_name=display or None)
            holder.vault = vault
            from csec_desktop.sync import local as sync_local

            sync_local.forget_erased(folder)
            return secret, (vault.user.username, vault.user.role.value, policy.idle_lock_minutes(vault))

        def done(result: tuple[str, Session]) -> None:
            self._pending_session = result[1]
            self.first_run.show_recovery_key(result[0])

        self.tasks.run_holder(work, done, lambda e: self.first_run.failed(describe(e)))

    # Unlock and lock --------------------------------------------------------------

    def _unlock(self) -> None:
        user = self.unlock_page.user.text().strip()
        passphrase = self.unlock_page.passphrase.text()
        if not user or not passphrase:  # said here: sent on, it counted as a failed unlock
            self.unlock_page.say(N_("Type your user name and passphrase, then unlock."))
            (self.unlock_page.passphrase if user else self.unlock_page.user).setFocus()
            return
        self.unlock_page.passphrase.clear()
        self.unlock_page.button.setEnabled(False)
        self.unlock_page.say(N_("Unlocking…"))
        self._unlocking = True
        folder = self.folder
        # The key derives on a thread of its own (Argon2 releases the interpreter) while the modules
        # opening the vault uses are loaded here; the vault then opens on its thread while the rest
        # of the window is built, when it is not yet (a passphrase given as the window came up).
        # Built first, the pages held the vault's opening back (about 40 ms of a 0.6 s start).
        ahead = unlock.KeyAhead(folder, user, passphrase)
        unlock.preload()
        self.tasks.run_holder(lambda h: _open(h, folder, user, passphrase, ahead, self.checking_vault.emit),
                              self._unlocked, self._unlock_failed)
        self._build_rest()

    def _checking(self, reason: str) -> None:
        if reason == "upgrading":  # storage.vault.UPGRADING (not imported here: cold start)
            self.unlock_page.say(N_(
                "The vault is brought up to this version of the app, once. On a large caseload this "
                "takes a few seconds…"))
            return
        self.unlock_page.say(N_(
            "The last session did not end with a lock (the computer stopped, or the app was closed "
            "by force), so the vault is checked before anyone writes to it. On a large caseload "
            "this takes a few seconds…"))

    def _unlocked(self, who: Session) -> None:
        from csec_desktop.usecases import session

        self._build_rest()
        self.unlock_page.button.setEnabled(True)
        self.unlock_page.message.clear()
        self.idle.arm(who[2])
        log.info("unlocked: %s (%s)", who[0], who[1])
        self._username = who[0]
        self._session = who
        self.nav.setVisible(True)
        # What is not allowed is not shown; the core refuses it anyway.
        self.admin_action.setVisible(who[1] == "administrator")
        self.tasks.run(session.capabilities, self._guide)
        self._show_user()
        self.sync_status.setVisible(True)
        # During an unlock the counts of waiting changes come after the caseload's first page
        # (`_unlock_over`): taken first by an idle vault thread, they held that page back (36 ms at
        # 100,000 youth, a tenth of what an unlock adds to the key's derivation).
        self.sync.start(refresh=not self._unlocking)
        self.tasks.run(_offline_lock, self._enter)
        # What the unlock found (people changed outside the app and put back, an audit trail cut
        # since this person's last unlock, the youth's account not yet opened for them).
        self.tasks.run(lambda v: list(v.warnings), self._warn)

    def _warn(self, warnings: list[str]) -> None:
        self.warning_text.setText("\n".join(warnings))
        self.warning_band.setVisible(bool(warnings))

    def _guide(self, found: session.Capabilities) -> None:
        """Offer what this person's role may do; say why where it may not."""
        from csec_desktop.domain.people import Permission
        from csec_desktop.usecases import session

        self.capabilities = found
        if self._youth_page is not None:  # else when it is built
            self._guide_youth(found)
        if self._reports_page is not None:
            self._guide_reports(found)
        write = found.can(Permission.WRITE_YOUTH)
        self.caseload_page.new_button.setEnabled(write)
        self.caseload_page.new_button.setToolTip("" if write else _(session.WHY_NOT[Permission.WRITE_YOUTH]))
        self.today_page.allow_marks(write, "" if write else _(session.WHY_NOT[Permission.WRITE_YOUTH]))

    def _open_reports(self) -> None:
        self.stack.setCurrentWidget(self.reports_page)
        self.reports_page.show_first()

    def _guide_reports(self, found: session.Capabilities) -> None:
        from csec_desktop.usecases import session

        assert self._reports_page is not None
        self._reports_page.guide(found.can, session.WHY_NOT)

    def _guide_youth(self, found: session.Capabilities) -> None:
        from csec_desktop.domain.people import Permission
        from csec_desktop.usecases import session

        assert self._youth_page is not None
        self._youth_page.set_can_seal(found.can(Permission.READ_SEALED))
        self._youth_page.guide(found.can, session.WHY_NOT)

    def _sees(self) -> str:
        found = self.capabilities
        return _(found.sees).format(unit=found.unit or "") if found is not None else ""

    capabilities: session.Capabilities | None = None

    def new_youth(self) -> None:
        """Intake (Ctrl+N): only for a role that may add youth; others are told why."""
        from csec_desktop.domain.people import Permission
        from csec_desktop.usecases import session

        if not self._username or self.stack.currentWidget() is self.offline_page:
            return
        found = self.capabilities
        if found is not None and not found.can(Permission.WRITE_YOUTH):
            self._status(_(session.WHY_NOT[Permission.WRITE_YOUTH]))
            return
        self.intake.start()

    def _enter(self, offline_days: int | None) -> None:
        """Into the cases, unless the device has been offline longer than the county allows."""
        if offline_days is not None:
            self.sync_screens.offline_days = offline_days
            self.nav.setVisible(False)
            self.offline_page.explain(offline_days)
            self.stack.setCurrentWidget(self.offline_page)
            self._unlock_over()
            return
        self.nav.setVisible(True)
        self.caseload.refresh(force=True)  # the caseload first: it is quick, and Today can take a moment
        # Typing kept from before (a crash, a power cut) is said on Today: it had come back only on
        # opening that youth, and nothing said it was waiting.
        self.tasks.run(_kept_drafts, lambda names: self.open_today(_kept_note(names)),
                       lambda _error: self.open_today())

    def _show_user(self) -> None:
        if not self._username:
            self.user_label.setText(_("Locked"))
            self.user_label.setToolTip("")
            return
        user, role, minutes = self._session
        # Short: the status bar's messages share its width (at 1280 pixels they were cut). How to
        # lock at once is on the tooltip, as on the Lock button.
        self.user_label.setText(_("{user} ({role}) · locks after {minutes} min idle").format(
            user=user, role=role_label(role), minutes=minutes))
        self.user_label.setToolTip(_("Signed in and unlocked. Ctrl+L locks now."))

    def _unlock_failed(self, error: Exception) -> None:
        log.warning("unlock failed: %s", type(error))
        self._unlock_over()
        self.unlock_page.button.setEnabled(True)
        self.unlock_page.message.setText(describe(error))
        self.unlock_page.passphrase.setFocus()

    def lock(self, reason: str = "manual") -> None:
        """Drop every view of youth data first, then close the vault on its thread."""
        from ui.admin_page import PassphraseDialog
        from ui.sync_ui import KeptDialog

        log.info("locked: %s", reason)
        self.statusBar().clearMessage()  # what the last step did is not for the lock screen
        self._build_rest()
        self.idle.disarm()
        youth_built = self._youth_page is not None
        if youth_built:
            self.youth.leave()  # its draft is saved before the vault closes (one thread, in order)
            self.youth.forget()
        self.caseload.flush_audit()  # the search on screen is audited before the vault closes
        self.tasks.drop_all()
        self.documents.close_all()
        self.caseload.clear()
        self.today.clear()
        if youth_built:
            self.youth_page.clear()
            self.screens.clear()
            self.youth_page.set_can_seal(False)
        if self._admin is not None:
            self._admin.page.clear()
        self.warning_band.setVisible(False)
        self.warning_text.clear()
        for dialog in self.findChildren(PassphraseDialog):  # a half-typed passphrase goes with the lock
            dialog.reject()
        for kept in self.findChildren(KeptDialog):  # what it shows goes with the lock too
            kept.reject()
            kept.deleteLater()
        for said in self.findChildren(QMessageBox, "said"):
            said.close()
        if self._directory_page is not None:
            self._directory_page.clear()
        if self._law_changes_page is not None:
            self._law_changes_page.clear()
        if self._reports_page is not None:
            self._reports_page.clear()
        self.nav.setVisible(False)
        self.sync.stop()
        self.sync_status.setVisible(False)
        self.sync_screens.clear()
        self._username = ""
        self._show_user()
        self.stack.setCurrentWidget(self.unlock_page)
        self.unlock_page.say(
            N_("Locked after a period without activity. Unlock to continue.") if reason == "idle"
            else N_("Locked. Unlock to continue."))
        self.unlock_page.passphrase.setFocus()

        def work(holder: Holder) -> None:
            if holder.vault is not None:
                holder.vault.lock(reason)
                holder.vault = None

        self.tasks.run_holder(work)

    def _session_ended(self) -> None:
        """An administrator disabled or removed this person while they worked: the vault has
        closed itself; every view goes, as at a lock, and the unlock page says why."""
        log.warning("session ended: the account was disabled")
        self.lock("disabled")
        self.unlock_page.say(
            N_("An administrator has disabled this account, so the session has ended. Ask an administrator."))

    def _revoked(self) -> None:
        """The county revoked this device: close every view, erase the vault, say so."""
        log.warning("device revoked; erasing the vault")
        folder = self.folder
        self.lock("revoked")

        def work(holder: Holder) -> list[str]:
            from csec_desktop.sync import local as sync_local

            if holder.vault is not None:
                holder.vault.close()
                holder.vault = None
            return sync_local.wipe(folder)

        def done(_removed: list[str]) -> None:
            self.unlock_page.say(N_(
                "The county revoked this computer, so its vault has been erased. Changes made here that "
                "had not been synced are lost. Ask the hub administrator to enrol it again."))
            for control in (self.unlock_page.button, self.unlock_page.user, self.unlock_page.passphrase):
                control.setEnabled(False)  # there is no vault left to unlock

        self.tasks.run_holder(work, done)

    # Pages ----------------------------------------------------------------------

    def open_today(self, message: str = "") -> None:
        self.stack.setCurrentWidget(self.today_page)
        self.today.entered(message)

    def _back_to_caseload(self) -> None:
        self.stack.setCurrentWidget(self.caseload_page)
        self.caseload.entered()

    def open_youth(self, youth_id: str, *, on_duties: bool = False) -> None:
        self.youth.open(youth_id, on_duties=on_duties)
        if self._providers is None:
            # The directory's names for the referrals' provider, read once the vault is open (the
            # youth page is built ahead, before an unlock: read then, they failed unseen) and
            # before the Directory page is ever opened (until then the field offered none).
            self.tasks.run(_provider_names, self._providers_changed, lambda _error: None)

    def open_screen(self, youth_id: str, form_id: str) -> None:
        self.screens.open(youth_id, form_id)

    def print_document(self, youth_id: str, kind: str, item: str = "") -> None:
        self.documents.about_youth(youth_id, kind, item,
                                   lambda e: self.youth_page.notice.setText(describe(e)))

    def open_directory(self) -> None:
        self.directory_page.load(lambda: self.stack.setCurrentWidget(self.directory_page))

    def open_admin(self) -> None:
        self.admin.open()

    def open_conflicts(self) -> None:
        self.sync_screens.open_conflicts()

    def _page_changed(self, _index: int) -> None:
        """Leaving the youth page by any route keeps what was typed as a draft first."""
        now = self.stack.currentWidget()
        youth_page = self._youth_page
        if youth_page is not None and self._shown_page is youth_page and now is not youth_page:
            self.youth.leave()
        if self._shown_page is self.caseload_page and now is not self.caseload_page:
            self.caseload.flush_audit()  # opening a youth from the results settles the search
        self._shown_page = now

    def _changed(self, change: Change) -> None:
        self.caseload.changed(change)
        self.today.changed(change)
        page = self._youth_page
        if not change.youth_id and "youth" in change.kinds and page is not None and page.youth_id \
                and self.stack.currentWidget() is page:
            # Records arrived from the hub: the youth open here is read again (it showed the values
            # from before the sync until reopened), unless something is being typed there, which
            # a reload would replace: then it is said.
            if page.typing():
                page.notice.setText(_("Changes to this youth arrived from the county hub. Save or "
                                      "discard what you typed, then open the record again to see them."))
            else:
                self.youth.open(page.youth_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember(geometry=bytes(self.saveGeometry().toBase64().data()).decode("ascii"))
        if self._youth_page is not None:
            self.youth.leave()
        if self._rest_built:
            self.model.clear()
            self.today_model.clear()
        self.backend.stop()
        super().closeEvent(event)


def _kept_drafts(vault: Vault) -> list[str]:
    from csec_desktop.usecases import youth  # the record page's module: loaded by then, not at start

    return youth.kept_drafts(vault)


def _kept_note(names: list[str]) -> str:
    if not names:
        return ""
    return ngettext("Unsaved typing from before was kept for {names}: open the youth to finish it or "
                    "discard it.", "Unsaved typing from before was kept for {n} youth: {names}. Open each "
                    "to finish it or discard it.", len(names)).format(n=len(names), names=", ".join(names))


def _provider_names(vault: Vault) -> list[str]:
    """The resource directory's names, offered as a referral's provider (on the vault thread); the
    field had offered none until the Directory page was opened."""
    from csec_desktop import directory

    return [str(r.body.dump()["name"]) for r in directory.entries(vault)]
