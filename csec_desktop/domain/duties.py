"""A duty a person marked done: who (the record's creator), when, how and to whom.

A duty with several recipients (the missing-from-care notices of Welf. & Inst. Code 16501.35(b)
go to about ten) records each recipient on its own line, with when and how that one was told.
Records made before the list existed keep a single `recipient` beside `done_at` and `method`;
`told()` reads both shapes as lines.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_

METHODS: dict[str, str] = {"telephone": N_("telephone"), "fax": N_("fax"),
                           "electronic": N_("electronic report"), "in_person": N_("in person"),
                           "writing": N_("in writing")}
"""How a duty was done or a person told, as stored (`DutyDone.method`, `Told.method`), with the
words each is said in: the window, Today's detail and the notification log."""


def method_words(method: str | None) -> str:
    """A stored method in words (English, marked; the caller translates); typed text as it is."""
    return METHODS.get(method or "", method or "")


class Told(BaseModel):
    """One recipient of a report or notice: who, when, how."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)

    who: str = Field(min_length=1, max_length=300, title=N_("Who was told"))
    at: AwareDatetime | None = Field(default=None, title=N_("When they were told (YYYY-MM-DD HH:MM)"))
    method: str | None = Field(default=None, max_length=100, title=N_("How it was done"))


@register
class DutyDone(Body):
    kind: ClassVar[str] = "duty_done"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    rule_id: str = Field(min_length=1, max_length=100, title=N_("Duty"))
    occurrence: str = Field(default="", max_length=40, title=N_("Occurrence"))
    done_on: date = Field(title=N_("Done on (YYYY-MM-DD)"))
    note: str | None = Field(default=None, max_length=2000, title=N_("Note"))
    # when it was actually done (which may be before it was recorded)
    done_at: AwareDatetime | None = Field(default=None, title=N_("When it was done (YYYY-MM-DD HH:MM)"))
    # phone, fax, electronic, in person...
    method: str | None = Field(default=None, max_length=100, title=N_("How it was done"))
    recipient: str | None = Field(default=None, max_length=300, title=N_("Who was told"))
    """A record made before `recipients`: its one recipient. New records use `recipients`."""
    recipients: list[Told] = Field(default_factory=list, max_length=60,
                                   title=N_("Who was told, one line each"))

    def told(self) -> list[Told]:
        """Each recipient on its own line, whichever shape the record was made in."""
        if self.recipients:
            return list(self.recipients)
        if self.recipient:
            return [Told(who=self.recipient, at=self.done_at, method=self.method)]
        return []


NAMED_RECIPIENTS: dict[str, tuple[str, ...]] = {
    # Welf. & Inst. Code 16501.35(b): notice immediately, and no later than 24 hours after learning
    # a youth is missing from care, to each of these (the statute's list, law as of 2026-01-01).
    "missing.notices_24h": (
        N_("Parent or Indian custodian (unless the court limited it)"),
        N_("Legal guardian"),
        N_("Attorney of the parent, custodian or guardian"),
        N_("The youth's attorney"),
        N_("CASA (court appointed special advocate)"),
        N_("The juvenile court"),
        N_("The youth's tribe"),
        N_("Dependent sibling aged 10 or older (if not contrary to their safety)"),
        N_("Local law enforcement (tribal law enforcement included)"),
    ),
}
"""For a duty whose statute names who must be told: one line each, for a person to fill in with the
name of the person or office actually told, or to remove where it does not apply (no CASA, no tribe)."""
