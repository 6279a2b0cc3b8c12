"""The access policy's rules for volunteers (role `volunteer`), part of web/access/: a volunteer
signs in with an account linked to their entry in their block's volunteer group; they see the
needs and duties assigned to them, and only those (anything else does not exist for them: 404),
and may record visits, follow-ups and discharges on them (the API's `roles` lets them do nothing
else: 403). Their own group's members' names and phones are the committee's to read, not theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from flask import g

from kernel.errors import InvalidInputError
from web.bootstrap import services

VOLUNTEER = "volunteer"
# What a volunteer does on what is assigned to them (besides reading it).
VOLUNTEER_WORK = ("visit", "follow_up", "discharge")


def is_volunteer() -> bool:
    """Whether the signed-in caller is a volunteer."""
    user = g.get("user")
    return user is not None and user.role == VOLUNTEER


def my_volunteer_entry() -> dict[str, UUID] | None:
    """The caller's entry in their block's volunteer group (`group_id`, `member_id`), found by
    the account linked to it; None for an account no group has linked (it sees nothing)."""
    if "volunteer_entry" not in g:
        user, found = g.user, None
        for group in services().duties.list_volunteer_groups(user.community):
            if group["block"] not in user.blocks:
                continue
            for member in group["members"]:
                if member.get("account") == user.username:
                    found = {"group_id": group["id"], "member_id": member["id"]}
        g.volunteer_entry = found
    entry: dict[str, UUID] | None = g.volunteer_entry
    return entry


def assigned_to_me(case: Mapping[str, Any]) -> bool:
    """Whether a need or a duty (as plain data) is assigned to the calling volunteer, in their
    community and block."""
    user, entry = g.user, my_volunteer_entry()
    volunteer = case.get("volunteer")
    return (
        entry is not None
        and volunteer is not None
        and case["community"] == user.community
        and case["block"] in user.blocks
        and volunteer.get("group_id") == entry["group_id"]
        and volunteer.get("member_id") == entry["member_id"]
    )


def check_volunteer_account(account: str, block: str) -> None:
    """422 unless `account` is a volunteer's account of the caller's community for `block`
    (the one a volunteer entry of that block's group may be linked to)."""
    user = services().accounts.find_user(account)
    if (
        user is None
        or user.community != g.user.community
        or user.role != VOLUNTEER
        or list(user.blocks) != [block]
    ):
        raise InvalidInputError("account", f"no volunteer account {account} for block {block}")
    for group in services().duties.list_volunteer_groups(g.user.community):
        if any(member.get("account") == account for member in group["members"]):
            raise InvalidInputError("account", f"{account} is linked to a volunteer already")
