"""The youth record page and the screens filled in from it: open, save, undo, drafts, the
attached records, referrals, a petition's stage. Every step is one core use case; after a
write only what it changed is redrawn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from csec_desktop import caseload, services
from csec_desktop.domain.fields import kind_label
from csec_desktop.domain.youth import Consent
from csec_desktop.errors import ValidationFailed
from csec_desktop.formspec import Outcome
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import youth as youth_screen
from csec_desktop.vacatur import workflow
from ui.form_view import FormView
from ui.i18n import _
from ui.item_list import ItemList
from ui.messages import describe
from ui.tasks import Tasks, VaultEvents
from ui.youth_page import YouthPage

Status = Callable[[str], None]


def _problems(error: Exception) -> list[tuple[str, str]] | None:
    return [(p.field, p.message) for p in error.problems] if isinstance(error, ValidationFailed) else None


class YouthController(QObject):
    def __init__(self, tasks: Tasks, events: VaultEvents, page: YouthPage, *,
                 show_page: Callable[[], None], status: Status, username: Callable[[], str]) -> None:
        super().__init__(page)
        self.tasks, self.events, self.page = tasks, events, page
        self._show_page, self._status, self._username = show_page, status, username
        page.save_requested.connect(self.save)
        page.undo_requested.connect(self.undo)
        page.redo_requested.connect(self.redo)
        # Undo and redo of the youth's own fields, per person signed in (kept across a lock, never
        # another person's) and per youth: the edits undone (redo makes the last again) and every
        # op id undo must step over (the edits undone and the changes undo and redo made), so each
        # undo goes one edit further back. The history itself does not tell an undo from an edit.
        self._by_person: dict[str, tuple[dict[str, list[str]], dict[str, set[str]]]] = {}
        self._left: tuple[str, int] = ("", 0)  # the youth last left and its tab
        page.draft_changed.connect(self.save_draft)
        page.attached_add.connect(self.add)
        page.attached_update.connect(
            lambda record_id, data: self._attached(lambda v: caseload.update_attached(v, record_id, data),
                                                   _("Saved."), record_id=record_id))
        page.attached_delete.connect(
            lambda record_id: self._attached(lambda v: caseload.delete_attached(v, record_id),
                                             _("Removed."), record_id=record_id))
        page.referral_send.connect(self.send_referral)
        page.referral_move.connect(
            lambda record_id, status: self._referral(lambda v: services.move(v, record_id, status),
                                                     _("Status changed.")))
        page.petition_stage.connect(self.petition_stage)
        page.petition_share.connect(self.petition_share)
        page.discard_requested.connect(self.discard)

    def open(self, youth_id: str, *, on_duties: bool = False) -> None:
        """Open (or reopen) a youth: an audited view; `on_duties`: on the Duties tab (from Today)."""
        def show(file: youth_screen.YouthFile) -> None:
            left, self._left = self._left, ("", 0)
            tab = (self.page.tabs.indexOf(self.page.duties) if on_duties
                   else self.page.tabs.currentIndex() if self.page.youth_id == youth_id
                   else left[1] if left[0] == youth_id else self.page.home_tab)
            self.page.show_record(file)
            self.page.can_redo(bool(self._redo.get(youth_id)))
            self.page.tabs.setCurrentIndex(tab)
            self._show_page()

        self.tasks.run(lambda vault: youth_screen.open_youth(vault, youth_id), show, latest="youth")

    @property
    def _redo(self) -> dict[str, list[str]]:
        return self._by_person.setdefault(self._username(), ({}, {}))[0]

    @property
    def _skip(self) -> dict[str, set[str]]:
        return self._by_person.setdefault(self._username(), ({}, {}))[1]

    def forget(self) -> None:
        """At a lock: the page offers no redo (the next person signed in has their own), nor the
        tab the last youth was left on."""
        self.page.can_redo(False)
        self._left = ("", 0)

    def leave(self) -> None:
        """The page is left by any route: what was typed is kept as a draft first, and the tab it
        was on, for the youth's return (from a screen, the record had come back on its Details)."""
        self.page.flush_draft()
        self.tasks.supersede("youth")
        if self.page.youth_id:
            self._left = (self.page.youth_id, self.page.tabs.currentIndex())
        self.page.clear()

    def discard(self, youth_id: str) -> None:
        """Throw away the unsaved changes: the record as saved, and no draft."""
        def show(file: youth_screen.YouthFile) -> None:
            if self.page.youth_id == youth_id:
                tab = self.page.tabs.currentIndex()
                self.page.clear()  # nothing typed survives a discard
                self.page.show_record(file)
                self.page.tabs.setCurrentIndex(tab)
                self._status(_("Unsaved changes discarded."))

        self.page.cancel_draft()
        self.tasks.run(lambda vault: youth_screen.discard(vault, youth_id), show, latest="youth")

    def _refresh(self, youth_id: str, *kinds: str, then: Callable[[], None] | None = None) -> None:
        """Redraw the attached lists and findings after a change (no new "view" in the trail);
        `then`, once they are redrawn."""
        self.events.announce(youth_id, *kinds)

        def show(file: youth_screen.YouthFile) -> None:
            if self.page.youth_id == youth_id:
                self.page.show_refreshed(file)
                if then is not None:
                    then()

        self.tasks.run(lambda vault: youth_screen.refresh(vault, youth_id), show, latest="youth")

    def save(self, youth_id: str, changes: dict[str, Any], version: int) -> None:
        def saved(result: youth_screen.Saved) -> None:
            self.events.announce(youth_id, "youth")
            self._redo.pop(youth_id, None)  # a new edit: what was undone is no longer made again
            if self.page.youth_id == youth_id:
                self.page.show_saved(result)
                self.page.can_redo(False)
            self._status(_("Saved."))

        def failed(error: Exception) -> None:
            self._status("")  # an earlier "Saved." is not what happened now
            problems = _problems(error)
            if problems is not None:
                self.page.show_problems(problems)
            else:
                self.page.notice.setText(describe(error))

        self.tasks.run(lambda vault: youth_screen.save_youth(vault, youth_id, changes, version), saved,
                       failed)

    def undo(self, youth_id: str) -> None:
        skip = frozenset(self._skip.get(youth_id, ()))

        def undone(result: youth_screen.Reverted) -> None:
            self._skip.setdefault(youth_id, set()).update((result.edit, result.change))
            self._redo.setdefault(youth_id, []).append(result.edit)
            said = _("The last saved edit of the Details was undone ({fields}); Redo makes it again.")
            self._reverted(youth_id, result, said.format(fields=_fields(result)))

        self.tasks.run(lambda vault: youth_screen.undo_youth(vault, youth_id, skip), undone,
                       lambda e: self._refused(youth_id, e))

    def redo(self, youth_id: str) -> None:
        waiting = self._redo.get(youth_id)
        if not waiting:
            self._status(_("There is no undone edit to make again."))
            return
        edit = waiting[-1]

        def redone(result: youth_screen.Reverted) -> None:
            if waiting and waiting[-1] == edit:
                waiting.pop()
            self._skip.setdefault(youth_id, set()).discard(edit)  # made again: undo may take it back
            self._skip[youth_id].add(result.change)
            self._reverted(youth_id, result, _("The undone edit was made again ({fields}).").format(
                fields=_fields(result)))

        self.tasks.run(lambda vault: youth_screen.redo_youth(vault, youth_id, edit), redone,
                       lambda e: self._refused(youth_id, e))

    def _reverted(self, youth_id: str, result: youth_screen.Reverted, said: str) -> None:
        self.events.announce(youth_id, "youth")
        if self.page.youth_id == youth_id:
            self.page.show_saved(result.saved)
            self.page.can_redo(bool(self._redo.get(youth_id)))
        self._status(said)

    def _refused(self, youth_id: str, error: Exception) -> None:
        self._status("")  # a "Saved." from before is not what happened now
        if self.page.youth_id == youth_id:
            self.page.notice.setText(describe(error))

    def save_draft(self, key: str, values: dict[str, Any]) -> None:
        self.tasks.run(lambda vault: caseload.save_draft(vault, key, values))

    def add(self, youth_id: str, kind: str, data: dict[str, Any]) -> None:
        if kind == "csec_status":  # who decided is the person signed in, never typed
            data = {**data, "decided_by": self._username()}
        if kind == "referral":  # a new referral is a suggestion; sending checks the consent
            self._attached(lambda v: services.suggest(v, youth_id, data), _("Added as a suggestion."),
                           kind=kind)
            return
        self._attached(lambda v: caseload.add_attached(v, youth_id, kind, data), _("Added."), kind=kind)

    def _attached(self, write: Callable[[Vault], Any], message: str, kind: str = "",
                  record_id: str = "") -> None:
        youth_id = self.page.youth_id
        section = self.page.section_for(kind, record_id)
        changed_kind = kind or section_kind(self.page, section)

        def work(vault: Vault) -> None:
            write(vault)
            youth_screen.forget_typed_forms(vault, youth_id)  # the note or contact is saved now

        def done(_result: None) -> None:
            self._status(message)
            self._refresh(youth_id, changed_kind)

        def failed(error: Exception) -> None:  # the message goes beside the list being worked in
            self._status("")
            problems = _problems(error)
            if problems is not None:
                section.show_problems(problems)
            else:
                section.message.setText(describe(error))

        self.tasks.run(work, done, failed)

    def send_referral(self, record_id: str, reason: str) -> None:
        def sent(consent: Consent | None) -> str:
            # The consent's own words: it may cover less than this referral (school records only,
            # sent to a treatment centre), and nothing else tells the worker which one was used.
            if consent is None:
                return _("Referral sent with a supervisor's approval, before a written consent.")
            return _("Referral sent under the consent given on {day}, which covers: {scope}. Share only what "
                     "it covers.").format(day=consent.given_on.isoformat(), scope=consent.scope)

        on = datetime.now(LEGAL_ZONE).date()
        tab = self.page.services

        def checked(consent: Consent | None) -> None:
            # The person says the consent covers this referral before it leaves (asked only when
            # there is one: without, the core asks for a supervisor's reason).
            if consent is not None and not tab.confirm_consent(record_id, consent):
                tab.send_button.setEnabled(tab.can_write)
                tab.referrals.message.setText(_("Not sent. Record the consent that covers this referral on "
                                                "the Safety and consent tab, then send it."))
                return
            self._referral(lambda v: services.send_and_say(v, record_id, on, override_reason=reason or None),
                           sent)

        self.tasks.run(lambda v: services.consent_to_use(v, record_id, on), checked, self._referral_failed)

    def _referral(self, write: Callable[[Vault], Any], message: str | Callable[[Any], str]) -> None:
        youth_id = self.page.youth_id

        def done(result: Any) -> None:
            self.page.services.override.clear()
            said = message(result) if callable(message) else message
            self._status(said)
            # Beside the referrals too, where it wraps, once they are redrawn: the status bar cut
            # the consent's guidance at "Share only what".
            beside = self.page.services.referrals.message

            def shown() -> None:
                beside.setText(said)
                self._referral_ready()

            self._refresh(youth_id, "referral", then=shown)

        self.tasks.run(write, done, self._referral_failed)

    def _referral_ready(self) -> None:
        """The send and status buttons as the selected referral allows, after one was pressed."""
        tab = self.page.services
        tab.send_button.setEnabled(tab.can_write)
        tab.refresh_steps()

    def _referral_failed(self, error: Exception) -> None:
        self._status("")
        self._referral_ready()
        problems = _problems(error)
        if problems is not None and [f for f, _m in problems] == ["consent"]:
            # Said where to go: "no referral or release-of-information consent is in force" named
            # neither the tab nor the supervisor's way.
            text = _("No referral or release-of-information consent is in force. Record the youth's "
                     "consent on the Safety and consent tab, then send it; a supervisor may instead send it "
                     "now with a reason in Override reason.")
        else:
            text = "; ".join(m for _f, m in problems) if problems is not None else describe(error)
        self.page.services.referrals.message.setText(text)

    def petition_stage(self, case_id: str, stage: str) -> None:
        youth_id = self.page.youth_id

        def done(_result: Any) -> None:
            self._status(_("The petition's stage was changed."))
            self._refresh(youth_id, "vacatur_case")

        def failed(error: Exception) -> None:
            self._status("")
            problems = _problems(error)
            self.page.relief.cases.message.setText(
                "; ".join(m for _f, m in problems) if problems is not None else describe(error))

        self.tasks.run(lambda vault: workflow.advance(vault, case_id, stage), done, failed)


    def petition_share(self, case_id: str, share: bool) -> None:
        """Counsel shares the case's account with a caseworker chosen from those who see the youth,
        or stops sharing it with one of those it is shared with."""
        from csec_desktop.vacatur import sharing

        youth_id = self.page.youth_id
        relief = self.page.relief

        def failed(error: Exception) -> None:
            self._status("")
            problems = _problems(error)
            relief.cases.message.setText(
                "; ".join(m for _f, m in problems) if problems is not None else describe(error))

        def done(_result: Any) -> None:
            said = _("The account is shared: they read it in this petition's Record relief tab.") if share \
                else _("The account is no longer shared with them: their copy was deleted.")
            self._status(_("Shared.") if share else _("No longer shared."))  # the status bar is short
            self._refresh(youth_id, "vacatur_case", then=lambda: relief.cases.message.setText(said))

        def ask(found: tuple[list[sharing.Person], list[sharing.Person]]) -> None:
            people = found[0] if share else found[1]
            if not people:
                if not share:
                    said = _("The account in this petition is shared with no one.")
                elif found[1]:
                    said = _("It is already shared with every caseworker here who sees this youth.")
                else:
                    said = _("No caseworker here sees this youth: an administrator assigns the youth or adds "
                             "the caseworker first.")
                relief.cases.message.setText(said)
                return
            if share:
                title = _("Share the youth's account")
                text = _("The caseworker will read the youth's account in this petition (its grounds, safety "
                         "concerns and each count's account), not change it, until you stop sharing. Every "
                         "reading is recorded. Share with:")
            else:
                title = _("Stop sharing the youth's account")
                text = _("Their copy is deleted at once. Stop sharing with:")
            chosen = relief.choose_person(title, text, [(p.username, p.display_name) for p in people])
            if chosen is None:
                relief.cases.message.setText(_("Nothing was changed."))
                return
            act = sharing.share if share else sharing.unshare
            self.tasks.run(lambda vault: act(vault, case_id, chosen), done, failed)

        def listed(vault: Vault) -> tuple[list[sharing.Person], list[sharing.Person]]:
            return sharing.candidates(vault, case_id), sharing.shared_with(vault, case_id)

        self.tasks.run(listed, ask, failed)


