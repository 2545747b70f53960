"""The one-line text of a record or list item (a row in a section's list), one function per model.

`summarize(Alias, item, gettext)` says an alias in a line; a model with no function of its own
gets a line built from its field titles (`fields.label`), never a JSON dump. Items are the
JSON-ready dicts the forms edit and the vault stores. The text is said in the language of the
`gettext` passed in (the interface's `ui.i18n._`, or `text.translations(code).gettext` for a
document), so this module needs no Qt: the interface, documents and the CLI can share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, get_args

from pydantic import AwareDatetime, BaseModel

from csec_desktop.domain.csec import (
    CsecStatus,
    CsecStatusValue,
    LicensedScreen,
    MissingEpisode,
    ScreenBand,
    TeamMeeting,
)
from csec_desktop.domain.directory import DirectoryEntry
from csec_desktop.domain.duties import DutyDone
from csec_desktop.domain.efc import (
    CONDITION_SHORT,
    Certification,
    EfcAgreement,
    NmdHearing,
    Participation,
    PlacementOrder,
    ReentryAgreement,
    TransitionPlan,
)
from csec_desktop.domain.fields import inner_models, label
from csec_desktop.domain.kinds import KINDS
from csec_desktop.domain.labels import choice_label
from csec_desktop.domain.protection import ProtectiveOrder
from csec_desktop.domain.services import (
    REFERRAL_STATUS_LABELS,
    SERVICE_DOMAINS,
    PlanGoal,
    PlanSignoff,
    Referral,
    ReferralStatus,
    SchoolChange,
    UncoveredService,
)
from csec_desktop.domain.vacatur import CriminalCount, VacaturCase
from csec_desktop.domain.youth import (
    Alias,
    AliasKind,
    CaseNote,
    Consent,
    ConsentKind,
    Contact,
    Identifiers,
    LegalStatus,
    Name,
    NoteKind,
    Placement,
    PlacementPeriod,
    PlacementType,
    SafetyFlag,
    StatusPeriod,
    Youth,
    instruction_shown,
)
from csec_desktop.rules import LEGAL_ZONE, REGISTRY

Gettext = Callable[[str], str]
Item = Mapping[str, Any]
Summary = Callable[[Item, Gettext], str]

SUMMARIES: dict[type[BaseModel], Summary] = {}
"""The registered one-line texts, by model (a stored kind, or an item inside the youth record)."""

MAX_TEXT = 60  # characters of free text shown in a line
GENERIC_PARTS = 4  # fields shown by the generic line


def english(message: str) -> str:
    return message


def local_time(value: Any) -> str:
    """A stored instant as California wall-clock time; a time without a zone already is one."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)  # not a time yet: show what was typed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LEGAL_ZONE)
    return moment.astimezone(LEGAL_ZONE).strftime("%Y-%m-%d %H:%M")


def summary(model: type[BaseModel]) -> Callable[[Summary], Summary]:
    """Register the one-line text of `model`'s items."""

    def add(function: Summary) -> Summary:
        SUMMARIES[model] = function
        return function

    return add


def model_for_key(key: str) -> type[BaseModel]:
    """A stored kind ("case_note") or a field of the youth record ("aliases", "placement")."""
    if key in KINDS:
        return KINDS[key]
    info = Youth.model_fields.get(key)
    inner = inner_models(info.annotation) if info is not None else []
    if not inner:
        raise ValueError(f"no record kind or youth list named {key!r}")
    return inner[0]


def summarize(what: type[BaseModel] | str, item: Item, gettext: Gettext = english) -> str:
    """The item's line: its model's registered function, else one built from field titles."""
    model = model_for_key(what) if isinstance(what, str) else what
    function = SUMMARIES.get(model)
    if function is not None:
        try:
            return function(item, gettext)
        except (KeyError, ValueError, TypeError):
            pass  # an item the function did not expect: the generic line still says something
    return generic(model, item, gettext)


def generic(model: type[BaseModel], item: Item, gettext: Gettext = english) -> str:
    """"Title: value · Title: value…" from the first fields that hold something."""
    parts = []
    for name in model.model_fields:
        if name == getattr(model, "owner_field", None):
            continue
        text = field_text(model, name, item.get(name), gettext)
        if text is None:
            continue
        title = gettext(label(model, name))
        parts.append(title if text is True else f"{title}: {text}")
        if len(parts) == GENERIC_PARTS:
            break
    return " · ".join(parts) or gettext("(empty)")


def field_text(model: type[BaseModel], name: str, value: Any, gettext: Gettext) -> str | bool | None:
    """A value as a line shows it; None when there is nothing to show, True for a ticked box."""
    if value is None or value in ("", [], {}) or value is False:
        return None
    if value is True:
        return True
    annotation = model.model_fields[name].annotation
    inner = inner_models(annotation)
    if isinstance(value, Mapping):
        return summarize(inner[0], value, gettext) if inner else None
    if isinstance(value, list):
        if inner or any(isinstance(v, Mapping) for v in value):
            return str(len(value))
        return ", ".join(coded(annotation, v, gettext) for v in value)
    if _allows(annotation, datetime) or _allows(annotation, AwareDatetime):
        return local_time(value)
    return _short(coded(annotation, value, gettext))


