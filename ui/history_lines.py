"""The History tab's lines: who changed what of the youth's record or of a record attached to it,
and when, with what each field was (a count or a contact has no undo: its history is how a mistaken
edit is put right)."""

from __future__ import annotations

from typing import Any

from csec_desktop.domain.fields import kind_label
from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.labels import record_kind
from csec_desktop.domain.summaries import field_text, summarize
from csec_desktop.usecases.youth import HistoryEntry
from ui.i18n import _
from ui.record_form import local_time


def line(change: HistoryEntry) -> tuple[str, str]:
    """A change as its line (when, who, what) and its tooltip (each field: what it was and what it
    became; empty when this person may not read the values)."""
    said = _said(change)
    # What it was, in the line (a tooltip is the mouse's alone); a share says it already.
    if len(change.changes) == 1 and _share(change) is None:
        name, old, _new = change.changes[0]
        said += " · " + _("it was {value}").format(value=_shown(change.kind, name, old))
    return (f"{local_time(change.at)}  {change.user}  {said}",
            "\n".join(_was(change.kind, *edit) for edit in change.changes))


def _shown(kind: str, name: str, value: Any) -> str:
    """A field's value in a history line, as its list shows it; "—" for nothing."""
    model = KINDS.get(kind)
    if isinstance(value, bool):  # a ticked box: "it was ✔" said nothing (a youth sealed, unsealed)
        return _("yes") if value else _("no")
    if model is None or name not in model.model_fields:
        return "—" if value in (None, "") else str(value)
    text = field_text(model, name, value, _)
    return "—" if text is None else f"“{text}”"


def _was(kind: str, name: str, old: Any, new: Any) -> str:
    """An edit of one field as a line: its label, what it was and what it became."""
    return f"{_(kind_label(kind, name))}: {_shown(kind, name, old)} → {_shown(kind, name, new)}"


def _share(change: HistoryEntry) -> str | None:
    """Counsel's share of a petition's account, or its stop, said as such ("changed Account shared
    with of a vacatur petition" said neither what nor with whom); None for any other change."""
    if change.kind != "vacatur_case" or change.fields != ("shared_with",) or len(change.changes) != 1:
        return None
    _name, old, new = change.changes[0]
    before, after = set(old or []), set(new or [])
    what = _(record_kind(change.kind))
    said = [_("shared the account of {what} with {people}").format(
                what=what, people=", ".join(sorted(after - before)))] if after - before else []
    if before - after:
        said.append(_("stopped sharing the account of {what} with {people}").format(
            what=what, people=", ".join(sorted(before - after))))
    return "; ".join(said) or None


def _said(change: HistoryEntry) -> str:
    """A line of the History tab: what was done, to the youth's record or to one attached to it."""
    shared = _share(change)
    if shared is not None:
        return shared if change.item is None else f"{shared}: {summarize(change.kind, change.item, _)}"
    fields = ", ".join(_(kind_label(change.kind, f)) for f in change.fields)
    if change.kind == "youth":
        return (_("created the record") if change.op == "create" else
                _("deleted the record") if change.op == "delete" else
                _("changed {fields}").format(fields=fields))
    what = _(record_kind(change.kind))
    said = (_("added {what}").format(what=what) if change.op == "create" else
            _("removed {what}").format(what=what) if change.op == "delete" else
            _("changed {fields} of {what}").format(fields=fields, what=what))
    # Which one: the record as it reads now ("changed Phone of a contact: Fictional Grandmother…").
    return said if change.item is None else f"{said}: {summarize(change.kind, change.item, _)}"
