"""A duty a person marked done: who (the record's creator), when, how and to whom."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, Field

from csec_desktop.domain.base import Body
from csec_desktop.domain.kinds import register


@register
class DutyDone(Body):
    kind: ClassVar[str] = "duty_done"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    rule_id: str = Field(min_length=1, max_length=100)
    occurrence: str = Field(default="", max_length=40)
    done_on: date
    note: str | None = Field(default=None, max_length=2000)
    done_at: AwareDatetime | None = None  # for hour-clock duties: when exactly
    method: str | None = Field(default=None, max_length=100)  # phone, fax, electronic, in person...
    recipient: str | None = Field(default=None, max_length=300)  # who was told
