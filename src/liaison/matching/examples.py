"""Query examples as yente reads them, and feature values as yente reports them.

A screening client built for OpenSanctions' yente sends each query as an entity
example (``{"schema", "properties"}``) and expects yente's leniency: a property
the schema does not have is skipped, a value FollowTheMoney cannot clean (a
date that is no date) is dropped, a single string counts as a list of one.
Only an unknown or abstract schema refuses the query. This is the opposite of
how a record is read (``liaison.model.entities`` refuses whatever it would
lose): a query stores nothing, so what it cannot read only narrows it, and the
example as read is echoed back so that the client sees what was used.

yente explains a score by feature results whose ``score`` lies in [0, 1]. The
node's features are levels on an ordered scale (``liaison.matching.score``):
:func:`level_value` places a level on that scale, 1.0 for the strongest
agreement down to 0.0 for the strongest disagreement; the level's weight in
log-odds stays in the detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from followthemoney import model, registry

from liaison.errors import BadRequest
from liaison.matching.features import MISSING
from liaison.matching.score import LEVELS

MAX_VALUES = 50  # values read per property of a query
MAX_VALUE_LENGTH = 2_000


@dataclass(frozen=True, slots=True)
class Example:
    """One query as read: the client's id if it gave one, the schema, the
    properties kept (cleaned by FollowTheMoney) and the names of those skipped."""

    id: str | None
    schema: str
    properties: dict[str, list[str]]
    skipped: tuple[str, ...] = ()


def read_example(name: str, data: Any) -> Example:
    """Read a yente query example; only an unknown schema or a body that is not an
    example is an error (``queries.<name>...``)."""
    if not isinstance(data, Mapping):
        raise BadRequest(f"queries.{name}", data, "must be an object with schema and properties")
    given = data.get("schema")
    schema = model.get(given) if isinstance(given, str) else None
    if schema is None or schema.abstract:
        raise BadRequest(
            f"queries.{name}.schema", data.get("schema"), "not a concrete FollowTheMoney schema"
        )
    raw = data.get("properties") or {}
    if not isinstance(raw, Mapping):
        raise BadRequest(
            f"queries.{name}.properties", raw, "must be an object of property name to values"
        )
    example_id = data.get("id")
    kept: dict[str, list[str]] = {}
    skipped: list[str] = []
    for prop_name, values in raw.items():
        prop = schema.get(prop_name) if isinstance(prop_name, str) else None
        if prop is None or prop.stub or prop.type == registry.entity:
            skipped.append(str(prop_name))
            continue
        cleaned = _clean(prop.type, values)
        if cleaned:
            kept[prop.name] = cleaned
        else:
            skipped.append(prop.name)
    return Example(
        id=str(example_id) if isinstance(example_id, str | int) else None,
        schema=schema.name,
        properties=kept,
        skipped=tuple(skipped),
    )


def _clean(kind: Any, values: Any) -> list[str]:
    """The values FollowTheMoney can clean, each once, in the order given."""
    if isinstance(values, str | int | float):
        values = [values]
    if not isinstance(values, list | tuple):
        return []
    out: list[str] = []
    for value in values[:MAX_VALUES]:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        text = str(value)[:MAX_VALUE_LENGTH]
        clean = kind.clean(text)
        if clean is not None and clean not in out:
            out.append(clean)
    return out


def level_value(kind: str, feature: str, level: str) -> float:
    """A feature level's place on its scale: 1.0 for the strongest agreement, 0.0 for
    the strongest disagreement, 0.0 when one side has no value (``missing``)."""
    scale = LEVELS.get(kind, {}).get(feature, ())
    if level == MISSING or level not in scale:
        return 0.0
    if len(scale) == 1:
        return 1.0
    return round(1.0 - scale.index(level) / (len(scale) - 1), 4)
