"""STIX 2.1: records as bundles and bundles as records. Pure: no database.

::

    markings.py   TLP 2.0 and PAP as the OASIS marking definitions (fixed ids),
                  Liaison's extension definition and its identity
    ids.py        deterministic ids (uuid5 over node id and record id; STIX's own
                  uuid5 for observables) and timestamps
    kinds.py      which STIX type a record becomes (from schema and envelope)
    extension.py  the extension's payload: the envelope and the FtM entity
    export.py     to_objects(records, names) -> STIX objects; bundle(objects)
    imports.py    read_bundle(data) -> Parsed(items, report): entities and
                  envelopes, every object skipped or refused with its reason

The node's use cases (``liaison.node.stix``) put policy, audit and the write path
around these; the TAXII server and client build on them.
"""

from liaison.stix.export import bundle, to_objects
from liaison.stix.imports import Item, Parsed, Problem, ReadReport, read_bundle
from liaison.stix.markings import EXTENSION_ID, PAP_IDS, TLP_IDS

__all__ = [
    "EXTENSION_ID",
    "PAP_IDS",
    "TLP_IDS",
    "Item",
    "Parsed",
    "Problem",
    "ReadReport",
    "bundle",
    "read_bundle",
    "to_objects",
]
