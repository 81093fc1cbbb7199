"""Words for people (issue 19): scores one way, schema labels and the uses of a
record in every language, and the node's own icon."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from followthemoney import model

from liaison.model.roles import Language
from liaison.policy.decide import Use
from liaison.web import scores
from liaison.web.i18n import Formats, translations
from liaison.web.labels import SCHEMATA, labelled
from liaison.web.pages.records import USES


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (0.999, "very likely the same"),
        (0.9, "very likely the same"),
        (0.7, "likely the same"),
        (0.6999, "possibly the same"),
        (0.5, "possibly the same"),
        (0.132, "unlikely the same"),
    ],
)
def test_a_score_says_what_it_means(score: float, word: str) -> None:
    assert scores.word(score) == word


def test_a_score_is_a_whole_percent_rounded_down() -> None:
    assert scores.floored(0.6999) == 0.69  # never shown as the threshold it misses
    assert Formats(Language.ENGLISH).whole_percent(0.93) == "93%"
    assert Formats(Language.RUSSIAN).whole_percent(0.93) == "93\xa0%"
    assert Formats(Language.ENGLISH).whole_percent(0.132) == "13%"


def test_a_names_similarity_is_read_from_its_detail() -> None:
    assert scores.similarity("0.93: juan, delacruz~delakruz") == (0.93, "juan, delacruz~delakruz")
    assert scores.similarity("1: ivan") == (1.0, "ivan")
    assert scores.similarity("1980-01-02 / 1980-02-01") == (None, "1980-01-02 / 1980-02-01")


def test_every_schema_label_is_in_the_catalogue_and_translated() -> None:
    shown = {s.name: str(s.label) for s in model.schemata.values() if not s.abstract}
    assert shown == SCHEMATA  # FtM's own labels, each a message id
    russian = labelled(translations(Language.RUSSIAN).gettext)
    untranslated = [label for label in SCHEMATA.values() if russian(label) == label]
    assert not untranslated, untranslated
    assert russian("Bank account") == "Банковский счёт"


def test_the_uses_of_a_record_are_said_in_words() -> None:
    assert set(USES) == {u.value for u in Use}
    assert USES["push"] == "receive a copy from us"
    filipino = labelled(translations(Language.FILIPINO).gettext)
    assert filipino(USES["push"]) != USES["push"]


def test_the_node_serves_its_own_icon(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/login").text
