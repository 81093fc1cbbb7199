"""The neutrality gate's screen: topics, special-category properties, words in four languages."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.policy.neutrality import Character, Signal, build_screen, screen

POLITICAL, MILITARY = Character.POLITICAL, Character.MILITARY
RELIGIOUS, RACIAL = Character.RELIGIOUS, Character.RACIAL


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"topics": ["pol.party"]}, (POLITICAL, "topic pol.party"), id="topic-party"),
        pytest.param({"topics": ["role.journo"]}, (POLITICAL, "topic role.journo"), id="journo"),
        pytest.param({"topics": ["mil"]}, (MILITARY, "topic mil"), id="topic-mil"),
        pytest.param({"topics": ["rel"]}, (RELIGIOUS, "topic rel"), id="topic-rel"),
        pytest.param(
            {"political": ["Fictitious Unity Party"]}, (POLITICAL, "property political"), id="pol"
        ),
        pytest.param({"religion": ["Fictitious"]}, (RELIGIOUS, "property religion"), id="religion"),
        pytest.param({"ethnicity": ["Fictitious"]}, (RACIAL, "property ethnicity"), id="ethnicity"),
    ],
)
def test_topics_and_special_category_properties(
    properties: dict[str, list[str]], expected: tuple[Character, str]
) -> None:
    assert screen(properties) == (Signal(*expected),)


@pytest.mark.parametrize(
    ("text", "character", "word"),
    [
        ("Organised a protest outside the ministry", POLITICAL, "protest"),
        ("Known as a deserter from the army", MILITARY, "deserter"),
        ("Preaches at the mosque on Fridays", RELIGIOUS, "mosque"),
        ("Target chosen for ethnic reasons", RACIAL, "ethnic"),
        ("Член оппозиционной партии", POLITICAL, "оппозиционной"),
        ("Служил в армии до 2019 года", MILITARY, "армии"),
        ("ВОЕННЫЙ ПИЛОТ В ОТСТАВКЕ", MILITARY, "ВОЕННЫЙ"),
        ("Регулярно посещает церковь", RELIGIOUS, "церковь"),
        ("Указана национальность", RACIAL, "национальность"),
        ("Aktibong kasapi ng oposisyon", POLITICAL, "oposisyon"),
        ("Dating sundalo sa Mindanao", MILITARY, "sundalo"),
        ("Nakikita tuwing Linggo sa simbahan", RELIGIOUS, "simbahan"),
        ("Pinili dahil sa kanyang lahi", RACIAL, "lahi"),
        ("عضو في حزب سياسي", POLITICAL, "سياسي"),
        ("شارك في الانتخابات", POLITICAL, "الانتخابات"),
        ("ضابط سابق في الجيش", MILITARY, "الجيش"),
        ("يتبرع للجيش", MILITARY, "للجيش"),
        ("يصلي في المسجد", RELIGIOUS, "المسجد"),
        ("هجوم بدافع عرقي", RACIAL, "عرقي"),
    ],
)
def test_words_in_english_russian_filipino_arabic(
    text: str, character: Character, word: str
) -> None:
    assert screen({"notes": [text]}) == (Signal(character, f"notes mentions {word!r}"),)


@pytest.mark.parametrize(
    "properties",
    [
        {"notes": ["Paid in dinars at the port"]},
        {"notes": ["Перевёл 5000 рублей на счёт подставной компании"]},
        {"notes": ["Nagbayad ng piso sa daungan"]},
        {"notes": ["دفع بالدينار في الميناء"]},
        {"notes": ["Used a fraudulent passport at the border"]},
        {"description": ["Grey fishing vessel, engine number withheld"]},
        {"name": ["Army Reyes"], "alias": ["Protest Singh"]},  # names are not screened
        {"topics": ["crime.traffick", "sanction"]},
        {"notes": ["Met the buyer on Churchill Street near the racecourse"]},
        {"notes": ["كان رد فعل الشرطة سريعا"]},  # "the police's reaction was quick"
        {},
    ],
    ids=[
        "dinars",
        "rubles",
        "piso",
        "dinars-ar",
        "passport",
        "vessel",
        "names",
        "crime-topics",
        "churchill-racecourse",
        "reaction-ar",
        "empty",
    ],
)
def test_no_false_positive(properties: dict[str, list[str]]) -> None:
    assert screen(properties) == ()


def test_every_character_found_once_with_its_evidence() -> None:
    signals = screen(
        {
            "topics": ["mil", "pol.party"],
            "religion": ["Fictitious"],
            "notes": ["Ex-army officer, active in the opposition"],
            "description": ["Also an army reservist"],
        }
    )
    assert signals == (
        Signal(POLITICAL, "topic pol.party"),
        Signal(POLITICAL, "notes mentions 'opposition'"),
        Signal(MILITARY, "topic mil"),
        Signal(MILITARY, "notes mentions 'army'"),
        Signal(RELIGIOUS, "property religion"),
    )
    assert signals[0].to_dict() == {"character": "political", "evidence": "topic pol.party"}


GOOD: dict[str, Any] = {
    "categories": {"military": {"topics": ["mil"], "properties": [], "terms": ["army"]}},
    "text_properties": ["notes"],
}


@pytest.mark.parametrize(
    "data",
    [
        {"categories": {}},
        {**GOOD, "extra": []},
        {**GOOD, "categories": {"economic": {"topics": [], "properties": [], "terms": []}}},
        {**GOOD, "categories": {"military": {"topics": ["mil"], "properties": []}}},
        ["not", "a", "mapping"],
    ],
    ids=["no-text-properties", "unknown-key", "unknown-character", "no-terms", "list"],
)
def test_bad_signal_file_fails_at_load(data: Any) -> None:
    with pytest.raises(ValueError):
        build_screen(data)


def test_signal_file_without_terms_still_screens_topics() -> None:
    screen_ = build_screen(
        {
            "categories": {"military": {"topics": ["mil"], "properties": [], "terms": []}},
            "text_properties": ["notes"],
        }
    )
    assert screen_({"topics": ["mil"], "notes": ["army"]}) == (Signal(MILITARY, "topic mil"),)
