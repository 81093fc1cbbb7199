"""Record data bound to the audit log, and the database's own guards, checked.

Every change that writes record versions logs each version's content hash in
its audit entry: ``hash`` with ``version`` on the record's own entry (create,
update, delete, renew), ``versions`` (``{"<record id>@<version>": hash}``) on an
entry that writes several (an import batch, a retention purge; built by
:func:`logged`). The verification then recomputes every stored version's hash
from its stored content and holds it against both the version's hash column and
the entry that wrote it, so that an edit of stored record data is found even by
someone who also rewrote the hash column, and a version no logged change wrote
(inserted behind the node's back) is named. Versions written before hashes were
logged are counted, not judged.

It also checks that the triggers that refuse UPDATE, DELETE (and TRUNCATE on
PostgreSQL) on the append-only tables are all still there: dropping them is the
first step of any rewrite. Read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from liaison.audit.chain import Action, Entry, Finding
from liaison.model.records import Record
from liaison.storage.integrity import StoredVersion

#: Entries that write one version of their object and log it as ``version`` and ``hash``.
ONE_VERSION = frozenset(
    {
        Action.RECORD_CREATE.value,
        Action.RECORD_UPDATE.value,
        Action.RECORD_DELETE.value,
        Action.RECORD_RENEW.value,
    }
)
MAX_NAMED = 50  # findings named one by one; the rest counted


def logged(records: Iterable[Record]) -> dict[str, str]:
    """What an entry that writes several versions logs: each one's content hash."""
    return {f"{r.record_id}@{r.version}": r.content_hash for r in records}


@dataclass
class Binding:
    """What the audit log says each record version's content is: ``hashes`` by
    ``<record id>@<version>`` (with the entry that logged it), and the versions
    logged without a hash (before hashes were logged)."""

    hashes: dict[str, tuple[str, int]] = field(default_factory=dict)
    unhashed: set[str] = field(default_factory=set)

    def read(self, entry: Entry) -> None:
        detail = entry.detail
        if entry.action in ONE_VERSION and "version" in detail:
            key = f"{entry.object}@{detail['version']}"
            if isinstance(detail.get("hash"), str):
                self.hashes[key] = (detail["hash"], entry.seq)
            else:
                self.unhashed.add(key)
        versions = detail.get("versions")
        if isinstance(versions, dict):
            for key, value in versions.items():
                self.hashes[str(key)] = (str(value), entry.seq)
        elif entry.action == Action.RECORD_IMPORT.value:
            self.unhashed.update(str(w) for w in detail.get("written", ()))


@dataclass(frozen=True, slots=True)
class Integrity:
    findings: list[Finding]
    versions: int  # record versions checked
    unbound: int  # versions logged before hashes were: checked against their column only


def check_versions(binding: Binding, stored: Iterable[StoredVersion]) -> Integrity:
    """Every stored version against its hash column and the entry that wrote it."""
    findings: list[Finding] = []
    count = unbound = 0
    for version in stored:
        count += 1
        key = f"{version.record_id}@{version.version}"
        logged_hash = binding.hashes.get(key)
        if version.content_hash != version.stored_hash:
            findings.append(
                Finding(
                    "record_version",
                    key,
                    "stored content does not match its content hash (the record data was edited)",
                )
            )
        elif logged_hash is not None and logged_hash[0] != version.content_hash:
            findings.append(
                Finding(
                    "record_version",
                    key,
                    f"stored content differs from what audit entry {logged_hash[1]} logged "
                    "when it wrote this version (the record data and its hash were rewritten)",
                )
            )
        elif logged_hash is None and key in binding.unhashed:
            unbound += 1
        elif logged_hash is None:
            findings.append(
                Finding(
                    "unlogged_version",
                    key,
                    "no audit entry wrote this version (inserted behind the node's back)",
                )
            )
    return Integrity(findings, count, unbound)


def check_triggers(expected: set[str], present: set[str]) -> list[Finding]:
    return [
        Finding(
            "trigger",
            name,
            "the append-only trigger is missing: the table can be rewritten in place",
        )
        for name in sorted(expected - present)
    ]


def summary(findings: Sequence[Finding]) -> list[str]:
    """Findings as lines, the first ``MAX_NAMED`` one by one."""
    lines = [f"{f.kind} {f.object}: {f.reason}" for f in findings[:MAX_NAMED]]
    if len(findings) > MAX_NAMED:
        lines.append(f"... and {len(findings) - MAX_NAMED} more")
    return lines
