"""The store of files held between a page's steps: owners, bounds, expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import Conflict, NotFound
from liaison.web.held import HeldFiles

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_file_is_its_owners_only_and_ids_are_unguessable() -> None:
    files = HeldFiles("upload", Clock())
    held = files.put("analyst", "people.csv", b"name\nA\n", {"step": 1})
    assert files.get(held.id, "analyst") == held
    with pytest.raises(NotFound) as caught:
        files.get(held.id, "officer")
    assert caught.value.kind == "upload"
    with pytest.raises(NotFound):
        files.get("no-such-file", "analyst")
    assert len(held.id) >= 24 and held.id != files.put("analyst", "b.csv", b"").id


def test_a_state_is_replaced_whole() -> None:
    files = HeldFiles("upload", Clock())
    held = files.put("analyst", "people.csv", b"data", "uploaded")
    changed = files.update(held, "mapped")
    assert (changed.state, held.state) == ("mapped", "uploaded")
    assert files.get(held.id, "analyst").data == b"data"


def test_bounded_per_user_and_in_total() -> None:
    files = HeldFiles("upload", Clock(), per_user=2, total=3)
    first = files.put("analyst", "1.csv", b"1")
    files.put("analyst", "2.csv", b"2")
    files.put("analyst", "3.csv", b"3")  # forgets the analyst's oldest
    with pytest.raises(NotFound):
        files.get(first.id, "analyst")
    with pytest.raises(NotFound):
        files.update(first, "too late")
    files.put("officer", "4.csv", b"4")
    assert len(files) == 3
    with pytest.raises(Conflict, match="holds 3 upload files"):
        files.put("auditor", "5.csv", b"5")


def test_files_are_forgotten_after_the_ttl() -> None:
    clock = Clock()
    files = HeldFiles("export", clock, ttl=dt.timedelta(hours=1))
    held = files.put("analyst", "records.csv", b"x")
    clock.now = T0 + dt.timedelta(minutes=59)
    assert files.get(held.id, "analyst") == held
    clock.now = T0 + dt.timedelta(hours=1)
    with pytest.raises(NotFound):
        files.get(held.id, "analyst")
    assert len(files) == 0
