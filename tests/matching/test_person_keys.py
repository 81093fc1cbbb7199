"""Person match keys: one fictitious person written in Latin, Cyrillic and Arabic
letters meets itself; swapped and mistyped birth dates still meet; different
people do not; the caps hold however many names a person has."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.matching.person_keys import (
    MAX_KEYS,
    PersonKey,
    Role,
    Tier,
    keys,
    parse_birth_date,
    person_profile,
    strongest,
    tier_of,
)

# Fictitious people (invented name combinations).
LATIN = "Khalid Haddad"
CYRILLIC = "Халид Хаддад"
ARABIC = "خالد حداد"


def key_set(
    names: list[str], birth_date: str | None, role: Role = Role.QUERY, name_only: bool = False
) -> set[str]:
    return {k.value for k in keys(person_profile(names, birth_date), role, name_only)}


def common(
    query: tuple[list[str], str | None],
    record: tuple[list[str], str | None],
    name_only: bool = False,
) -> set[Tier]:
    """The tiers of the keys a question and an indexed record share (the index
    holding name-only keys when the node offers them)."""
    held = key_set(*record, role=Role.INDEX, name_only=name_only)
    return {tier_of(v) for v in key_set(*query) & held}


@pytest.mark.parametrize("other", [CYRILLIC, ARABIC, "Haddad Khaled", "KHALID AL-HADDAD"])
def test_one_person_in_three_scripts_shares_the_strongest_key(other: str) -> None:
    assert Tier.NAME_DATE in common(([LATIN], "1980-05-01"), ([other], "1980-05-01"))


def test_cyrillic_and_arabic_meet_without_latin() -> None:
    assert Tier.NAME_DATE in common(([CYRILLIC], "1980-05-01"), ([ARABIC], "1980-05-01"))


def test_swapped_day_and_month_give_the_same_keys() -> None:
    assert key_set([LATIN], "1980-05-01") == key_set([LATIN], "1980-01-05")


@pytest.mark.parametrize("typo", ["1981-05-01", "1980-06-01", "1980-05-07", "1908-05-01"])
def test_one_part_of_the_date_wrong_still_meets_on_name_and_date(typo: str) -> None:
    assert Tier.NAME_DATE in common(([LATIN], "1980-05-01"), ([LATIN], typo))


def test_a_misspelt_surname_meets_on_the_given_name_and_date() -> None:
    found = common(([LATIN], "1980-05-01"), (["Khalid Hamdan"], "1980-05-01"))
    assert found == {Tier.PART_DATE}


def test_a_typo_that_breaks_the_skeleton_meets_through_the_prefix() -> None:
    # "Haddar": another consonant, so another skeleton; the first three letters stay
    found = common(([LATIN], "1990-02-03"), (["Khalid Haddar"], "1970-08-09"), name_only=True)
    assert found == {Tier.NAME}


def test_a_wrong_birth_date_leaves_only_the_name() -> None:
    asked, held = ([LATIN], "1980-05-01"), ([LATIN], "1962-11-23")
    assert common(asked, held, name_only=True) == {Tier.NAME}
    assert common(asked, held) == set()  # a node that turns name-only keys off needs a date


def test_name_only_keys_are_indexed_by_choice_or_without_a_full_date() -> None:
    tiers = {tier_of(v) for v in key_set([LATIN], "1980-05-01", Role.INDEX)}
    assert Tier.NAME not in tiers
    assert Tier.NAME in {tier_of(v) for v in key_set([LATIN], "1980-05-01", Role.INDEX, True)}
    assert Tier.NAME in {tier_of(v) for v in key_set([LATIN], "1980", Role.INDEX)}
    assert Tier.NAME in {tier_of(v) for v in key_set([LATIN], None, Role.INDEX)}


def test_different_people_born_the_same_day_share_no_key() -> None:
    assert not common(([LATIN], "1980-05-01"), (["Omar Nasser"], "1980-05-01"))
    assert not common((["Ivan Petrov"], "1975-03-04"), (["Pavel Sidorov"], "1975-03-04"))


def test_a_namesake_of_one_part_shares_only_that_part_and_the_date() -> None:
    found = common((["Ivan Petrov"], "1975-03-04"), (["Ivan Sokolov"], "1975-03-04"))
    assert found == {Tier.PART_DATE}


def test_birth_years_are_indexed_only_for_partial_dates() -> None:
    assert not any(tier_of(v) is Tier.NAME_YEAR for v in key_set([LATIN], "1980-05-01", Role.INDEX))
    assert Tier.NAME_YEAR in {tier_of(v) for v in key_set([LATIN], "1980-05-01", Role.QUERY)}
    # a question with a full date meets a record that has only the year
    assert Tier.NAME_YEAR in common(([LATIN], "1980-05-01"), ([LATIN], "1980"))


def test_an_initial_and_a_surname_need_the_full_date() -> None:
    values = key_set(["K. Haddad"], "1980-05-01")
    assert values and all(tier_of(v) is Tier.PART_DATE for v in values)
    assert key_set(["K. Haddad"], None) == set()
    assert key_set(["Haddad"], "1980") == set()


def test_keys_name_nothing_but_codes_and_dates() -> None:
    for value in key_set(["Khalid bin Omar Haddad"], "1980-05-01"):
        assert value.startswith("pk1:") and "khalid" not in value and "haddad" not in value


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def _names(rng: random.Random, count: int) -> list[str]:
    """Invented names of one to six parts."""
    return [" ".join(_word(rng) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def test_a_person_with_many_names_and_dates_is_capped() -> None:
    rng = random.Random(7)
    profile = person_profile(_names(rng, 40), "1980-05-01")
    found = keys(profile, Role.QUERY)
    assert len(found) == MAX_KEYS
    for tier in Tier:
        assert sum(1 for k in found if k.tier is tier) <= tier.cap


@settings(max_examples=60, deadline=None)  # the first call loads rigour's name data
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5), st.dates())
def test_any_names_and_date_give_at_most_the_cap(names: list[str], date: object) -> None:
    for role in Role:
        found = keys(person_profile(names, str(date)), role)
        assert len(found) <= MAX_KEYS
        assert len({k.value for k in found}) == len(found)
        assert all(tier_of(k.value) is k.tier for k in found)


def test_birth_dates_are_checked() -> None:
    assert parse_birth_date("1980-05-01") == "1980-05-01"
    assert parse_birth_date(" 1980-05 ") == "1980-05"
    assert parse_birth_date("1980") == "1980"
    for bad in ("1980-13-01", "1981-02-29", "01/05/1980", "1980-5-1", "", "next year"):
        assert parse_birth_date(bad) is None, bad
    assert parse_birth_date("2000-02-29") == "2000-02-29"


def test_the_strongest_tier_is_first_in_the_enum() -> None:
    assert strongest([Tier.NAME, Tier.PART_DATE]) is Tier.PART_DATE
    assert strongest([]) is None
    assert PersonKey(Tier.NAME, "pk1:n:a+b").item == ("person", "pk1:n:a+b")
