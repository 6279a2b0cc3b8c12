"""Checks on people named in a request."""

from __future__ import annotations

from flask import g

from kernel.errors import InvalidInputError
from web.bootstrap import services


def check_assignee(username: str) -> None:
    """An assignee is an active user of the caller's community (422 otherwise)."""
    running = services()
    user = running.accounts.find_user(username)
    if user is None or not user.active or user.community != g.user.community:
        raise InvalidInputError("assignee", f"no active user {username!r} in this community")
