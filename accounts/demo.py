"""The demo community's accounts: their usernames and the documented demo password, which a
deployment in production must never accept."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.application import Accounts
from accounts.exceptions import InvalidCredentialsError

DEFAULT_DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented; refused in production
# Who the demo seed says it is: the actor of the events that give demo accounts their password.
DEMO_ACTOR = "seed-demo"
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
    "treasurer22",
)


def users_with_demo_password(
    accounts: Accounts, passwords: Iterable[str] = (DEFAULT_DEMO_PASSWORD,)
) -> list[str]:
    """Active accounts production refuses: any whose password is still the one the demo seed
    gave it (whatever DEMO_PASSWORD said then: the seed is the actor of that password's event,
    and no password is kept to compare with), and any demo account that still signs in with
    one of `passwords` (the documented demo password unless told otherwise)."""
    found = [
        user.username
        for user in accounts.list_users()
        if user.active and user.password_set_by == DEMO_ACTOR
    ]
    for username in DEMO_USERNAMES:
        if username in found or accounts.find_user(username) is None:
            continue
        for password in dict.fromkeys(passwords):
            try:
                accounts.authenticate(username, password)
            except InvalidCredentialsError:
                continue
            found.append(username)
            break
    order = {name: n for n, name in enumerate(DEMO_USERNAMES)}
    return sorted(found, key=lambda name: (order.get(name, len(order)), name))
