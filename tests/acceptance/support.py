"""What the acceptance steps share besides steps: patterns, the people and partners of a
scenario, a command's outcome, and readings of the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from kernel.clock import SHANGHAI
from kernel.community import Community
from kernel.errors import (
    BuildingNotInBlockError,
    DomainError,
    InvalidInputError,
    UnknownCategoryError,
    VersionConflictError,
)
from needs.exceptions import (
    DeclineReasonRequiredError,
    NeedNotResolvedError,
    OpenReferralsError,
    OverrideNotAllowedError,
    PartnerExcludedError,
    PartnerOutOfScopeError,
    PartnerSuspendedError,
)
from web.bootstrap import Services

USER = r"(?P<username>[a-z][a-z0-9._]*)"
PARTNER = r"(?P<partner>[^\s,\"]+)"

# Every partner takes as many referrals a week, so none ranks above another on capacity alone.
WEEKLY_CAPACITY = 5
REFERRAL_NOTE = "请尽快联系家属"
DESCRIPTIONS = {
    "emergency": "独居老人在家摔倒，起不来",
    "hardship": "老人腿脚不便，需要有人帮忙买菜",
    "worry_relief": "老伴去世后老人情绪低落",
    "mediation": "楼上漏水，两家为此争吵",
    "poverty_relief": "家中主要劳动力失业，想申请补助",
    "study_aid": "孩子升学需要辅导",
}

# What a block leader or a partner's clerk is told, by the error the rules raise for it.
REFUSALS: dict[str, type[DomainError]] = {
    "the building is not in the block": BuildingNotInBlockError,
    "the category is not on the menu": UnknownCategoryError,
    "the partner is suspended": PartnerSuspendedError,
    "the partner does not serve the need": PartnerOutOfScopeError,
    "an override needs a reason": OverrideNotAllowedError,
    "the partner declined this need": PartnerExcludedError,
    "a decline needs a reason": DeclineReasonRequiredError,
    "the reason is not one of the codes": InvalidInputError,
    "a reason is required": InvalidInputError,
    "a partner still holds a referral": OpenReferralsError,
    "the need is not resolved": NeedNotResolvedError,
    "it was sent against a stale version": VersionConflictError,
}


@dataclass(frozen=True)
class Person:
    """Someone at work in the community, known by username."""

    username: str
    role: str
    block: str | None = None

    @property
    def may_override(self) -> bool:
        """Only the secretary may refer outside a partner's services."""
        return self.role == "secretary"


@dataclass(frozen=True)
class RegisteredPartner:
    """A partner of the directory and the clerk who answers its referrals."""

    partner_id: UUID
    name: str
    clerk: str


@dataclass
class Outcome:
    """What a command came to: its result or the error the rules refused it with, and how far
    the needs log and the community's list of needs had got before it was given."""

    log_position: int
    needs_listed: int
    result: Any = None
    error: DomainError | None = None
    heard: bool = False


def shanghai(text: str) -> datetime:
    """A moment written as '2026-11-30 09:00', Shanghai time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def local(moment: datetime) -> str:
    """A moment as a block leader reads it: Shanghai time, to the minute."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def names(text: str) -> list[str]:
    """'emergency, hardship' as a list."""
    return [part.strip() for part in text.split(",") if part.strip()]


def someone(people: dict[str, Person], username: str) -> Person:
    """A person the scenario has introduced."""
    assert username in people, f"{username} has not been introduced in the Background"
    return people[username]


def log_position(services: Services) -> int:
    """How many events the needs log holds: any command that changes anything moves it."""
    return services.needs.recorder.max_notification_id() or 0


def needs_listed(services: Services, community: Community) -> int:
    """How many needs the community's list holds, in every block and status."""
    return services.view.list_needs(community.id)[1]


def open_needs(services: Services, community: Community, block: str) -> list[dict[str, Any]]:
    """The block's needs not yet resolved, in the order the block leader sees them."""
    rows, _ = services.view.list_needs(
        community.id, blocks=[block], statuses=["open", "in_progress"], limit=200
    )
    return rows


def referral_to(services: Services, need: UUID, partner: str) -> dict[str, Any]:
    """The need's latest referral to the partner, as its clerk sees it."""
    sent = [r for r in services.needs.get_need(need)["referrals"] if r["partner_name"] == partner]
    assert sent, f"the need has no referral to {partner}"
    return services.casework.get_referral(sent[-1]["id"])


def clerk_of(
    services: Services, partners: dict[str, RegisteredPartner], partner: str, referral: UUID
) -> str:
    """The clerk who answers the referral, which must be addressed to that partner."""
    assert services.casework.get_referral(referral)["partner_name"] == partner
    return partners[partner].clerk


def attempt(
    services: Services,
    community: Community,
    refusals: list[Outcome],
    command: Callable[[], Any],
) -> Outcome:
    """Give a command, keeping the error if the rules refuse it."""
    outcome = Outcome(log_position(services), needs_listed(services, community))
    try:
        outcome.result = command()
    except DomainError as error:
        outcome.error = error
    refusals.append(outcome)
    return outcome
