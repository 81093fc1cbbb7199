"""Normalise and validate the identifiers found on FollowTheMoney entities.

Two agencies rarely write the same identifier the same way: ``+63 917 123 4567`` and
``(0917)1234567``, ``GB82 WEST 1234 5698 7654 32`` and ``gb82west12345698765432``.
:func:`normalise` turns one raw value into an :class:`Identifier` whose ``value`` is the
comparison / index key, and whose ``valid`` / ``reason`` report garbage (bad check digits,
impossible formats) without dropping it: an invalid identifier still carries its best-effort
normalised value, so the caller decides whether to match on it or only flag it.

:func:`identifiers_of` reads the identifier properties of an entity given as schema name and
property dict. Everything here is pure: no I/O, no clock, no randomness.

Choices worth knowing:

* Passport and ID numbers keep letter ``O`` and digit ``0`` (and ``I`` / ``1``) apart. ICAO 9303
  gives them different check-digit values (``O`` = 24, ``0`` = 0), issuers use both, and folding
  them would make distinct documents compare equal. Only Cyrillic letters that look like Latin
  ones (a keyboard-layout slip, not a different character for the issuer) are transliterated.
* Input is NFKC-normalised first, so full-width ``ＡＢ１２３`` reads as ``AB123``.
* E-mail addresses are lowercased entirely, the local part included. RFC 5321 lets a server
  treat the local part case-sensitively, but the big providers do not, and two agencies
  writing ``J.Doe@`` and ``j.doe@`` almost always mean the same mailbox.
* Phone numbers are compared in E.164, which drops extensions.
* Ethereum addresses are lowercased; a mixed-case address must pass its EIP-55 checksum,
  computed with the small pure-Python Keccak-256 below (``hashlib.sha3_256`` is the NIST
  variant, whose padding differs, so it cannot be used).
* Bounds against hostile input: a raw value longer than ``MAX_RAW_LENGTH`` characters is
  reported invalid without further parsing, and :func:`identifiers_of` returns at most
  ``MAX_IDENTIFIERS`` identifiers after reading at most ``MAX_VALUES`` values; the rest are
  dropped silently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from rigour.ids import IMO as RIGOUR_IMO
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

__all__ = [
    "IdKind",
    "Identifier",
    "icao_check_digit",
    "identifiers_of",
    "normalise",
    "readings",
]

MAX_IDENTIFIERS = 200
MAX_VALUES = 1000
MAX_RAW_LENGTH = 256


class IdKind(StrEnum):
    """The kinds of identifier Liaison compares across agencies."""

    PASSPORT = "passport"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    IBAN = "iban"
    IMO = "imo"
    MMSI = "mmsi"
    EMAIL = "email"
    WALLET = "wallet"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier: ``value`` is the comparison key, ``reason`` why it is invalid."""

    kind: IdKind
    value: str
    valid: bool
    reason: str | None


def _ok(kind: IdKind, value: str) -> Identifier:
    return Identifier(kind, value, True, None)


def _bad(kind: IdKind, value: str, reason: str) -> Identifier:
    return Identifier(kind, value, False, reason)


# --- ICAO 9303 documents (passports, ID numbers) ------------------------------------------------

_ICAO_WEIGHTS = (7, 3, 1)
_ICAO_CHARS = re.compile(r"[A-Z0-9]*")
# Passport (TD3) MRZ line 2: number, check digit, nationality, birth date + check digit, sex,
# expiry + check digit, optional data, two check digits.
_TD3_LINE2 = re.compile(
    r"[A-Z0-9<]{9}[0-9<][A-Z<]{3}[0-9<]{7}[MFX<][0-9<]{7}[A-Z0-9<]{14}[0-9<]{2}"
)
_DOC_SEPARATORS = re.compile(r"[\s\-/.<]+")
_CYRILLIC_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_MAX_PASSPORT_LENGTH = 20


def _icao_value(char: str) -> int:
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"character {char!r} is not allowed in an ICAO 9303 MRZ")


def icao_check_digit(text: str) -> str:
    """ICAO 9303 check digit of ``text``: weights 7, 3, 1; A=10..Z=35; ``<`` = 0.

    Raises ``ValueError`` for a character outside the MRZ set (A-Z, 0-9, ``<``).
    """
    total = sum(_icao_value(c) * _ICAO_WEIGHTS[i % 3] for i, c in enumerate(text))
    return str(total % 10)


def _from_td3(kind: IdKind, line: str) -> Identifier | None:
    number = line[:9].replace("<", "")
    if not number:
        return None
    if line[9] != icao_check_digit(line[:9]):
        return _bad(kind, number, "check digit")
    return _ok(kind, number)


