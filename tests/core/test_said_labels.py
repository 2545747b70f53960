"""A rule's "why" line names a coded value by its label, in the language the line is said in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

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
