"""Synthetic, plainly fictional youth for demonstrations, tests and benchmarks.

Family names are invented (several carry "Demo" or "Sample" outright) so no
generated name can be mistaken for a real person. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from csec_desktop.domain.people import Permission, Role
from csec_desktop.domain.youth import (
    Alias,
    AliasKind,
    Identifiers,
    LegalStatus,
    Name,
    Placement,
    PlacementType,
    SafetyFlag,
    StatusPeriod,
    Youth,
)
from csec_desktop.errors import FieldProblem, ValidationFailed
from csec_desktop.rules import age_on, birthday
from csec_desktop.storage.vault import Vault

GIVEN = (
    "Alex", "Jordan", "Maya", "José", "Ximena", "Ñeli", "Sofía", "Mateo", "Aaliyah", "Jayden",
    "Thảo", "Minh", "Quỳnh", "Mei", "Wei", "Jia", "Kiona", "Nizhoni", "Amara", "Destiny",
    "Luz", "Itzel", "Brianna", "Marisol", "Tavita", "Leilani", "Noor", "Farah", "Kai", "Rowan",
)
FAMILY = (
    "Sampleton", "Fictorra", "Demoreyes", "Placidemo", "Mockridge", "Testavio", "Exemplaria",
    "Fauxmont", "Ñandemo", "Trần-Demo", "Lê-Sample", "Castañemo", "Oakdemo", "Bramblesample",
    "Quillfic", "Duskvale-Demo", "Riverdemo", "Marblesample", "示例", "Sample-Ortíz",
)
MONIKERS = ("Sparrow", "Lil Demo", "Cherry", "Ghost", "Star", "Peaches", "Smoke", "Baby Sample")
LANGUAGES = ("English", "English", "English", "Spanish", "Spanish", "Vietnamese", "Cantonese",
             "Tagalog", "Navajo", "Arabic")
PRONOUNS = ("she/her", "he/him", "they/them", None)
UNITS = ("Unit A", "Unit B", "Unit C")


def demo_youth(count: int, *, seed: int = 1, county: str = "Demo County",
               workers: Sequence[str] = ("demo.worker",), today: date | None = None) -> Iterator[Youth]:
    rng = random.Random(seed)
    today = today or date.today()
    for n in range(count):
        age_days = rng.randint(11 * 365 + 3, 21 * 365 + 360)
        birth = today - timedelta(days=age_days)
        age = age_on(birth, today)
        given = rng.choice(GIVEN)
        family = rng.choice(FAMILY)
        status = _status_for(rng, age)
        start = max(birth + timedelta(days=10 * 365), today - timedelta(days=rng.randint(30, 2000)))
        if status is LegalStatus.NONMINOR_DEPENDENT:  # a nonminor dependent is 18 or over
            start = max(start, birthday(birth, 18))
        aliases: list[Alias] = []
        if rng.random() < 0.45:
            aliases.append(Alias(name=rng.choice(MONIKERS), kind=AliasKind.MONIKER))
        if rng.random() < 0.2:
            aliases.append(Alias(name=f"{rng.choice(GIVEN)} {family}", kind=AliasKind.ALIAS))
        flags = []
        if rng.random() < 0.25:
            flags.append(SafetyFlag(person=f"{rng.choice(MONIKERS)} (adult male, fictional)",
                                    description="Believed to have exploited the youth; "
                                                "do not disclose placement."))
        yield Youth(
            legal_name=Name(given=given, family=family,
                            middle=rng.choice(GIVEN) if rng.random() < 0.3 else None),
            preferred_name=rng.choice(GIVEN) if rng.random() < 0.15 else None,
            aliases=aliases,
            date_of_birth=birth,
            pronouns=rng.choice(PRONOUNS),
            primary_language=rng.choice(LANGUAGES),
            county=county,
            identifiers=Identifiers(
                juvenile_case_number=f"JV-{today.year % 100:02d}-{100000 + n:06d}",
                probation_number=f"P{rng.randint(1000000, 9999999)}"
                if status in (LegalStatus.WARD, LegalStatus.DUAL_STATUS) else None,
                cws_cms_client_id=f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-"
                f"{rng.randint(1000, 9999)}-{rng.randint(1000000, 9999999)}"
                if status != LegalStatus.WARD else None,
            ),
            legal_status=[StatusPeriod(status=status, start=start)]
            if status != LegalStatus.NONE else [],
            placement=Placement(type=_placement_for(rng, age),
                                name=f"{rng.choice(FAMILY)} home (fictional)",
                                since=start + timedelta(days=rng.randint(0, 30))),
            assigned_worker=rng.choice(list(workers)) if workers else None,
            unit=rng.choice(UNITS),
            safety_flags=flags,
            sealed=rng.random() < 0.03,
        )


def _status_for(rng: random.Random, age: int) -> LegalStatus:
    if age >= 18:
        return rng.choice((LegalStatus.NONMINOR_DEPENDENT, LegalStatus.NONMINOR_DEPENDENT,
                           LegalStatus.NONE))
    return rng.choice((LegalStatus.DEPENDENT, LegalStatus.DEPENDENT, LegalStatus.WARD,
                       LegalStatus.DUAL_STATUS, LegalStatus.NONE))


def _placement_for(rng: random.Random, age: int) -> PlacementType:
    if age >= 18:
        return rng.choice((PlacementType.SILP, PlacementType.THP_NMD, PlacementType.RELATIVE,
                           PlacementType.RESOURCE_FAMILY))
    return rng.choice((PlacementType.RESOURCE_FAMILY, PlacementType.RELATIVE, PlacementType.STRTP,
                       PlacementType.HOME_OF_PARENT, PlacementType.NREFM, PlacementType.SHELTER))


def populate(vault: Vault, count: int, *, seed: int = 1, workers: Sequence[str] | None = None) -> int:
    """Add `count` fictional youth in one transaction (a role that sees every youth only, so the
    demo lands where its maker can see it), audited once."""
    vault.require(Permission.WRITE_YOUTH)
    vault.require(Permission.READ_ALL_YOUTH)
    if count < 1:
        raise ValidationFailed([FieldProblem("youth", "must be at least 1")])
    names = list(workers or []) or [u.username for u in vault.users() if u.role == Role.CASEWORKER] \
        or [vault.user.username]
    with vault.require_db().transaction():
        for youth in demo_youth(count, seed=seed, county=vault.county, workers=names):
            vault.records.create(youth)
        vault.audit("demo_data", count=count, seed=seed)
    return count
