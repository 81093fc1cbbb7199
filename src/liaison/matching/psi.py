"""Hit/no-hit for exact identifiers: an OPRF over ristretto255 with bucketed answers (pure).

A querying node A learns whether an identifier it holds (passport, phone, IBAN...) is in the
set that an answering node B may offer it under an agreement, and an opaque reference for the
follow-up request; B learns that a query happened, and nothing about the identifier beyond a
few bits of an unkeyed hash (below). Identifiers are normalised elsewhere
(:mod:`liaison.matching.identifiers`); this module takes ``(kind, value)`` strings as given.

Threat model
------------
A shared-key HMAC is not enough: whoever holds the key computes the tag of every passport
number offline (the space is 10^7-10^9 per issuer, minutes to hours on one core) and reads
the other side's index. Here only B holds the key ``k``, and A can obtain ``F_k(x)`` only by
asking B to evaluate a blinded point: one online, logged, rate-limitable request per value.

B must not be able to tell *which* identifier A asked about either. So B never sees anything
it could test candidates against: in particular A never sends the tag ``F_k(x)`` back to B
(B holds ``k``, so it could compute the tag of every possible passport number and find
``x`` whether or not it holds it). Instead B sends A the tags of one *bucket* of its index
and A checks membership locally. The bucket number is the top ``bits`` (at most 16)
of an unkeyed SHA-256 of ``(kind, value)``; it does not depend on the agreement or the
period, so repeated queries for the same identifier reveal the same bits and no more.

Protocol (one round trip for one query or a batch)::

    A: x = (kind, value)                               B: key k for (agreement, period)
       m = input(agreement, period, kind, value)          index: for each offered y,
       r random scalar; M = r * H(m)                        bucket key(y), tag(y),
       b = top bits of bucket key(x)                        reference(y)
                    --- bits, buckets {b}, elements {M} --->
                                                      M canonical, not the identity
                                                      Z = k * M
                                                      the tags of each bucket b, padded
                                                      with dummies to a fixed count
                    <--- elements {Z}, tags ---
       N = r^-1 * Z = k * H(m)
       out = SHA-512(len m || m || len N || N || "Finalize")
       a hit if out[:8] is among the tags; then reference = out[8:24]

``H``, the key derivation and ``out`` are the OPRF of RFC 9497 (mode 0, ristretto255-SHA512)
and reproduce its test vectors; ``m`` binds the protocol name, agreement id, key period,
identifier kind and value (each length-prefixed). The 8-byte tag is all that B sends about an
entry; the 16-byte reference, the next bytes of the same output, never travels until A follows
up a hit with it. It is an unguessable capability: only a node that had B evaluate that very
identifier can present it, and B resolves it from its own index rows. A false hit needs a
64-bit collision (about 5e-10 for 10,000 identifiers against 1,000,000 tags) and would
only show as an unknown reference at follow-up.

A chooses ``bits`` per request (:meth:`BucketPlan.best_bits`): the most its limit allows for
one identifier (small buckets), none for a batch that would touch most buckets anyway (then
B sends every tag once). B pads every bucket to a count computed from its index size rounded
up to a power of two, so A learns the size to within a factor of two.

What each side learns
---------------------
* A: hit or no hit for the identifiers it had B evaluate, the reference of each hit, B's
  index size to a power of two, and the tags of other entries in the buckets it asked for.
  Those tags are useless without more evaluations by B, and worthless once the period's key
  is rotated; A should discard them.
* B: that a query of n identifiers happened, the bucket numbers (at most ``bits`` bits of an
  unkeyed hash of each identifier, which also links repeated queries for one identifier)
  and the timing. B does not learn whether a query hit, until A follows up.
* A malicious B can answer with a different key or chosen tags; it still learns nothing
  from the exchange itself. Proving that B used its committed key (the VOPRF mode of
  RFC 9497) is not done here.

Cost on one core (libsodium through ``rbcl``): hashing to the group about 22 us, one scalar
multiplication about 63 us. An index entry costs one of each (about 90 us); a query costs A
two multiplications and one hash to the group (one scalar inversion per batch), and B one
multiplication. See ``bench/psi.py``.

:func:`build_index` is the one function here that starts processes (a pool of ``workers``);
everything else is pure: no I/O, no clock. Randomness is drawn only for blinds and keys, and
tests can pass their own.
"""

