"""Obviously fictitious FollowTheMoney entities for demos, tests and benchmarks.

Names come from Faker (Cyrillic ``ru_RU``, Arabic ``ar_AA``) and from the
project's own Filipino lists (Faker's Philippine locales give English names).
Every person carries the note ``FICTITIOUS``. Name pools are drawn once, then
combined at random, so that a million entities take seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from faker import Faker

FILIPINO_GIVEN = (
    "Maria Cristina",
    "Jose",
    "Juan",
    "Rosario",
    "Ma. Luisa",
    "Andres",
    "Imelda",
    "Ramon",
    "Corazon",
    "Emilio",
    "Teresita",
    "Rodrigo",
    "Lourdes",
    "Danilo",
    "Marites",
    "Ferdinand",
    "Gloria",
    "Renato",
    "Jocelyn",
    "Arnel",
    "Rowena",
    "Efren",
    "Ligaya",
    "Bayani",
)
FILIPINO_FAMILY = (
    "dela Cruz",
    "Santos",
    "Reyes",
    "Bautista",
    "Mendoza",
    "Villanueva",
    "Garcia",
    "Ramos",
    "Aquino",
    "de los Santos",
    "Castillo",
    "Pascual",
    "Manalo",
    "Dimaculangan",
    "Macaraeg",
    "Tolentino",
    "Soriano",
    "Lim",
    "Magbanua",
    "Sison",
    "Panganiban",
    "de Guzman",
)
CRIME_AREAS = (
    "terrorism",
    "drug_trafficking",
    "human_trafficking",
    "migrant_smuggling",
    "firearms_trafficking",
    "money_laundering",
    "piracy",
    "cybercrime",
)
NOTE = "FICTITIOUS: generated demo data, not a real person"


@dataclass(frozen=True)
class Pools:
    russian: list[tuple[str, str]]  # (name, gender)
    arabic: list[tuple[str, str]]
    filipino: list[tuple[str, str]]
    companies: list[str]
    ibans: list[str]


def make_pools(seed: int, size: int = 400) -> Pools:
    ru, ar, any_ = Faker("ru_RU"), Faker("ar_AA"), Faker(["en_US", "ru_RU"])
    for faker in (ru, ar, any_):
        faker.seed_instance(seed)
    rng = random.Random(seed)
    russian = [
        (ru.name_male(), "male") if i % 2 else (ru.name_female(), "female") for i in range(size)
    ]
    arabic = [
        (f"{ar.first_name_male()} {ar.last_name()}", "male")
        if i % 3
        else (f"{ar.first_name_female()} {ar.last_name()}", "female")
        for i in range(size)
    ]
    filipino = [
        (f"{rng.choice(FILIPINO_GIVEN)} {rng.choice(FILIPINO_FAMILY)}", "other")
        for _ in range(size)
    ]
    companies = [f"{any_.company()} (fictitious)" for _ in range(size)]
    ibans = [Faker("de_DE").iban() for _ in range(min(size, 100))]
    return Pools(russian, arabic, filipino, companies, ibans)


class Generator:
    """Deterministic for a seed: the same seed gives the same entities."""

    def __init__(self, seed: int = 7, pools: Pools | None = None) -> None:
        self.rng = random.Random(seed)
        self.pools = pools or make_pools(seed)
        self.people: list[str] = []
        self.orgs: list[str] = []
        self.count = 0

    def _id(self, prefix: str) -> str:
        self.count += 1
        return f"demo-{prefix}-{self.count}"

    def person(self) -> dict[str, Any]:
        rng = self.rng
        culture = rng.choice(("russian", "arabic", "filipino"))
        name, gender = rng.choice(getattr(self.pools, culture))
        country = {"russian": "ru", "arabic": rng.choice(("sy", "iq", "my")), "filipino": "ph"}
        phone = {
            "russian": f"+7916{rng.randrange(10**7):07d}",
            "arabic": f"+6012{rng.randrange(10**7):07d}",
            "filipino": f"+63917{rng.randrange(10**7):07d}",
        }
        props = {
            "name": [name],
            "birthDate": [
                f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            ],
            "nationality": [country[culture]],
            "gender": [gender],
            "phone": [phone[culture]],
            "notes": [NOTE],
        }
        entity_id = self._id("person")
        self.people.append(entity_id)
        return {"id": entity_id, "schema": "Person", "properties": props}

    def _someone(self) -> str:
        return self.rng.choice(self.people[-500:])

    def passport(self) -> dict[str, Any]:
        number = f"{self.rng.choice('PEKX')}{self.rng.randrange(10**7):07d}"
        return {
            "id": self._id("passport"),
            "schema": "Passport",
            "properties": {
                "holder": [self._someone()],
                "number": [number],
                "country": [self.rng.choice(("ph", "ru", "my", "sy"))],
            },
        }

    def company(self) -> dict[str, Any]:
        entity_id = self._id("company")
        self.orgs.append(entity_id)
        return {
            "id": entity_id,
            "schema": "Company",
            "properties": {
                "name": [self.rng.choice(self.pools.companies)],
                "jurisdiction": [self.rng.choice(("ph", "ru", "my", "cy", "ae"))],
            },
        }

    def vessel(self) -> dict[str, Any]:
        return {
            "id": self._id("vessel"),
            "schema": "Vessel",
            "properties": {
                "name": [f"MV Fictional {self.rng.randrange(1000)}"],
                "imoNumber": [f"IMO {self.rng.randrange(10**6, 10**7)}"],
                "flag": [self.rng.choice(("pa", "lr", "ph", "ru"))],
            },
        }

    def vehicle(self) -> dict[str, Any]:
        plate = (
            f"{''.join(self.rng.choices('ABCDEFGHKMNPRTX', k=3))} {self.rng.randrange(1000, 9999)}"
        )
        return {
            "id": self._id("vehicle"),
            "schema": "Vehicle",
            "properties": {"registrationNumber": [plate], "owner": [self._someone()]},
        }

    def account(self) -> dict[str, Any]:
        return {
            "id": self._id("account"),
            "schema": "BankAccount",
            "properties": {
                "iban": [self.rng.choice(self.pools.ibans)],
                "bankName": ["Fictitious Bank"],
            },
        }

    def associate(self) -> dict[str, Any]:
        return {
            "id": self._id("associate"),
            "schema": "Associate",
            "properties": {
                "person": [self._someone()],
                "associate": [self._someone()],
                "relationship": [self.rng.choice(("business partner", "courier", "cousin"))],
            },
        }

    def ownership(self) -> dict[str, Any]:
        return {
            "id": self._id("ownership"),
            "schema": "Ownership",
            "properties": {
                "owner": [self._someone()],
                "asset": [self.rng.choice(self.orgs[-200:])],
            },
        }

    def one(self) -> dict[str, Any]:
        if len(self.people) < 5:
            return self.person()
        if not self.orgs:
            return self.company()
        kind = self.rng.choices(
            (
                self.person,
                self.passport,
                self.company,
                self.vessel,
                self.vehicle,
                self.account,
                self.associate,
                self.ownership,
            ),
            weights=(40, 15, 10, 5, 5, 5, 15, 5),
        )[0]
        return kind()

    def entities(self, n: int) -> Iterator[dict[str, Any]]:
        for _ in range(n):
            yield self.one()

    def envelope(self) -> dict[str, Any]:
        """A plausible envelope: markings, grading and crime area vary."""
        rng = self.rng
        return {
            "legal_basis": "national-law:fictitious-act-2026",
            "purposes": ["cross_check", "operational_analysis"],
            "crime_area": rng.choice(CRIME_AREAS),
            "markings": {
                "classification": rng.choice(("UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL")),
                "tlp": rng.choice(("GREEN", "AMBER", "AMBER+STRICT", "RED")),
                "handling": [rng.choice(("H0", "H1", "H2"))],
            },
            "evaluation": {
                "scheme": "admiralty",
                "source": rng.choice("ABC"),
                "information": rng.choice("123"),
            },
        }
