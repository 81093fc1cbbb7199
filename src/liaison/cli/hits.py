"""``liaison query``: hit/no-hit questions to a partner, identifiers never sent in clear."""

from __future__ import annotations

import asyncio
from typing import Annotated

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
    country: Annotated[str | None, typer.Option(help="default region for phones")] = None,
    purpose: Annotated[str, typer.Option(help="the agreement purpose asked under")] = "cross_check",
    justification: Annotated[str | None, typer.Option(help="kept in the audit log")] = None,
) -> None:
    """Ask a partner whether it knows these identifiers (hit/no-hit): they are
    blinded before they leave; the answer is read here."""
    from liaison.node.courier import hit_query_now

    given = dict(
        zip(KINDS, (passport, id_number, phone, iban, imo, mmsi, email, wallet), strict=True)
    )
    identifiers = [
        {"kind": kind, "value": value, "country": country}
        for kind, values in given.items()
        for value in values or ()
    ]
    if not identifiers:
        raise typer.BadParameter("give at least one identifier (--passport, --phone, ...)")
    node = open_node()
    actor = sign_in(node)
    why = Why(purpose, justification)
    found = asyncio.run(hit_query_now(node.federation, actor, partner, identifiers, purpose, why))
    for row in found:
        outcome = f"HIT (reference {row['reference']})" if row["hit"] else "no hit"
        console.print(f"{row['kind']} {row['value']}: {outcome}", markup=False)
