"""Settings: one typed object, built from the environment once (prefix ``LIAISON_``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of a node. Each is documented in ``docs/settings.md``."""

    model_config = SettingsConfigDict(env_prefix="LIAISON_", extra="forbid")

    data_dir: Path = Field(default=Path("liaison-data"))
    database_url: str | None = None
    node_name: str = "liaison-node"
    host: str = "127.0.0.1"
    port: int = 8470
    max_body_bytes: int = 32 * 1024 * 1024
    web_import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)  # a page's CSV or XLSX
    session_hours: int = 8
    login_max_failures: int = 5
    login_window_seconds: int = 900
    review_years: int = 3
    audit_checkpoint_every: int = 1000
    import_batch_size: int = 2000
    import_workers: int = Field(default_factory=lambda: min(os.cpu_count() or 1, 4))
    page_size_max: int = 500
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    tls: bool = True
    federation_allow_http: bool = False
    federation_clock_skew_seconds: int = 300
    federation_batch_size: int = 500
    federation_worker: bool = True
    federation_poll_seconds: float = 0.5
    federation_pull_seconds: float = 30.0
    federation_backoff_max_seconds: float = 60.0
    federation_timeout_seconds: float = 30.0
    match_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # the score a cross-match with contradicting dates or no common name needs for an alert
    alert_conflict_threshold: float = Field(default=0.95, ge=0.0, le=1.0)
    match_worker: bool = True
    match_poll_seconds: float = 2.0
    hit_hourly_limit: int = Field(default=20_000, ge=1)  # identifiers a partner may have evaluated
    hit_name_only: bool = True  # index name-only person keys (false: a date is required)
    followup_hours: int = Field(default=48, ge=1, le=24 * 90)  # deadline of each follow-up step
    # the TAXII 2.1 server (liaison.node.taxii; docs/interop.md): user name -> partner
    # (name or node id) whose collection that account reads; requests a minute per user
    taxii_users: dict[str, str] = Field(default_factory=dict)
    taxii_requests_per_minute: int = Field(default=600, ge=1)
    taxii_max_page: int = Field(default=1000, ge=1, le=10_000)  # objects a page at most
    log_format: Literal["text", "json"] = "text"  # `liaison serve`'s log lines (liaison.logs)
    log_level: Literal["debug", "info", "warning", "error"] | None = None  # see log_threshold
    metrics_token: SecretStr | None = None  # GET /metrics: bearer token; unset, loopback only
    default_country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")  # phones
    # TAXII 2.1 feeds this node subscribes to (liaison.node.feeds; docs/interop.md)
    feed_worker: bool = False  # `liaison serve` pulls every feed every feed_interval_seconds
    feed_interval_seconds: float = Field(default=3600.0, ge=10.0)
    feed_pull_max_seconds: float = Field(default=300.0, gt=0.0)  # a pull stops, resumes next time
    feed_timeout_seconds: float = Field(default=30.0, gt=0.0)  # each request to a feed's server
    feed_page_size: int = Field(default=100, ge=1, le=10_000)  # objects asked for per request
    feed_allow_http: bool = False  # feeds at http:// URLs (tests, loopback); https otherwise
    # partners cosign this node's audit checkpoints (liaison.node.witness; docs/audit.md)
    witness_worker: bool = True  # `liaison serve` offers its checkpoint to every peer
    witness_seconds: float = Field(default=300.0, ge=1.0)  # how often
    # notices whose expiry day has come expire by themselves (liaison.node.sweeping)
    notice_sweep_worker: bool = True  # `liaison serve` sweeps in a background thread
    notice_sweep_seconds: float = Field(default=3600.0, ge=1.0)  # how often

    @property
    def log_threshold(self) -> str:
        """Liaison's log level: as set, else info for JSON lines (one per request) and
        warning for text, which keeps ``serve``'s output what scripts reading it expect."""
        return self.log_level or ("info" if self.log_format == "json" else "warning")

    @property
    def key_path(self) -> Path:
        return self.data_dir / "node.key"

    @property
    def tls_cert_path(self) -> Path:
        return self.data_dir / "tls.crt"

    @property
    def tls_key_path(self) -> Path:
        return self.data_dir / "tls.key"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'liaison.db').resolve()}"