from __future__ import annotations

import base64
import hashlib
import math
import multiprocessing
import os
import re
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from typing import Any, Literal, NamedTuple

# rbcl ships annotations but no py.typed marker, so mypy sees it as untyped; its results are
# wrapped in bytes() below.
import rbcl  # type: ignore[import-untyped]

from liaison.errors import InvalidInput, MessageRefused

__all__ = [
    "DEFAULT_MAX_BITS",
    "ELEMENT_BYTES",
    "MAX_BUCKET_BITS",
    "MAX_ELEMENTS",
    "PROTOCOL",
    "REFERENCE_BYTES",
    "TAG_BYTES",
    "Blinded",
    "BucketPlan",
    "Domain",
    "Entry",
    "Index",
    "Item",
    "Probe",
    "Request",
    "Response",
    "ServerKey",
    "b64decode",
    "b64encode",
    "blind",
    "blind_many",
    "bucket_key",
    "build_index",
    "check_element",
    "derive_key",
    "evaluate",
    "evaluate_many",
    "finalize",
    "finalize_many",
    "generate_key",
    "index_entries",
    "index_entry",
    "make_request",
    "new_master_secret",
    "oprf_input",
    "padded_bucket",
    "read_response",
    "respond",
]

PROTOCOL = "liaison-psi-v1"
ELEMENT_BYTES = 32
SCALAR_BYTES = 32
TAG_BYTES = 8
REFERENCE_BYTES = 16
BUCKET_KEY_BITS = 32
MAX_BUCKET_BITS = 16
DEFAULT_MAX_BITS = 12
MAX_ELEMENTS = 10_000
MAX_PART_BYTES = 1024
MIN_MASTER_SECRET_BYTES = 32

Item = tuple[str, str]
"""An identifier as ``(kind, value)``, both already normalised."""

# RFC 9497: OPRF mode 0 with ristretto255 and SHA-512.
_CONTEXT = b"OPRFV1-\x00-ristretto255-SHA512"
_HASH_TO_GROUP_DST = b"HashToGroup-" + _CONTEXT
_DERIVE_KEY_DST = b"DeriveKeyPair" + _CONTEXT
_ORDER = 2**252 + 27742317777372353535851937790883648493
_IDENTITY = bytes(ELEMENT_BYTES)
_Z_PAD = bytes(128)  # SHA-512's block size
_BUCKET_PREFIX = b"liaison-psi-bucket-v1\x00"
_PAD_PREFIX = b"liaison-psi-pad-v1\x00"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_REFERENCE_END = TAG_BYTES + REFERENCE_BYTES
if array("Q").itemsize != TAG_BYTES:  # pragma: no cover - true on every CPython platform
    raise ImportError("liaison.matching.psi needs 64-bit array items")


# --- group operations (typed wrappers around libsodium) ------------------------------------------


def _mul(scalar: bytes, element: bytes) -> bytes:
    return bytes(rbcl.crypto_scalarmult_ristretto255(scalar, element))


def _from_hash(uniform: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_from_hash(uniform))


def _scalar_mul(a: bytes, b: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_scalar_mul(a, b))


def _invert(scalar: bytes) -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_scalar_invert(scalar))


def _random_scalar() -> bytes:
    return bytes(rbcl.crypto_core_ristretto255_scalar_random())


def _is_scalar(data: bytes) -> bool:
    return len(data) == SCALAR_BYTES and 0 < int.from_bytes(data, "little") < _ORDER


def check_element(data: bytes, field: str = "element") -> bytes:
    """Return ``data`` if it is the canonical encoding of a group element other than the identity.

    Raises :class:`~liaison.errors.MessageRefused` otherwise: elements come from the other node.
    """
    if len(data) != ELEMENT_BYTES:
        raise MessageRefused(field, data.hex(), f"must be {ELEMENT_BYTES} bytes, not {len(data)}")
    if data == _IDENTITY:
        raise MessageRefused(field, data.hex(), "is the identity element")
    # libsodium (as bundled in rbcl 1.1.2) ignores the top bit and accepts an alias of a valid
    # encoding with it set; RFC 9496 requires refusing it.
    if data[-1] & 0x80 or not rbcl.crypto_core_ristretto255_is_valid_point(data):
        raise MessageRefused(field, data.hex(), "is not a canonical ristretto255 encoding")
    return data


