"""Source and information evaluation, each in its native scheme.

Admiralty (NATO) grading: source reliability A–F, information credibility
1–6. Europol 4x4: source A, B, C or X, information 1–4. A grade is never
converted between schemes: a partner reads it in the scheme it was given in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from liaison.errors import InvalidEnvelope


class Scheme(StrEnum):
    ADMIRALTY = "admiralty"
    EUROPOL = "europol"


SOURCES = {Scheme.ADMIRALTY: "ABCDEF", Scheme.EUROPOL: "ABCX"}
INFORMATION = {Scheme.ADMIRALTY: "123456", Scheme.EUROPOL: "1234"}


@dataclass(frozen=True)
class Evaluation:
    scheme: Scheme
    source: str
    information: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES[self.scheme]:
            allowed = ", ".join(SOURCES[self.scheme])
            raise InvalidEnvelope(
                "evaluation.source", self.source, f"{self.scheme} source must be one of {allowed}"
            )
        if self.information not in INFORMATION[self.scheme]:
            allowed = ", ".join(INFORMATION[self.scheme])
            raise InvalidEnvelope(
                "evaluation.information",
                self.information,
                f"{self.scheme} information must be one of {allowed}",
            )

    @property
    def code(self) -> str:
        return f"{self.source}{self.information}"

    def to_dict(self) -> dict[str, str]:
        return {"scheme": self.scheme.value, "source": self.source, "information": self.information}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Evaluation | None:
        if not data:
            return None
        if not isinstance(data, dict):
            raise InvalidEnvelope(
                "evaluation", data, "must be an object with scheme, source, information"
            )
        for key in data:
            if key not in {"scheme", "source", "information"}:
                raise InvalidEnvelope(f"evaluation.{key}", key, "unknown field")
        raw_scheme = str(data.get("scheme", "")).strip().lower()
        try:
            scheme = Scheme(raw_scheme)
        except ValueError:
            raise InvalidEnvelope(
                "evaluation.scheme", data.get("scheme"), "must be admiralty or europol"
            ) from None
        return cls(
            scheme=scheme,
            source=str(data.get("source", "")).strip().upper(),
            information=str(data.get("information", "")).strip(),
        )
