"""The web interface's languages: Babel message catalogues and localised formats.

Every text a page shows goes through ``gettext`` with an English message id; the
Filipino and Russian catalogues are ``locales/<lang>/LC_MESSAGES/messages.po``
(``pybabel extract`` with ``babel.cfg`` finds the ids in templates and code).
Catalogues are compiled in memory on first use, so no binary ``.mo`` file is
kept in the repository. Dates and numbers are formatted by Babel in the
user's locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from liaison.model.roles import Language
from liaison.web import scores

LOCALES = Path(__file__).parent / "locales"
NAMES = {Language.ENGLISH: "English", Language.FILIPINO: "Filipino", Language.RUSSIAN: "Русский"}


def catalogue_path(language: Language) -> Path:
    return LOCALES / language.value / "LC_MESSAGES" / "messages.po"


@functools.cache
def translations(language: Language) -> NullTranslations:
    """The language's compiled catalogue (English is the message ids themselves)."""
    if language is Language.ENGLISH:
        return NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language.value)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def negotiate(accept_language: str | None) -> Language:
    """The best of our languages for a browser's Accept-Language header."""
    parts = (accept_language or "").split(",")
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in parts]
    found = Locale.negotiate([w for w in wanted if w], [lang.value for lang in Language], sep="_")
    return Language(str(found)) if found is not None else Language.ENGLISH


@dataclass(frozen=True)
class Formats:
    """Dates, times and numbers in one language's conventions."""

    language: Language

    def datetime(self, value: dt.datetime | str | None) -> str:
        when = _parse(value)
        if when is None:
            return ""
        return dates.format_datetime(when, "medium", tzinfo=dt.UTC, locale=self.language.value)

    def date(self, value: dt.date | dt.datetime | str | None) -> str:
        when = _parse(value)
        if when is None:
            return ""
        return dates.format_date(when, "medium", locale=self.language.value)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        return numbers.format_decimal(value, locale=self.language.value)

    def percent(self, value: float | None) -> str:
        if value is None:
            return ""
        return numbers.format_percent(value, "#,##0.0%", locale=self.language.value)

    def whole_percent(self, value: float) -> str:
        """A score as a whole percent, rounded down (``liaison.web.scores``)."""
        return numbers.format_percent(scores.floored(value), locale=self.language.value)

    def score_word(self, value: float) -> str:
        """The message id saying what a pair's score means (the template translates it)."""
        return scores.word(value)

    def similarity(self, detail: str) -> tuple[float | None, str]:
        """A feature's detail split into its leading similarity, if any, and the rest."""
        return scores.similarity(detail)


def _parse(value: dt.date | dt.datetime | str | None) -> dt.datetime | dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
