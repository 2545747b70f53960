"""How two devices' concurrent edits of one list combine.

A field is normally one value: two devices changing it from the same base make a conflict a person
decides. That is wrong for lists whose items stand alone: one worker adds a "do not share with X"
safety flag while another adds one for Y, and both must stay. Such lists merge item by item, as
the set types of CRDT libraries do (an observed-remove set keyed by each item's identity): an
addition is kept, a removal removes the item as it was seen, an edit replaces it. Only a true clash
on the same item (both sides changed it differently, or one changed what the other removed)
becomes a conflict.

Chosen per list (the identity is what a person would call "the same item"):

* youth aliases: name and kind (an alias and a moniker of the same name are two items);
* youth safety flags: the person not to be told;
* youth consents: kind, scope and date given;
* a vacatur case's counts (count ids), official documents and agencies to seal, a directory
  entry's areas and languages: the value itself (plain sets);
* contacts, plan goals, referrals and case notes are records of their own: two added on two
  devices are two records, and an edit conflicts only with an edit of the same record's field;
* the legal-status and placement periods, court hearings and services, counsel lines and team
  attendees stay whole values: their items depend on each other (one period ends where the next
  starts; counsel lines are one block), so a concurrent edit is for a person to decide.
"""

from __future__ import annotations

import json
from typing import Any

LIST_MERGE: dict[tuple[str, str], tuple[str, ...]] = {
    ("youth", "aliases"): ("name", "kind"),
    ("youth", "safety_flags"): ("person",),
    ("youth", "consents"): ("kind", "scope", "given_on"),
    ("vacatur_case", "count_ids"): (),
    ("vacatur_case", "official_documents"): (),
    ("vacatur_case", "agencies_to_seal"): (),
    ("directory_entry", "domains"): (),
    ("directory_entry", "languages"): (),
}
"""(kind, field) -> the item fields that say which item it is; () for a list of plain values."""


def _identity(item: Any, keys: tuple[str, ...]) -> str:
    if not keys or not isinstance(item, dict):
        return json.dumps(item, sort_keys=True, default=str)
    return json.dumps([item.get(k) for k in keys], default=str)


def merge_list(keys: tuple[str, ...], old: list[Any] | None, new: list[Any] | None,
               current: list[Any] | None) -> tuple[list[Any], list[str]]:
    """Apply one side's change (old -> new) to what the other side holds now (current). Returns
    the merged list and the identities that clash (empty: no person needs to decide)."""
    before = {_identity(i, keys): i for i in old or []}
    after = {_identity(i, keys): i for i in new or []}
    merged = {_identity(i, keys): i for i in current or []}
    order = [_identity(i, keys) for i in current or []]
    clashes: list[str] = []
    for key, item in after.items():
        if key not in before:  # added on this side
            if key in merged and merged[key] != item:
                clashes.append(key)  # both added it, differently
            elif key not in merged:
                merged[key] = item
                order.append(key)
        elif item != before[key]:  # edited on this side
            if key not in merged or merged[key] not in (before[key], item):
                clashes.append(key)  # removed, or edited differently, on the other side
            else:
                merged[key] = item
    for key, item in before.items():
        if key not in after and key in merged:  # removed on this side
            if merged[key] != item:
                clashes.append(key)  # edited on the other side meanwhile
            else:
                del merged[key]
                order.remove(key)
    return [merged[k] for k in order], clashes
