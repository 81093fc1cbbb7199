"""Identifier normalisation and validation, with real-world formats and published examples."""

from __future__ import annotations

import hashlib

import pytest

from liaison.matching import identifiers
from liaison.matching.identifiers import (
    MAX_IDENTIFIERS,
    MAX_RAW_LENGTH,
    Identifier,
    IdKind,
    icao_check_digit,
    identifiers_of,
    normalise,
    readings,
)

# ICAO 9303 part 4 specimen passport, MRZ line 2.
SPECIMEN_TD3 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def norm(kind: IdKind, raw: str, country: str | None = None) -> Identifier:
    ident = normalise(kind, raw, country)
    assert ident is not None
    return ident


def value(kind: IdKind, raw: str, country: str | None = None) -> str:
    return norm(kind, raw, country).value


# --- ICAO check digits and travel documents -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("D23145890", "7"), ("<<<<<<<<<", "0")],
)
def test_icao_check_digit_matches_specimens(text: str, digit: str) -> None:
    assert icao_check_digit(text) == digit


def test_icao_check_digit_detects_a_changed_character() -> None:
    assert icao_check_digit("L898902C4") != "6"
    assert icao_check_digit("L898902O3") != icao_check_digit("L89890203")


def test_icao_check_digit_rejects_characters_outside_the_mrz_set() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        icao_check_digit("L89-8902")


def test_td3_line_yields_the_document_number() -> None:
    assert norm(IdKind.PASSPORT, SPECIMEN_TD3) == Identifier(
        IdKind.PASSPORT, "L898902C3", True, None
    )
    assert value(IdKind.PASSPORT, SPECIMEN_TD3) == value(IdKind.PASSPORT, "l898902c3")


def test_td3_line_with_wrong_check_digit_is_invalid() -> None:
    wrong = SPECIMEN_TD3[:9] + "7" + SPECIMEN_TD3[10:]
    assert norm(IdKind.PASSPORT, wrong) == Identifier(
        IdKind.PASSPORT, "L898902C3", False, "check digit"
    )


def test_td3_line_with_spaces_and_short_number() -> None:
    line = "AB1234<<<" + icao_check_digit("AB1234<<<") + SPECIMEN_TD3[10:]
    assert norm(IdKind.PASSPORT, f"  {line[:22]} {line[22:]} ") == Identifier(
        IdKind.PASSPORT, "AB1234", True, None
    )


def test_document_separators_and_case_are_removed() -> None:
    assert value(IdKind.PASSPORT, " ab-123 456/7.8<< ") == "AB12345678"
    assert value(IdKind.ID_NUMBER, "12.345.678-k") == "12345678K"


def test_cyrillic_lookalikes_become_latin() -> None:
    cyrillic = "АВ 1234567"  # А and В are Cyrillic
    assert norm(IdKind.PASSPORT, cyrillic) == Identifier(IdKind.PASSPORT, "AB1234567", True, None)
    assert value(IdKind.PASSPORT, "ес 123") == "EC123"  # lowercase Cyrillic е, с
    assert value(IdKind.PASSPORT, "МНОРСТУХК") == "MHOPCTYXK"


def test_other_characters_make_a_document_number_invalid() -> None:
    ident = norm(IdKind.PASSPORT, "ЖБ 123456")
    assert ident.value == "ЖБ123456"
    assert not ident.valid
    assert ident.reason is not None and "'Ж'" in ident.reason
    assert norm(IdKind.ID_NUMBER, "12_34").reason is not None


def test_letter_o_and_digit_zero_stay_distinct() -> None:
    assert value(IdKind.PASSPORT, "AO12345") != value(IdKind.PASSPORT, "A012345")


def test_fullwidth_characters_are_folded() -> None:
    assert value(IdKind.PASSPORT, "ＡＢ１２３") == "AB123"


def test_passport_numbers_up_to_twenty_characters() -> None:
    assert norm(IdKind.PASSPORT, "A" * 20).valid
    long = norm(IdKind.PASSPORT, "A" * 21)
    assert not long.valid and long.reason == "longer than 20 characters"
    assert norm(IdKind.ID_NUMBER, "7" * 30).valid


