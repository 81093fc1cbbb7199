"""Fictitious vessels: names with prefixes and numbering variants, IMO numbers, flags.

IMO numbers: "IMO" + 7 digits whose last digit is the IMO check digit (SOLAS XI-1/3, IMO
resolution A.1117(30): the first six digits weighted 7..2, summed, modulo 10). MMSI: nine
digits beginning with the flag state's Maritime Identification Digits (ITU-R M.585 table of MIDs);
call signs begin with the flag's ITU prefix. Vessels are reflagged (flag, MMSI and call sign
change together); many distinct vessels share a name, and sister ships take numbered names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache

from bench.names_eval.common import REFERENCE_YEAR, Entity, Pair, Weighted, identity_key

# flag -> (MIDs, call-sign prefixes)
FLAGS: dict[str, tuple[list[int], list[str]]] = {
    "pa": ([351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373], ["3E", "H3", "HO", "HP"]),
    "lr": ([636], ["A8", "D5", "EL"]), "mh": ([538], ["V7"]),
    "mt": ([215, 229, 248, 249, 256], ["9H"]),
    "bs": ([311], ["C6"]), "sg": ([563, 564, 565, 566], ["9V"]), "hk": ([477], ["VR"]),
    "cy": ([209, 210, 212], ["5B"]), "gr": ([237, 239, 240, 241], ["SV"]), "ru": ([273], ["UB"]),
    "km": ([616], ["D6"]), "tg": ([671], ["5V"]), "cm": ([613], ["TJ"]), "ir": ([422], ["EP"]),
    "ae": ([470], ["A6"]), "my": ([533], ["9M"]), "id": ([525], ["PK"]), "ph": ([548], ["DU"]),
    "tz": ([674, 677], ["5I"]), "pw": ([511], ["T8"]), "sl": ([667], ["9L"]),
}  # fmt: skip
FLAG_WEIGHTS = [
    "pa",
    "lr",
    "mh",
    "mt",
    "bs",
    "sg",
    "hk",
    "cy",
    "gr",
    "ru",
    "km",
    "tg",
    "cm",
    "ir",
    "ae",
    "my",
    "id",
    "ph",
    "tz",
    "pw",
    "sl",
]
FIRST = [
    "Ocean",
    "Sea",
    "Pacific",
    "Atlantic",
    "Golden",
    "Silver",
    "Blue",
    "Northern",
    "Southern",
    "Eastern",
    "Star",
    "Royal",
    "Grand",
    "Coral",
    "Crystal",
    "Polar",
    "Emerald",
    "Morning",
    "Evening",
    "Lucky",
    "Great",
    "Bright",
    "Sapphire",
    "Amber",
    "Swift",
    "Iron",
]
SECOND = [
    "Star",
    "Pearl",
    "Grace",
    "Glory",
    "Spirit",
    "Dream",
    "Wave",
    "Wind",
    "Breeze",
    "Falcon",
    "Eagle",
    "Dolphin",
    "Horizon",
    "Voyager",
    "Trader",
    "Carrier",
    "Pioneer",
    "Venture",
    "Fortune",
    "Harmony",
    "Lotus",
    "Jade",
    "Crown",
    "Queen",
    "Prince",
    "Light",
]
GREEK = ["Agia", "Agios", "Kapetan", "Aegean", "Ionian"]
GREEK_2 = ["Markella", "Dimitrios", "Eleni", "Georgios", "Sofia", "Nikolaos", "Maria", "Irini"]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}
PREFIXES = ["MV", "M/V", "M.V.", "MT", "M/T", "M.T.", "SS"]
TYPES = [
    ("General Cargo", "MV"),
    ("Bulk Carrier", "MV"),
    ("Oil Tanker", "MT"),
    ("Chemical Tanker", "MT"),
    ("Container Ship", "MV"),
    ("LPG Tanker", "MT"),
]


def imo_check(six: str) -> str:
    return str(sum(int(d) * (7 - i) for i, d in enumerate(six)) % 10)


def new_imo(rng: random.Random) -> str:
    six = f"{rng.choice('9999998876')}{rng.randint(0, 99999):05d}"
    return "IMO" + six + imo_check(six)


def mmsi(rng: random.Random, flag: str) -> str:
    return f"{rng.choice(FLAGS[flag][0])}{rng.randint(0, 999999):06d}"


def call_sign(rng: random.Random, flag: str) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters + "0123456789") for _ in range(rng.choice([2, 3])))
    return rng.choice(FLAGS[flag][1]) + tail


@dataclass(frozen=True)
class Vessel:
    base: str  # the name without a number
    number: int  # 0: none
    imo: str
    flag: str
    built: int
    prefix: str  # MV or MT by type
    mmsi: str
    call_sign: str

    @property
    def canonical(self) -> str:
        """Train and test never share a vessel NAME (stricter than never sharing a vessel)."""
        return identity_key("vessel", self.base, str(self.number))


@cache
def _names() -> Weighted[str]:
    names = [f"{a} {b}" for a in FIRST for b in SECOND if a != b]
    names += [f"{a} {b}" for a in GREEK for b in GREEK_2]
    order = random.Random(7)  # a fixed popularity order of names
    order.shuffle(names)
    return Weighted(names, s=0.6, offset=5)


def new_vessel(rng: random.Random, base: str | None = None, number: int | None = None) -> Vessel:
    flag = rng.choice(FLAG_WEIGHTS[:8] * 3 + FLAG_WEIGHTS[8:])
    base = base or _names().draw(rng)
    if number is None:
        number = rng.choice([0] * 8 + [1, 2, 2, 3, 5, 7])
    _, prefix = rng.choice(TYPES)
    return Vessel(base, number, new_imo(rng), flag, rng.randint(1985, REFERENCE_YEAR - 1),
                  prefix, mmsi(rng, flag), call_sign(rng, flag))  # fmt: skip


def name_of(v: Vessel, rng: random.Random, style: int) -> str:
    base = v.base
    if style and rng.random() < 0.1:
        base = base.replace(" ", "")  # OCEANSTAR
    num = ""
    if v.number:
        if style:
            num = rng.choice([str(v.number), ROMAN[v.number], f"No. {v.number}", f"No.{v.number}"])
        else:
            num = str(v.number)
    name = f"{base} {num}".strip()
    if style and rng.random() < 0.5:
        pre = v.prefix if rng.random() < 0.6 else rng.choice(PREFIXES)
        name = f"{pre} {name}" if rng.random() < 0.85 else f"{name} ({pre})"
    if style == 0 or rng.random() < 0.6:
        name = name.upper()
    return name


def entity(v: Vessel, rng: random.Random, style: int, *, keep_imo: bool) -> Entity:
    props: dict[str, list[str]] = {"name": [name_of(v, rng, style)]}
    if keep_imo or rng.random() < 0.65:
        props["imoNumber"] = [v.imo]
    if rng.random() < 0.8:
        props["flag"] = [v.flag]
    if rng.random() < 0.5:
        props["mmsi"] = [v.mmsi]
    if rng.random() < 0.4:
        props["callSign"] = [v.call_sign]
    if rng.random() < 0.5:
        props["buildDate"] = [str(v.built)]
    return Entity("Vessel", props)


def reflag(v: Vessel, rng: random.Random) -> Vessel:
    flag = rng.choice([f for f in FLAGS if f != v.flag])
    return replace(v, flag=flag, mmsi=mmsi(rng, flag), call_sign=call_sign(rng, flag))


NEGATIVE_KINDS = [("same_name_different_imo", 4.0), ("sister_ship", 2.5),
                  ("same_name_no_imo_other_build", 1.5)]  # fmt: skip


def positive(rng: random.Random, group: str) -> Pair:
    v = new_vessel(rng)
    kind = "name_variants"
    other = v
    roll = rng.random()
    if roll < 0.3:
        other = reflag(v, rng)
        kind = "reflagged"
    left = entity(v, rng, 0, keep_imo=True)
    right = entity(other, rng, 1, keep_imo=rng.random() < 0.6)
    if "imoNumber" not in right.properties:
        kind = "imo_missing_one_side"
        right.properties["buildDate"] = [str(v.built)]  # something else to go by
        left.properties["buildDate"] = [str(v.built)]
    if kind == "reflagged":
        left.properties["flag"] = [v.flag]
        right.properties["flag"] = [other.flag]
    pair = Pair(group, kind, 1, left, right, (v.canonical,))
    return pair.swap() if rng.random() < 0.5 else pair


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    v = new_vessel(rng)
    if kind == "sister_ship":
        v = replace(v, number=0) if rng.random() < 0.5 else v
        w = new_vessel(rng, v.base, v.number + rng.choice([1, 1, 2]) if v.number else 2)
        w = replace(w, built=min(v.built + rng.randint(0, 3), REFERENCE_YEAR - 1), flag=v.flag)
    else:
        w = new_vessel(rng, v.base, v.number)
        if abs(w.built - v.built) < 3:
            w = replace(w, built=v.built - 5 if v.built > 1995 else v.built + 5)
    left = entity(v, rng, rng.choice([0, 1]), keep_imo=True)
    right = entity(w, rng, 1, keep_imo=kind != "same_name_no_imo_other_build")
    if kind == "same_name_no_imo_other_build":
        right.properties.pop("imoNumber", None)
        left.properties["buildDate"] = [str(v.built)]
        right.properties["buildDate"] = [str(w.built)]
        right.properties["flag"] = [w.flag]
        left.properties["flag"] = [v.flag]
    pair = Pair(group, kind, 0, left, right, (v.canonical, w.canonical))
    return pair.swap() if rng.random() < 0.5 else pair


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
