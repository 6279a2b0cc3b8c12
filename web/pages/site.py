"""The pages' blueprint: its parts, who is signed in, and the refusals no page caught."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from kernel.errors import DomainError
from web.pages import (
    access,
    account,
    audit,
    channels,
    clerk,
    duties,
    errors,
    household_page,
    leader,
    ledger,
    offerings_page,
    offline,
    partner_page,
    people,  # noqa: F401 - its routes join the secretary's blueprint
    project_door,
    project_page,
    reminders,
    reports,
    secretary,
    volunteer_page,
    volunteer_work,
)

pages = Blueprint("pages", __name__)
pages.before_request(access.set_user)


@pages.after_request
def not_kept(response: Response) -> Response:
    """Pages may show residents' personal data: no cache, shared or on the phone, keeps them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


for part in (account.bp, leader.bp, clerk.bp, secretary.bp, audit.bp, reminders.bp, offline.bp):
    pages.register_blueprint(part)
pages.register_blueprint(duties.bp)
pages.register_blueprint(household_page.bp)
pages.register_blueprint(project_page.bp)
pages.register_blueprint(channels.bp)
pages.register_blueprint(reports.bp)
pages.register_blueprint(ledger.bp)
pages.register_blueprint(project_door.bp)
pages.register_blueprint(partner_page.bp)  # the partner directory (issue 17)
pages.register_blueprint(offerings_page.bp)
pages.register_blueprint(volunteer_page.bp)
pages.register_blueprint(volunteer_work.bp)  # a volunteer's own page (#18)
pages.register_error_handler(DomainError, errors.domain_error)
