"""The demo community's users: one of each role, a leader per block, a user per partner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.exceptions import UsernameTakenError
from kernel.community import DEMO_COMMUNITY

if TYPE_CHECKING:
    from web.bootstrap import Services

ACTOR = "seed-demo"
DEFAULT_DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented; refused in production
BLOCKS = tuple(f"B{n}" for n in range(1, 8))
# Demo partners by their name in the directory (DOMAIN.md), and their staff's username.
PARTNER_USERS = {
    "利群医院": "hospital",
    "长征派出所": "police",
    "市劳动局职业培训中心": "training",
    "物业公司": "property",
    "业委会": "owners",
    "区府办": "district",
    "绿化市容": "greening",
    "新曹杨集团": "enterprise",
}


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


DEMO_USERNAMES = (
    "secretary",
    *(f"leader{n}" for n in range(1, len(BLOCKS) + 1)),
    "auditor",
    *PARTNER_USERS.values(),
)


def users_with_demo_password(services: Services, password: str) -> list[str]:
    """Demo accounts that still sign in with the demo password (production refuses them)."""
    from accounts.exceptions import InvalidCredentialsError

    found = []
    for username in DEMO_USERNAMES:
        if services.accounts.find_user(username) is None:
            continue
        try:
            services.accounts.authenticate(username, password)
        except InvalidCredentialsError:
            continue
        found.append(username)
    return found


def refuse_demo_passwords(services: Services) -> None:
    """Production never runs with a demo account that still has the demo password."""
    from web.config import ConfigurationError

    exposed = users_with_demo_password(services, DEFAULT_DEMO_PASSWORD)
    if exposed:
        raise ConfigurationError(
            "refusing to start in production: these accounts still have the demo password: "
            + ", ".join(exposed)
        )
