"""The message catalogues are complete: every text the interface shows has its
Filipino and Russian translation, with the same placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from liaison.model.roles import Language
from liaison.web.i18n import LOCALES, catalogue_path, translations
from liaison.web.labels import LABELS

WEB = Path(LOCALES).parent
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"trim_blocks": "True", "lstrip_blocks": "True"}}
OTHERS = [lang for lang in Language if lang is not Language.ENGLISH]


def _ids_in_sources() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "Nn_": (1, 2)}
    found = extract_from_dir(WEB, METHODS, OPTIONS, keywords)
    return {message if isinstance(message, str) else message[0] for *_, message, _, _ in found}


def _catalogue(language: Language) -> Catalog:
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language.value)


def test_the_template_catalogue_is_current() -> None:
    with (LOCALES / "messages.pot").open("rb") as pot:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    missing = _ids_in_sources() - template
    assert not missing, f"run `make messages`: {sorted(missing)[:10]}"


@pytest.mark.parametrize("language", OTHERS, ids=lambda lang: lang.value)
def test_every_message_is_translated(language: Language) -> None:
    catalogue = _catalogue(language)
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert not untranslated, untranslated[:10]
    assert _ids_in_sources() <= ids


@pytest.mark.parametrize("language", OTHERS, ids=lambda lang: lang.value)
def test_translations_keep_their_placeholders(language: Language) -> None:
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _catalogue(language).check()]
    assert not problems, problems[:5]


def test_vocabulary_labels_are_translated() -> None:
    russian = translations(Language.RUSSIAN)
    for label in LABELS.values():
        assert russian.gettext(label) != label or (label.isupper() and len(label) < 4), label
