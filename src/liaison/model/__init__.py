"""Pure data model: entities, envelopes, markings, gradings, ids. No I/O."""

from liaison.model.envelope import Envelope
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import PAP, TLP, Classification, HandlingCode, Markings
from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.model.vocab import Assertion, CrimeArea, OnExpiry, Purpose, SubjectCategory

__all__ = [
    "PAP",
    "TLP",
    "Actor",
    "Assertion",
    "Classification",
    "CrimeArea",
    "Envelope",
    "Evaluation",
    "HandlingCode",
    "Markings",
    "OnExpiry",
    "Purpose",
    "Record",
    "Role",
    "Scheme",
    "SubjectCategory",
]
