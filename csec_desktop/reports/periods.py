"""Reporting periods: a month, a calendar quarter, a state fiscal year, or any run of days.

Days are California days (`rules.LEGAL_ZONE`): a status decided at 23:59 Pacific on a quarter's
last day belongs to that quarter, whatever the machine's clock zone. California's fiscal year runs
from 1 July to 30 June (Gov. Code 13290), so "FY2025-26" is 1 July 2025 to 30 June 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.rules import LEGAL_ZONE
from csec_desktop.text import N_

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[QT]([1-4])$", re.IGNORECASE)  # T: trimestre, in Spanish
_QUARTER_SAID = re.compile(r"^[QT]([1-4])\s+(?:de\s+|of\s+)?(\d{4})$", re.IGNORECASE)
"""A quarter as the window says it: "Q3 2026", "T3 de 2026"."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FISCAL = re.compile(r"^FY\s*(\d{4})\s*-\s*(\d{2}|\d{4})$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
LONGEST = timedelta(days=366 * 5)  # a custom period longer than this is a typing mistake


@dataclass(frozen=True)
class Period:
    first: date  # first day, inclusive
    last: date  # last day, inclusive
    label: str

    def contains(self, moment: datetime | date) -> bool:
        """Whether a moment (any zone; a naive one is refused) or a day falls in the period."""
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise ValueError("a moment without a time zone cannot be placed in a period")
            moment = moment.astimezone(LEGAL_ZONE).date()
        return self.first <= moment <= self.last

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def so_far(self, today: date) -> Period:
        """The period up to `today` when it has not ended: its figures "at the end" are then today's,
        not projections to a last day months ahead (a fiscal year counted in December said 65 of 65
        certifications overdue at the end of June). Its label stays; its last day says so."""
        return replace(self, last=today) if self.first <= today < self.last else self


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), first.strftime("%Y-%m"))


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    return Period(first, month(year, 3 * number).last, f"{year}Q{number}")


def fiscal_year(starting: int) -> Period:
    """The state fiscal year that begins on 1 July of `starting`."""
    return Period(date(starting, 7, 1), date(starting + 1, 6, 30), f"FY{starting}-{(starting + 1) % 100:02d}")


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
"""The days a report may cover: the CSEC program began in 2014; a year such as 0001 only broke the
arithmetic of the trend (the twelve months before a short period)."""


def parse(text: str) -> Period:
    """"2026Q3", "2026-09", "FY2025-26" or "2026-07-01..2026-09-30"; a clear error otherwise."""
    period = _parse(text)
    if period.first < EARLIEST or period.last > LATEST:
        raise ValidationFailed([FieldProblem("period", N_("a report covers days from 2000 to 2099"))],
                               record="report")
    return period


def _parse(text: str) -> Period:
    value = text.strip()
    try:
        if found := _QUARTER.match(value):
            return quarter(int(found[1]), int(found[2]))
        if found := _QUARTER_SAID.match(value):
            return quarter(int(found[2]), int(found[1]))
        if found := _MONTH.match(value):
            return month(int(found[1]), int(found[2]))
        if found := _FISCAL.match(value):
            start, end = int(found[1]), int(found[2])
            if end % 100 != (start + 1) % 100:
                raise ValueError("a fiscal year ends the year after it starts")
            return fiscal_year(start)
        if found := _RANGE.match(value):
            first, last = date.fromisoformat(found[1]), date.fromisoformat(found[2])
            if last < first:
                raise ValueError("the period ends before it starts")
            if last - first > LONGEST:
                raise ValueError("a period may cover at most five years")
            return Period(first, last, f"{first.isoformat()}..{last.isoformat()}")
    except ValueError as exc:
        raise ValidationFailed([FieldProblem("period", str(exc))], record="report") from None
    raise ValidationFailed([FieldProblem(
        "period", N_("write a quarter (2026Q3), a month (2026-09), a fiscal year (FY2025-26) or two days "
                  "(2026-07-01..2026-09-30)"))], record="report")
