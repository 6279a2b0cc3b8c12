"""/api/v1/directory/hsds: the partner directory in an open format, Open Referral HSDS 3.0."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from web.api.parsing import Blueprint
from web.bootstrap import services
from web.operations.hsds import directory_tables

blp = Blueprint("directory", __name__, description="The directory in open formats")


class HsdsSchema(Schema):
    """One member per HSDS table, each a list of rows as the HSDS 3.0 table schema has them."""

    organizations = fields.List(fields.Dict(), required=True)
    services = fields.List(fields.Dict(), required=True)
    locations = fields.List(fields.Dict(), required=True)
    service_at_locations = fields.List(fields.Dict(), required=True)
    schedules = fields.List(fields.Dict(), required=True)
    contacts = fields.List(fields.Dict(), required=True)
    phones = fields.List(fields.Dict(), required=True)
    service_areas = fields.List(fields.Dict(), required=True)


@blp.route("/directory/hsds")
class DirectoryHsds(MethodView):
    @blp.response(200, HsdsSchema)
    def get(self) -> dict[str, Any]:
        """The community's partners and their offerings as HSDS 3.0 tables (organizations,
        services, locations, schedules, contacts, phones, service areas); no personal data."""
        running = services()
        return directory_tables(running.needs.community(g.user.community), running.partners)
