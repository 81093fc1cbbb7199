"""Sign-in (password and, when enrolled, a TOTP code), sign-out, and the
user's own account: interface language and second factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.errors import AuthenticationFailed, Forbidden, InvalidInput, RateLimited
from liaison.web.i18n import negotiate
from liaison.web.labels import N_
from liaison.web.render import render
from liaison.web.session import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    FormDep,
    UserDep,
    local_target,
    login_csrf,
    same,
    set_cookie,
)

router = APIRouter()


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_form(request, local_target(next))


def _login_form(
    request: Request, target: str, error: str | None = None, username: str = "", status: int = 200
) -> Response:
    token = login_csrf(request)
    language = negotiate(request.headers.get("accept-language"))
    response = render(
        request,
        "login.html",
        None,
        status,
        language,
        csrf=token,
        target=target,
        error=error,
        username=username,
    )
    set_cookie(response, LOGIN_COOKIE, token, 3600)
    return response


@router.post("/login")
def login(
    request: Request,
    node: NodeDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)],
    code: Annotated[str, Form(max_length=10)] = "",
    target: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not same(csrf, request.cookies.get(LOGIN_COOKIE) or ""):
        raise Forbidden("the sign-in form's security token is missing or stale; reload the page")
    client = f"web@{request.client.host}" if request.client else "web"
    try:
        issued = node.accounts.login(username, password, code.strip() or None, client)
    except AuthenticationFailed:
        error = N_("Wrong user name, password or code.")
        return _login_form(request, local_target(target), error, username, 401)
    except RateLimited as exc:
        error = N_("Too many failed attempts; wait a few minutes and try again.")
        response = _login_form(request, local_target(target), error, username, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = RedirectResponse(local_target(target), 303)
    lifetime = node.ctx.settings.session_hours * 3600
    set_cookie(response, SESSION_COOKIE, issued.token, lifetime)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(node: NodeDep, user: UserDep, _: FormDep) -> Response:
    node.accounts.logout(user.actor, user.token)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account(request: Request, node: NodeDep, user: UserDep) -> Response:
    profile = node.accounts.profile(user.actor)
    return render(request, "account.html", user, profile=profile, enrolment=None, error=None)


@router.post("/account/language")
def language(node: NodeDep, user: UserDep, form: FormDep) -> Response:
    node.accounts.set_language(user.actor, form.get("language"))
    return RedirectResponse("/account", 303)


@router.post("/account/totp")
def totp_enrol(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    code = str(form.get("code") or "").strip() or None
    profile = node.accounts.profile(user.actor)
    try:
        enrolment = node.accounts.totp_enrol(user.actor, code)
    except AuthenticationFailed:
        error = N_("Replacing your authenticator needs a current code from it.")
        return render(
            request, "account.html", user, 403, profile=profile, enrolment=None, error=error
        )
    return render(request, "account.html", user, profile=profile, enrolment=enrolment, error=None)


@router.post("/account/totp/confirm")
def totp_confirm(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    try:
        node.accounts.totp_confirm(user.actor, str(form.get("code") or "").strip())
    except InvalidInput:
        profile = node.accounts.profile(user.actor)
        error = N_("That code does not match the authenticator being enrolled; start again.")
        return render(
            request, "account.html", user, 422, profile=profile, enrolment=None, error=error
        )
    return RedirectResponse("/account", 303)