def test_blank_values_are_not_identifiers() -> None:
    for kind in IdKind:
        assert normalise(kind, "   ") is None
    assert normalise(IdKind.PASSPORT, " - / . ") is None


def test_overlong_values_are_reported_without_parsing() -> None:
    ident = norm(IdKind.WALLET, "1" * 10_000)
    assert not ident.valid
    assert len(ident.value) == MAX_RAW_LENGTH


# --- Phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["+63 917 123 4567", "0917 123 4567", "(0917)1234567"])
def test_philippine_numbers_written_differently_compare_equal(raw: str) -> None:
    assert norm(IdKind.PHONE, raw, "ph") == Identifier(IdKind.PHONE, "+639171234567", True, None)


def test_russian_trunk_prefix_8() -> None:
    assert norm(IdKind.PHONE, "8 (912) 345-67-89", "ru").value == "+79123456789"
    assert value(IdKind.PHONE, "8 (912) 345-67-89", "RU") == value(IdKind.PHONE, "+7 912 3456789")


def test_international_number_ignores_default_region() -> None:
    assert value(IdKind.PHONE, "+63 917 123 4567", "ru") == "+639171234567"


def test_national_number_without_region_is_invalid_but_kept() -> None:
    ident = norm(IdKind.PHONE, "0917 123 4567")
    assert ident == Identifier(
        IdKind.PHONE, "09171234567", False, "missing or unknown country code"
    )
    assert not norm(IdKind.PHONE, "0917 123 4567", "not-a-country").valid


def test_impossible_number_is_invalid() -> None:
    ident = norm(IdKind.PHONE, "+63 12")
    assert ident.value == "+6312"
    assert not ident.valid


def test_phone_without_digits_is_nothing() -> None:
    assert normalise(IdKind.PHONE, "n/a", "ph") is None


# --- IBAN -----------------------------------------------------------------------------------------


def test_iban_spacing_and_case() -> None:
    expected = Identifier(IdKind.IBAN, "GB82WEST12345698765432", True, None)
    assert norm(IdKind.IBAN, "GB82 WEST 1234 5698 7654 32") == expected
    assert norm(IdKind.IBAN, "gb82west12345698765432") == expected
    assert norm(IdKind.IBAN, "IBAN: GB82-WEST-1234-5698-7654-32") == expected


def test_iban_with_wrong_checksum() -> None:
    ident = norm(IdKind.IBAN, "GB83 WEST 1234 5698 7654 32")
    assert ident == Identifier(IdKind.IBAN, "GB83WEST12345698765432", False, "checksum")


def test_iban_with_wrong_length_is_invalid() -> None:
    assert not norm(IdKind.IBAN, "DE89 3704 0044 0532 0130").valid


# --- Ships ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["9074729", "IMO 9074729", "imo:9074729", "IMO-907 4729"])
def test_imo_valid(raw: str) -> None:
    assert norm(IdKind.IMO, raw) == Identifier(IdKind.IMO, "IMO9074729", True, None)


def test_imo_wrong_check_digit() -> None:
    assert norm(IdKind.IMO, "9074728") == Identifier(IdKind.IMO, "IMO9074728", False, "check digit")


@pytest.mark.parametrize("raw", ["IMO 90747", "IMO 907472900", "IMO 9O74729"])
def test_imo_malformed(raw: str) -> None:
    assert not norm(IdKind.IMO, raw).valid


def test_mmsi_valid() -> None:
    assert norm(IdKind.MMSI, "366 123 456") == Identifier(IdKind.MMSI, "366123456", True, None)
    assert norm(IdKind.MMSI, "MMSI: 273123456").valid


def test_mmsi_outside_ship_mids() -> None:
    ident = norm(IdKind.MMSI, "123456789")
    assert not ident.valid
    assert ident.reason is not None and "123" in ident.reason
    assert not norm(IdKind.MMSI, "970123456").valid  # AIS-SART, not a ship
    assert not norm(IdKind.MMSI, "003661234").valid  # coast station


@pytest.mark.parametrize("raw", ["36612345", "3661234567", "36612345X"])
def test_mmsi_wrong_shape(raw: str) -> None:
    assert norm(IdKind.MMSI, raw).reason == "an MMSI is 9 digits"


