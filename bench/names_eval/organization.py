"""Fictitious companies and organisations.

Legal forms and their spellings per jurisdiction are written here from the company laws'
names for them (Russian Civil Code: ООО, АО, ПАО; UK Companies Act 2006: Ltd, PLC; Malaysian
Companies Act 2016: Sdn. Bhd., Berhad; Indonesian Law 40/2007: PT, Tbk; German GmbHG/AktG: GmbH,
AG; UAE free zones: FZE, FZCO, FZ-LLC; Gulf: W.L.L.; Indian Companies Act 2013: Pvt. Ltd.;
Turkish Commercial Code: A.Ş., Ltd. Şti.; Panama/Latin systems: S.A.; US state laws: Inc., Corp.,
LLC). Registration numbers follow each registry's published shape (Russian OGRN 13 digits with
its mod-11 check digit, UK company numbers 8 characters, Malaysian 12-digit SSM numbers, German
HRB numbers); every number is random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

from bench.names_eval import russian
from bench.names_eval.common import REFERENCE_YEAR, Entity, Pair, Weighted, identity_key

# legal-form code -> spellings (the first is the register's own)
FORMS: dict[str, list[str]] = {
    "ru_ooo": ["ООО", "OOO", "LLC", "Limited Liability Company",
               "Obshchestvo s Ogranichennoy Otvetstvennostyu", "O.O.O."],
    "ru_ao": ["АО", "AO", "JSC", "Joint Stock Company", "Aktsionernoye Obshchestvo", "J.S.C."],
    "ru_pao": ["ПАО", "PAO", "PJSC", "Public Joint Stock Company"],
    "ru_zao": ["ЗАО", "ZAO", "CJSC", "Closed Joint Stock Company"],
    "llc": ["LLC", "L.L.C.", "Limited Liability Company", "L.L.C", "llc"],
    "fze": ["FZE", "F.Z.E.", "Free Zone Establishment"],
    "fzco": ["FZCO", "FZ Co.", "Free Zone Company", "FZC"],
    "ltd": ["Ltd", "Limited", "Ltd.", "LTD", "Ltd"],
    "plc": ["PLC", "Public Limited Company", "plc", "P.L.C."],
    "inc": ["Inc.", "Inc", "Incorporated", "INC."],
    "corp": ["Corp.", "Corporation", "Corp", "CORP."],
    "sdn_bhd": ["Sdn. Bhd.", "Sdn Bhd", "Sendirian Berhad", "SDN. BHD.", "S/B"],
    "bhd": ["Berhad", "Bhd", "Bhd."],
    "gmbh": ["GmbH", "Gesellschaft mit beschränkter Haftung", "G.m.b.H.", "Gmbh"],
    "ag": ["AG", "Aktiengesellschaft", "A.G."],
    "sa": ["S.A.", "SA", "Sociedad Anónima", "S.A", "Société Anonyme"],
    "sarl": ["S.A.R.L.", "SARL", "Société à responsabilité limitée", "S.à r.l."],
    "wll": ["W.L.L.", "WLL", "With Limited Liability", "W.L.L"],
    "pvt_ltd": ["Pvt. Ltd.", "Private Limited", "Pvt Ltd", "(P) Ltd", "Pvt. Limited"],
    "pte_ltd": ["Pte. Ltd.", "Pte Ltd", "Private Limited", "PTE. LTD."],
    "as_tr": ["A.Ş.", "AŞ", "A.S.", "Anonim Şirketi"],
    "ltd_sti": ["Ltd. Şti.", "Ltd. Sti.", "Limited Şirketi", "Ltd Sti"],
    "pt": ["PT", "PT.", "P.T.", "Perseroan Terbatas"],
    "co": ["Co.", "Company", "Co", "& Co."],
}  # fmt: skip
PREFIX_FORMS = {"pt"}  # written before the name
JURISDICTIONS: list[tuple[str, list[str], float]] = [
    ("ru", ["ru_ooo", "ru_ao", "ru_pao", "ru_zao"], 4), ("ae", ["llc", "fze", "fzco"], 4),
    ("gb", ["ltd", "plc"], 3), ("us", ["inc", "corp", "llc"], 2), ("my", ["sdn_bhd", "bhd"], 2),
    ("id", ["pt"], 1.5), ("de", ["gmbh", "ag"], 1), ("pa", ["sa", "inc", "corp"], 2),
    ("ch", ["sa", "ag", "sarl"], 1), ("bh", ["wll"], 1), ("qa", ["wll"], 1), ("kw", ["wll"], 1),
    ("in", ["pvt_ltd"], 1.5), ("sg", ["pte_ltd"], 1.5), ("hk", ["ltd"], 2),
    ("tr", ["as_tr", "ltd_sti"], 1.5),
    ("cy", ["ltd"], 1.5), ("ph", ["inc", "corp"], 1), ("mh", ["inc", "corp"], 1),
    ("sc", ["ltd"], 1), ("vg", ["ltd", "corp"], 1.5), ("lb", ["sarl", "sa"], 0.8),
]  # fmt: skip
# distinctive words: English, with near but different words for one-word negatives
ADJ = [
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Golden",
    "Silver",
    "Blue",
    "Red",
    "Green",
    "Crystal",
    "Royal",
    "Grand",
    "Pacific",
    "Atlantic",
    "Arctic",
    "Coral",
    "Amber",
    "Ivory",
    "Scarlet",
    "Swift",
    "Bright",
    "Quiet",
    "Hidden",
    "Rapid",
    "Noble",
    "Polar",
    "Desert",
    "Lunar",
    "Solar",
    "Emerald",
    "Granite",
    "Cedar",
    "Maple",
    "Falcon",
    "Orion",
    "Zenith",
]
NOUN = [
    "Star",
    "Sea",
    "Horizon",
    "Falcon",
    "Eagle",
    "Crescent",
    "Harbour",
    "Gate",
    "Bridge",
    "Arrow",
    "Anchor",
    "Compass",
    "Summit",
    "River",
    "Lotus",
    "Pearl",
    "Orchid",
    "Dune",
    "Meridian",
    "Beacon",
    "Lantern",
    "Tide",
    "Wave",
    "Stone",
    "Forest",
    "Valley",
    "Peak",
    "Crown",
    "Shield",
    "Wing",
    "Oasis",
    "Palm",
    "Reef",
    "Delta",
    "Vista",
    "Pioneer",
]
NEAR_WORDS = [
    ("Star", "Sea"),
    ("Star", "Spar"),
    ("Golden", "Silver"),
    ("Falcon", "Eagle"),
    ("Pearl", "Peak"),
    ("Wave", "Wake"),
    ("Crown", "Crow"),
    ("Northern", "Southern"),
    ("Eastern", "Western"),
    ("Harbour", "Arbour"),
    ("Reef", "Reed"),
    ("Dune", "Tune"),
    ("Palm", "Psalm"),
    ("Coral", "Corral"),
    ("Gate", "Gale"),
    ("Tide", "Ride"),
]
ARABIC_DISTINCT = [
    ("noor", "Noor", ["Al Noor", "Al-Noor", "Alnoor", "El Nour", "Al Nour"]),
    ("fajr", "Fajr", ["Al Fajr", "Al-Fajr", "Alfajr", "El Fagr"]),
    ("amal", "Amal", ["Al Amal", "Al-Amal", "Alamal", "El Amal"]),
    ("hilal", "Hilal", ["Al Hilal", "Al-Hilal", "Alhilal", "El Hilal"]),
    ("waha", "Waha", ["Al Waha", "Al-Waha", "Alwaha", "El Waha"]),
    ("rawda", "Rawda", ["Al Rawda", "Al-Rawdah", "Alrawda", "Ar-Rawda"]),
    ("safwa", "Safwa", ["Al Safwa", "Al-Safwa", "As-Safwa", "Alsafwa"]),
    ("manar", "Manar", ["Al Manar", "Al-Manar", "Almanar", "El Manar"]),
    ("jazira", "Jazira", ["Al Jazira", "Al-Jazeera", "Aljazira", "El Gezira"]),
    ("sahel", "Sahel", ["Al Sahel", "Al-Sahil", "As-Sahel", "Alsahel"]),
]
ACTIVITY = [
    ["Trading"],
    ["General", "Trading"],
    ["Logistics"],
    ["Shipping"],
    ["Holdings"],
    ["Investments"],
    ["Import", "&", "Export"],
    ["Petroleum", "Services"],
    ["Construction"],
    ["Consulting"],
    ["Technologies"],
    ["Foods"],
    ["Textiles"],
    ["Marine", "Services"],
    ["Electronics"],
    ["Freight"],
    ["Metals"],
    ["Energy"],
    ["Chemicals"],
    ["Capital"],
]
GENERIC_FIRST = [
    "Global",
    "International",
    "United",
    "General",
    "Universal",
    "Prime",
    "First",
    "Allied",
    "Consolidated",
    "Premier",
    "Standard",
    "National",
]
# Russian company names: Cyrillic distinctive words (adjective, noun) with their genders
RU_ADJ = [("Северн", "Northern"), ("Южн", "Southern"), ("Восточн", "Eastern"),
          ("Западн", "Western"), ("Золот", "Golden"), ("Серебрян", "Silver"), ("Син", "Blue"),
          ("Красн", "Red"), ("Нов", "New"), ("Бел", "White"), ("Тих", "Quiet"),
          ("Быстр", "Swift")]  # fmt: skip
RU_NOUN = [("Звезда", "f"), ("Ветер", "m"), ("Берег", "m"), ("Гавань", "f"), ("Река", "f"),
           ("Мост", "m"), ("Сокол", "m"), ("Волна", "f"), ("Горизонт", "m"), ("Маяк", "m"),
           ("Долина", "f"), ("Вершина", "f"), ("Якорь", "m"), ("Пристань", "f")]  # fmt: skip
RU_ACTIVITY = [("Торговый Дом", "Torgovyy Dom", "Trading House"), ("Логистика", "Logistika",
               "Logistics"), ("Инвест", "Invest", "Invest"), ("Ресурс", "Resurs", "Resource"),
               ("Строй", "Stroy", "Construction"), ("Транс", "Trans", "Trans")]  # fmt: skip
NGO_TYPES = [("Foundation", ["Foundation", "Fdn.", "Fund"]),
             ("Relief Society", ["Relief Society", "Relief Soc.", "Relief Organisation"]),
             ("Charitable Trust", ["Charitable Trust", "Charity Trust", "Trust"]),
             ("Association", ["Association", "Assn.", "Assoc."])]  # fmt: skip
ARMED_TYPES = [("Brigades", ["Brigades", "Brigade", "Kataib", "Battalions"]),
               ("Liberation Front", ["Liberation Front", "Front for the Liberation", "L.F."]),
               ("Movement", ["Movement", "Mvt.", "Harakat"]),
               ("Army", ["Army", "Armed Forces", "Jaysh"])]  # fmt: skip


def ogrn(rng: random.Random, year: int) -> str:
    """A random 13-digit Russian OGRN with a valid check digit."""
    body = (
        f"{rng.choice('15')}{year % 100:02d}{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}"
    )
    return body + str(int(body) % 11 % 10)


def reg_number(rng: random.Random, jurisdiction: str, year: int) -> str:
    if jurisdiction == "ru":
        return ogrn(rng, year)
    if jurisdiction == "gb":
        return f"{rng.choice(['0', '1', 'SC', 'NI'])}{rng.randint(0, 9999999):07d}"[-8:]
    if jurisdiction == "my":
        return f"{year}01{rng.randint(0, 999999):06d}"
    if jurisdiction == "de":
        return f"HRB {rng.randint(1000, 299999)}"
    if jurisdiction == "ae":
        return f"{rng.randint(100000, 1999999)}"
    if jurisdiction == "in":
        return f"U{rng.randint(10000, 99999)}DL{year}PTC{rng.randint(100000, 999999)}"
    return f"{rng.randint(100000, 99999999)}"


def reg_variant(reg: str, rng: random.Random) -> str:
    """The same number written with a label or separators."""
    roll = rng.random()
    if roll < 0.15 and reg.isdigit():
        return f"No. {reg}"
    if roll < 0.25 and reg.startswith("HRB "):
        return reg.replace(" ", "")
    return reg


@dataclass(frozen=True)
class Org:
    kind: str  # company, ru_company, arabic_company, generic_company, ngo, armed_group
    words: tuple[str, ...]  # distinctive words (Latin), or Cyrillic for ru_company
    activity: tuple[str, ...]
    form: str  # legal-form code, "" for organisations
    jurisdiction: str
    reg: str
    incorporated: date
    city: str
    ru_gender: str = ""
    latin_words: tuple[str, ...] = field(default_factory=tuple)

    @property
    def canonical(self) -> str:
        """One organisation per name and jurisdiction (the same name elsewhere is another)."""
        return identity_key(*self.words, *self.activity, "@", self.jurisdiction)

    @property
    def name_key(self) -> str:
        return identity_key(*self.words, *self.activity)


CITIES = {"ru": ["Moscow", "Novorossiysk", "Kazan"], "ae": ["Dubai", "Sharjah", "Ajman"],
          "gb": ["London", "Manchester"], "us": ["Wilmington", "Miami"],
          "my": ["Kuala Lumpur", "Johor Bahru"], "id": ["Jakarta", "Surabaya"],
          "de": ["Hamburg", "Bremen"], "pa": ["Panama City"], "ch": ["Geneva", "Zug"],
          "bh": ["Manama"], "qa": ["Doha"], "kw": ["Kuwait City"], "in": ["Mumbai", "New Delhi"],
          "sg": ["Singapore"], "hk": ["Hong Kong"], "tr": ["Istanbul", "Mersin"],
          "cy": ["Limassol", "Nicosia"], "ph": ["Manila", "Cebu"], "mh": ["Majuro"],
          "sc": ["Victoria"], "vg": ["Road Town"], "lb": ["Beirut"]}  # fmt: skip


@cache
def _jur() -> Weighted[tuple[str, list[str], float]]:
    ordered = sorted(JURISDICTIONS, key=lambda j: -j[2])
    return Weighted(ordered, s=0.5)


def _ru_adj(stem: str, gender: str) -> str:
    """Nominative adjective: Северный/Северная, Золотой (stressed), Синий (soft), Тихий."""
    masc, fem = {"Золот": ("ой", "ая"), "Син": ("ий", "яя"), "Тих": ("ий", "ая")}.get(
        stem, ("ый", "ая")
    )
    return stem + (fem if gender == "f" else masc)


def new_org(rng: random.Random, kind: str | None = None, jurisdiction: str | None = None) -> Org:
    kind = (
        kind
        or rng.choices(
            ["company", "ru_company", "arabic_company", "generic_company", "ngo", "armed_group"],
            [5, 2, 1.5, 1, 0.7, 0.5],
        )[0]
    )
    year = rng.randint(1992, REFERENCE_YEAR - 1)
    inc = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    if kind == "ru_company":
        jurisdiction = "ru"
    while jurisdiction is None or (jurisdiction == "ru" and kind != "ru_company"):
        jurisdiction = _jur().draw(rng)[0]  # Russian companies are the ru_company kind
    forms = dict((j, f) for j, f, _ in JURISDICTIONS)[jurisdiction]
    form = rng.choice(forms)
    city = rng.choice(CITIES[jurisdiction])
    activity: tuple[str, ...] = tuple(rng.choice(ACTIVITY)) if rng.random() < 0.8 else ()
    if kind == "ru_company":
        adj, _ = rng.choice(RU_ADJ)
        noun, gender = rng.choice(RU_NOUN)
        words: tuple[str, ...] = (_ru_adj(adj, gender), noun)
        act = rng.choice(RU_ACTIVITY) if rng.random() < 0.4 else None
        return Org(kind, words, (act[0],) if act else (), form, jurisdiction,
                   reg_number(rng, jurisdiction, year), inc, city, gender)  # fmt: skip
    if kind == "arabic_company":
        key = rng.choice(ARABIC_DISTINCT)[0]
        activity = tuple(rng.choice(ACTIVITY[:8]))
        return Org(kind, (key,), activity, form, jurisdiction,
                   reg_number(rng, jurisdiction, year), inc, city)  # fmt: skip
    if kind == "generic_company":
        words = (rng.choice(GENERIC_FIRST),)
        activity = tuple(rng.choice(ACTIVITY[:4]))
        return Org(kind, words, activity, form, jurisdiction,
                   reg_number(rng, jurisdiction, year), inc, city)  # fmt: skip
    words = (rng.choice(ADJ), rng.choice(NOUN))
    if kind in ("ngo", "armed_group"):
        types = NGO_TYPES if kind == "ngo" else ARMED_TYPES
        return Org(kind, words, (rng.choice(types)[0],), "", jurisdiction, "", inc, city)
    return Org(kind, words, activity, form, jurisdiction, reg_number(rng, jurisdiction, year),
               inc, city)  # fmt: skip


def _arabic_words(key: str, rng: random.Random) -> str:
    for k, _, spellings in ARABIC_DISTINCT:
        if k == key:
            return rng.choice(spellings)
    base = key.split("_")
    return " ".join(w.capitalize() for w in ["al", *base])


def name_of(o: Org, rng: random.Random, *, style: int) -> str:
    """style 0: as registered; 1+: a screening list's or a case file's spelling."""
    if o.kind == "ru_company":
        system = (
            "cyrillic"
            if style == 0 and rng.random() < 0.7
            else rng.choice(["icao_doc_9303", "bgn_pcgn", "gost_779_alt", "wikipedia", "mvd_310"])
        )
        words = " ".join([*o.activity, *o.words])
        form_idx = 0 if system == "cyrillic" else rng.choice([1, 1, 2, 3, 4, 5])
        spellings = FORMS[o.form]
        form = spellings[min(form_idx, len(spellings) - 1)] if rng.random() < 0.9 else ""
        if system == "cyrillic":
            quoted = rng.choice([f"«{words}»", f'"{words}"', words])
            return f"{form} {quoted}".strip()
        latin = " ".join(russian.romanise_word(w, system) for w in words.split())
        if rng.random() < 0.3:
            latin = latin.upper()
        quoted = rng.choice([latin, f'"{latin}"'])
        return f"{form} {quoted}".strip() if rng.random() < 0.6 else f"{quoted} {form}".strip()
    if o.kind == "arabic_company":
        distinct = _arabic_words(o.words[0], rng)
    elif o.kind in ("ngo", "armed_group"):
        types = dict(NGO_TYPES if o.kind == "ngo" else ARMED_TYPES)
        label = rng.choice(types[o.activity[0]]) if style else o.activity[0]
        base = " ".join(o.words)
        if label in ("Kataib", "Harakat", "Jaysh"):
            return f"{label} {base}"
        if label == "Front for the Liberation":
            return f"Front for the Liberation of {base}"
        if style and rng.random() < 0.15:
            return "".join(w[0] for w in (*o.words, *o.activity[0].split())).upper()
        return f"{base} {label}"
    else:
        distinct = " ".join(o.words)
    activity = list(o.activity)
    if style and "&" in activity and rng.random() < 0.5:
        activity = ["and" if w == "&" else w for w in activity]
    if style and activity[:1] == ["General"] and rng.random() < 0.3:
        activity = activity[1:]
    body = " ".join([distinct, *activity])
    gulf = o.jurisdiction in ("ae", "bh", "qa", "kw", "lb")
    if style and activity and gulf and rng.random() < 0.25:
        # the Arabic word order calqued: "Al Noor Company for General Trading"
        body = f"{distinct} {rng.choice(['Company for', 'for', 'Co. for'])} {' '.join(activity)}"
    if style and rng.random() < 0.08 and o.kind == "company" and len(body.split()) >= 3:
        body = "".join(w[0] for w in body.split() if w[0].isalpha()).upper()  # acronym
    forms = FORMS[o.form]
    form = forms[0] if style == 0 else rng.choice(forms)
    if style and rng.random() < 0.2:
        form = ""
    if o.form in PREFIX_FORMS:
        name = f"{form} {body}".strip()
    else:
        name = f"{body} {form}".strip()
        if style and form and rng.random() < 0.15:
            name = f"{body}, {form}"
    if style and rng.random() < 0.25:
        name = name.upper()
    return name


def entity(o: Org, rng: random.Random, *, style: int, rich: bool) -> Entity:
    schema = "Organization" if o.kind in ("ngo", "armed_group") else "Company"
    if schema == "Company" and rng.random() < 0.08:
        schema = "Organization"
    props: dict[str, list[str]] = {"name": [name_of(o, rng, style=style)]}
    if schema != "Organization" or o.reg:
        if o.reg and (rich or rng.random() < 0.45):
            props["registrationNumber"] = [reg_variant(o.reg, rng) if style else o.reg]
        if rich or rng.random() < 0.6:
            props["jurisdiction"] = [o.jurisdiction]
        if rng.random() < 0.3:
            props["incorporationDate"] = [o.incorporated.isoformat()]
    else:
        if rng.random() < 0.5:
            props["country"] = [o.jurisdiction]
    if rng.random() < 0.2:
        props["address"] = [f"{o.city}, {o.jurisdiction.upper()}"]
    return Entity(schema, props)


NEGATIVE_KINDS = [("same_name_other_jurisdiction", 3.0), ("one_word_different", 2.5),
                  ("generic_name_other_company", 1.5), ("parent_vs_subsidiary", 2.0),
                  ("organisation_similar_name", 1.0)]  # fmt: skip


def positive(rng: random.Random, group: str) -> Pair:
    o = new_org(rng)
    rich = rng.random() < 0.5
    left = entity(o, rng, style=0, rich=rich)
    right = entity(o, rng, style=1, rich=rich)
    kind = {"ru_company": "cyrillic_vs_romanised", "arabic_company": "arabic_article_variants",
            "generic_company": "generic_name_same_registration", "ngo": "organisation_variants",
            "armed_group": "organisation_variants"}.get(o.kind, "legal_form_variants")  # fmt: skip
    if o.kind == "generic_company":
        # a generic name is decidable only through the registration number: both sides carry it
        for e in (left, right):
            e.properties["registrationNumber"] = [o.reg]
            e.properties["jurisdiction"] = [o.jurisdiction]
    pair = Pair(group, kind, 1, left, right, (o.canonical,))
    return pair.swap() if rng.random() < 0.5 else pair


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    year = rng.randint(1992, REFERENCE_YEAR - 1)
    if kind == "same_name_other_jurisdiction":
        o = new_org(rng, rng.choice(["company", "arabic_company", "company"]))
        others = [j for j, _, _ in JURISDICTIONS if j != o.jurisdiction and j != "ru"]
        j = rng.choice(others)
        forms = dict((jj, f) for jj, f, _ in JURISDICTIONS)[j]
        q = replace(o, jurisdiction=j, form=rng.choice(forms), reg=reg_number(rng, j, year),
                    city=rng.choice(CITIES[j]))  # fmt: skip
        both_rich = True
    elif kind == "one_word_different":
        a, b = rng.choice(NEAR_WORDS)
        o = new_org(rng, "company")
        changed = list(o.words)
        if a in ADJ:
            changed[0] = a
        else:
            changed[1] = a
        o = replace(o, words=tuple(changed))
        q = replace(o, words=tuple(b if w == a else w for w in changed),
                    reg=reg_number(rng, o.jurisdiction, year))  # fmt: skip
        both_rich = rng.random() < 0.5
    elif kind == "generic_name_other_company":
        o = new_org(rng, "generic_company")
        j = rng.choice([j for j, _, _ in JURISDICTIONS if j != "ru"])
        forms = dict((jj, f) for jj, f, _ in JURISDICTIONS)[j]
        q = replace(o, jurisdiction=j, form=rng.choice(forms), reg=reg_number(rng, j, year),
                    city=rng.choice(CITIES[j]))  # fmt: skip
        both_rich = True
    elif kind == "parent_vs_subsidiary":
        o = new_org(rng, rng.choice(["company", "company", "arabic_company"]))
        o = replace(o, activity=("Holdings",))
        sub = rng.choice([a for a in ACTIVITY if a != ["Holdings"]])
        q = replace(o, activity=tuple(sub), reg=reg_number(rng, o.jurisdiction, year))
        both_rich = rng.random() < 0.5
    else:
        o = new_org(rng, rng.choice(["ngo", "armed_group"]))
        a, b = rng.choice(NEAR_WORDS)
        words = (a, o.words[1]) if a in ADJ else (o.words[0], a)
        o = replace(o, words=words)
        q = replace(o, words=tuple(b if w == a else w for w in words))
        both_rich = False
    if q.name_key == o.name_key and q.jurisdiction == o.jurisdiction:
        return negative(rng, group)
    left = entity(o, rng, style=rng.choice([0, 1]), rich=both_rich)
    right = entity(q, rng, style=1, rich=both_rich)
    pair = Pair(group, kind, 0, left, right, (o.canonical, q.canonical))
    return pair.swap() if rng.random() < 0.5 else pair


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
