"""Signing in and out, the language switch, and the way home for each role."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from accounts.exceptions import InvalidCredentialsError
from web.access import CLERKS, READERS
from web.bootstrap import services
from web.pages import cookies
from web.pages.access import PageUser, safe_next
from web.pages.forms import SignInForm
from web.presentation.words import LANGUAGE_COOKIE, LANGUAGES
from web.security import SIGN_IN_LIMITS, limiter, sign_in_key

bp = Blueprint("account", __name__)
YEAR = 365 * 24 * 3600


def _sign_in_key() -> str:
    return sign_in_key(request.form.get("username"))


def _end_page_session() -> None:
    """Close this phone's page session in the store, and empty the session cookie."""
    if current_user.is_authenticated:
        services().authenticator.close_session(current_user.get_id())
    logout_user()
    session.clear()


def _renew_session() -> None:
    """A new session at every sign-in: nothing planted in the cookie before it (a form token, a
    session id) counts after it, and the pages get a new CSRF token."""
    _end_page_session()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


def home_for(role: str) -> str:
    if role == "secretary":
        return url_for("pages.secretary.board")
    if role in READERS:
        return url_for("pages.leader.needs")
    if role in CLERKS:
        return url_for("pages.clerk.inbox")
    if role == "project_member":
        return url_for("pages.project_page.projects")
    if role == "volunteer":
        return url_for("pages.volunteer_work.my_work_page")
    return url_for("pages.leader.needs")  # a role without pages of its own gets a clear 403


@bp.route("/")
def home() -> Response:
    """Each role's first page; the sign-in page for someone not signed in."""
    if not current_user.is_authenticated:
        return redirect(url_for("pages.account.sign_in"))
    return redirect(home_for(current_user.record.role))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    SIGN_IN_LIMITS,
    methods=["POST"],
    key_func=_sign_in_key,
    deduct_when=lambda response: bool(g.get("sign_in_failed")),
)
def sign_in() -> Any:
    """Sign in with a username and password; the session lasts a day."""
    back = safe_next(request.args.get("next"))  # a bad one is refused before anything is done
    if current_user.is_authenticated and request.method == "GET":
        return redirect(home_for(current_user.record.role))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            session_id, record = services().authenticator.open_session(
                form.username.data or "",
                form.password.data or "",
                current_app.permanent_session_lifetime,
            )
        except InvalidCredentialsError:
            g.sign_in_failed = True
            form.password.errors = [_("Wrong username or password.")]
        else:
            _renew_session()
            login_user(PageUser(record, session_id))
            session.permanent = True
            return redirect(back or home_for(record.role))
    status = 422 if form.errors else 200
    return render_template("pages/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """End the session on this phone, in the store too (the user's other phones stay signed in)."""
    _end_page_session()
    flash(_("You are signed out."), "ok")
    return redirect(url_for("pages.account.sign_in"))


@bp.route("/language", methods=["POST"])
def switch_language() -> Response:
    """Show the pages in another language from now on, back on the same page."""
    chosen = request.form.get("language")
    response = redirect(safe_next(request.form.get("next")) or url_for("pages.account.home"))
    if chosen in LANGUAGES:
        cookies.set_cookie(current_app, response, LANGUAGE_COOKIE, chosen, YEAR)
    return response