# --- RFC 9497 building blocks -------------------------------------------------------------------


def _expand(message: bytes, dst: bytes) -> bytes:
    """RFC 9380 ``expand_message_xmd`` with SHA-512 and 64 bytes of output (a single block)."""
    dst_prime = dst + bytes([len(dst)])
    b0 = hashlib.sha512(_Z_PAD + message + b"\x00\x40\x00" + dst_prime).digest()
    return hashlib.sha512(b0 + b"\x01" + dst_prime).digest()


def _hash_to_group(message: bytes) -> bytes:
    element = _from_hash(_expand(message, _HASH_TO_GROUP_DST))
    if element == _IDENTITY:  # probability 2^-252; RFC 9497 still says to check
        raise InvalidInput("item", message.hex(), "hashes to the identity element")
    return element


def _output(message: bytes, unblinded: bytes) -> bytes:
    """RFC 9497 ``Finalize``: 64 bytes; the first 16 are the tag, the next 16 the mask."""
    return hashlib.sha512(_frame(message, unblinded) + b"Finalize").digest()


def _frame(*parts: bytes) -> bytes:
    return b"".join(len(part).to_bytes(2, "big") + part for part in parts)


# --- domain, inputs and buckets -----------------------------------------------------------------


def _part(name: str, text: str) -> bytes:
    data = text.encode("utf-8")
    if not data:
        raise InvalidInput(name, text, "must not be empty")
    if len(data) > MAX_PART_BYTES:
        raise InvalidInput(name, text, f"longer than {MAX_PART_BYTES} bytes in UTF-8")
    return data


@dataclass(frozen=True, slots=True)
class Domain:
    """What a key and every tag are bound to: one agreement and one key period (``2026-11``)."""

    agreement_id: str
    period: str
    _info: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _part("agreement_id", self.agreement_id), _part("period", self.period)
        object.__setattr__(self, "_info", _frame(PROTOCOL.encode(), *parts))

    def info(self) -> bytes:
        """The length-prefixed protocol name, agreement id and period."""
        return self._info


def _item_bytes(item: Item) -> bytes:
    kind, value = item
    return _frame(_part("kind", kind), _part("value", value))


def oprf_input(domain: Domain, item: Item) -> bytes:
    """The OPRF input for one identifier: domain, kind and value, each length-prefixed."""
    return domain.info() + _item_bytes(item)


def bucket_key(item: Item) -> int:
    """A 32-bit unkeyed hash of ``(kind, value)``; a bucket is its top ``bits`` bits.

    Independent of agreement and period on purpose: a node asking about the same identifier
    under several agreements or periods reveals the same bits each time, never more.
    """
    return _bucket_key(_item_bytes(item))


def _bucket_key(item_bytes: bytes) -> int:
    return int.from_bytes(hashlib.sha256(_BUCKET_PREFIX + item_bytes).digest()[:4], "big")


