"""Readable labels (English source text, marked for translation) for the coded values
the records hold: alias kinds, placement types, consent kinds, note kinds, legal status."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from csec_desktop.domain.csec import CSEC_STATUS_LABELS
from csec_desktop.domain.directory import ENTRY_KIND_LABELS
from csec_desktop.domain.protection import ORDER_KIND_LABELS, ORDER_STAGE_LABELS, OrderKind
from csec_desktop.domain.services import REFERRAL_STATUS_LABELS
from csec_desktop.domain.vacatur import COUNSEL_DECISION_LABELS, SERVICE_METHOD_LABELS
from csec_desktop.domain.youth import LEGAL_STATUS_LABELS
from csec_desktop.text import N_, Line

CHOICE_LABELS: dict[str, str] = {
    # Alias kinds
    "alias": N_("Alias"), "moniker": N_("Moniker"), "street_name": N_("Street name"),
    # Placement types
    "home_of_parent": N_("Home of parent"), "relative": N_("Relative"),
    "nrefm": N_("Non-relative extended family member"), "resource_family": N_("Resource family"),
    "strtp": N_("STRTP (short-term residential therapeutic program)"),
    "thpp": N_("THPP (transitional housing, minors)"), "thp_nmd": N_("THP-NMD (transitional housing, 18-21)"),
    "silp": N_("SILP (supervised independent living)"), "juvenile_hall": N_("Juvenile hall"),
    "camp": N_("Camp"), "shelter": N_("Shelter"), "other": N_("Other"),
    # Consent kinds
    "release_of_information": N_("Release of information"), "referral": N_("Referral"),
    "health": N_("Health"), "substance_use_disclosure": N_("Substance use disclosure (42 CFR Part 2)"),
    # Note kinds
    "contact": N_("Contact"), "home_visit": N_("Home visit"), "court": N_("Court"),
    "team": N_("Team meeting"),
}



CHOICE_LABELS.update({status.value: text for status, text in CSEC_STATUS_LABELS.items()})
CHOICE_LABELS.update({kind.value: text for kind, text in ENTRY_KIND_LABELS.items()})
CHOICE_LABELS.update({d.value: text for d, text in COUNSEL_DECISION_LABELS.items()})
CHOICE_LABELS.update({m.value: text for m, text in SERVICE_METHOD_LABELS.items()})
CHOICE_LABELS.update({status.value: text for status, text in REFERRAL_STATUS_LABELS.items()})
# Protective orders: kinds and where one stands ("other" keeps its plain label).
CHOICE_LABELS.update({kind.value: text for kind, text in ORDER_KIND_LABELS.items()
                      if kind is not OrderKind.OTHER})
CHOICE_LABELS.update({stage.value: text for stage, text in ORDER_STAGE_LABELS.items()})
CHOICE_LABELS.update({
    "no_concern": N_("No concern"), "possible_concern": N_("Possible concern"),
    "clear_concern": N_("Clear concern"),
    "child_welfare": N_("Child welfare"), "probation": N_("Probation"), "mental_health": N_("Mental health"),
    "substance_use": N_("Substance use disorder services"), "public_health": N_("Public health"),
    "education": N_("Education"), "law_enforcement": N_("Law enforcement"),
    "survivor_advocate": N_("Survivor advocate"), "youth": N_("The youth"),
    # Extended foster care: order types and hearings
    "dependency": N_("Dependency (foster care placement)"),
    "ward_727a": N_("Ward in foster care (WIC 727(a))"),
    "transition_450": N_("Transition jurisdiction (WIC 450)"),
    "reentry": N_("Re-entry (voluntary re-entry agreement, WIC 388(e))"),
    "review": N_("Status review (WIC 366.31)"), "termination": N_("Termination (WIC 391)"),
    # Record relief: kinds of count and the stages of a petition
    "arrest": N_("Arrest or citation"), "conviction": N_("Conviction"),
    "adjudication": N_("Juvenile adjudication (WIC 602)"), "juvenile_arrest": N_("Juvenile arrest (WIC 602)"),
    "draft": N_("Draft"), "attorney_reviewed": N_("Reviewed by the attorney"), "filed": N_("Filed"),
    # A service plan goal: how it goes
    "not_started": N_("Not started"), "in_progress": N_("In progress"), "done": N_("Done"),
    "changed": N_("Changed (the youth changed their mind)"),
    # Medi-Cal eligibility groups
    "unknown": N_("Not known"), "child": N_("Child"), "former_foster_youth": N_("Former foster youth"),
    "pregnant": N_("Pregnant"), "expansion_adult": N_("Adult (Medi-Cal expansion)"),
})


def said_all(values: Sequence[Enum]) -> Line:
    """Several coded values inside a sentence, each by its label in the sentence's language, with
    commas between ("substance use, public health" read as codes, in English on a Spanish screen)."""
    slots = ", ".join(f"{{v{n}}}" for n in range(len(values)))  # no template to translate: only labels
    return Line(slots, **{f"v{n}": said(value) for n, value in enumerate(values)})


def said(value: Enum) -> Line:
    """A coded value inside a sentence of a rule ("legal status {status}"): its label, said in the
    language the sentence is (a "why" line read "placed in strtp", in Spanish too)."""
    return Line(choice_label(value))


def choice_label(value: Enum) -> str:
    """The English label of a coded value; translate it with gettext where it is shown."""
    for status, text in LEGAL_STATUS_LABELS.items():
        if status is value:
            return text
    return CHOICE_LABELS.get(str(value.value), str(value.value).replace("_", " "))


RECORD_KINDS: dict[str, str] = {
    "youth": N_("the youth's record"), "contact": N_("a contact"), "case_note": N_("a case note"),
    "csec_status": N_("a CSEC status decision"), "form_response": N_("a screen"),
    "licensed_screen": N_("a licensed screen's result"), "missing_episode": N_("a missing episode"),
    "team_meeting": N_("a team meeting"), "referral": N_("a referral"), "plan_goal": N_("a plan goal"),
    "plan_signoff": N_("a plan sign-off"), "school_change": N_("a school change"),
    "uncovered_service": N_("a service not covered"), "directory_entry": N_("a directory entry"),
    "duty_done": N_("a duty marked done"), "placement_order": N_("a placement order"),
    "efc_participation": N_("an AB 12 participation condition"), "efc_agreement": N_("an AB 12 agreement"),
    "efc_certification": N_("an AB 12 certification"), "nmd_hearing": N_("a nonminor dependent hearing"),
    "reentry_agreement": N_("a re-entry agreement"), "transition_plan": N_("a transition plan"),
    "protective_order": N_("a protective order"), "criminal_count": N_("a count of a record"),
    "vacatur_case": N_("a vacatur petition"),
}
"""A stored kind as a sentence names one ("added a case note"); translate with gettext where shown."""


def record_kind(kind: str) -> str:
    """The English words for a stored kind (tests hold that every kind has them)."""
    return RECORD_KINDS.get(kind, kind.replace("_", " "))
