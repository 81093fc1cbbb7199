"""The packaged model and the feature levels it weighs (pure: no database)."""

from __future__ import annotations

import pytest

from liaison.matching.features import (
    address,
    birth_date,
    generation,
    names,
    token_overlap,
)
from liaison.matching.profile import Profile, build, dumps, keys, loads
from liaison.matching.score import (
    LEVELS,
    Score,
    dates_contradict,
    default_model,
    names_differ,
    parse_model,
    raises_alert,
    score,
)

ORDERED = LEVELS
CASES = [(kind, feature) for kind, table in ORDERED.items() for feature in table]


@pytest.mark.parametrize(("kind", "feature"), CASES)
def test_packaged_weights_never_reward_a_worse_agreement(kind: str, feature: str) -> None:
    weights = default_model().kinds[kind].weights[feature]
    ranked = [weights[level] for level in ORDERED[kind][feature]]
    assert ranked == sorted(ranked, reverse=True), weights
    if feature in ("name", "birth_date", "date", "identifier"):
        assert ranked[0] > 0 > ranked[-1]  # these always discriminate
    if ORDERED[kind][feature] == ("same", "differ"):
        assert ranked[0] >= 0 >= ranked[-1]  # agreement never counts against


def test_a_model_with_a_missing_feature_is_refused() -> None:
    with pytest.raises(ValueError, match=r"models\.person\.name must weigh the levels"):
        parse_model(
            {
                "threshold": 0.7,
                "models": {
                    "person": {"intercept": 0, "features": {"name": {"exact": 1}}},
                    "entity": {"intercept": 0, "features": {}},
                },
            }
        )


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
    siblings = names(person("Ivan Petrovich Sidorov"), person("Sergei Petrovich Sidorov"))
    assert siblings.level == "conflict"


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
    assert level("1984-06-12", "1984-06-21") == "typo"  # the day's digits reversed
    assert level("1984-06-21", "1985-06-21") == "typo"  # the year off by one
    assert level("1984-06-21", "1984-07-21") == "typo"  # the month off by one
    assert level("1984", "1984-06-21") == "partial"
    assert level("1984-06", "1984-06-21") == "partial"
    assert level("1984-06-21", "1984-02-03") == "year"
    assert level("1984-06-21", "1986-02-03") == "near"
    assert level("1984-06-21", "1979-02-03") == "differ"
    assert level("1984-06-21", "1962-02-03") == "far"
    assert level("1984", "1962") == "far"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Юрий Яковлев", "Iurii Iakovlev"),  # ICAO 9303
        ("Jurij Jakowlew", "Yuriy Yakovlev"),  # German popular / BGN-PCGN
        ("Georgi Schukow", "Georgiy Zhukov"),
        ("Gamal Abdel Nasser", "Jamal Abd al-Nasir"),  # Egyptian g, abd compounds
        ("Abdulrahman Alrashid", "Abd al-Rahman al-Rashid"),  # the article glued
        ("Mohd Nor bin Ismail", "Muhammad Noor Ismail"),  # Malay short forms
        ("Siti bt. Hassan", "Siti binti Hasan"),
        ("Husain Mohammed", "Hussein Muhammad"),
        ("Juan Carlos Santos", "Juancarlos Santos"),  # two parts run together
    ],
)
def test_romanisations_and_conventions_meet(left: str, right: str) -> None:
    assert names(person(left), person(right)).level in ("exact", "strong", "close")


def test_generation_suffixes_are_kept_apart_from_the_name() -> None:
    father, son = person("Jose Rizal Sr."), person("Jose Rizal Jr.")
    assert names(father, son).level == "exact"
    assert generation(father, son).level == "conflict"
    assert generation(father, person("Jose Rizal")).level == "missing"


def test_namesakes_born_decades_apart_are_not_a_match() -> None:
    found = score(person("Mohammed Ali", "1950-01-01"), person("Mohammed Ali", "1991-07-12"))
    assert not found.is_match(default_model().threshold)
    same = score(person("Mohammed Ali", "1950-01-01"), person("Muhammad Ali", "1950-01-01"))
    assert same.is_match(default_model().threshold)


def company(name: str, **props: str) -> Profile:
    return build("Company", {"name": [name], **{k: [v] for k, v in props.items()}})


