"""The Textual-free key catalogue agrees with what Textual binds and understands."""

from __future__ import annotations

import string

from textual.keys import Keys, _character_to_key

from plugins.keymap import KEY_GROUPS, KEY_OWNERS, NAMED_KEYS, SPECS, key_clash, key_problem


def test_every_binding_id_has_exactly_one_owner() -> None:
    owned = [i for ids in KEY_OWNERS.values() for i in ids]
    assert sorted(owned) == sorted(SPECS)


def test_key_names_match_the_ones_textual_knows() -> None:
    punctuation = {_character_to_key(c) for c in string.punctuation}
    named = {k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")}
    assert punctuation <= NAMED_KEYS
    assert named <= NAMED_KEYS | {"ctrl-at"}
    for key in ("n", "ctrl+n", "shift+f5", "question_mark", "left_square_bracket", "吗", "f24"):
        assert key_problem(key) is None, key
    for key in ("", "ctrl+", "ctrl+shift+banana", "hyper+ctrl+ctrl+a", "n,", "bogus"):
        assert key_problem(key) is not None, key


def test_a_clash_is_found_on_the_same_screen_or_with_the_app_only() -> None:
    assert key_clash("quarter.next", "g", {}) == "tab.grid"
    assert key_clash("quarter.next", "y", {}) is None
    assert key_clash("records.new", "ctrl+q", {}) == "app.quit"
    assert key_clash("quarter.next", "ctrl+n", {"tab.grid": "ctrl+n"}) == "tab.grid"
    assert (
        "grid.evidence" in KEY_GROUPS["main"] and "village_picker.matches" in KEY_GROUPS["records"]
    )