@dataclass(frozen=True, slots=True)
class BucketPlan:
    """How B's index is cut: ``bits`` of the bucket key, each bucket padded to ``pad`` entries."""

    bits: int
    pad: int

    def __post_init__(self) -> None:
        if not 0 <= self.bits <= MAX_BUCKET_BITS:
            raise InvalidInput("bits", self.bits, f"must be between 0 and {MAX_BUCKET_BITS}")
        if self.pad < 0:
            raise InvalidInput("pad", self.pad, "must not be negative")

    @classmethod
    def for_size(cls, size: int, bits: int) -> BucketPlan:
        """B's cut of an index of ``size`` entries at ``bits``.

        The pad leaves room for eight standard deviations above the mean bucket, computed
        from ``size`` rounded up to a power of two, so it tells A no more than that.
        """
        rounded = 1 << max(0, size - 1).bit_length()
        mean = rounded / (1 << bits)
        return cls(bits, 16 * math.ceil((mean + 8 * math.sqrt(mean) + 8) / 16))

    @classmethod
    def best_bits(cls, size: int, queries: int, max_bits: int = DEFAULT_MAX_BITS) -> int:
        """The bits at which ``queries`` identifiers get the fewest tags sent (fewer on a tie).

        ``max_bits`` is A's limit on what it reveals about each identifier.
        """

        def sent(bits: int) -> float:
            count = 1 << bits
            return count * (1 - (1 - 1 / count) ** queries) * cls.for_size(size, bits).pad

        return min(range(min(max_bits, MAX_BUCKET_BITS) + 1), key=sent)

    @property
    def buckets(self) -> int:
        return 1 << self.bits

    def bucket_of(self, key: int) -> int:
        return key >> (BUCKET_KEY_BITS - self.bits)

    def key_range(self, bucket: int) -> tuple[int, int]:
        """The bucket keys of ``bucket`` as a half-open range ``[low, high)`` (for SQL)."""
        shift = BUCKET_KEY_BITS - self.bits
        return bucket << shift, (bucket + 1) << shift


# --- keys ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerKey:
    """B's secret scalar for one domain. Never leaves B; its ``repr`` does not show it."""

    scalar: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _is_scalar(self.scalar):
            raise InvalidInput("key", "<redacted>", "is not a non-zero canonical scalar")


def new_master_secret() -> bytes:
    """32 random bytes from the operating system: a node's PSI master secret."""
    return os.urandom(MIN_MASTER_SECRET_BYTES)


def generate_key() -> ServerKey:
    """A random key (when none needs to be derived again later)."""
    return ServerKey(_random_scalar())


def derive_key(master_secret: bytes, domain: Domain) -> ServerKey:
    """The key for ``domain``: RFC 9497 ``DeriveKeyPair(master_secret, domain.info())``.

    Rotating keys is moving to a new period; the master secret stays on the node.
    """
    if len(master_secret) < MIN_MASTER_SECRET_BYTES:
        raise InvalidInput(
            "master_secret", "<redacted>", f"shorter than {MIN_MASTER_SECRET_BYTES} bytes"
        )
    return _derive_key_pair(master_secret, domain.info())


def _derive_key_pair(seed: bytes, info: bytes) -> ServerKey:
    derive_input = seed + _frame(info)
    for counter in range(256):
        uniform = _expand(derive_input + bytes([counter]), _DERIVE_KEY_DST)
        scalar = bytes(rbcl.crypto_core_ristretto255_scalar_reduce(uniform))
        if _is_scalar(scalar):
            return ServerKey(scalar)
    raise InvalidInput("master_secret", "<redacted>", "derived only zero scalars")


# --- the querying node (A) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Blinded:
    """One identifier ready to ask about: send ``element``; keep ``scalar`` until the answer."""

    item: Item
    message: bytes
    bucket_key: int
    element: bytes
    scalar: bytes = field(repr=False)


def blind(domain: Domain, item: Item, scalar: bytes | None = None) -> Blinded:
    """Blind one identifier with a fresh random scalar (or ``scalar``, for test vectors)."""
    r = _random_scalar() if scalar is None else scalar
    if not _is_scalar(r):
        raise InvalidInput("scalar", "<redacted>", "is not a non-zero canonical scalar")
    encoded = _item_bytes(item)
    message = domain.info() + encoded
    element = _mul(r, _hash_to_group(message))
    return Blinded(item, message, _bucket_key(encoded), element, r)


def blind_many(domain: Domain, items: Iterable[Item]) -> list[Blinded]:
    """Blind each identifier with its own scalar, so no two blinded elements are related."""
    return [blind(domain, item) for item in items]


