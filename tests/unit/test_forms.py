"""Fixed HTML forms as Structs (`web/forms.Form`): what Litestar hands over is made what the
handlers expect."""

from __future__ import annotations

import msgspec

from backend.partners.forms import NewForce
from backend.rounds.forms import NewRoundForm
from backend.web.forms import form_lists


def test_missing_fields_are_empty_nul_is_dropped_and_named_fields_stripped() -> None:
    force = msgspec.convert({"name": " Nul\x00 Force ", "_csrf_token": "ignored"}, NewForce)
    assert force.name == "Nul Force" and force.code == ""


def test_a_single_choice_of_a_multi_select_is_still_a_list() -> None:
    # Litestar decodes one value of a repeated field as text (litestar#2028).
    assert msgspec.convert({"forces": "3"}, NewRoundForm).forces == ["3"]
    assert msgspec.convert({"forces": ["3", "4"]}, NewRoundForm).forces == ["3", "4"]
    assert msgspec.convert({}, NewRoundForm).forces == []
    assert msgspec.convert({}, NewRoundForm).min_group_size == "5"


def test_questionnaire_fields_become_lists_without_nul() -> None:
    assert form_lists({"a": "x\x00y", "b": ["1", "2"]}) == {"a": ["xy"], "b": ["1", "2"]}
