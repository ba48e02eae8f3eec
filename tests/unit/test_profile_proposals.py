"""Which force-profile answers can become peer-group changes: known codes only."""

from __future__ import annotations

from backend.profile_changes.services import proposed_values


def test_only_known_codes_of_peer_group_dimensions() -> None:
    answers = {
        "region": "africa",
        "force_type": "police_of_atlantis",  # not a known code
        "size_band": None,  # not answered
        "population_served": 2_500_000,  # not a peer-group dimension
    }
    assert proposed_values(answers) == {"region": "africa"}
    assert proposed_values({"size_band": ["under_1000"]}) == {}  # not a single code
    assert proposed_values({}) == {}
