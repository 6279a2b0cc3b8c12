"""Who reaches which block: the roles that lead, read and clerk, and a caller's blocks."""

from __future__ import annotations

from flask import abort, g

LEADERS = ("secretary", "block_leader")
READERS = ("secretary", "block_leader", "auditor")
CLERKS = ("partner",)


def may_see_block(block: str) -> bool:
    """Whether the caller's role and blocks reach this block."""
    user = g.user
    if user.role in ("secretary", "auditor"):
        return True
    return user.role == "block_leader" and block in user.blocks


def check_block_allowed(block: str) -> None:
    """403 when a leader acts in a block that is not theirs (an action outside the role)."""
    if not may_see_block(block):
        abort(403, description=f"block {block} is not one of your blocks")