# Labels written before a number ("No. 295017", "OGRN 1027700132195", "Reg. No: 1234"):
# not part of it.
_NUMBER_LABEL = re.compile(
    r"^(?:NO|NR|N°|№|NUMBER|REG(?:ISTRATION)?(?:[\s.]*NO)?|OGRNIP|OGRN|INN|KPP|CRN?|UEN|ROC|SSM"
    r"|COMPANY[\s.]*NO|PASSPORT(?:[\s.]*NO)?)[\s.:#№-]+(?=\S*\d)"
)


def _normalise_document(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    text = _NUMBER_LABEL.sub("", raw.strip().upper())
    compact = re.sub(r"\s+", "", text)
    if _TD3_LINE2.fullmatch(compact):
        return _from_td3(kind, compact)
    value = _DOC_SEPARATORS.sub("", text.translate(_CYRILLIC_LOOKALIKES))
    if not value:
        return None
    if not _ICAO_CHARS.fullmatch(value):
        bad = next(c for c in value if not _ICAO_CHARS.fullmatch(c))
        reason = f"character {bad!r} (U+{ord(bad):04X}) is outside the ICAO 9303 set A-Z, 0-9"
        return _bad(kind, value, reason)
    if kind is IdKind.PASSPORT and len(value) > _MAX_PASSPORT_LENGTH:
        return _bad(kind, value, f"longer than {_MAX_PASSPORT_LENGTH} characters")
    return _ok(kind, value)


# --- Phone numbers --------------------------------------------------------------------------------

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "missing or unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}


def _region(country: str | None) -> str | None:
    if country is None:
        return None
    code = country.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def _digits_only(raw: str) -> str:
    digits = "".join(str(unicodedata.decimal(c)) for c in raw if c.isdecimal())
    if digits and raw.startswith("+"):
        return "+" + digits
    return digits


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def _normalise_phone(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    fallback = _digits_only(raw)
    if not fallback:
        return None
    try:
        number = phonenumbers.parse(raw, _region(country))
    except phonenumbers.NumberParseException as exc:
        return _bad(kind, fallback, _PARSE_ERRORS.get(exc.error_type, "unparseable"))
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        return _bad(kind, value, "not a valid number for its country")
    return _ok(kind, value)


# --- Bank accounts, ships -------------------------------------------------------------------------

_IBAN_PREFIX = re.compile(r"^IBAN[\s:]*")


def _iban_reason(exc: ValidationError) -> str:
    if isinstance(exc, InvalidChecksum):
        return "checksum"
    if isinstance(exc, InvalidLength):
        return "length"
    if isinstance(exc, InvalidComponent):
        return "unknown country or bank code"
    return "format"


def _normalise_iban(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    value = stdnum_iban.compact(_IBAN_PREFIX.sub("", raw.upper()))
    if not value:
        return None
    try:
        stdnum_iban.validate(value)
    except ValidationError as exc:
        return _bad(kind, value, _iban_reason(exc))
    return _ok(kind, value)


_SHIP_NUMBER_NOISE = re.compile(r"[\s\-.:#]+")


def _ship_digits(raw: str, prefix: str) -> str:
    text = _SHIP_NUMBER_NOISE.sub("", raw.upper())
    return text.removeprefix(prefix)


def _normalise_imo(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    digits = _ship_digits(raw, "IMO")
    if not digits:
        return None
    if not (digits.isascii() and digits.isdigit()):
        return _bad(kind, digits, "an IMO number is 7 digits")
    if not 5 <= len(digits) <= 7:
        return _bad(kind, "IMO" + digits, "an IMO number is 7 digits")
    value = "IMO" + digits.zfill(7)  # sources often drop leading zeros
    if RIGOUR_IMO.normalize(value) != value:
        return _bad(kind, value, "check digit")
    return _ok(kind, value)


_MMSI_SHIP_MID = range(201, 776)


def _normalise_mmsi(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    value = _ship_digits(raw, "MMSI")
    if not value:
        return None
    if not (len(value) == 9 and value.isascii() and value.isdigit()):
        return _bad(kind, value, "an MMSI is 9 digits")
    if int(value[:3]) not in _MMSI_SHIP_MID:
        return _bad(kind, value, f"MID {value[:3]} is not a ship station (201-775)")
    return _ok(kind, value)


# --- E-mail ---------------------------------------------------------------------------------------


def _unwrap_email(raw: str) -> str:
    text = raw.strip()
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :].split("?", 1)[0].strip()
    return text.lower()


def _email_problem(value: str) -> str | None:
    if value.count("@") != 1:
        return "must contain exactly one '@'"
    local, domain = value.split("@")
    if not local:
        return "empty local part"
    if any(c.isspace() for c in value):
        return "contains whitespace"
    if "." not in domain or "" in domain.split("."):
        return "domain must be dotted, like example.org"
    return None


def _normalise_email(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    value = _unwrap_email(raw)
    if not value:
        return None
    problem = _email_problem(value)
    return _ok(kind, value) if problem is None else _bad(kind, value, problem)


# --- Keccak-256 (for EIP-55) ----------------------------------------------------------------------

_MASK64 = (1 << 64) - 1
_KECCAK_RATE = 136  # bytes, for a 256-bit output
_KECCAK_ROUNDS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
# Rotation offsets, indexed x + 5 * y like the state lanes.
_KECCAK_ROTATIONS = (
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
)  # fmt: skip


def _rotl64(lane: int, shift: int) -> int:
    return ((lane << shift) | (lane >> (64 - shift))) & _MASK64


def _keccak_round(a: list[int], constant: int) -> list[int]:
    c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
    d = [c[(x - 1) % 5] ^ _rotl64(c[(x + 1) % 5], 1) for x in range(5)]
    b = [0] * 25
    for i in range(25):
        x, y = i % 5, i // 5
        b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl64(a[i] ^ d[x], _KECCAK_ROTATIONS[i])
    out = [b[i] ^ (~b[(i + 1) % 5 + i - i % 5] & b[(i + 2) % 5 + i - i % 5]) for i in range(25)]
    out[0] ^= constant
    return out


def _keccak_sponge(data: bytes, domain: int) -> bytes:
    """256-bit Keccak sponge; ``domain`` 0x01 is Keccak-256, 0x06 is NIST SHA3-256."""
    padded = bytearray(data) + bytes([domain])
    padded += bytes(-len(padded) % _KECCAK_RATE)
    padded[-1] |= 0x80
    state = [0] * 25
    for start in range(0, len(padded), _KECCAK_RATE):
        for i in range(_KECCAK_RATE // 8):
            offset = start + 8 * i
            state[i] ^= int.from_bytes(padded[offset : offset + 8], "little")
        for constant in _KECCAK_ROUNDS:
            state = _keccak_round(state, constant)
    return b"".join(lane.to_bytes(8, "little") for lane in state[:4])


def _keccak256(data: bytes) -> bytes:
    return _keccak_sponge(data, 0x01)


# --- Crypto wallets -------------------------------------------------------------------------------

_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {c: i for i, c in enumerate(_BASE58_ALPHABET)}
_BTC_LEGACY = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{24,34}")
_BTC_LEGACY_VERSIONS = (0x00, 0x05)  # P2PKH ("1..."), P2SH ("3...")
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_ETH_ADDRESS = re.compile(r"0[xX][0-9a-fA-F]{40}")


def _base58_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58_INDEX[char]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return bytes(leading_zeros) + body


def _btc_legacy_problem(address: str) -> str | None:
    payload = _base58_decode(address)
    if len(payload) != 25 or payload[0] not in _BTC_LEGACY_VERSIONS:
        return "not a Bitcoin address payload"
    digest = hashlib.sha256(hashlib.sha256(payload[:21]).digest()).digest()
    return None if digest[:4] == payload[21:] else "checksum"


def _bech32_polymod(values: Sequence[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(_BECH32_GENERATOR):
            if (top >> i) & 1:
                checksum ^= generator
    return checksum


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: Sequence[int], from_bits: int, to_bits: int) -> list[int] | None:
    """Regroup ``from_bits``-bit groups into ``to_bits``-bit groups, without padding."""
    acc = bits = 0
    out: list[int] = []
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & ((1 << to_bits) - 1))
    if bits >= from_bits or (acc << (to_bits - bits)) & ((1 << to_bits) - 1):
        return None
    return out


def _segwit_problem(address: str) -> str | None:
    """BIP-173 / BIP-350 checks of a lowercase ``bc1...`` address."""
    hrp, _, data_part = address.rpartition("1")
    if hrp != "bc" or len(address) > 90 or len(data_part) < 7:
        return "not a Bitcoin segwit address"
    if any(c not in _BECH32_CHARSET for c in data_part):
        return "character outside the bech32 set"
    data = [_BECH32_CHARSET.index(c) for c in data_part]
    version, program = data[0], _convert_bits(data[1:-6], 5, 8)
    expected = _BECH32_CONST if version == 0 else _BECH32M_CONST
    if _bech32_polymod(_bech32_hrp_expand(hrp) + data) != expected:
        return "checksum"
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return "invalid witness program"
    if version == 0 and len(program) not in (20, 32):
        return "invalid witness program"
    return None


def _eip55_valid(hex_part: str) -> bool:
    digest = _keccak256(hex_part.lower().encode("ascii")).hex()
    for char, nibble in zip(hex_part, digest, strict=False):
        if char.isalpha() and char.isupper() != (int(nibble, 16) >= 8):
            return False
    return True


def _wallet(kind: IdKind, value: str, problem: str | None) -> Identifier:
    return _ok(kind, value) if problem is None else _bad(kind, value, problem)


def _normalise_wallet(kind: IdKind, raw: str, country: str | None) -> Identifier | None:
    text = raw.strip()
    if not text:
        return None
    if _ETH_ADDRESS.fullmatch(text):
        hex_part = text[2:]
        mixed = hex_part not in (hex_part.lower(), hex_part.upper())
        problem = "EIP-55 checksum" if mixed and not _eip55_valid(hex_part) else None
        return _wallet(kind, "0x" + hex_part.lower(), problem)
    if text.lower().startswith("bc1"):
        mixed = text not in (text.lower(), text.upper())
        problem = "mixed case" if mixed else _segwit_problem(text.lower())
        return _wallet(kind, text.lower(), problem)
    if _BTC_LEGACY.fullmatch(text):
        return _wallet(kind, text, _btc_legacy_problem(text))
    return _bad(kind, text, "unknown wallet format")


# --- Entry points ---------------------------------------------------------------------------------

_Normaliser = Callable[[IdKind, str, str | None], Identifier | None]

_NORMALISERS: dict[IdKind, _Normaliser] = {
    IdKind.PASSPORT: _normalise_document,
    IdKind.ID_NUMBER: _normalise_document,
    IdKind.PHONE: _normalise_phone,
    IdKind.IBAN: _normalise_iban,
    IdKind.IMO: _normalise_imo,
    IdKind.MMSI: _normalise_mmsi,
    IdKind.EMAIL: _normalise_email,
    IdKind.WALLET: _normalise_wallet,
}


def normalise(kind: IdKind, raw: str, country: str | None = None) -> Identifier | None:
    """Normalise and validate one raw identifier of ``kind``.

    ``country`` (ISO 3166 alpha-2, any case) is the default region for phone numbers written
    without ``+``; the other kinds ignore it. Returns None when nothing usable remains after
    cleaning (blank input, a phone value without a single digit).
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    if len(text) > MAX_RAW_LENGTH:
        return _bad(kind, text[:MAX_RAW_LENGTH], f"longer than {MAX_RAW_LENGTH} characters")
    return _NORMALISERS[kind](kind, text, country)


# Properties read on every schema that has them.
_COMMON_PROPERTIES: dict[str, IdKind] = {
    "passportNumber": IdKind.PASSPORT,
    "idNumber": IdKind.ID_NUMBER,
    "taxNumber": IdKind.ID_NUMBER,
    "innCode": IdKind.ID_NUMBER,
    "registrationNumber": IdKind.ID_NUMBER,
    "phone": IdKind.PHONE,
    "email": IdKind.EMAIL,
    "iban": IdKind.IBAN,
    "imoNumber": IdKind.IMO,
    "mmsi": IdKind.MMSI,
}
# Properties whose meaning depends on the schema.
_SCHEMA_PROPERTIES: dict[str, dict[str, IdKind]] = {
    "Passport": {"number": IdKind.PASSPORT},
    "Identification": {"number": IdKind.ID_NUMBER},
    "CryptoWallet": {"publicKey": IdKind.WALLET},
}
# On these schemas ``registrationNumber`` is a plate, a vessel or aircraft mark, a land
# registry or a securities number: not a party's identity document.
_NOT_ID_REGISTRATION = frozenset({"Vehicle", "Vessel", "Airplane", "RealEstate", "Security"})
_REGION_PROPERTIES = ("country", "nationality", "citizenship")


def _kind_of(schema: str, prop: str) -> IdKind | None:
    specific = _SCHEMA_PROPERTIES.get(schema, {}).get(prop)
    if specific is not None:
        return specific
    if prop == "registrationNumber" and schema in _NOT_ID_REGISTRATION:
        return None
    return _COMMON_PROPERTIES.get(prop)


def _values(properties: Mapping[str, Sequence[str]], prop: str) -> Sequence[str]:
    values = properties.get(prop) or ()
    return (values,) if isinstance(values, str) else values


def _default_region(properties: Mapping[str, Sequence[str]]) -> str | None:
    for prop in _REGION_PROPERTIES:
        for value in _values(properties, prop):
            region = _region(value)
            if region is not None:
                return region
    return None


def _raw_values(schema: str, properties: Mapping[str, Sequence[str]]) -> list[tuple[IdKind, str]]:
    """At most ``MAX_VALUES`` (kind, raw) pairs, in property order."""
    pairs: list[tuple[IdKind, str]] = []
    for prop in properties:
        kind = _kind_of(schema, prop)
        if kind is None:
            continue
        for raw in _values(properties, prop):
            if len(pairs) >= MAX_VALUES:
                return pairs
            if isinstance(raw, str):
                pairs.append((kind, raw))
    return pairs


def identifiers_of(
    schema: str, properties: Mapping[str, Sequence[str]], cleaned: bool = False
) -> list[Identifier]:
    """The normalised identifiers of an entity, deduplicated by (kind, value), in property order.

    The first two-letter ``country`` / ``nationality`` / ``citizenship`` value is the default
    region for phone numbers. At most ``MAX_IDENTIFIERS`` are returned, from the first
    ``MAX_VALUES`` identifier values; the rest are dropped silently.

    ``cleaned``: the values passed FollowTheMoney's cleaning in this process (a record just
    validated). Its phone type keeps only numbers that ``phonenumbers`` finds valid, written in
    E.164, which is what this module would make of them: such a value is taken as it is instead
    of being parsed a second time (``phonenumbers`` was a tenth of a bulk import's time).
    """
    region = _default_region(properties)
    seen: set[tuple[IdKind, str]] = set()
    found: list[Identifier] = []
    for kind, raw in _raw_values(schema, properties):
        trusted = cleaned and kind is IdKind.PHONE and _E164.fullmatch(raw) is not None
        ident = _ok(kind, raw) if trusted else normalise(kind, raw, region)
        if ident is None or (kind, ident.value) in seen:
            continue
        seen.add((kind, ident.value))
        found.append(ident)
        if len(found) >= MAX_IDENTIFIERS:
            break
    return found


# --- What an identifier typed into a search box can be ------------------------------------------

# Formats that cannot be anything else: an '@', an IBAN's or a wallet's checksum.
_UNAMBIGUOUS = (IdKind.IBAN, IdKind.WALLET)
_SHIP_LABELS = {"IMO": IdKind.IMO, "MMSI": IdKind.MMSI}
_DOCUMENTS = (IdKind.PASSPORT, IdKind.ID_NUMBER)
_PLAUSIBLE = (IdKind.PHONE, IdKind.IMO, IdKind.MMSI)
MIN_DOCUMENT_LENGTH = 5


def _document_like(value: str) -> bool:
    """A document number, not a word or a vessel's name: at least as many digits as
    letters (``P1234567A``, ``CS201912345``; not ``OCEANSTAR2``)."""
    digits = sum(c.isdigit() for c in value)
    return len(value) >= MIN_DOCUMENT_LENGTH and digits > 0 and digits * 2 >= len(value)


def readings(text: str, country: str | None = None) -> tuple[Identifier, ...]:
    """What ``text``, typed by someone looking for an identifier, can be: each reading
    normalised by :func:`normalise` as :func:`identifiers_of` normalises an entity's
    values, so that its ``kind:value`` is the key the candidate index holds.

    ``country`` is the default region for phone numbers written without ``+``. Text
    with an ``@`` is an e-mail address, and a valid IBAN or wallet is only that; a
    label (``IMO 9074729``, ``MMSI 273...``) says the kind. Otherwise every valid
    phone, IMO and MMSI reading, and a passport and an ID number when the text looks
    like a document number (:func:`_document_like`). Invalid readings are left out
    (records cannot hold them: FollowTheMoney refused them), so a name reads as
    nothing (``()``).
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw or len(raw) > MAX_RAW_LENGTH:
        return ()
    if "@" in raw:
        return _valid(IdKind.EMAIL, raw, None)
    for kind in _UNAMBIGUOUS:
        if definite := _valid(kind, raw, None):
            return definite
    label = next((k for p, k in _SHIP_LABELS.items() if raw.upper().startswith(p)), None)
    if label is not None and (labelled := _valid(label, raw, None)):
        return labelled
    found = [r for kind in _PLAUSIBLE for r in _valid(kind, raw, country)]
    found += [r for kind in _DOCUMENTS for r in _valid(kind, raw, None) if _document_like(r.value)]
    return tuple(found)


def _valid(kind: IdKind, raw: str, country: str | None) -> tuple[Identifier, ...]:
    found = normalise(kind, raw, country)
    return (found,) if found is not None and found.valid else ()
