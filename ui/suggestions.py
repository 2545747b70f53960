"""Suggestions the rules make for a youth, each with its why and law, one step from the plan:
"Add to the plan" and "Refer" fill in the plan's or the referral's form for a person to finish."""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout

from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.rules import REGISTRY, Confidence, Finding
from ui.i18n import N_, _, bind, say

CONFIDENCE_NOTES: dict[Confidence, str] = {
    Confidence.VERIFIED: N_("law checked in the official text"),
    Confidence.SECONDARY: N_("law checked in secondary sources"),
    Confidence.UNCONFIRMED: N_("NOT CONFIRMED: county setting or referral category; check before "
                               "relying on it"),
}


def suggestions(findings: list[Finding]) -> list[Finding]:
    """Open findings of rules that belong to an area of life."""
    return [f for f in findings if not f.done and f.rule_id in REGISTRY.info
            and REGISTRY.info[f.rule_id].domain in SERVICE_DOMAINS]


class SuggestionList(QGroupBox):
    add_to_plan = Signal(str, str)  # area of life, suggestion
    refer = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        bind(self, "setTitle", N_("Suggestions from the rules (each with its law)"))
        self.findings: list[Finding] = []
        self.listing = QListWidget()
        self.listing.setMaximumHeight(130)
        bind(self.listing, "setAccessibleName", N_("Suggestions"))
        self.why = QLabel()
        self.why.setWordWrap(True)
        bind(self.why, "setAccessibleName", N_("Why this is suggested"))
        self.plan_button = QPushButton()
        bind(self.plan_button, "setText", N_("Add to the &plan"))
        self.refer_button = QPushButton()
        bind(self.refer_button, "setText", N_("Refer…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.plan_button)
        buttons.addWidget(self.refer_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.listing)
        box.addWidget(self.why)
        box.addLayout(buttons)
        self.listing.currentRowChanged.connect(self._selected)
        self.plan_button.clicked.connect(lambda: self._emit(self.add_to_plan))
        self.refer_button.clicked.connect(lambda: self._emit(self.refer))

    def set_findings(self, findings: list[Finding]) -> None:
        self.findings = suggestions(findings)
        self.listing.clear()
        for finding in self.findings:
            area = _(SERVICE_DOMAINS[REGISTRY.info[finding.rule_id].domain or ""])
            self.listing.addItem(f"{area} · {_(finding.title)}")
        if not self.findings:
            self.listing.addItem(_("No suggestions today."))
        self.why.clear()
        self.plan_button.setEnabled(bool(self.findings))
        self.refer_button.setEnabled(bool(self.findings))

    def _selected(self, row: int) -> None:
        if not 0 <= row < len(self.findings):
            self.why.clear()
            return
        finding = self.findings[row]
        info = REGISTRY.info[finding.rule_id]
        self.why.setText(_("Why: {why}. Law: {citation} (as of {day}; {confidence}).").format(
            why="; ".join(say(w) for w in finding.why), citation=finding.citation,
            day=finding.law_as_of.isoformat(),
            confidence=_(CONFIDENCE_NOTES[info.confidence])))

    def _emit(self, signal: SignalInstance) -> None:
        row = self.listing.currentRow()
        if not 0 <= row < len(self.findings):
            self.why.setText(_("Select a suggestion in the list first."))
            return
        finding = self.findings[row]
        signal.emit(REGISTRY.info[finding.rule_id].domain or "", _(finding.title))
