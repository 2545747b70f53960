"""The Services tab of a youth's record: the plan at a glance, the needs assessment and what the
rules suggest from it, the plan's goals and reviews, referrals (sent only through the consent
check, moved only along the steps a referral may take), school moves and care received without
Medi-Cal. The youth page (ui/youth_page.py) holds it and passes on what it asks for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csec_desktop.domain.services import NEXT as REFERRAL_NEXT
from csec_desktop.domain.services import (
    REFERRAL_STATUS_LABELS,
    SERVICE_DOMAINS,
    PlanGoal,
    PlanSignoff,
    Referral,
    ReferralStatus,
    SchoolChange,
    UncoveredService,
)
from csec_desktop.domain.youth import Consent
from csec_desktop.rules import Finding
from csec_desktop.services import AreaSummary
from ui.i18n import N_, _, bind, item_text, on_change
from ui.item_list import ItemList
from ui.plan_glance import PlanGlance
from ui.record_form import summary_for
from ui.scrolling import bring_into_view, wheel_safe
from ui.suggestions import SuggestionList


class ServicesTab(QWidget):
    print_requested = Signal(str)  # document kind
    print_item_requested = Signal(str, str)  # document kind, record id
    needs_requested = Signal()  # the needs assessment's form
    referral_send = Signal(str, str)  # record id, override reason
    referral_move = Signal(str, str)  # record id, status
    laid = Signal()  # a suggestion was laid into a form: typing not saved yet

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.can_write = True  # set by the youth page's guide: enables the status button too
        self.needs_button = QPushButton()
        bind(self.needs_button, "setText", N_("Needs &assessment…"))
        self.needs_button.clicked.connect(self.needs_requested)
        self.goals = ItemList(N_("The plan: goals in the youth's own words"), PlanGoal,
                              summary_for("plan_goal"), skip=("youth_id",), attached=True,
                              choices={"domain": SERVICE_DOMAINS})
        self.signoffs = ItemList(N_("Plan reviews and signatures"), PlanSignoff, summary_for("plan_signoff"),
                                 skip=("youth_id",), attached=True)
        self.plan_print = QPushButton()
        bind(self.plan_print, "setText", N_("Print the plan for the youth…"))
        self.plan_print.clicked.connect(lambda: self.print_requested.emit("youth_plan"))
        self.suggestions = SuggestionList()
        self.suggestions.add_to_plan.connect(self._suggest_goal)
        self.suggestions.refer.connect(self._suggest_referral)
        self.glance = PlanGlance()
        self.school_moves = ItemList(N_("School moves"), SchoolChange, summary_for("school_change"),
                                     skip=("youth_id",), attached=True)
        self.uncovered = ItemList(N_("Health care received without Medi-Cal"), UncoveredService,
                                  summary_for("uncovered_service"), skip=("youth_id",), attached=True)
        self.referrals = ItemList(N_("Referrals"), Referral, summary_for("referral"), select_new=True,
                                  skip=("youth_id", "status", "referred_on", "consent_given_on",
                                        "consent_override_reason"), attached=True,
                                  choices={"domain": SERVICE_DOMAINS})
        self.override = QLineEdit()
        bind(self.override, "setAccessibleName", N_("Reason to send without a recorded consent"))
        bind(self.override, "setPlaceholderText", N_("Only if no consent is on record: why it cannot wait "
                                                     "(supervisors only; audited)"))
        self.send_button = QPushButton()
        bind(self.send_button, "setText", N_("Send the selected referral"))
        self.send_button.clicked.connect(self._send_referral)
        self.next_status = wheel_safe(QComboBox())
        for index, status in enumerate(s for s in ReferralStatus
                                       if s not in (ReferralStatus.SUGGESTED, ReferralStatus.REFERRED)):
            self.next_status.addItem("", status.value)
            bind(self.next_status, item_text(index), REFERRAL_STATUS_LABELS[status])
        bind(self.next_status, "setAccessibleName", N_("New status of the selected referral"))
        bind(self.next_status, "setPlaceholderText", N_("Choose the new status"))
        self.next_status.currentIndexChanged.connect(lambda _i: self.refresh_steps())
        self.move_button = QPushButton()
        bind(self.move_button, "setText", N_("Set the status"))
        self.move_button.clicked.connect(self._move_referral)
        self.referrals.shown.connect(self._referral_steps)
        on_change(self, "_retranslate")
        self.letter_button = QPushButton()
        bind(self.letter_button, "setText", N_("Print a referral &letter for the selected referral…"))
        self.letter_button.clicked.connect(self._print_letter)
        self._lay_out()

    def _lay_out(self) -> None:
        box = QVBoxLayout(self)
        glance_label = QLabel()
        bind(glance_label, "setText", N_("<b>The plan at a glance</b> (from the needs assessment, the "
                                         "goals and the referrals)"))
        box.addWidget(glance_label)
        box.addWidget(self.glance)
        box.addWidget(self.needs_button, alignment=Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.suggestions)
        box.addWidget(self.goals)
        box.addWidget(self.signoffs)
        box.addWidget(self.plan_print, alignment=Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.referrals)
        send_row, move_row = QHBoxLayout(), QHBoxLayout()
        override_label = QLabel()
        bind(override_label, "setText", N_("Override &reason"))
        override_label.setBuddy(self.override)
        send_row.addWidget(override_label)
        send_row.addWidget(self.override, 1)
        send_row.addWidget(self.send_button)
        status_label = QLabel()
        bind(status_label, "setText", N_("Status"))
        status_label.setBuddy(self.next_status)
        move_row.addWidget(status_label)
        move_row.addWidget(self.next_status)
        move_row.addWidget(self.move_button)
        move_row.addStretch(1)
        move_row.addWidget(self.letter_button)
        box.addLayout(send_row)
        box.addLayout(move_row)
        box.addWidget(self.school_moves)
        box.addWidget(self.uncovered)
        box.addStretch(1)

    def sections(self) -> dict[str, ItemList]:
        """The lists of attached records this tab edits, by record kind."""
        return {"referral": self.referrals, "plan_goal": self.goals, "plan_signoff": self.signoffs,
                "school_change": self.school_moves, "uncovered_service": self.uncovered}

    def write_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons that write (besides each list's own), for the page to offer by role."""
        return (self.send_button, self.move_button, self.needs_button)

    def show_derived(self, duties: list[Finding], glance: list[AreaSummary]) -> None:
        self.suggestions.set_findings(duties)
        self.glance.set_areas(glance)

    def set_providers(self, names: list[str]) -> None:
        """Directory names offered while typing a referral's provider."""
        widget = self.referrals.form.widgets.get("provider")
        if isinstance(widget, QLineEdit):
            completer = QCompleter(sorted(names), widget)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            widget.setCompleter(completer)

    def _suggest_goal(self, domain: str, text: str) -> None:
        """A suggestion becomes a draft goal: the youth's own words still have to be written."""
        self.goals.listing.setCurrentRow(-1)
        # Laid over a fresh form, so a draft keeps it as typing (set as the form's values, it was
        # the baseline a draft compares with: the area and service were lost when the page was left).
        self.goals.form.set_values(self.goals.form.defaults())
        self.goals.form.lay_over({"domain": domain, "steps": text})
        self.goals.message.setText(_("Write the goal in the youth's own words and who helps, then save it "
                                     "as a new entry."))
        self._focus(self.goals, "goal")

    def _suggest_referral(self, domain: str, text: str) -> None:
        self.referrals.listing.setCurrentRow(-1)
        self.referrals.form.set_values(self.referrals.form.defaults())
        self.referrals.form.lay_over({"domain": domain, "service": text})
        self.referrals.message.setText(_("Choose the provider (the directory's names are offered as you "
                                         "type), then save it as a new entry: it stays a suggestion until "
                                         "you send it."))
        self._focus(self.referrals, "provider")

    def _focus(self, section: ItemList, field: str) -> None:
        widget = section.form.widgets.get(field)
        if widget is not None:
            bring_into_view(widget)
        self.laid.emit()

    def _selected_referral(self) -> str | None:
        row = self.referrals.listing.currentRow()
        if not 0 <= row < len(self.referrals.ids):
            self.referrals.message.setText(_("Select a referral in the list first."))
            return None
        return self.referrals.ids[row]

    def _print_letter(self) -> None:
        row = self.referrals.listing.currentRow()
        if not 0 <= row < len(self.referrals.ids):
            self.referrals.message.setText(_("Select an item in the list first."))
            return
        self.print_item_requested.emit("referral_letter", self.referrals.ids[row])

    def _send_referral(self) -> None:
        record_id = self._selected_referral()
        if record_id:
            self.send_button.setEnabled(False)  # again when the referrals are shown anew
            self.referral_send.emit(record_id, self.override.text().strip())

    def confirm_consent(self, record_id: str, consent: Consent) -> bool:
        """Asked before a referral leaves under a consent: its scope is the person's own words and
        may not cover this provider or area (one given for a legal clinic sent a housing
        referral, and the worker learned it only after). Replaced in tests."""
        from PySide6.QtWidgets import QMessageBox

        ids = self.referrals.ids
        item = self.referrals.items[ids.index(record_id)] if record_id in ids else {}
        text = _("This referral ({service}, to {provider}) goes under the consent {who} gave on {day}, which "
                 "covers: “{scope}”.\n\nSend it only if that covers this provider and what you will share. "
                 "If not, record the consent that does on the Safety and consent tab first.").format(
            service=item.get("service") or "—", provider=item.get("provider") or "—", who=consent.given_by,
            day=consent.given_on.isoformat(), scope=consent.scope)
        box = QMessageBox(QMessageBox.Icon.Question, _("Send under this consent?"), text,
                          QMessageBox.StandardButton.Cancel, self)
        send = box.addButton(_("Send"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is send

    def confirm_end(self, status: ReferralStatus) -> bool:
        """Asked before a referral takes a status that ends it (declined, no-show, completed): an
        ended referral takes no other, and one arrow key had chosen "Declined". Replaced in tests."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self, _("End this referral?"),
            _("Mark the selected referral “{status}”? An ended referral takes no other status; a new "
              "referral would be needed.").format(status=_(REFERRAL_STATUS_LABELS[status])),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _retranslate(self) -> None:
        """What this tab writes itself rather than binds: the status list's tooltip."""
        self.refresh_steps()

    def refresh_steps(self) -> None:
        row = self.referrals.listing.currentRow()
        self._referral_steps(row if 0 <= row < len(self.referrals.items) else -1)

    def _referral_steps(self, row: int) -> None:
        """The status list offers only the steps the selected referral may take (the others were
        always refused): none for a referral that has ended, and "referred" only by sending it."""
        current = ReferralStatus(self.referrals.items[row].get("status") or "suggested") if row >= 0 else None
        allowed = REFERRAL_NEXT[current] if current is not None else frozenset()
        model = self.next_status.model()
        assert isinstance(model, QStandardItemModel)
        offered = [i for i in range(self.next_status.count())
                   if ReferralStatus(self.next_status.itemData(i)) in allowed]
        for i in range(self.next_status.count()):
            item = model.item(i)
            if item is not None:
                item.setEnabled(i in offered)
        if offered and self.next_status.currentIndex() not in offered:
            # Nothing chosen for the person: the first step offered was "Declined", one click from
            # ending a referral.
            self.next_status.setCurrentIndex(-1)
        elif not offered:
            self.next_status.setCurrentIndex(-1)  # an ended referral showed a greyed "Accepted"
        self.next_status.setEnabled(bool(offered))
        self.move_button.setEnabled(bool(offered) and self.can_write
                                    and self.next_status.currentIndex() in offered)
        why = "" if offered else _("Select a referral in the list first.") if current is None else _(
            "This referral has ended ({status}): it takes no other status.").format(
            status=_(REFERRAL_STATUS_LABELS[current]))
        self.move_button.setToolTip(why)
        self.next_status.setToolTip(why)

    def _move_referral(self) -> None:
        record_id = self._selected_referral()
        if not record_id:
            return
        status = ReferralStatus(str(self.next_status.currentData()))
        if not REFERRAL_NEXT[status] and not self.confirm_end(status):
            self.referrals.message.setText(_("Nothing was changed."))
            return
        self.move_button.setEnabled(False)  # a second press before the list is redrawn was refused
        self.referral_move.emit(record_id, status.value)
