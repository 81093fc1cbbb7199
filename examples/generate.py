"""Write the README's example files: obviously fictitious, the same on every run.

    .venv/bin/python examples/generate.py

``people.jsonl``: FollowTheMoney persons as `liaison import` reads them. The
names combine the demo's Filipino given and family names (Faker's Philippine
locales give English names), so that they are no one in particular; birth
dates and addresses come from Faker (``en_PH``), seeded. Every person
carries the note ``FICTITIOUS``. The first is Juan dela Cruz, the Filipino
"John Doe", whom the README searches for.

``ph-ru.json`` (the agreement) is written by hand: its parties are
placeholders that the README fills in with the node ids and keys `liaison
init` prints.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import orjson
from faker import Faker

from liaison.demo.generate import FILIPINO_FAMILY, FILIPINO_GIVEN, NOTE

HERE = Path(__file__).resolve().parent
SEED = 19
COUNT = 12
FIRST_BORN, LAST_BORN = dt.date(1955, 1, 1), dt.date(2004, 12, 31)  # fixed: not from today


def people(seed: int = SEED, count: int = COUNT) -> list[dict[str, Any]]:
    faker = Faker("en_PH")
    faker.seed_instance(seed)
    rng = random.Random(seed)
    names = [("Juan", "dela Cruz")] + [
        (rng.choice(FILIPINO_GIVEN), rng.choice(FILIPINO_FAMILY)) for _ in range(count - 1)
    ]
    out = []
    for i, (given, family) in enumerate(names, start=1):
        born = faker.date_between_dates(FIRST_BORN, LAST_BORN).isoformat()
        properties = {
            "name": [f"{given} {family}"],
            "firstName": [given],
            "lastName": [family],
            "birthDate": [born],
            "nationality": ["ph"],
            "address": [faker.address().replace("\n", ", ")],
            "notes": [NOTE],
        }
        out.append({"id": f"example-person-{i:02d}", "schema": "Person", "properties": properties})
    return out


def main() -> None:
    lines = [orjson.dumps(p).decode() for p in people()]
    (HERE / "people.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
