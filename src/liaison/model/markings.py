"""Markings that travel with a record: classification, TLP 2.0, PAP, handling codes.

Unmarked fields stay ``None`` in storage (so that a record round-trips as it
was written); :meth:`Markings.effective` applies the safe defaults from the
brief: no TLP counts as TLP:AMBER+STRICT and no handling code counts as H2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, TypeVar

from liaison.errors import InvalidEnvelope


class Classification(IntEnum):
    """National security classification, ordered from lowest to highest."""

    UNCLASSIFIED = 0
    RESTRICTED = 1
    CONFIDENTIAL = 2
    SECRET = 3
    TOP_SECRET = 4

    @classmethod
    def parse(cls, value: Any, field_name: str = "classification") -> Classification:
        if isinstance(value, cls):
            return value
        key = str(value).strip().upper().replace(" ", "_").replace("-", "_")
        try:
            return cls[key]
        except KeyError:
            allowed = ", ".join(c.name for c in cls)
            raise InvalidEnvelope(field_name, value, f"must be one of {allowed}") from None


class TLP(StrEnum):
    """Traffic Light Protocol 2.0 labels."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"

    @property
    def rank(self) -> int:
        return list(TLP).index(self)


class PAP(StrEnum):
    """Permissible Actions Protocol."""

    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"

    @property
    def rank(self) -> int:
        return list(PAP).index(self)


class HandlingCode(StrEnum):
    """Europol SIENA handling codes."""

    H0 = "H0"  # law-enforcement purposes only
    H1 = "H1"  # not for judicial proceedings without the provider's permission
    H2 = "H2"  # not to be disseminated without the provider's permission
    H3 = "H3"  # other restrictions, stated in free text


E = TypeVar("E", bound=StrEnum)

DEFAULT_TLP = TLP.AMBER_STRICT
DEFAULT_HANDLING = frozenset({HandlingCode.H2})


@dataclass(frozen=True)
class Markings:
    classification: Classification | None = None
    tlp: TLP | None = None
    pap: PAP | None = None
    handling: frozenset[HandlingCode] = field(default_factory=frozenset)
    h3_text: str | None = None

    def __post_init__(self) -> None:
        has_h3 = HandlingCode.H3 in self.handling
        if has_h3 and not (self.h3_text and self.h3_text.strip()):
            raise InvalidEnvelope("markings.h3_text", self.h3_text, "H3 needs the restriction text")
        if self.h3_text and not has_h3:
            raise InvalidEnvelope("markings.h3_text", self.h3_text, "text is only allowed with H3")

    def effective(self) -> Markings:
        """The markings as the policy engine must read them: safe defaults filled in."""
        return Markings(
            classification=self.classification or Classification.UNCLASSIFIED,
            tlp=self.tlp or DEFAULT_TLP,
            pap=self.pap,
            handling=self.handling or DEFAULT_HANDLING,
            h3_text=self.h3_text,
        )

    def covers(self, other: Markings) -> bool:
        """Whether these markings are at least as strict as ``other`` on every axis.

        Compared on effective markings, so that an unmarked record (AMBER+STRICT, H2)
        never counts as looser than a record marked GREEN.
        """
        mine, theirs = self.effective(), other.effective()
        return (
            mine.classification >= theirs.classification  # type: ignore[operator]
            and _tlp_rank(mine.tlp) >= _tlp_rank(theirs.tlp)
            and _pap_rank(mine.pap) >= _pap_rank(theirs.pap)
            and mine.handling >= theirs.handling
            and _conditions(mine.h3_text) >= _conditions(theirs.h3_text)  # H3 text is a restriction
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "classification": self.classification.name if self.classification is not None else None,
            "tlp": self.tlp.value if self.tlp else None,
            "pap": self.pap.value if self.pap else None,
            "handling": sorted(h.value for h in self.handling),
            "h3_text": self.h3_text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Markings:
        data = data or {}
        _reject_unknown("markings", data, {"classification", "tlp", "pap", "handling", "h3_text"})
        cls_value = data.get("classification")
        return cls(
            classification=None
            if cls_value is None
            else Classification.parse(cls_value, "markings.classification"),
            tlp=_enum(TLP, "markings.tlp", data.get("tlp")),
            pap=_enum(PAP, "markings.pap", data.get("pap")),
            handling=frozenset(_handling(data.get("handling"))),
            h3_text=_h3_text(data.get("h3_text")),
        )


def tightest(*markings: Markings) -> Markings:
    """Combine markings so that the most restrictive wins on every axis.

    Highest classification, most restrictive TLP and PAP, every handling code of
    every input (each is a restriction), and every H3 condition once, sorted and
    joined with " / " (so that combining is associative and idempotent). Works on
    effective markings: combining never turns a default AMBER+STRICT/H2 into
    something looser.
    """
    if not markings:
        return Markings().effective()
    effective = [m.effective() for m in markings]
    texts = sorted(frozenset[str]().union(*(_conditions(m.h3_text) for m in effective)))
    paps = [m.pap for m in effective if m.pap is not None]
    return Markings(
        classification=max(m.classification or Classification.UNCLASSIFIED for m in effective),
        tlp=max((m.tlp or DEFAULT_TLP for m in effective), key=_tlp_rank),
        pap=max(paps, key=_pap_rank) if paps else None,
        handling=frozenset().union(*(m.handling for m in effective)),
        h3_text=" / ".join(texts) if texts else None,
    )


def _conditions(h3_text: str | None) -> frozenset[str]:
    """The H3 conditions in a text that ``tightest`` may have joined with " / "."""
    return frozenset(c.strip() for c in (h3_text or "").split(" / ") if c.strip())


def _tlp_rank(tlp: TLP | None) -> int:
    return (tlp or DEFAULT_TLP).rank


def _pap_rank(pap: PAP | None) -> int:
    return -1 if pap is None else pap.rank


def _h3_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidEnvelope("markings.h3_text", value, "must be text")
    return value


def _handling(values: Any) -> list[HandlingCode]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in values.replace(";", ",").split(",") if v.strip()]
    if not isinstance(values, list):
        raise InvalidEnvelope("markings.handling", values, 'must be a list such as ["H0", "H2"]')
    return [_enum(HandlingCode, "markings.handling", v) or HandlingCode.H2 for v in values]


def _enum(kind: type[E], field_name: str, value: Any) -> E | None:
    if value is None or value == "":
        return None
    text = str(value).strip().upper().replace("TLP:", "").replace("PAP:", "")
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise InvalidEnvelope(field_name, value, f"must be one of {allowed}") from None


def _reject_unknown(prefix: str, data: dict[str, Any], known: set[str]) -> None:
    for key in data:
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise InvalidEnvelope(f"{prefix}.{key}", key, f"unknown field; known: {allowed}")
