"""Records of the CSEC response: status over time, screens (ours and licensed tools'
results), missing-from-care episodes and multidisciplinary team meetings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field, field_validator, model_validator

from csec_desktop.clock import legal_today
from csec_desktop.domain.base import Body, Bound
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_, W


class CsecStatusValue(StrEnum):
    VICTIM = "victim"
    AT_RISK = "at_risk"
    NOT_IDENTIFIED = "not_identified"
    NO_LONGER_AT_RISK = "no_longer_at_risk"


CSEC_STATUS_LABELS: dict[CsecStatusValue, str] = {
    CsecStatusValue.VICTIM: N_("Victim of commercial sexual exploitation"),
    CsecStatusValue.AT_RISK: N_("At risk of commercial sexual exploitation"),
    CsecStatusValue.NOT_IDENTIFIED: N_("Not identified"),
    CsecStatusValue.NO_LONGER_AT_RISK: N_("No longer at risk"),
}


@register
class CsecStatus(Body):
    """A decision about a youth's CSEC status; the latest by `decided_at` is current."""

    kind: ClassVar[str] = "csec_status"
    owner_field: ClassVar[str | None] = "youth_id"

    happened: ClassVar[tuple[str, ...]] = ("decided_at",)

    youth_id: str
    status: CsecStatusValue = Field(title=N_("CSEC status"),
                                    description=N_("Nothing is chosen for you: pick the status the facts "
                                                   "support."))
    """Required, with no default: a status is a person's decision, never a presumption."""
    decided_at: AwareDatetime = Field(title=N_("Information received (YYYY-MM-DD HH:MM)"))
    """When the information was received that supports this status: the 24-hour clocks of
    Pen. Code 11166(j) run from here."""
    basis: str = Field(min_length=1, max_length=4000, title=N_("Basis (facts and sources)"))
    decided_by: str = Field(min_length=1, max_length=200, title=N_("Decided by"))

    @field_validator("status", mode="before")
    @classmethod
    def _chosen(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(N_("choose a status: none is preselected"))
        return value


class ScreenBand(StrEnum):
    NO_CONCERN = "no_concern"
    POSSIBLE_CONCERN = "possible_concern"
    CLEAR_CONCERN = "clear_concern"


@register
class FormResponse(Body):
    """Answers to a form in forms/, with the form's id and version so they can be upgraded."""

    kind: ClassVar[str] = "form_response"
    owner_field: ClassVar[str | None] = "youth_id"
    # One answer per field of the form (forms have dozens), long-text answers as long as a note.
    bounds: ClassVar[Mapping[str, Bound]] = {"answers": Bound(items=300, text=20_000),
                                             "outcome": Bound(items=300)}

    youth_id: str
    form_id: str = Field(min_length=1, max_length=64, title=N_("Form"))
    form_version: int = Field(ge=1, title=N_("Form version"))
    answers: dict[str, Any] = Field(title=N_("Answers"))
    completed_at: AwareDatetime = Field(title=N_("Completed (YYYY-MM-DD HH:MM)"))
    completed_by: str = Field(min_length=1, max_length=200, title=N_("Completed by"))
    outcome: dict[str, Any] | None = Field(default=None, title=N_("Outcome"))


@register
class LicensedScreen(Body):
    """The result of a licensed, validated tool (the CSE-IT, say). Never its items."""

    kind: ClassVar[str] = "licensed_screen"
    owner_field: ClassVar[str | None] = "youth_id"

    youth_id: str
    tool: str = Field(min_length=1, max_length=100, title=N_("Tool"))
    tool_version: str = Field(min_length=1, max_length=40, title=N_("Tool version"))
    screened_on: date = Field(title=N_("Screened on (YYYY-MM-DD)"))
    screener: str = Field(min_length=1, max_length=200, title=N_("Screener"))
    screener_trained: bool = Field(title=N_("The screener is trained on this tool"))
    band: ScreenBand = Field(title=N_("Outcome band"))
    notes: str | None = Field(default=None, max_length=4000, title=N_("Notes"))

    @field_validator("screened_on")
    @classmethod
    def _past(cls, value: date) -> date:
        if value > legal_today():
            raise ValueError("is in the future")
        return value


@register
class MissingEpisode(Body):
    """A time the youth was missing from care (Welf. & Inst. Code 16501.35(b), (c))."""

    kind: ClassVar[str] = "missing_episode"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("learned_at", "last_seen_at", "returned_at")

    youth_id: str
    learned_at: AwareDatetime = Field(title=N_("Staff learned the youth was missing (YYYY-MM-DD HH:MM)"))
    """When staff learned the youth was missing: the 24-hour notice clock runs from here."""
    last_seen_at: AwareDatetime | None = Field(default=None, title=N_("Last seen (YYYY-MM-DD HH:MM)"))
    returned_at: AwareDatetime | None = Field(default=None, title=N_("Returned (YYYY-MM-DD HH:MM)"))
    where_and_with_whom: str | None = Field(default=None, max_length=4000, title=N_("Where and with whom"))
    # 16501.35(b)(1)(A)
    why_left: str | None = Field(default=None, max_length=4000, title=N_("Why the youth left"))
    experiences_while_away: str | None = Field(default=None, max_length=4000,  # (b)(1)(C)
                                               title=N_("What happened while away"))
    screened_for_exploitation: bool = Field(default=False,  # (b)(1)(D)
                                            title=N_("Screened for exploitation after the return"))
    nonminor_at_risk: bool = Field(default=False,
                                   title=N_("Nonminor dependent: left involuntarily or at risk of "
                                            "substantial harm"))
    """For a nonminor dependent, missing counts only if the agency suspects they did not leave
    of their own will or are at risk of substantial harm (16501.35(c))."""

    @model_validator(mode="after")
    def _ordered(self) -> MissingEpisode:
        if self.returned_at is not None and self.returned_at < (self.last_seen_at or self.learned_at):
            raise ValueError("the return is before the youth went missing")
        return self


class Discipline(StrEnum):
    CHILD_WELFARE = "child_welfare"
    PROBATION = "probation"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    PUBLIC_HEALTH = "public_health"
    PROVIDER = "provider"
    EDUCATION = "education"
    LAW_ENFORCEMENT = "law_enforcement"
    SURVIVOR_ADVOCATE = "survivor_advocate"
    YOUTH = "youth"
    OTHER = "other"


REQUIRED_DISCIPLINES: tuple[Discipline, ...] = (
    Discipline.CHILD_WELFARE, Discipline.PROBATION, Discipline.MENTAL_HEALTH,
    Discipline.SUBSTANCE_USE, Discipline.PUBLIC_HEALTH,
)
"""Welf. & Inst. Code 16524.7(d)(2)(B): the team "shall include" these departments' staff."""


@register
class TeamMeeting(Body):
    kind: ClassVar[str] = "team_meeting"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("held_on",)

    youth_id: str
    held_on: date = Field(title=N_("Held on (YYYY-MM-DD)"))
    attendees: list[dict[str, str]] = Field(  # {"discipline": ..., "name": ...}
        default_factory=list, title=N_("Attendees"),
        description=N_("One person per line, as discipline: name (Mental health: their name), the "
                       "discipline by its name or its code"))
    decisions: str | None = Field(default=None, max_length=8000, title=N_("Decisions"))
    next_steps: str | None = Field(default=None, max_length=8000, title=N_("Next steps"))

    @field_validator("attendees")
    @classmethod
    def _disciplines(cls, value: list[dict[str, str]]) -> list[dict[str, str]]:
        known = {d.value for d in Discipline}
        for person in value:
            said = person.get("discipline", "")
            if said not in known:  # the enum's own message was "'doctor' is not a valid Discipline"
                raise ValueError(W("\"{said}\" is not one of the disciplines: write each person on a line "
                                   "of their own as discipline: name (Mental health: their name)",
                                   said=said))
            if not person.get("name", "").strip():
                from csec_desktop.domain.labels import said as label  # labels imports this module

                raise ValueError(W("{discipline} has no name after it: write each person on a line of their "
                                   "own as discipline: name", discipline=label(Discipline(said))))
        return value

    def missing_disciplines(self) -> list[Discipline]:
        present = {p["discipline"] for p in self.attendees}
        return [d for d in REQUIRED_DISCIPLINES if d.value not in present]
