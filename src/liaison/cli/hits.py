"""``liaison query``: hit/no-hit questions to a partner, identifiers and persons
never sent in clear."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer

from liaison.cli.common import console, handle_errors, open_node, sign_in
from liaison.node.context import Why

KINDS = ("passport", "id_number", "phone", "iban", "imo", "mmsi", "email", "wallet")


@handle_errors
def query(
    partner: Annotated[str, typer.Option(help="peer name or node id")],
    passport: Annotated[list[str] | None, typer.Option(help="passport number")] = None,
    id_number: Annotated[list[str] | None, typer.Option(help="ID card number")] = None,
    phone: Annotated[list[str] | None, typer.Option(help="phone number, E.164 or local")] = None,
    iban: Annotated[list[str] | None, typer.Option(help="IBAN")] = None,
    imo: Annotated[list[str] | None, typer.Option(help="IMO ship number")] = None,
    mmsi: Annotated[list[str] | None, typer.Option(help="MMSI")] = None,
    email: Annotated[list[str] | None, typer.Option(help="e-mail address")] = None,
    wallet: Annotated[list[str] | None, typer.Option(help="crypto wallet address")] = None,
    person: Annotated[
        list[str] | None,
        typer.Option(help="a person's name, any script; several names of one person: 'A|B'"),
    ] = None,
    dob: Annotated[
        list[str] | None,
        typer.Option(
            help="birth date of each --person, in order (YYYY-MM-DD, YYYY-MM or YYYY; "
            "'-' if unknown; leave out every --dob if no date is known)"
        ),
    ] = None,
    country: Annotated[str | None, typer.Option(help="default region for phones")] = None,
    purpose: Annotated[str, typer.Option(help="the agreement purpose asked under")] = "cross_check",
    justification: Annotated[str | None, typer.Option(help="kept in the audit log")] = None,
) -> None:
    """Ask a partner whether it knows these identifiers or persons (hit/no-hit):
    they are blinded before they leave; the answer is read here. A person is a
    candidate hit for a human to confirm."""
    from liaison.node.courier import hit_query_now

    given = dict(
        zip(KINDS, (passport, id_number, phone, iban, imo, mmsi, email, wallet), strict=True)
    )
    identifiers = [
        {"kind": kind, "value": value, "country": country}
        for kind, values in given.items()
        for value in values or ()
    ]
    persons = _persons(person or [], dob or [])
    if not identifiers and not persons:
        raise typer.BadParameter("give at least one identifier (--passport, ...) or --person")
    node = open_node()
    actor = sign_in(node)
    why = Why(purpose, justification)
    found = asyncio.run(
        hit_query_now(node.federation, actor, partner, identifiers, purpose, why, persons=persons)
    )
    for row in found:
        console.print(_line(row), markup=False)


def _persons(names: list[str], dates: list[str]) -> list[dict[str, Any]]:
    if dates and len(names) != len(dates):
        raise typer.BadParameter("give one --dob for each --person, in the same order ('-': none)")
    known = [None if d.strip() in ("", "-") else d for d in dates] or [None] * len(names)
    return [
        {"names": [n.strip() for n in name.split("|") if n.strip()], "birth_date": date}
        for name, date in zip(names, known, strict=True)
    ]


def _line(row: dict[str, Any]) -> str:
    if row["kind"] != "person":
        outcome = f"HIT (reference {row['reference']})" if row["hit"] else "no hit"
        return f"{row['kind']} {row['value']}: {outcome}"
    if not row["hit"]:
        return f"person {row['value']}: no hit"
    return (
        f"person {row['value']}: CANDIDATE HIT ({row['match']}; {row['keys_hit']} of "
        f"{row['keys']} keys; references {', '.join(row['references'])}) - confirm by follow-up"
    )