def section_kind(page: YouthPage, section: ItemList) -> str:
    for kind, candidate in page.attached_sections():
        if candidate is section:
            return kind
    return ""


class ScreenController(QObject):
    """A screen or assessment filled in for one youth, kept as a draft while typed."""

    def __init__(self, tasks: Tasks, events: VaultEvents, view: FormView, *,
                 show_view: Callable[[], None], closed: Callable[[str], None],
                 report: Callable[[str], None]) -> None:
        super().__init__(view)
        self.tasks, self.events, self.view = tasks, events, view
        self._show_view, self._closed, self._report = show_view, closed, report
        self.target: tuple[str, str] = ("", "")
        view.submitted.connect(self.submit)
        view.cancelled.connect(self.close)
        view.draft_changed.connect(self.save_draft)

    def open(self, youth_id: str, form_id: str) -> None:
        def show(found: youth_screen.OpenScreen) -> None:
            if found.spec is None:
                self._report(_("The form {form} is missing or broken; run csec forms check.").format(
                    form=form_id))
                return
            self.target = (youth_id, form_id)
            self.view.open_form(found.spec, found.draft, subject=found.subject)
            self._show_view()

        self.tasks.run(lambda vault: youth_screen.open_screen(vault, youth_id, form_id), show)

    def save_draft(self, answers: dict[str, Any]) -> None:
        youth_id, form_id = self.target
        if youth_id:
            key = youth_screen.screen_draft_key(youth_id, form_id)
            self.tasks.run(lambda vault: caseload.save_draft(vault, key, answers))

    def submit(self, answers: dict[str, Any]) -> None:
        youth_id, form_id = self.target

        def done(outcome: Outcome | None) -> None:
            self.events.announce(youth_id, "form_response")
            self.view.show_outcome(outcome)

        def failed(error: Exception) -> None:
            problems = _problems(error)
            if problems is not None:
                self.view.show_problems(problems)
            else:
                self.view.message.setText(describe(error))

        self.tasks.run(lambda vault: youth_screen.save_screen(vault, youth_id, form_id, answers), done,
                       failed)

    def close(self) -> None:
        youth_id, _form_id = self.target
        self.clear()
        self._closed(youth_id)

    def clear(self) -> None:
        self.view.clear()
        self.target = ("", "")


def _fields(result: youth_screen.Reverted) -> str:
    """The youth's fields an undo or redo put back, by their labels."""
    return ", ".join(_(kind_label("youth", name)) for name in result.fields)
