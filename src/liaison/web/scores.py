"""Scores shown one way on every page: a whole percent and a word, "93 % — close".

A pair's score (search, screening, alerts, the dashboard) reads with what it
means at the model's threshold (``very likely the same`` ... ``unlikely``); a
name's similarity, which the matcher writes at the head of the name feature's
detail (``0.93: ...``), reads with the feature's level (``close``). The
percent is rounded down, so that a score under the threshold never shows as
the threshold. Pure: the template macro ``score`` (``_macros.html``) renders
both through ``fmt`` (``liaison.web.i18n.Formats``).
"""

from __future__ import annotations

import math
import re

from liaison.matching.score import DEFAULT_THRESHOLD
from liaison.web.labels import N_

#: What a score means, from the best band down (message ids).
BANDS = (
    (0.9, N_("very likely the same")),
    (DEFAULT_THRESHOLD, N_("likely the same")),
    (0.5, N_("possibly the same")),
    (0.0, N_("unlikely the same")),
)
_SIMILARITY = re.compile(r"^(0(?:\.\d+)?|1(?:\.0+)?):\s*(.*)$", re.DOTALL)


def word(score: float) -> str:
    """The message id that says what a pair's score means."""
    return next(text for bound, text in BANDS if score >= bound)


def floored(score: float) -> float:
    """The score rounded down to a whole percent (0.6996 shows as 69 %, not 70 %)."""
    return math.floor(round(score * 100, 6)) / 100


def similarity(detail: str) -> tuple[float | None, str]:
    """A feature detail split into the similarity at its head, if any, and the rest
    (``"0.93: juan ~ juan"`` → ``(0.93, "juan ~ juan")``)."""
    found = _SIMILARITY.match(detail)
    if found is None:
        return None, detail
    return float(found.group(1)), found.group(2)
