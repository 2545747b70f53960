"""A duty a person marked done: who (the record's creator), when, how and to whom."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, Field

from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_


@register
class DutyDone(Body):
    kind: ClassVar[str] = "duty_done"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    rule_id: str = Field(min_length=1, max_length=100, title=N_("Duty"))
    occurrence: str = Field(default="", max_length=40, title=N_("Occurrence"))
    done_on: date = Field(title=N_("Done on (YYYY-MM-DD)"))
    note: str | None = Field(default=None, max_length=2000, title=N_("Note"))
    # for hour-clock duties: when exactly
    done_at: AwareDatetime | None = Field(default=None, title=N_("When it was done (YYYY-MM-DD HH:MM)"))
    # phone, fax, electronic, in person...
    method: str | None = Field(default=None, max_length=100, title=N_("How it was done"))
    recipient: str | None = Field(default=None, max_length=300, title=N_("Who was told"))
