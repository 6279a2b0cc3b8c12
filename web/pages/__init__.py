"""The phone-first pages: server-rendered, Chinese by default, English one tap away. They
call the same commands and scope rules as the API; only the delivery differs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from web.pages.extensions import babel, csrf, login
from web.presentation.words import (
    DEFAULT_LANGUAGE,
    SHOWN_LANGUAGES,
    catalogued_languages,
    language,
)

SESSION_LIFETIME = timedelta(days=1)


def init_app(app: Flask, *, api_errors: Callable[[HTTPException], Any]) -> None:
    """Sign-in, CSRF and translations for the pages, then the pages themselves; HTTP errors
    become HTML pages, except under /api, whose errors `api_errors` answers in JSON."""
    from web.pages import cli, cookies, errors, present
    from web.pages.site import pages

    production = app.config["NEEDS_SETTINGS"].env == "production"
    app.config.update(
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
    )
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked below, outside /api only
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", int(SESSION_LIFETIME.total_seconds()))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    app.session_interface = cookies.SessionInterface()
    babel.init_app(app, locale_selector=language)
    directories = app.extensions["babel"].translation_directories
    shown = app.extensions[SHOWN_LANGUAGES] = catalogued_languages(directories)
    if DEFAULT_LANGUAGE not in shown:
        app.logger.warning(
            "No compiled %s catalogue in %s: the pages are in English. The build compiles "
            "them (pip install .); in a source tree run `flask --app web translate compile`.",
            DEFAULT_LANGUAGE,
            ", ".join(directories),
        )
    csrf.init_app(app)
    login.init_app(app)
    login.login_view = "pages.account.sign_in"
    login.login_message = _l("Please sign in first.")
    login.localize_callback = str
    app.before_request(errors.protect_forms)
    errors.register(app, api_errors)
    present.register(app)
    app.register_blueprint(pages)
    app.cli.add_command(cli.translate)
