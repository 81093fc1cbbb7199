"""One node's application services: each use case is one transaction with its
audit entry. The API, the CLI and (later) the web UI call these, nothing lower."""

from __future__ import annotations

from liaison.audit.log import Clock, utcnow
from liaison.node.accounts import AccountService
from liaison.node.agreements import AgreementService
from liaison.node.auditing import AuditService
from liaison.node.challenges import ChallengeService
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.diffusion import DiffusionService
from liaison.node.federation import FederationService
from liaison.node.feeds import FeedService, stix_ingest
from liaison.node.followups import FollowupService
from liaison.node.graph import GraphService
from liaison.node.hits import HitService
from liaison.node.linkage import LinkageService
from liaison.node.matching import MatchService
from liaison.node.policy import Explanation, PolicyService
from liaison.node.proofs import ProofService
from liaison.node.records import Page, RecordService
from liaison.node.setup import SYSTEM, NodeInfo, init_node, load_context
from liaison.node.stix import StixService
from liaison.node.taxii import TaxiiService
from liaison.node.transfer import ImportReport, TransferService
from liaison.node.transparency import TransparencyLog
from liaison.node.witness import WitnessService
from liaison.node.yente import YenteService
from liaison.settings import Settings


class Node:
    """A node opened on its data directory and database."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.records = RecordService(ctx)
        self.accounts = AccountService(ctx)
        self.audit = AuditService(ctx)
        self.transfer = TransferService(ctx, self.records)
        self.stix = StixService(ctx, self.transfer)  # STIX 2.1 bundles in and out
        self.agreements = AgreementService(ctx)
        self.policy = PolicyService(ctx)
        self.hits = HitService(ctx)
        self.federation = FederationService(ctx, self.agreements, self.hits)
        self.hub = self.federation.hub  # this node as a hub
        self.linkage = LinkageService(ctx, self.federation)  # this node as a hub member
        self.matching = MatchService(ctx)
        self.followups = FollowupService(ctx)
        self.notices = DiffusionService(ctx)  # notices and diffusions (liaison.diffusion)
        self.challenges = ChallengeService(ctx, self.notices)  # persons' requests
        self.graph = GraphService(ctx)
        self.taxii = TaxiiService(ctx)  # the partners' TAXII collections
        self.feeds = FeedService(ctx, stix_ingest(self.stix))  # TAXII 2.1 feeds, via STIX import
        self.yente = YenteService(ctx, self.matching, self.records, self.graph)
        self.transparency = TransparencyLog(ctx)  # the audit log's tree, checkpoints, proofs
        self.witness = WitnessService(ctx, self.transparency, self.federation)  # partners cosign
        # verification asks the witnesses too, with the tree it built as it read the log
        self.audit.witnesses = lambda tree: self.witness.check(tree=tree)
        self.proofs = ProofService(ctx, self.transparency, self.federation, self.witness)

    @classmethod
    def open(cls, settings: Settings, clock: Clock = utcnow) -> Node:
        return cls(load_context(settings, clock))

    @property
    def info(self) -> NodeInfo:
        return NodeInfo(self.ctx.node_id, self.ctx.name, self.ctx.key.public_key)

    def close(self) -> None:
        self.ctx.engine.dispose()

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


__all__ = [
    "NO_REASON",
    "SYSTEM",
    "Explanation",
    "ImportReport",
    "Node",
    "NodeInfo",
    "Page",
    "Why",
    "init_node",
]
