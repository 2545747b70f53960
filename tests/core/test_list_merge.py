"""Issue 21: lists whose items stand alone merge item by item; only a clash on one item conflicts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from csec_desktop.domain.merge import LIST_MERGE, merge_list

FLAGS = LIST_MERGE[("youth", "safety_flags")]
X = {"person": "Fictional Person X", "instruction": "Do not share."}
Y = {"person": "Fictional Person Y", "instruction": "Do not share."}


def test_two_additions_both_stay() -> None:
    merged, clashes = merge_list(FLAGS, [], [Y], [X])
    assert merged == [X, Y] and clashes == []


def test_a_removal_removes_the_item_as_it_was_seen() -> None:
    assert merge_list(FLAGS, [X, Y], [Y], [X, Y]) == ([Y], [])
    edited = {**X, "instruction": "Call the supervisor first."}
    merged, clashes = merge_list(FLAGS, [X, Y], [Y], [edited, Y])  # edited there, removed here
    assert clashes and merged[0] == edited


def test_the_same_item_edited_two_ways_is_a_clash() -> None:
    one, two = {**X, "instruction": "A"}, {**X, "instruction": "B"}
    assert merge_list(FLAGS, [X], [one], [two])[1]
    assert merge_list(FLAGS, [X], [one], [one]) == ([one], [])  # the same edit on both sides


def test_plain_sets() -> None:
    assert merge_list((), ["a"], ["a", "b"], ["a", "c"]) == (["a", "c", "b"], [])


items = st.lists(st.sampled_from(["p", "q", "r", "s"]), unique=True, max_size=4)


@given(items, items, items)
def test_a_side_that_changed_nothing_changes_nothing(old: list[str], other: list[str], _x: list[str]) -> None:
    assert merge_list((), old, old, other) == (other, [])


@given(items, items)
def test_merging_onto_the_base_gives_this_sides_list(old: list[str], new: list[str]) -> None:
    merged, clashes = merge_list((), old, new, old)
    assert clashes == [] and sorted(merged) == sorted(new)
