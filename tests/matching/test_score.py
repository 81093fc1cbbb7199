"""The packaged model and the feature levels it weighs (pure: no database)."""

from __future__ import annotations

import pytest

from liaison.matching.features import address, birth_date, names, token_overlap
from liaison.matching.profile import Profile, build
from liaison.matching.score import default_model, score

#: Levels from the strongest agreement to the weakest.
ORDERED = {
    "name": ("exact", "strong", "close", "partial", "weak", "none"),
    "birth_date": ("exact", "swapped", "typo", "year", "differ"),
    "country": ("same", "differ"),
    "gender": ("same", "differ"),
    "identifier": ("same", "differ"),
    "address": ("same", "close", "partial", "differ"),
}


@pytest.mark.parametrize("feature", sorted(ORDERED))
def test_packaged_weights_never_reward_a_worse_agreement(feature: str) -> None:
    weights = default_model().weights[feature]
    ranked = [weights[level] for level in ORDERED[feature]]
    assert ranked == sorted(ranked, reverse=True), weights
    assert ranked[0] > 0 > ranked[-1]


def person(name: str, born: str = "", where: str = "") -> Profile:
    return build(
        "Person",
        {"name": [name], "birthDate": [born] if born else [], "address": [where] if where else []},
    )


def test_exact_birth_date_outranks_a_typo_for_the_same_name() -> None:
    query = person("Yuliya Petrova", "1984-06-21")
    exact = score(query, person("Iuliia Petrova", "1984-06-21"))
    typo = score(query, person("Iuliia Petrova", "1984-06-27"))
    assert exact.log_odds > typo.log_odds
    assert exact.score >= typo.score


def test_names_without_a_common_part_are_level_none() -> None:
    found = names(person("Juan dela Cruz"), person("Olga Smirnova"))
    assert found.level == "none"
    assert names(person("Juan dela Cruz"), person("Pedro dela Cruz")).level == "weak"


def test_address_tokens_survive_typos_and_a_changed_house_number() -> None:
    a = "26 oxley street clear creek northgate 3001 wa"
    b = "2 oxley street clear creek northgate 3000 wa"
    assert 0.6 <= token_overlap(a, b) < 1
    assert token_overlap("302 peat plase arlington", "302 peat place arlington") > 0.9
    assert token_overlap("12 rizal avenue manila", "ul. lenina 5 moskva") == 0
    found = address(person("x", where=a), person("x", where=b))
    assert found.level == "close"


def test_birth_date_levels() -> None:
    def level(a: str, b: str) -> str:
        return birth_date(person("x", a), person("x", b)).level

    assert level("1984-06-21", "1984-06-21") == "exact"
    assert level("1984-06-11", "1984-11-06") == "swapped"
    assert level("1984-06-21", "1984-06-27") == "typo"
    assert level("1984-06-21", "1984-02-03") == "year"
    assert level("1984-06-21", "1962-02-03") == "differ"
