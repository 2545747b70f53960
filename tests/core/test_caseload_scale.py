"""The caseload query at county scale: a search's total is every match, and paging walks all of
them (no fixed cap, nothing twice, nothing skipped), checked against the generated data itself.

`make test` runs it on 10,000 youth. The figure the issue asks for, 100,000:

    CSEC_SCALE_YOUTH=100000 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest \\
        tests/core/test_caseload_scale.py --timeout 1800 -q
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from csec_desktop.caseload import Filters
from csec_desktop.demo import demo_youth
from csec_desktop.domain.youth import Youth
from csec_desktop.storage.vault import Vault
from csec_desktop.usecases import caseload as caseload_screen
from tests.conftest import ADMIN_PASS

SIZE = int(os.environ.get("CSEC_SCALE_YOUTH", "10000"))
WORKERS = ("casey", "robin", "sam")


def _tokens(text: str) -> set[str]:
    """What the index's unicode61 tokenizer (remove_diacritics 2) makes of a text."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return set(re.findall(r"[0-9a-z]+", plain.lower()))


def _matches(youth: Youth, words: list[str]) -> bool:
    if youth.sealed:  # the administrator running this sees every youth but sealed ones
        return False
    tokens = _tokens(" ".join(youth.search_terms()))
    return all(any(t.startswith(w) for t in tokens) for w in words)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Vault, list[Youth]]]:
    folder: Path = tmp_path_factory.mktemp("scale") / "vault"
    vault, _ = Vault.create(folder, county="Demo County", admin="admin", passphrase=ADMIN_PASS)
    youth = list(demo_youth(SIZE, seed=17, workers=WORKERS))
    with vault.require_db().transaction():
        for one in youth:
            vault.records.create(one)
    yield vault, youth
    vault.close()


def _walk(vault: Vault, asked: caseload_screen.CaseloadQuery, page: int) -> tuple[int, list[str]]:
    first = caseload_screen.query(vault, asked, limit=page)
    ids = [r.id for r in first.rows]
    cursor = first.next
    while len(ids) < first.total:
        more = caseload_screen.query(vault, asked, after=cursor, limit=page)
        assert more.total == first.total and more.rows, "a page came back empty before the end"
        ids += [r.id for r in more.rows]
        cursor = more.next
    return first.total, ids


@pytest.mark.parametrize("text", ["jo", "mar sa", "sparrow"])
def test_search_total_and_paging_cover_every_match(county: tuple[Vault, list[Youth]], text: str) -> None:
    vault, youth = county
    expected = sum(_matches(y, text.split()) for y in youth)
    assert expected > 0, f"the fixture should hold youth matching {text!r}"
    total, ids = _walk(vault, caseload_screen.CaseloadQuery(text=text), page=200)
    assert total == expected
    assert len(ids) == len(set(ids)) == expected


def test_search_with_a_filter_and_a_descending_order(county: tuple[Vault, list[Youth]]) -> None:
    vault, youth = county
    expected = sum(_matches(y, ["jo"]) and y.assigned_worker == "robin" for y in youth)
    asked = caseload_screen.CaseloadQuery(text="jo", filters=Filters(worker="robin"), order="name",
                                          descending=True)
    total, ids = _walk(vault, asked, page=500)
    assert total == expected == len(set(ids))
    whole = caseload_screen.query(vault, caseload_screen.CaseloadQuery(), limit=1)
    assert whole.total == sum(not y.sealed for y in youth)
