"""The demo community's users: one of each role, a leader per block, a user per partner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.demo import BLOCKS, DEMO_ACTOR, PARTNER_USERS
from accounts.exceptions import UsernameTakenError
from kernel.community import DEMO_COMMUNITY
from web.demo.centre import VOLUNTEER_ACCOUNTS

if TYPE_CHECKING:
    from web.bootstrap import Services

ACTOR = DEMO_ACTOR


def create_demo_users(services: Services, password: str) -> list[str]:
    """Add the demo users that are missing, all with one password; returns those added."""
    community = DEMO_COMMUNITY.id
    wanted: list[dict[str, Any]] = [
        {"username": "secretary", "role": "secretary"},
        *(
            {"username": f"leader{n}", "role": "block_leader", "blocks": [b]}
            for n, b in enumerate(BLOCKS, start=1)
        ),
        {"username": "auditor", "role": "auditor"},
        # Building 22's treasurer, a resident on its project's team (web/demo/projects.py).
        {"username": "treasurer22", "role": "project_member"},
        # Two volunteers of their blocks' groups (web/demo/centre.py links them and asks of them).
        *(
            {"username": username, "role": "volunteer", "blocks": [block]}
            for username, (block, _name) in VOLUNTEER_ACCOUNTS.items()
        ),
    ]
    for name, username in PARTNER_USERS.items():
        partner = services.partners.find_by_name(community, name)
        if partner is not None:
            wanted.append(
                {"username": username, "role": "partner", "partner_id": partner.partner_id}
            )
    created = []
    for user in wanted:
        if services.accounts.find_user(user["username"]) is not None:
            continue
        try:
            services.accounts.register_user(
                community=community, password=password, actor=ACTOR, **user
            )
        except UsernameTakenError:
            continue  # another process seeding at the same moment got there first
        created.append(user["username"])
    return created