# --- E-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "j.doe@example.org",
        "  J.Doe@Example.ORG ",
        "<j.doe@example.org>",
        "mailto:J.DOE@example.org",
        "MAILTO:j.doe@example.org?subject=hello",
        "Jane Doe <j.doe@EXAMPLE.org>",
    ],
)
def test_email_forms_compare_equal(raw: str) -> None:
    assert norm(IdKind.EMAIL, raw) == Identifier(IdKind.EMAIL, "j.doe@example.org", True, None)


@pytest.mark.parametrize(
    "raw", ["j.doe", "j@doe@example.org", "@example.org", "j@localhost", "j@example.", "j d@x.org"]
)
def test_email_garbage_is_invalid(raw: str) -> None:
    ident = norm(IdKind.EMAIL, raw)
    assert not ident.valid
    assert ident.reason


# --- Wallets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # genesis block
        "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",  # P2SH
    ],
)
def test_bitcoin_legacy_valid(address: str) -> None:
    assert norm(IdKind.WALLET, f" {address} ") == Identifier(IdKind.WALLET, address, True, None)


def test_bitcoin_legacy_one_character_changed() -> None:
    ident = norm(IdKind.WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")
    assert ident == Identifier(
        IdKind.WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", False, "checksum"
    )
    assert not norm(IdKind.WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNvN2").valid


def test_bitcoin_legacy_is_case_sensitive() -> None:
    assert value(IdKind.WALLET, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") != value(
        IdKind.WALLET, "1bvbmseystwetqtfn5au4m4gfg7xjanvn2"
    )


SEGWIT_V0 = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"  # BIP-350


@pytest.mark.parametrize("address", [SEGWIT_V0, SEGWIT_V0.upper(), TAPROOT])
def test_bech32_valid(address: str) -> None:
    assert norm(IdKind.WALLET, address) == Identifier(IdKind.WALLET, address.lower(), True, None)


def test_bech32_errors() -> None:
    assert norm(IdKind.WALLET, SEGWIT_V0[:-1] + "r").reason == "checksum"
    assert norm(IdKind.WALLET, "bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq").reason == "mixed case"
    assert not norm(IdKind.WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdb").valid  # 'b'
    assert not norm(IdKind.WALLET, "bc1q").valid


def _bech32_encode(hrp: str, data: list[int], const: int) -> str:
    polymod = identifiers._bech32_polymod(identifiers._bech32_hrp_expand(hrp) + data + [0] * 6)
    checksum = [((polymod ^ const) >> 5 * (5 - i)) & 31 for i in range(6)]
    charset = identifiers._BECH32_CHARSET
    return hrp + "1" + "".join(charset[d] for d in data + checksum)


def test_bech32_variant_must_match_witness_version() -> None:
    data = [identifiers._BECH32_CHARSET.index(c) for c in SEGWIT_V0[3:-6]]
    assert _bech32_encode("bc", data, identifiers._BECH32_CONST) == SEGWIT_V0
    assert not norm(IdKind.WALLET, _bech32_encode("bc", data, identifiers._BECH32M_CONST)).valid
    v1 = [1, *data[1:]]
    assert norm(IdKind.WALLET, _bech32_encode("bc", v1, identifiers._BECH32M_CONST)).valid
    assert not norm(IdKind.WALLET, _bech32_encode("bc", v1, identifiers._BECH32_CONST)).valid


def test_keccak_256_known_answer_and_permutation() -> None:
    empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert identifiers._keccak256(b"").hex() == empty
    for data in (b"", b"abc", b"x" * 135, b"x" * 136, b"y" * 300):
        # Same permutation with NIST's padding must give SHA3-256.
        assert identifiers._keccak_sponge(data, 0x06) == hashlib.sha3_256(data).digest()


def test_ethereum_lowercase_and_uppercase() -> None:
    lower = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    assert norm(IdKind.WALLET, lower) == Identifier(IdKind.WALLET, lower, True, None)
    assert norm(IdKind.WALLET, "0X" + lower[2:].upper()) == Identifier(
        IdKind.WALLET, lower, True, None
    )


@pytest.mark.parametrize(
    "address",  # EIP-55 test vectors
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_ethereum_eip55_checksum(address: str) -> None:
    assert norm(IdKind.WALLET, address) == Identifier(IdKind.WALLET, address.lower(), True, None)
    last = max(i for i, c in enumerate(address) if c.isalpha())
    broken = address[:last] + address[last].swapcase() + address[last + 1 :]
    assert norm(IdKind.WALLET, broken) == Identifier(
        IdKind.WALLET, address.lower(), False, "EIP-55 checksum"
    )


@pytest.mark.parametrize(
    "raw", ["LTC123", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "deadbeef", "1BvB0SEY"]
)
def test_unknown_wallet_format(raw: str) -> None:
    assert norm(IdKind.WALLET, f" {raw} ") == Identifier(
        IdKind.WALLET, raw, False, "unknown wallet format"
    )


# --- Entities -------------------------------------------------------------------------------------


def test_person_identifiers_use_nationality_as_phone_region() -> None:
    found = identifiers_of(
        "Person",
        {
            "name": ["Juan Dela Cruz"],
            "nationality": ["ph"],
            "passportNumber": ["P1234567A", "p 1234567 a"],
            "idNumber": ["1234-5678-9012"],
            "phone": ["0917 123 4567", "+63 917 123 4567", "(0917)1234567"],
            "email": ["Juan@Example.PH"],
        },
    )
    assert found == [
        Identifier(IdKind.PASSPORT, "P1234567A", True, None),
        Identifier(IdKind.ID_NUMBER, "123456789012", True, None),
        Identifier(IdKind.PHONE, "+639171234567", True, None),
        Identifier(IdKind.EMAIL, "juan@example.ph", True, None),
    ]


def test_same_value_of_different_kinds_is_kept_twice() -> None:
    found = identifiers_of("Person", {"passportNumber": ["X123"], "taxNumber": ["X123"]})
    assert [i.kind for i in found] == [IdKind.PASSPORT, IdKind.ID_NUMBER]


def test_document_schemas() -> None:
    passport = identifiers_of("Passport", {"number": [SPECIMEN_TD3], "country": ["nl"]})
    assert passport == [Identifier(IdKind.PASSPORT, "L898902C3", True, None)]
    ident = identifiers_of("Identification", {"number": ["AB-12"], "type": ["ID card"]})
    assert ident == [Identifier(IdKind.ID_NUMBER, "AB12", True, None)]
    assert identifiers_of("Thing", {"number": ["AB-12"]}) == []


def test_wallet_bank_account_and_vessel() -> None:
    wallet = identifiers_of("CryptoWallet", {"publicKey": [SEGWIT_V0], "currency": ["BTC"]})
    assert wallet == [Identifier(IdKind.WALLET, SEGWIT_V0, True, None)]
    account = identifiers_of(
        "BankAccount", {"iban": ["GB82 WEST 1234 5698 7654 32"], "accountNumber": ["98765432"]}
    )
    assert account == [Identifier(IdKind.IBAN, "GB82WEST12345698765432", True, None)]
    vessel = identifiers_of(
        "Vessel",
        {"imoNumber": ["9074729"], "mmsi": ["366123456"], "registrationNumber": ["PH-123"]},
    )
    assert vessel == [
        Identifier(IdKind.IMO, "IMO9074729", True, None),
        Identifier(IdKind.MMSI, "366123456", True, None),
    ]


def test_company_registration_and_invalid_values_are_reported() -> None:
    found = identifiers_of(
        "Company",
        {"registrationNumber": ["HRB 12345"], "innCode": ["7707083893"], "phone": ["abc", "+1"]},
    )
    assert found[:2] == [
        Identifier(IdKind.ID_NUMBER, "HRB12345", True, None),
        Identifier(IdKind.ID_NUMBER, "7707083893", True, None),
    ]
    assert [(i.kind, i.valid) for i in found[2:]] == [(IdKind.PHONE, False)]


def test_country_property_is_the_phone_region() -> None:
    found = identifiers_of("Company", {"country": ["ru"], "phone": ["8 (912) 345-67-89"]})
    assert found == [Identifier(IdKind.PHONE, "+79123456789", True, None)]


def test_a_bare_string_is_one_value() -> None:
    assert identifiers_of("Person", {"email": "a@b.org"}) == [
        Identifier(IdKind.EMAIL, "a@b.org", True, None)
    ]


def test_identifier_count_is_capped() -> None:
    emails = [f"user{i}@example.org" for i in range(1000)]
    found = identifiers_of("Person", {"email": emails})
    assert len(found) == MAX_IDENTIFIERS
    assert found[-1].value == f"user{MAX_IDENTIFIERS - 1}@example.org"


def test_duplicates_do_not_cause_unbounded_work() -> None:
    many = ["+63 917 123 4567"] * 100_000 + ["a@b.org"]
    found = identifiers_of("Person", {"phone": many, "email": ["a@b.org"]})
    assert found == [Identifier(IdKind.PHONE, "+639171234567", True, None)]


@pytest.mark.parametrize("locale", ["ru_RU", "ar_SA", "de_DE", "en_US", "en_GB"])
def test_cleaned_phones_are_taken_as_the_normaliser_would_make_them(locale: str) -> None:
    """A phone that FollowTheMoney cleaned is not parsed again; the result is the same."""
    from faker import Faker
    from followthemoney import model

    faker = Faker(locale)
    faker.seed_instance(18)
    region = locale[-2:].lower()
    kept = 0
    for _ in range(60):
        proxy = model.make_entity("Person")
        proxy.add("phone", faker.phone_number(), fuzzy=True, format=region)
        proxy.add("country", region)
        if not proxy.get("phone"):
            continue  # FtM refused it: such a value never reaches a stored record
        kept += 1
        props = proxy.properties
        assert identifiers_of("Person", props, cleaned=True) == identifiers_of("Person", props)
    assert kept >= 5  # enough cleaned numbers per locale for the check to mean something


def test_an_uncleaned_e164_looking_phone_is_still_validated() -> None:
    props = {"phone": ["+10000000000"]}
    (found,) = identifiers_of("Person", props)
    assert not found.valid
    (trusted,) = identifiers_of("Person", props, cleaned=True)
    assert trusted.valid  # the caller promised FtM had cleaned it: only say so when it did


# --- readings: an identifier typed into a search box -----------------------------------------


def _read(text: str, country: str | None = None) -> list[tuple[str, str]]:
    return [(r.kind.value, r.value) for r in readings(text, country)]


@pytest.mark.parametrize(
    ("text", "country"),
    [("0917 123 4567", "PH"), ("+63 917 123 4567", None), ("+639171234567", "RU")],
)
def test_a_phone_reads_as_the_key_records_are_indexed_by(text: str, country: str | None) -> None:
    assert ("phone", "+639171234567") in _read(text, country)
    held = identifiers_of("Person", {"phone": ["+639171234567"]})
    assert [(i.kind.value, i.value) for i in held] == [("phone", "+639171234567")]


def test_unambiguous_formats_read_as_one_kind() -> None:
    assert _read("J.Doe@Example.ORG") == [("email", "j.doe@example.org")]
    assert _read("GB82 WEST 1234 5698 7654 32") == [("iban", "GB82WEST12345698765432")]
    assert _read("IMO 9074729") == [("imo", "IMO9074729")]
    assert _read("MMSI 273123456") == [("mmsi", "273123456")]
    wallet = "0x52908400098527886E0F7030069857D2E4169EE7"
    assert _read(wallet) == [("wallet", wallet.lower())]


def test_numbers_read_every_plausible_way() -> None:
    assert _read("P1234567A") == [("passport", "P1234567A"), ("id_number", "P1234567A")]
    assert _read("9074729") == [
        ("imo", "IMO9074729"),
        ("passport", "9074729"),
        ("id_number", "9074729"),
    ]
    assert ("phone", "+639171234567") not in _read("0917 123 4567")  # no country, no phone


@pytest.mark.parametrize(
    "text", ["Juan dela Cruz", "Ocean Star 2", "", "   ", "x@", "1234", "a" * 300, "GB82 WEST"]
)
def test_names_and_garbage_read_as_nothing(text: str) -> None:
    assert readings(text, "PH") == ()
