"""Reference data: the menu's categories and the community with its blocks and leaders."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields

from web.api.parsing import Blueprint
from web.bootstrap import services

blp = Blueprint("reference", __name__, description="The menu and the community")


class CategorySchema(Schema):
    code = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    sla_hours = fields.Float(required=True)
    first_contact_hours = fields.Float(required=True)
    follow_up_days = fields.Float(
        metadata={"description": "days after its resolution a need is followed up (回访)"}
    )


class BlockSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    buildings = fields.List(fields.Integer(), required=True)
    leaders = fields.List(fields.String(), required=True)


class CommunitySchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    blocks = fields.List(fields.Nested(BlockSchema), required=True)


@blp.route("/categories")
class Categories(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self) -> list[Any]:
        """The menu: each category with its clocks, in hours."""
        return list(services().needs.community(g.user.community).categories)


@blp.route("/community")
class CommunityView(MethodView):
    @blp.response(200, CommunitySchema)
    def get(self) -> dict[str, Any]:
        """Your community: its blocks, their buildings and their leaders (by username)."""
        running = services()
        community = running.needs.community(g.user.community)
        users = [
            u
            for u in running.accounts.list_users(community.id)
            if u.active and u.role == "block_leader"
        ]
        return {
            "id": community.id,
            "name": community.name,
            "blocks": [
                {
                    "code": b.code,
                    "name": b.name,
                    "buildings": sorted(b.buildings),
                    "leaders": [u.username for u in users if b.code in u.blocks],
                }
                for b in community.blocks
            ],
        }
