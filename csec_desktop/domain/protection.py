"""Protective orders against a youth's exploiters: which kind was sought, where it stands, when it ends.

A juvenile restraining order (Welf. & Inst. Code 213.5) is open while a dependency or wardship
petition is pending or the youth is a dependent or ward; otherwise a civil harassment order (Code
Civ. Proc. 527.6) or, where the exploiter is a dating partner or relative, a domestic violence
restraining order (Fam. Code 6200 and following). `rules/protection.py` suggests one and reads these
records so that it stops suggesting once an order is sought or in force.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from csec_desktop.domain.base import Body, on_or_after
from csec_desktop.domain.kinds import register
from csec_desktop.text import N_


class OrderKind(StrEnum):
    JUVENILE_213_5 = "juvenile_213_5"  # Welf. & Inst. Code 213.5 (forms JV-245, JV-250, JV-255)
    CIVIL_HARASSMENT = "civil_harassment"  # Code Civ. Proc. 527.6 (CH-100 forms)
    DOMESTIC_VIOLENCE = "domestic_violence"  # Fam. Code 6200 and following (DV-100 forms)
    CRIMINAL_PROTECTIVE = "criminal_protective"  # an order made in a criminal case (Pen. Code 136.2)
    OTHER = "other"


ORDER_KIND_LABELS: dict[OrderKind, str] = {
    OrderKind.JUVENILE_213_5: N_("Juvenile restraining order (WIC 213.5)"),
    OrderKind.CIVIL_HARASSMENT: N_("Civil harassment restraining order (CCP 527.6)"),
    OrderKind.DOMESTIC_VIOLENCE: N_("Domestic violence restraining order (Family Code)"),
    OrderKind.CRIMINAL_PROTECTIVE: N_("Criminal protective order"),
    OrderKind.OTHER: N_("Other protective order"),
}


class OrderStage(StrEnum):
    CONSIDERED = "considered"  # talked about with the youth, not yet asked for
    REQUESTED = "requested"
    TEMPORARY = "temporary"  # a temporary order until the hearing
    GRANTED = "granted"  # an order after hearing
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"  # expired or terminated


ORDER_STAGE_LABELS: dict[OrderStage, str] = {
    OrderStage.CONSIDERED: N_("Considered with the youth"), OrderStage.REQUESTED: N_("Requested"),
    OrderStage.TEMPORARY: N_("Temporary order granted"),
    OrderStage.GRANTED: N_("Order granted after hearing"),
    OrderStage.DENIED: N_("Denied"), OrderStage.WITHDRAWN: N_("Withdrawn"), OrderStage.ENDED: N_("Ended"),
}

IN_FORCE = (OrderStage.TEMPORARY, OrderStage.GRANTED)
PENDING = (OrderStage.CONSIDERED, OrderStage.REQUESTED)


@register
class ProtectiveOrder(Body):
    """One protective order sought or made to keep an exploiter away from the youth."""

    kind: ClassVar[str] = "protective_order"
    owner_field: ClassVar[str | None] = "youth_id"
    happened: ClassVar[tuple[str, ...]] = ("requested_on", "granted_on")

    youth_id: str
    order_kind: OrderKind = Field(title=N_("Kind of order"))
    stage: OrderStage = Field(default=OrderStage.CONSIDERED, title=N_("Where it stands"))
    restrained_person: str = Field(min_length=1, max_length=200,
                                   title=N_("Person to be restrained (name or description)"),
                                   description=N_("Also record them as a safety flag, so no document "
                                                  "or call gives them information."))
    requested_on: date | None = Field(default=None, validate_default=True,
                                      title=N_("Requested on (YYYY-MM-DD)"))
    granted_on: date | None = Field(default=None, validate_default=True, title=N_("Granted on (YYYY-MM-DD)"))
    expires_on: date | None = Field(default=None, title=N_("Expires on (YYYY-MM-DD)"))
    court_case_number: str | None = Field(default=None, max_length=60, title=N_("Court case number"))
    notes: str | None = Field(default=None, max_length=4000, title=N_("Notes"))

    # Field validators (not one for the whole record) so each message is put beside its field.
    @field_validator("requested_on")
    @classmethod
    def _requested(cls, value: date | None, info: ValidationInfo) -> date | None:
        stage = info.data.get("stage")
        if value is None and stage not in (None, OrderStage.CONSIDERED, OrderStage.WITHDRAWN):
            raise ValueError("an order asked for needs the day it was requested")
        return value

    @field_validator("granted_on")
    @classmethod
    def _granted(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and info.data.get("stage") in IN_FORCE:
            raise ValueError("an order granted needs the day it was granted")
        requested = info.data.get("requested_on")
        if value is not None and requested is not None and value < requested:
            raise ValueError("cannot be before the day it was requested")
        return value

    _expires = on_or_after("expires_on", "granted_on", "cannot be before the day it was granted")

    def in_force_on(self, day: date) -> bool:
        return self.stage in IN_FORCE and (self.granted_on is None or self.granted_on <= day) \
            and (self.expires_on is None or day <= self.expires_on)
