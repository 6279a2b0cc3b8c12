"""Who is signed in to the pages, and what their role lets them open. The scope rules are the one
access policy's (web/access/): they read `g.user`, which is set here from the signed-in user."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, url_for
from flask_login import UserMixin, current_user

from accounts.views import UserRecord
from web.bootstrap import services
from web.pages.extensions import login


class PageUser(UserMixin):
    """A signed-in user. The session cookie holds only the id of a page session kept in the
    store (accounts/tokens.py), which signing out closes: a copy of the cookie made before then
    opens nothing after. The session also ends with a new password, a new role or a disabled
    account, as API tokens do."""

    def __init__(self, record: UserRecord, session_id: str) -> None:
        self.record = record
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


@login.user_loader  # type: ignore[untyped-decorator]  # Flask-Login is untyped
def load_user(session_id: str) -> PageUser | None:
    """The user of a page session that is still open, while their credentials are unchanged."""
    record = services().authenticator.session_user(session_id)
    return None if record is None else PageUser(record, session_id)


def set_user() -> None:
    """Before each page: the signed-in user where the scope rules look for it."""
    g.user = current_user.record if current_user.is_authenticated else None


def roles(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only signed-in users of these roles may open the page (others: sign in, or 403)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method != "GET":  # no way back to a form's address: start afresh
                    return redirect(url_for("pages.account.sign_in"))
                return login.unauthorized()
            if current_user.record.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after signing in or switching language, or None for another
    site's. A target with a control character (a line break would split the Location header)
    is refused outright: 400, and no redirect anywhere."""
    if not target:
        return None
    if any(unicodedata.category(character) in ("Cc", "Cs") for character in target):
        abort(400)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