def coded(annotation: Any, value: Any, gettext: Gettext) -> str:
    """The label of a coded value when the annotation is (or holds) an enum; else the value."""
    for enum in _enums(annotation):
        try:
            return gettext(choice_label(enum(value)))
        except ValueError:
            continue
    return str(value)


CODED = (AliasKind, LegalStatus, PlacementType, ConsentKind, NoteKind, CsecStatusValue, ScreenBand)


def code_label(value: Any, gettext: Gettext = english) -> str:
    """The label of a stored code whose model is not known (kinds, statuses, placement types)."""
    for enum in CODED:
        try:
            return gettext(choice_label(enum(value)))
        except ValueError:
            continue
    return str(value)


def _enums(annotation: Any) -> list[type[Enum]]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [annotation]
    return [e for argument in get_args(annotation) for e in _enums(argument)]


def _allows(annotation: Any, kind: Any) -> bool:
    return annotation is kind or any(_allows(a, kind) for a in get_args(annotation))


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_TEXT else line[:MAX_TEXT - 1] + "…"


def _code(model: type[BaseModel], name: str, item: Item, gettext: Gettext) -> str:
    return coded(model.model_fields[name].annotation, item.get(name), gettext)


# The youth record's own parts ---------------------------------------------------------------


@summary(Name)
def _name(item: Item, t: Gettext) -> str:
    return " ".join(str(item[p]) for p in ("given", "middle", "family") if item.get(p))


@summary(Identifiers)
def _identifiers(item: Item, t: Gettext) -> str:
    return " · ".join(str(v) for v in item.values() if v)


@summary(Alias)
def _alias(item: Item, t: Gettext) -> str:
    return f"{item.get('name')} ({_code(Alias, 'kind', item, t)})"


@summary(StatusPeriod)
def _status_period(item: Item, t: Gettext) -> str:
    end = item.get("end") or t("now")
    return f"{_code(StatusPeriod, 'status', item, t)}: {item.get('start')} – {end}"


@summary(Placement)
def _placement(item: Item, t: Gettext) -> str:
    return " · ".join(str(x) for x in (_code(Placement, "type", item, t), item.get("name"),
                                        item.get("since")) if x)


@summary(PlacementPeriod)
def _placement_period(item: Item, t: Gettext) -> str:
    when = f"{item.get('start')} – {item.get('end') or t('now')}"
    return " · ".join(str(x) for x in (_code(PlacementPeriod, "type", item, t), when, item.get("name"),
                                        item.get("order")) if x)


@summary(SafetyFlag)
def _safety_flag(item: Item, t: Gettext) -> str:
    return f"{item.get('person')}: {instruction_shown(item.get('instruction'), t)}"


@summary(Consent)
def _consent(item: Item, t: Gettext) -> str:
    state = t("revoked") if item.get("revoked_on") else t("given")
    return f"{_code(Consent, 'kind', item, t)}: {item.get('scope')} ({state} {item.get('given_on')})"


# Records attached to a youth ------------------------------------------------------------------


@summary(Contact)
def _contact(item: Item, t: Gettext) -> str:
    # No trailing "·" for a contact with no phone.
    return " · ".join(str(part) for part in (item.get("name"), item.get("relationship"), item.get("phone"))
                      if part)


@summary(CaseNote)
def _case_note(item: Item, t: Gettext) -> str:
    when = local_time(item.get("occurred_at"))
    return f"{when} · {_code(CaseNote, 'note_kind', item, t)} · {_short(str(item.get('text')))}"


@summary(CsecStatus)
def _csec_status(item: Item, t: Gettext) -> str:
    when = local_time(item.get("decided_at"))
    return f"{when} · {_code(CsecStatus, 'status', item, t)} · {item.get('decided_by')}"


@summary(LicensedScreen)
def _licensed_screen(item: Item, t: Gettext) -> str:
    return (f"{item.get('screened_on')} · {item.get('tool')} {item.get('tool_version')} · "
            f"{_code(LicensedScreen, 'band', item, t)}")


@summary(MissingEpisode)
def _missing_episode(item: Item, t: Gettext) -> str:
    back = local_time(item["returned_at"]) if item.get("returned_at") else t("not returned")
    return f"{local_time(item.get('learned_at'))} → {back}"


@summary(TeamMeeting)
def _team_meeting(item: Item, t: Gettext) -> str:
    return f"{item.get('held_on')} · {len(item.get('attendees') or [])} " + t("attending")


@summary(PlanGoal)
def _plan_goal(item: Item, t: Gettext) -> str:
    area = t(SERVICE_DOMAINS.get(str(item.get("domain")), str(item.get("domain"))))
    return f"{area} · {item.get('goal')} · {item.get('who_helps')}"