@dataclass(frozen=True, slots=True)
class Probe:
    """The unblinded OPRF output for one identifier; ``match`` checks it against B's tags."""

    item: Item
    output: bytes = field(repr=False)

    @property
    def tag(self) -> bytes:
        return self.output[:TAG_BYTES]

    @property
    def reference(self) -> bytes:
        """What A presents to B to follow up a hit."""
        return self.output[TAG_BYTES:_REFERENCE_END]

    def match(self, tags: AbstractSet[int]) -> bytes | None:
        """The reference if the tag is among ``tags`` (:meth:`Response.tag_set`), else ``None``."""
        return self.reference if int.from_bytes(self.tag, "big") in tags else None


def finalize(blinded: Blinded, evaluated: bytes) -> Probe:
    """Unblind B's answer for one identifier and hash it (RFC 9497 ``Finalize``)."""
    return _finalized(blinded, evaluated, _invert(blinded.scalar), "elements[0]")


def finalize_many(blinded: Sequence[Blinded], evaluated: Sequence[bytes]) -> list[Probe]:
    """:func:`finalize` for a batch, with one scalar inversion for the whole batch."""
    if len(blinded) != len(evaluated):
        raise MessageRefused(
            "elements", len(evaluated), f"expected {len(blinded)} evaluated elements"
        )
    inverses = _invert_all([b.scalar for b in blinded])
    return [
        _finalized(b, e, inverse, f"elements[{i}]")
        for i, (b, e, inverse) in enumerate(zip(blinded, evaluated, inverses, strict=True))
    ]


def _finalized(blinded: Blinded, evaluated: bytes, inverse: bytes, field: str) -> Probe:
    unblinded = _mul(inverse, check_element(evaluated, field))
    return Probe(blinded.item, _output(blinded.message, unblinded))


def _invert_all(scalars: Sequence[bytes]) -> list[bytes]:
    """Montgomery's trick: n inverses for one inversion and 3(n-1) multiplications."""
    if not scalars:
        return []
    prefix = [scalars[0]]
    for s in scalars[1:]:
        prefix.append(_scalar_mul(prefix[-1], s))
    inverse = _invert(prefix[-1])
    out = [b""] * len(scalars)
    for i in range(len(scalars) - 1, 0, -1):
        out[i] = _scalar_mul(inverse, prefix[i - 1])
        inverse = _scalar_mul(inverse, scalars[i])
    out[0] = inverse
    return out


# --- the answering node (B) ---------------------------------------------------------------------


def evaluate(key: ServerKey, element: bytes, field: str = "element") -> bytes:
    """``k * element`` for a blinded element received from A, after checking it."""
    return _mul(key.scalar, check_element(element, field))


def evaluate_many(key: ServerKey, elements: Sequence[bytes]) -> list[bytes]:
    """:func:`evaluate` for each element; the first bad one refuses the whole batch."""
    return [evaluate(key, e, f"elements[{i}]") for i, e in enumerate(elements)]


class Entry(NamedTuple):
    """One row of B's index. Only ``tag`` is ever sent; ``reference`` resolves a follow-up."""

    bucket_key: int
    tag: bytes
    reference: bytes


def index_entry(key: ServerKey, domain: Domain, item: Item) -> Entry:
    """The index row for one identifier that B may offer under ``domain``."""
    encoded = _item_bytes(item)
    message = domain.info() + encoded
    out = _output(message, _mul(key.scalar, _hash_to_group(message)))
    return Entry(_bucket_key(encoded), out[:TAG_BYTES], out[TAG_BYTES:_REFERENCE_END])


def index_entries(key: ServerKey, domain: Domain, items: Iterable[Item]) -> list[Entry]:
    """:func:`index_entry` for each identifier, in one process.

    Give each distinct identifier once (a repeated one would show as a repeated tag); B maps
    the reference to every record that carries it.
    """
    return [index_entry(key, domain, item) for item in items]


def build_index(
    key: ServerKey,
    domain: Domain,
    items: Sequence[Item],
    *,
    workers: int = 1,
    chunk_size: int = 20_000,
    start_method: Literal["forkserver", "spawn", "fork"] = "forkserver",
) -> list[Entry]:
    """:func:`index_entries` spread over ``workers`` processes, in the order of ``items``.

    Workers are forked from a fork server by default: forking the calling process itself
    (``fork``) is unsafe when it runs threads (a web server), and ``spawn`` imports
    ``liaison`` again in every worker (seconds each). The fork server imports this module
    once, the first time, and stays up for later builds.
    """
    if workers <= 1 or len(items) <= chunk_size:
        return index_entries(key, domain, items)
    chunks = [items[i : i + chunk_size] for i in range(0, len(items), chunk_size)]
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":  # import liaison once in the server, not in every worker
        context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        parts = pool.map(index_entries, repeat(key), repeat(domain), chunks)
        return [entry for part in parts for entry in part]


