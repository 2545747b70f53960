"""A rule's "why" line names a coded value by its label, in the language the line is said in."""

from __future__ import annotations

from datetime import date

from csec_desktop.domain.youth import Youth
from csec_desktop.rules.transition import in_foster_care_on
from csec_desktop.text import translations
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
