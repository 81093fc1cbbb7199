"""`liaison query`: how persons and their birth dates are read from the options."""

from __future__ import annotations

import pytest
import typer

from liaison.cli.hits import _persons


def test_each_person_takes_its_date_in_order_and_dash_is_unknown() -> None:
    assert _persons(["Khalid Haddad|Халид Хаддад", "Omar Nasser"], ["1980-05-01", "-"]) == [
        {"names": ["Khalid Haddad", "Халид Хаддад"], "birth_date": "1980-05-01"},
        {"names": ["Omar Nasser"], "birth_date": None},
    ]


def test_no_dates_at_all_asks_by_names_only() -> None:
    assert _persons(["Khalid Haddad"], []) == [{"names": ["Khalid Haddad"], "birth_date": None}]


def test_a_missing_date_among_several_is_refused() -> None:
    with pytest.raises(typer.BadParameter, match="one --dob for each --person"):
        _persons(["Khalid Haddad", "Omar Nasser"], ["1980-05-01"])
