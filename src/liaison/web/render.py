"""Pages from Jinja2 templates: autoescaped, in the user's language.

Every template gets ``_`` / ``ngettext`` (the user's catalogue), ``fmt``
(dates and numbers in the user's locale), ``user`` (or None before sign-in),
``csrf`` (the token every form posts back), ``nav`` (the pages the user's role
may open) and ``P`` (the permissions, for ``user.may(P.X)``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from liaison import __version__
from liaison.model.roles import Language
from liaison.policy.permissions import Permission
from liaison.web.i18n import NAMES, Formats, translations
from liaison.web.labels import N_, labelled
from liaison.web.session import WebUser


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English message id, translated in the template
    permission: Permission | None


NAV = (
    NavItem("/", N_("Dashboard"), None),
    NavItem("/records", N_("Records"), Permission.RECORD_READ),
    NavItem("/import", N_("Import"), Permission.RECORD_IMPORT),
    NavItem("/search", N_("Search"), Permission.MATCH),
    NavItem("/alerts", N_("Alerts"), Permission.ALERT_READ),
    NavItem("/hits", N_("Hit/no-hit"), Permission.HIT_QUERY),
    NavItem("/followups", N_("Requests"), Permission.FOLLOWUP_READ),
    NavItem("/notices", N_("Notices"), Permission.NOTICE_READ),
    NavItem("/challenges", N_("Challenges"), Permission.CHALLENGE_HANDLE),
    NavItem("/graph", N_("Link analysis"), Permission.RECORD_READ),
    NavItem("/agreements", N_("Agreements"), Permission.AGREEMENT_READ),
    NavItem("/neutrality", N_("Neutrality"), Permission.NEUTRALITY_REVIEW),
    NavItem("/audit", N_("Audit"), Permission.AUDIT_READ),
    NavItem("/admin", N_("Administration"), Permission.USER_MANAGE),
    NavItem("/feeds", N_("Feeds"), Permission.FEED_MANAGE),
)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("liaison.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(version=__version__, P=Permission, languages=NAMES)
    env.filters["query"] = _query
    return env


def render(
    request: Request,
    template: str,
    user: WebUser | None,
    status: int = 200,
    language: Language | None = None,
    **context: Any,
) -> HTMLResponse:
    lang = user.language if user is not None else (language or Language.ENGLISH)
    catalogue = translations(lang)
    nav = [item for item in NAV if user and (item.permission is None or user.may(item.permission))]
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            path=request.url.path,
            user=user,
            csrf=user.csrf if user else context.pop("csrf", ""),
            lang=lang.value,
            _=labelled(catalogue.gettext),
            ngettext=catalogue.ngettext,
            fmt=Formats(lang),
            nav=nav,
            **context,
        )
    )
    return HTMLResponse(page, status)


def _query(params: Any, **changes: Any) -> str:
    """``?a=1&b=2`` from the current filters with some changed (for pagination links)."""
    merged = {k: v for k, v in {**dict(params), **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)
