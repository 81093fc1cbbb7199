"""Property-based: every kind of tampering is found, at the right entry."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from liaison.audit.chain import GENESIS, Checkpoint, Entry, Head, sign_checkpoint, verify
from liaison.model.identity import NodeKey

KEY = NodeKey.generate()


def build_chain(n: int) -> list[Entry]:
    chain: list[Entry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = Entry(
            seq,
            f"2026-01-01T00:00:{seq:02d}",
            f"api:user{seq % 3}",
            "record.read",
            f"rec-{seq}",
            None,
            None,
            "ok",
            {"n": seq},
            prev,
        ).sealed()
        chain.append(entry)
        prev = entry.hash
    return chain


def signed_head(chain: list[Entry], key: NodeKey = KEY) -> Head:
    last = chain[-1]
    head = Head(last.seq, last.hash, KEY.node_id)
    return Head(head.seq, head.hash, head.node_id, key.sign(head.message()))


def check(
    chain: list[Entry],
    head: Head | None = None,
    checkpoints: list[Checkpoint] | None = None,
    every: int = 0,
) -> tuple[bool, int | None]:
    """Verify; by default against the head the untouched chain would have."""
    result = verify(chain, checkpoints or [], KEY.public_key, head, every)
    return result.ok, result.first_broken


sizes = st.integers(min_value=2, max_value=40)


@given(sizes)
def test_untouched_chain_verifies(n: int) -> None:
    chain = build_chain(n)
    assert check(chain, signed_head(chain)) == (True, None)


def test_missing_or_forged_head_is_found() -> None:
    chain = build_chain(5)
    assert check(chain, None) == (False, 6)
    assert check(chain, signed_head(chain, NodeKey.generate())) == (False, 6)


@given(sizes, st.data())
def test_modified_entry_is_found(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 1))
    field = data.draw(st.sampled_from(["actor", "action", "object", "result", "ts"]))
    chain[i] = replace(chain[i], **{field: getattr(chain[i], field) + "x"})
    assert check(chain, head) == (False, i + 1)


@given(sizes, st.data())
def test_modified_and_resealed_entry_is_found(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 2))
    chain[i] = replace(chain[i], actor="api:someone-else").sealed()
    assert check(chain, head) == (False, i + 2)


@given(sizes, st.data())
def test_deleted_entry_is_found(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 2))
    del chain[i]
    assert check(chain, head) == (False, i + 1)


@given(sizes, st.data())
def test_inserted_entry_is_found(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 1))
    forged = replace(chain[i], object="rec-forged").sealed()
    chain.insert(i, forged)
    ok, first = check(chain, head)
    assert not ok
    assert first in {i + 1, i + 2}


@given(sizes, st.data())
def test_reordered_entries_are_found(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 2))
    chain[i], chain[i + 1] = chain[i + 1], chain[i]
    assert check(chain, head) == (False, i + 1)


@given(sizes, st.data())
def test_renumbered_swap_is_found(n: int, data: st.DataObject) -> None:
    """Swap two entries and give each the other's sequence number."""
    chain = build_chain(n)
    head = signed_head(chain)
    i = data.draw(st.integers(0, n - 2))
    a, b = chain[i], chain[i + 1]
    chain[i], chain[i + 1] = replace(b, seq=a.seq), replace(a, seq=b.seq)
    assert check(chain, head) == (False, i + 1)


@given(sizes, st.data())
def test_cut_tail_is_found_by_head_and_checkpoint(n: int, data: st.DataObject) -> None:
    chain = build_chain(n)
    cut = data.draw(st.integers(1, n - 1))
    assert check(chain[:cut], signed_head(chain)) == (False, cut + 1)
    signed = sign_checkpoint(Checkpoint(n, chain[-1].hash, "t", KEY.node_id), KEY.sign)
    assert check(chain[:cut], signed_head(chain), [signed]) == (False, cut + 1)


@given(sizes, st.data())
def test_cut_tail_with_rewritten_unsigned_head_is_found(n: int, data: st.DataObject) -> None:
    """The attacker cuts the tail and moves the head back, without the node key."""
    chain = build_chain(n)
    cut = data.draw(st.integers(1, n - 1))
    forged = Head(cut, chain[cut - 1].hash, KEY.node_id, signed_head(chain).signature)
    assert check(chain[:cut], forged)[0] is False


def test_deleted_checkpoint_is_found() -> None:
    chain = build_chain(12)
    every = 4
    checkpoints = [
        sign_checkpoint(Checkpoint(s, chain[s - 1].hash, "t", KEY.node_id), KEY.sign)
        for s in (4, 8, 12)
    ]
    assert check(chain, signed_head(chain), checkpoints, every) == (True, None)
    assert check(chain, signed_head(chain), [checkpoints[0], checkpoints[2]], every) == (False, 8)


def test_forged_checkpoint_signature_is_found() -> None:
    chain = build_chain(5)
    other = NodeKey.generate()
    forged = sign_checkpoint(Checkpoint(5, chain[-1].hash, "t", KEY.node_id), other.sign)
    ok, first = check(chain, signed_head(chain), [forged])
    assert (ok, first) == (False, 5)


def test_rewritten_chain_contradicts_signed_checkpoint() -> None:
    chain = build_chain(6)
    signed = sign_checkpoint(Checkpoint(4, chain[3].hash, "t", KEY.node_id), KEY.sign)
    rewritten = build_chain(2)
    prev = rewritten[-1].hash
    for seq in range(3, 7):  # an attacker rebuilds entries 3..6 with a valid chain
        entry = Entry(
            seq, "t", "api:mallory", "record.read", "x", None, None, "ok", {}, prev
        ).sealed()
        rewritten.append(entry)
        prev = entry.hash
    assert check(rewritten, signed_head(rewritten), [signed]) == (False, 4)
