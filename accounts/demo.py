"""The demo community's accounts: their usernames and the documented demo password, which a
deployment in production must never accept."""

from __future__ import annotations

from accounts.application import Accounts
from accounts.exceptions import InvalidCredentialsError

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


DEMO_USERNAMES = (
    "secretary",
    *(f"leader{n}" for n in range(1, len(BLOCKS) + 1)),
    "auditor",
    *PARTNER_USERS.values(),
)


def users_with_demo_password(
    accounts: Accounts, password: str = DEFAULT_DEMO_PASSWORD
) -> list[str]:
    """Demo accounts that still sign in with the demo password (production refuses them)."""
    found = []
    for username in DEMO_USERNAMES:
        if accounts.find_user(username) is None:
            continue
        try:
            accounts.authenticate(username, password)
        except InvalidCredentialsError:
            continue
        found.append(username)
    return found
