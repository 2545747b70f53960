"""The bounds on what a record may hold, and inputs that once ended in a traceback, now a message
naming what is wrong, with nothing written. Every name here is fictional."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from csec_desktop import caseload
from csec_desktop.domain.base import MAX_DEPTH, MAX_ITEMS
from csec_desktop.domain.youth import Youth
from csec_desktop.errors import ValidationFailed
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import intake
from tests.conftest import youth_data


def _counts(vault: Vault) -> tuple[int, int]:
    db = vault.require_db()
    return int(db.scalar("SELECT count(*) FROM records")), int(db.scalar("SELECT count(*) FROM changes"))


def refused(vault: Vault, call: Any, *args: Any) -> ValidationFailed:
    """`call(*args)` refuses with ValidationFailed and writes nothing."""
    before = _counts(vault)
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    assert _counts(vault) == before
    return caught.value


def fields(exc: ValidationFailed) -> list[str]:
    return [p.field for p in exc.problems]


@pytest.fixture
def youth(admin: Vault) -> str:
    return intake.create(admin, youth_data(assigned_worker="admin")).id


# Lists and texts have bounds --------------------------------------------------------------------


def test_a_hundred_thousand_aliases_are_refused_naming_the_field(admin: Vault) -> None:
    aliases = [{"name": f"Fictional alias {i}"} for i in range(100_000)]
    exc = refused(admin, intake.create, admin, youth_data(aliases=aliases))
    assert fields(exc) == ["aliases"] and "100,000" in str(exc)


def test_a_list_one_over_its_bound_is_refused_and_at_its_bound_taken(admin: Vault, youth: str) -> None:
    aliases = [{"name": f"Fictional alias {i}"} for i in range(MAX_ITEMS + 1)]
    exc = refused(admin, caseload.update_youth, admin, youth, {"aliases": aliases})
    assert fields(exc) == ["aliases"] and f"at most {MAX_ITEMS}" in str(exc)
    saved = caseload.update_youth(admin, youth, {"aliases": aliases[:MAX_ITEMS]})
    assert isinstance(saved.body, Youth) and len(saved.body.aliases) == MAX_ITEMS


def test_a_list_that_grows_over_a_childhood_has_a_larger_bound(admin: Vault, youth: str) -> None:
    history = [{"type": "resource_family", "start": f"{2000 + i // 12}-{i % 12 + 1:02d}-01"}
               for i in range(150)]
    saved = caseload.update_youth(admin, youth, {"placement_history": history})
    assert isinstance(saved.body, Youth) and len(saved.body.placement_history) == 150


def test_every_list_field_of_every_kind_is_bounded() -> None:
    """One mechanism for all: a list field with no bound of its own (a max_length pydantic checks, or
    a larger entry in its model's `bounds`) gets the default."""
    from annotated_types import MaxLen

    from csec_desktop.domain.base import DEFAULT_BOUND, bound_problems
    from csec_desktop.domain.kinds import KINDS

    too_many = MAX_ITEMS + 1
    checked = 0
    for kind, model in KINDS.items():
        for name, info in model.model_fields.items():
            own = any(isinstance(m, MaxLen) for m in info.metadata)
            larger = model.bounds.get(name, DEFAULT_BOUND).items > MAX_ITEMS
            if "list[" not in str(info.annotation) or own or larger:
                continue
            checked += 1
            instance = model.model_construct(**{name: ["x"] * too_many})
            assert [p.field for p in bound_problems(instance) if p.field == name] == [name], (kind, name)
    assert checked >= 10


def test_a_text_with_no_length_of_its_own_gets_the_default(admin: Vault, youth: str) -> None:
    count = {"count_kind": "conviction", "section": "647(b)", "enhancements": ["E" * 5_000]}
    exc = refused(admin, caseload.add_attached, admin, youth, "criminal_count", count)
    assert fields(exc) == ["enhancements.0"] and "at most 4,000" in str(exc)


def test_a_record_stored_before_a_bound_or_check_still_opens(admin: Vault, youth: str) -> None:
    """Reading never refuses: a youth written (by an older version) with 60 aliases and a NUL opens;
    only a new write is held to the bound."""
    db = admin.require_db()
    body = json.loads(db.scalar("SELECT body FROM records WHERE id = ?", (youth,)))
    body["aliases"] = [{"name": f"Old alias {i}", "kind": "alias"} for i in range(60)]
    body["preferred_name"] = "Old\x00name"
    with db.transaction():
        db.execute("UPDATE records SET body = ? WHERE id = ?", (json.dumps(body), youth))
    opened = admin.records.get(youth)
    assert isinstance(opened.body, Youth) and len(opened.body.aliases) == 60
    exc = refused(admin, caseload.update_youth, admin, youth, {"pronouns": "they/them"})
    assert set(fields(exc)) == {"preferred_name", "aliases"}


def test_nesting_deeper_than_any_record_is_refused_not_a_recursion_error(admin: Vault, youth: str) -> None:
    deep: Any = "x"
    for _ in range(5_000):
        deep = [deep]
    answers = {"form_id": "csec_indicator_screen", "form_version": 1, "answers": {"q": deep},
               "completed_at": "2026-01-05T09:00:00-08:00", "completed_by": "admin"}
    exc = refused(admin, caseload.add_attached, admin, youth, "form_response", answers)
    assert f"more than {MAX_DEPTH} levels" in str(exc) and fields(exc)[0].startswith("answers.q")


def test_a_number_that_is_not_finite_is_refused(admin: Vault, youth: str) -> None:
    answers = {"form_id": "needs_assessment", "form_version": 1, "answers": {"q": math.nan},
               "completed_at": "2026-01-05T09:00:00-08:00", "completed_by": "admin"}
    exc = refused(admin, caseload.add_attached, admin, youth, "form_response", answers)
    assert fields(exc) == ["answers.q"] and "finite" in str(exc)