@summary(PlanSignoff)
def _plan_signoff(item: Item, t: Gettext) -> str:
    signed = " · ".join(x for x in (t("youth signed") if item.get("youth_signed") else "",
                                    t("worker signed") if item.get("worker_signed") else "") if x)
    return f"{item.get('reviewed_on')} → {item.get('next_review_on')} {signed}".rstrip()


@summary(Referral)
def _referral(item: Item, t: Gettext) -> str:
    status = REFERRAL_STATUS_LABELS.get(ReferralStatus(item.get("status", "suggested")), "")
    # Where it stands first: last, it was cut off in the Services tab's narrow list, and the list
    # never showed a referral's status.
    return f"{t(status)} · {item.get('service')} · {item.get('provider')}"


@summary(SchoolChange)
def _school_change(item: Item, t: Gettext) -> str:
    notice = t("notice {day}").format(day=item["exemption_notice_on"]) \
        if item.get("exemption_notice_on") else ""
    return " · ".join(str(x) for x in (item.get("changed_on"), item.get("to_school"), notice) if x)


@summary(UncoveredService)
def _uncovered_service(item: Item, t: Gettext) -> str:
    return f"{item.get('received_on')} · {item.get('what')}"


@summary(ProtectiveOrder)
def _protective_order(item: Item, t: Gettext) -> str:
    ends = t("until {day}").format(day=item["expires_on"]) if item.get("expires_on") else ""
    parts = (_code(ProtectiveOrder, "order_kind", item, t), str(item.get("restrained_person") or ""),
             _code(ProtectiveOrder, "stage", item, t), ends)
    return " · ".join(x for x in parts if x)


# Extended foster care ----------------------------------------------------------------------------


@summary(PlacementOrder)
def _placement_order(item: Item, t: Gettext) -> str:
    return (f"{_code(PlacementOrder, 'order_type', item, t)} · "
            f"{item.get('ordered_on')} – {item.get('ended_on') or ''}")


@summary(Participation)
def _participation(item: Item, t: Gettext) -> str:
    return f"{t(CONDITION_SHORT[item['condition']])} · {item.get('since')} · {item.get('evidence')}"


@summary(EfcAgreement)
def _efc_agreement(item: Item, t: Gettext) -> str:
    return t("mutual agreement {day}").format(day=item.get("mutual_agreement_signed_on") or "—")


@summary(Certification)
def _certification(item: Item, t: Gettext) -> str:
    return f"{item.get('certified_on')} · " + ", ".join(f"({c})" for c in item.get("conditions") or [])


@summary(NmdHearing)
def _nmd_hearing(item: Item, t: Gettext) -> str:
    return (f"{_code(NmdHearing, 'hearing', item, t)} · {item.get('on')}"
            + (" · " + t("held") if item.get("held") else ""))


@summary(ReentryAgreement)
def _reentry_agreement(item: Item, t: Gettext) -> str:
    return f"{item.get('signed_on')}"


@summary(TransitionPlan)
def _transition_plan(item: Item, t: Gettext) -> str:
    return f"{item.get('made_on')}"


# Record relief --------------------------------------------------------------------------------


@summary(CriminalCount)
def _criminal_count(item: Item, t: Gettext) -> str:
    return (f"{_code(CriminalCount, 'count_kind', item, t)} · {item.get('code')} {item.get('section')} · "
            f"{item.get('offense_date') or item.get('arrest_date') or ''}")


@summary(VacaturCase)
def _vacatur_case(item: Item, t: Gettext) -> str:
    stage = coded(VacaturCase.model_fields["stage"].annotation, item.get("stage", "draft"), t)
    return f"{item.get('public_name')} · {stage}"


# The county directory -------------------------------------------------------------------------


@summary(DutyDone)
def _duty_done(item: Item, t: Gettext) -> str:
    # The duty by its rule's words (the generic line showed "Duty: csec.report_law_enforcement_24h");
    # the rules are loaded wherever a youth's records are (they find the duties shown beside them).
    info = REGISTRY.info.get(str(item.get("rule_id")))
    duty = _short(t(info.summary)) if info is not None else str(item.get("rule_id"))
    return f"{duty} · {t('done on {day}').format(day=item.get('done_on'))}"


@summary(DirectoryEntry)
def _directory_entry(item: Item, t: Gettext) -> str:
    kind = coded(DirectoryEntry.model_fields["entry_kind"].annotation, item.get("entry_kind", "provider"), t)
    areas = ", ".join(t(SERVICE_DOMAINS[d]) for d in item.get("domains") or [] if d in SERVICE_DOMAINS)
    parts = [item.get("name", ""), kind, areas,
             t("ages {low}-{high}").format(low=item.get("age_from", 0), high=item.get("age_to", 25)),
             ", ".join(item.get("languages") or []), item.get("phone") or ""]
    verified = item.get("last_verified")
    parts.append(t("verified {day}").format(day=verified) if verified else t("never verified"))
    return " · ".join(p for p in parts if p)