def _tags(data: bytes) -> array[int]:
    """Packed tags as 64-bit integers read big-endian, so that they sort as the bytes do."""
    tags = array("Q", data)
    if sys.byteorder == "little":
        tags.byteswap()
    return tags


def _packed(tags: array[int]) -> bytes:
    if sys.byteorder == "little":
        tags = array("Q", tags)
        tags.byteswap()
    return tags.tobytes()


def _sorted_tags(data: bytes) -> bytes:
    return _packed(array("Q", sorted(_tags(data))))


def padded_bucket(
    key: ServerKey, domain: Domain, plan: BucketPlan, bucket: int, real: bytes
) -> bytes:
    """The tags of ``bucket`` padded to ``plan.pad`` with dummies and sorted.

    ``real`` is the bucket's packed real tags; sorted (as bytes, ``ORDER BY tag``) they
    make this fast, as the dummies are then merged into one run.

    Dummies are pseudorandom under the key, so asking twice in a period shows the same
    bucket, except that an identifier added to or removed from it in between shows as one
    tag changed. A bucket over the pad is sent whole (it then shows it is over).
    """
    count = len(real) // TAG_BYTES
    tags = _tags(real[: count * TAG_BYTES])
    if count < plan.pad:
        seed = _PAD_PREFIX + key.scalar + domain.info() + _frame(f"{plan.bits}:{bucket}".encode())
        tags.extend(
            _tags(hashlib.shake_256(seed).digest(plan.pad * TAG_BYTES)[count * TAG_BYTES :])
        )
    return _packed(array("Q", sorted(tags)))


@dataclass(frozen=True)
class Index:
    """An in-memory index for tests, benches and small nodes.

    ``buckets`` holds the sorted packed tags of each bucket at ``MAX_BUCKET_BITS``, from which
    a bucket at fewer bits is put together; ``everything`` holds all tags sorted (0 bits).
    """

    buckets: Mapping[int, bytes]
    everything: bytes
    size: int

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Index:
        parts: dict[int, list[bytes]] = {}
        finest = BucketPlan(MAX_BUCKET_BITS, 0)
        for entry in entries:
            parts.setdefault(finest.bucket_of(entry.bucket_key), []).append(entry.tag)
        buckets = {b: _sorted_tags(b"".join(p)) for b, p in parts.items()}
        everything = _sorted_tags(b"".join(buckets.values()))
        return cls(buckets, everything, len(everything) // TAG_BYTES)

    def real(self, bucket: int, bits: int) -> bytes:
        """The packed real tags of ``bucket`` when the index is cut at ``bits``."""
        if bits == 0:
            return self.everything
        shift = MAX_BUCKET_BITS - bits
        return b"".join(
            self.buckets.get(b, b"") for b in range(bucket << shift, (bucket + 1) << shift)
        )


# --- messages -----------------------------------------------------------------------------------


def b64encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: Any, field: str) -> bytes:
    """Strict inverse of :func:`b64encode`: anything else is refused."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise MessageRefused(field, text, "is not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    tail = len(text) % 4  # a last group of 2 or 3 characters has spare bits, which must be 0
    if tail and b64encode(data[len(data) - tail + 1 :]) != text[-tail:]:
        raise MessageRefused(field, text, "is not canonical base64url")
    return data


def _int_list(data: Mapping[str, Any], name: str) -> list[int]:
    values = data.get(name)
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise MessageRefused(name, values, "must be a list of integers")
    return values


def _elements(data: Mapping[str, Any], max_elements: int) -> tuple[bytes, ...]:
    texts = data.get("elements")
    if not isinstance(texts, list) or not texts or len(texts) > max_elements:
        shown = len(texts) if isinstance(texts, list) else texts
        raise MessageRefused("elements", shown, f"must be a list of 1 to {max_elements} items")
    return tuple(
        check_element(b64decode(t, f"elements[{i}]"), f"elements[{i}]") for i, t in enumerate(texts)
    )


def _check_protocol(data: Mapping[str, Any]) -> None:
    if data.get("protocol") != PROTOCOL:
        raise MessageRefused("protocol", data.get("protocol"), f"expected {PROTOCOL!r}")


@dataclass(frozen=True, slots=True)
class Request:
    """A's question: the bucket numbers it needs and one blinded element per identifier."""

    bits: int
    buckets: tuple[int, ...]
    elements: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": PROTOCOL,
            "bits": self.bits,
            "buckets": list(self.buckets),
            "elements": [b64encode(e) for e in self.elements],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], max_elements: int = MAX_ELEMENTS) -> Request:
        """Parse and check a request from another node (bucket numbers sorted and in range)."""
        _check_protocol(data)
        bits = data.get("bits")
        if not isinstance(bits, int) or isinstance(bits, bool) or not 0 <= bits <= MAX_BUCKET_BITS:
            raise MessageRefused("bits", bits, f"must be an integer from 0 to {MAX_BUCKET_BITS}")
        buckets = _int_list(data, "buckets")
        if not buckets or any(not 0 <= b < 1 << bits for b in buckets):
            raise MessageRefused("buckets", buckets, f"must be 1 or more numbers below 2^{bits}")
        if any(a >= b for a, b in pairwise(buckets)):
            raise MessageRefused("buckets", buckets, "must be sorted without repeats")
        elements = _elements(data, max_elements)
        if len(buckets) > len(elements):  # one bucket per identifier at most: no index dumps
            raise MessageRefused("buckets", len(buckets), "more buckets than elements")
        return cls(bits, tuple(buckets), elements)


