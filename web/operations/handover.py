"""A handover that moves the caseload, composed from three contexts: the accounts (who leads the
block), the needs (each open case assigned to the new leader: one `Assigned` per case, reason
"handover") and the duties (the block's open visits and asks, which follow the block). Safe to
run twice: the second run finds nothing left to move. A dry run lists what would move."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.errors import InvalidInputError
from needs.exceptions import NeedNotFoundError

if TYPE_CHECKING:
    from web.bootstrap import Services

OPEN = ("open", "in_progress")
EVERY_CASE = 100_000


class HandoverRefusedError(InvalidInputError):
    """A handover to someone who is not a block leader, or of a block to its own leader."""


@dataclass
class Handover:
    """What a handover moved (or, in a dry run, would move)."""

    to_leader: str
    block: str | None
    dry_run: bool
    needs: list[dict[str, Any]] = field(default_factory=list)
    duties: list[dict[str, Any]] = field(default_factory=list)
    leaders_before: list[str] = field(default_factory=list)
    still_leading: list[str] = field(default_factory=list)


def check_leader(services: Services, community: str, username: str) -> None:
    """The one who takes over is an active block leader of the community (422 otherwise)."""
    user = services.accounts.find_user(username)
    if user is None or user.community != community or not user.active:
        raise HandoverRefusedError("to_leader", f"no active user {username!r} in this community")
    if user.role != "block_leader":
        raise HandoverRefusedError("to_leader", f"{username} is not a block leader")


def hand_over_block(
    services: Services,
    *,
    community: str,
    block: str,
    to_leader: str,
    from_leader: str | None = None,
    actor: str,
    dry_run: bool = False,
) -> Handover:
    """Give the block to `to_leader`: its open needs that were unassigned or its previous
    leaders' (or `from_leader`'s) are assigned to them, its open duties follow the block, and
    the previous leaders give it up (one whose only block it is keeps it: disable that account
    to take it away, as the people page says)."""
    services.needs.community(community).block(block)  # an unknown block: 422
    check_leader(services, community, to_leader)
    if from_leader == to_leader:
        raise HandoverRefusedError("to_leader", f"block {block} cannot be handed to its own leader")
    # A disabled leader's cases move too; only an active one's account gives the block up.
    leaders = [
        u
        for u in services.accounts.list_users(community)
        if u.role == "block_leader" and block in u.blocks and u.username != to_leader
    ]
    before = [u for u in leaders if from_leader is None or u.username == from_leader]
    owners = {None, *(u.username for u in before)}
    rows, _ = services.view.list_needs(community, blocks=[block], statuses=OPEN, limit=EVERY_CASE)
    cases = [r for r in rows if r["assignee"] != to_leader and r["assignee"] in owners]
    done = Handover(to_leader, block, dry_run, leaders_before=[u.username for u in before])
    done.needs = [_case(r) for r in cases]
    done.duties = _open_duties(services, community, block)
    if dry_run:
        return done
    done.needs = [
        c for c in done.needs if services.needs.hand_over(c["need_id"], to_leader, actor=actor)
    ]
    authenticator = services.authenticator
    taker = services.accounts.get_user(to_leader)
    if block not in taker.blocks:
        authenticator.change_role(
            to_leader, role="block_leader", blocks=[*taker.blocks, block], actor=actor
        )
    for user in (u for u in before if u.active):
        kept = [b for b in user.blocks if b != block]
        if kept:
            authenticator.change_role(user.username, role="block_leader", blocks=kept, actor=actor)
        else:
            done.still_leading.append(user.username)
    services.follower.catch_up()
    return done


def hand_over_needs(
    services: Services,
    *,
    community: str,
    need_ids: list[UUID],
    to_leader: str,
    actor: str,
    dry_run: bool = False,
) -> Handover:
    """Assign these open needs to `to_leader` (the bulk reassignment of the board); a need
    that is resolved or theirs already stays as it is."""
    check_leader(services, community, to_leader)
    rows, _ = services.view.list_needs(community, statuses=OPEN, limit=EVERY_CASE)
    by_id = {r["need_id"]: r for r in rows}
    for need_id in need_ids:
        if str(need_id) not in by_id and not _in_community(services, community, need_id):
            raise NeedNotFoundError(f"no need {need_id}")
    chosen = [by_id[str(n)] for n in need_ids if str(n) in by_id]
    cases = [_case(r) for r in chosen if r["assignee"] != to_leader]
    done = Handover(to_leader, None, dry_run, needs=cases)
    if not dry_run:
        done.needs = [
            c for c in cases if services.needs.hand_over(c["need_id"], to_leader, actor=actor)
        ]
        services.follower.catch_up()
    return done


def _moved(services: Services, case: dict[str, Any], to_leader: str, actor: str) -> bool:
    return services.needs.hand_over(case["need_id"], to_leader, actor=actor)


def _in_community(services: Services, community: str, need_id: UUID) -> bool:
    try:
        return bool(services.needs.get_need(need_id)["community"] == community)
    except NeedNotFoundError:
        return False


def _case(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "need_id": UUID(row["need_id"]),
        "block": row["block"],
        "building": row["building"],
        "category": row["category"],
        "urgency": row["urgency"],
        "status": row["status"],
        "assignee_before": row["assignee"],
    }


def _open_duties(services: Services, community: str, block: str) -> list[dict[str, Any]]:
    now = services.clock.now()
    rows, _ = services.duties_view.list_duties(
        community, [block], "all", now, now, limit=EVERY_CASE
    )
    return [
        {
            "duty_id": d["duty_id"],
            "household_id": d["household_id"],
            "block": d["block"],
            "kind": d["kind"],
            "reason": d["reason"],
            "due_at": d["due_at"],
        }
        for d in rows
    ]
