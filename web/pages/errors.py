"""Clear pages for every error outside /api, in the user's language: never JSON, never a
stack trace. Under /api the API's own handler answers in JSON, as its contract says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from accounts.exceptions import AccountsError
from duties.exceptions import DutiesError
from kernel.errors import NotFoundError
from web.errors import is_api_request
from web.pages.extensions import csrf
from web.pages.problems import explain

# (title, what to do) by status; anything else reads as the nearest kind of error.
_PAGES: dict[int, tuple[Any, Any]] = {
    400: (_l("Something in the request was wrong"), _l("Go back and try again.")),
    403: (_l("This page is not for your role"), _l("Go back to your own pages.")),
    404: (_l("Not found"), _l("This page or case does not exist, or is not yours to see.")),
    405: (_l("This does not work that way"), _l("Go back and use the buttons on the page.")),
    409: (_l("This could not be done"), _l("The case has moved on. Look at it again.")),
    413: (_l("Too much text"), _l("Shorten what you wrote and send it again.")),
    414: (_l("This address is too long"), _l("Go back and use the links on the page.")),
    422: (_l("This could not be done"), _l("Go back, check what you wrote, and try again.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing was changed. Try again in a moment."),
    ),
}
_CSRF = (
    _l("This form has expired"),
    _l("For your safety the form could not be sent. Go back, reload the page, and send it again."),
)


def protect_forms() -> None:
    """CSRF on every form outside /api (the API authenticates by bearer token, not cookie)."""
    from web.pages.offline import exempt_from_form_tokens

    if (
        request.method in ("POST", "PUT", "PATCH", "DELETE")
        and not is_api_request()
        and not exempt_from_form_tokens()  # checked by its own header and origin rules
    ):
        csrf.protect()


def error_page(status: int, title: Any = None, message: Any = None) -> tuple[str, int]:
    default_title, default_message = _PAGES.get(status, _PAGES[500 if status >= 500 else 400])
    html = render_template(
        "pages/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
    )
    return html, status


def http_error(error: HTTPException) -> tuple[str, int]:
    """An HTTP error of a page, as a page."""
    if isinstance(error, CSRFError):
        return error_page(400, *_CSRF)
    # Flask has logged an unhandled error already; the page shows nothing of it.
    return error_page(error.code or 500)


def domain_error(error: Exception) -> tuple[str, int]:
    """A refusal of the contexts that no page caught itself."""
    # The duties' and the accounts' not-founds are told in problems.py's words instead.
    if isinstance(error, NotFoundError) and not isinstance(error, DutiesError | AccountsError):
        return http_error(NotFound())
    _, message, status = explain(error)
    return error_page(status, message=message)


def register(app: Flask, api_errors: Callable[[HTTPException], Any]) -> None:
    """HTTP errors as pages, but under /api as the API answers them."""

    def any_http_error(error: HTTPException) -> Any:
        return api_errors(error) if is_api_request() else http_error(error)

    app.register_error_handler(HTTPException, any_http_error)