@dataclass(frozen=True, slots=True)
class Response:
    """B's answer: evaluated elements in request order, and the padded tags of the buckets."""

    elements: tuple[bytes, ...]
    tags: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": PROTOCOL,
            "elements": [b64encode(e) for e in self.elements],
            "tags": b64encode(self.tags),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], max_elements: int = MAX_ELEMENTS) -> Response:
        """Parse and check a response from another node."""
        _check_protocol(data)
        elements = _elements(data, max_elements)
        tags = b64decode(data.get("tags"), "tags")
        if len(tags) % TAG_BYTES:
            raise MessageRefused("tags", len(tags), f"not a multiple of {TAG_BYTES} bytes")
        return cls(elements, tags)

    def tag_set(self) -> frozenset[int]:
        """The tags as integers, for :meth:`Probe.match`."""
        return frozenset(_tags(self.tags))


def make_request(queries: Sequence[Blinded], bits: int) -> Request:
    """A's request for ``queries``, cut at ``bits`` (see :meth:`BucketPlan.best_bits`)."""
    plan = BucketPlan(bits, 0)
    buckets = sorted({plan.bucket_of(q.bucket_key) for q in queries})
    return Request(bits, tuple(buckets), tuple(q.element for q in queries))


def respond(
    key: ServerKey, domain: Domain, size: int, request: Request, real: Mapping[int, bytes]
) -> Response:
    """B's answer: evaluate every element and send each requested bucket, padded.

    ``size`` is the number of entries in B's index for ``domain``; ``real`` maps each
    requested bucket to its packed real tags at ``request.bits`` (``Index.real``, or the
    rows whose bucket key is in ``BucketPlan.key_range``); a missing bucket is empty.
    """
    plan = BucketPlan.for_size(size, request.bits)
    elements = evaluate_many(key, request.elements)
    tags = b"".join(padded_bucket(key, domain, plan, b, real.get(b, b"")) for b in request.buckets)
    return Response(tuple(elements), tags)


def read_response(queries: Sequence[Blinded], response: Response) -> list[bytes | None]:
    """For each query in order: the reference of its hit, or ``None``."""
    tags = response.tag_set()
    return [probe.match(tags) for probe in finalize_many(queries, response.elements)]
