"""A rule's "why" line names a coded value by its label, in the language the line is said in."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from pathlib import Path
from typing import get_args

from csec_desktop.domain.csec import CsecStatusValue
from csec_desktop.domain.labels import said
from csec_desktop.domain.services import ReferralStatus
from csec_desktop.domain.youth import Youth
from csec_desktop.rules.transition import in_foster_care_on
from csec_desktop.text import W, translations
from tests.conftest import youth_data


def test_a_placement_and_a_legal_status_are_said_by_their_labels() -> None:
    # The line read "legal status ward, placed in strtp on ..." in English and in Spanish alike.
    youth = Youth.parse(youth_data(
        legal_status=[{"status": "ward", "start": "2025-01-01"}],
        placement_history=[{"type": "strtp", "start": "2025-02-01"}]), record="youth")
    why = in_foster_care_on(youth, date(2026, 6, 23)).why
    assert str(why) == ("legal status Ward (WIC 602), placed in STRTP (short-term residential therapeutic "
                        "program) on 2026-06-23")
    spanish = why.in_language(translations("es").gettext)
    assert "strtp" not in spanish and "ward" not in spanish and "programa terapéutico" in spanish


def test_every_status_in_a_rule_line_is_said_by_its_label() -> None:
    """CSEC and referral statuses read as codes ("CSEC status at_risk since ...", "is no_show"),
    in Spanish too, in the rules of case plans, missing youth, protection, survivors and services."""
    rules = Path(__file__).resolve().parents[2] / "csec_desktop" / "rules"
    coded = [f"{path.name}: {m.group(0)}" for path in rules.glob("*.py")
             for m in re.finditer(r"status=[\w.()]+\.value\b", path.read_text())]
    assert coded == []
    line = W("CSEC status {status} since {day}", status=said(CsecStatusValue.AT_RISK), day="2026-06-01")
    assert str(line) == "CSEC status At risk of commercial sexual exploitation since 2026-06-01"
    assert "at_risk" not in line.in_language(translations("es").gettext)
    assert str(said(ReferralStatus.NO_SHOW)) != "no_show"


def test_every_coded_value_a_form_offers_has_a_label() -> None:
    """A plan goal's progress read "not started" and a Medi-Cal group "former foster youth" in
    the Spanish window: codes with spaces, for want of a label."""
    import csec_desktop.domain.kinds  # noqa: F401 (every model registered)
    from csec_desktop.domain import fields
    from csec_desktop.domain.efc import CONDITION_SHORT
    from csec_desktop.domain.labels import CHOICE_LABELS
    from csec_desktop.domain.youth import LEGAL_STATUS_LABELS

    def enums(kind: object) -> list[type[Enum]]:
        found = [kind] if isinstance(kind, type) and issubclass(kind, Enum) else []
        return found + [e for arg in get_args(kind) for e in enums(arg)]

    missing = [f"{model.__name__}.{name}: {value.value}"
               for model in fields.form_models() for name, info in model.model_fields.items()
               for enum in enums(info.annotation) for value in enum
               if value not in LEGAL_STATUS_LABELS and str(value.value) not in CHOICE_LABELS
               and str(value.value) not in CONDITION_SHORT]
    assert missing == []
