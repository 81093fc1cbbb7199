"""Federation: signed messages between nodes, what each change means for each
partner, the wire form of a record, and node certificates. The use cases that
store and send live in ``liaison.node.federation``."""

from liaison.federation.messages import Message, MessageType, open_message, seal
from liaison.federation.plan import ChangeKind, Holding, Level, plan

__all__ = [
    "ChangeKind",
    "Holding",
    "Level",
    "Message",
    "MessageType",
    "open_message",
    "plan",
    "seal",
]