def test_companies_are_compared_on_their_distinctive_words_and_legal_form() -> None:
    model = default_model()
    same = score(company("ООО Северная звезда"), company("Severnaya Zvezda LLC"), model)
    assert same.features["name"].level == "exact"
    other = score(company("Northern Star Trading LLC"), company("Northern Sea Trading LLC"))
    assert other.features["name"].level == "partial"
    assert other.score < same.score
    vessel = build("Vessel", {"name": ["M/V Ocean Star II"], "imoNumber": ["IMO9074729"]})
    sister = build("Vessel", {"name": ["Ocean Star III"]})
    assert score(vessel, sister).features["name"].level == "conflict"


def test_a_person_is_never_a_company() -> None:
    found = score(person("Maria Santos"), company("Maria Santos"))
    assert found.score == 0 and "schema" in found.features


def test_a_stored_profile_keeps_what_scoring_reads() -> None:
    original = build(
        "Person",
        {"name": ["John Smith Jr.", "Джон Смит"], "birthDate": ["1980-05-01T12:30:00"]},
    )
    assert loads(dumps(original)) == original
    assert original.birth_dates == ("1980-05-01",)  # a time is not part of a birth date


def test_keys_are_capped_for_a_hostile_organisation() -> None:
    words = [f"{a}{b}{c}" for a in "bcdfg" for b in "aeiou" for c in "klmnp"]
    names = [" ".join(words[i : i + 50]) for i in range(0, 1000, 50)]
    assert len(keys(build("Company", {"name": names}))) <= 400


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Dr Ben Carson", "Ben Carson", "exact"),  # a title before Ben: not the connector
        ("Le Van Thanh", "Le Thanh", "strong"),  # Le first is a surname, not a particle
        ("Peter Jensen", "Peter Anson", "weak"),  # J- against a vowel: another name
    ],
)
def test_names_that_the_review_found(left: str, right: str, level: str) -> None:
    assert names(person(left), person(right)).level == level


def _pair(left_date: str | None, right_date: str | None, **more: list[str]) -> Score:
    def side(date: str | None) -> Profile:
        props = {"name": ["Juan dela Cruz"], **more}
        return build("Person", {**props, "birthDate": [date]} if date else props)

    return score(side(left_date), side(right_date))


@pytest.mark.parametrize(
    ("left", "right", "contradict"),
    [
        ("1980-01-02", "1980-06-07", True),  # the same year only
        ("1980-01-02", "1981-06-07", True),
        ("1980-01-02", "1995-06-07", True),
        ("1980", "1975-06-07", True),
        ("1980-01-02", "1980-01-02", False),
        ("1980-01-02", "1980-02-01", False),  # day and month swapped
        ("1980-01-02", "1980-01-03", False),  # one typo
        ("1980", "1980-06-07", False),  # a year against a date that has it
        ("1980-01-02", None, False),  # one side does not know
    ],
)
def test_dates_contradict_when_both_are_known_and_differ(
    left: str, right: str | None, contradict: bool
) -> None:
    assert dates_contradict(_pair(left, right)) is contradict


def test_namesakes_with_different_birth_dates_raise_no_alert() -> None:
    namesakes = _pair("1980-01-02", "1980-06-07", nationality=["ph"], gender=["male"])
    assert namesakes.score >= 0.7  # a match by the threshold alone
    assert not raises_alert(namesakes, 0.7, 0.95)
    assert raises_alert(namesakes, 0.7, 0.7)  # the setting lowered to the threshold
    shared = _pair("1980-01-02", "1980-06-07", passportNumber=["P1234567"])
    assert raises_alert(shared, 0.7, 0.95)  # a shared passport speaks for one person
    same = _pair("1980-01-02", "1980-01-02")
    assert raises_alert(same, 0.7, 0.95)
    assert not raises_alert(same, 0.99, 0.5)  # never below the threshold itself


def test_strangers_born_on_the_same_day_raise_no_alert() -> None:
    day = {"birthDate": ["1970-01-02"]}
    strangers = score(
        build("Person", {"name": ["Иван Петров"], **day}),
        build("Person", {"name": ["Maria Santos"], **day}),
    )
    assert names_differ(strangers) and strangers.score >= 0.7
    assert not raises_alert(strangers, 0.7, 0.95)
    assert not names_differ(_pair("1980-01-02", "1980-01-02"))
