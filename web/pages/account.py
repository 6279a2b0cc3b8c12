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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from accounts.exceptions import InvalidCredentialsError
from web.access import CLERKS, READERS
from web.bootstrap import services
from web.pages import cookies
from web.pages.access import PageUser, safe_next
from web.pages.forms import SignInForm
from web.presentation.words import LANGUAGE_COOKIE, LANGUAGES
from web.security import limiter

bp = Blueprint("account", __name__)
YEAR = 365 * 24 * 3600


def _sign_in_key() -> str:
    username = str(request.form.get("username") or "")[:64].strip().casefold()
    return f"{get_remote_address()}|{username}"


def home_for(role: str) -> str:
    if role == "secretary":
        return url_for("pages.secretary.board")
    if role in READERS:
        return url_for("pages.leader.needs")
    if role in CLERKS:
        return url_for("pages.clerk.inbox")
    return url_for("pages.leader.needs")  # a role without pages of its own gets a clear 403


@bp.route("/")
def home() -> Response:
    """Each role's first page; the sign-in page for someone not signed in."""
    if not current_user.is_authenticated:
        return redirect(url_for("pages.account.sign_in"))
    return redirect(home_for(current_user.record.role))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    "5 per minute;20 per hour",
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
            record = services().accounts.authenticate(
                form.username.data or "", form.password.data or ""
            )
        except InvalidCredentialsError:
            g.sign_in_failed = True
            form.password.errors = [_("Wrong username or password.")]
        else:
            login_user(PageUser(record))
            session.permanent = True
            return redirect(back or home_for(record.role))
    status = 422 if form.errors else 200
    return render_template("pages/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """End the session on this phone."""
    logout_user()
    session.clear()
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
