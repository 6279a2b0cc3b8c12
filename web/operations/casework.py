"""The façade the API, the pages, the CLI and the tasks call: plain types in and out,
and the commands that need both contexts (a referral names a partner from the directory)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from duties.application import Duties
from kernel.clock import SHANGHAI, Clock, week_start
from kernel.errors import ConflictError, InvalidInputError
from needs.application import Needs
from needs.described import DescribedNeeds
from needs.exceptions import PossibleDuplicateError, ReferralNotFoundError
from needs.reading import describe_referral
from needs.values import Household, PartnerTerms
from needs.views import NeedsView
from partners.application import Partners
from partners.exceptions import PartnerNotFoundError
from partners.matching import Match, NeedFacts, PartnerStats, rank_partners
from store.follower import Follower

# Needs logged with an Idempotency-Key (the API) or a form key (the pages, the phone's queue)
# get the id uuid5(NEED_IDS, "<username>:<key>"): a retry finds the need it logged before.
NEED_IDS = UUID("6f1c3a52-5b7e-4b8e-9d0b-1f6f0c1e2a44")
# What log_need does when the household has an open need in the same category.
REFUSE, CONFIRM, FLAG = "refuse", "confirm", "flag"


class UnknownPartnerError(InvalidInputError):
    """A referral names a partner that is not in the directory."""

    def __init__(self, partner_id: UUID) -> None:
        super().__init__("partner_id", f"no partner {partner_id}")


class PartnerPausedError(ConflictError):
    """A referral names a partner that has paused new referrals for now."""


class Casework:
    """Commands and queries that span the needs, the partner directory and the households."""

    def __init__(
        self,
        *,
        needs: Needs,
        partners: Partners,
        view: NeedsView,
        follower: Follower,
        clock: Clock,
        duties: Duties,
    ) -> None:
        self.needs = needs
        self.partners = partners
        self.view = view
        self.follower = follower
        self.clock = clock
        self.duties = duties
        self.described = DescribedNeeds(needs)

    def log_need(
        self,
        *,
        community: str,
        block: str,
        household_id: UUID | None = None,
        building: str | int | None = None,
        unit: str | None = None,
        room: str | None = None,
        actor: str,
        duplicates: str | None = None,
        **details: Any,
    ) -> UUID:
        """Log a need for its household: the duties name it — by id, or by address, where
        they register a new one first — and the needs log the need for it. When the household
        already has an open need in the category, `duplicates` decides: REFUSE it
        (PossibleDuplicateError), CONFIRM it (the leader knows) or FLAG it for the leader (an
        offline capture, never refused); None (a script, a task) does not look."""
        if household_id is not None:
            settled = self.duties.household_address(household_id, community, block)
        else:
            settled = self.duties.settle_household(
                community=community,
                block=block,
                building=building,
                unit=unit,
                room=room,
                actor=actor,
                occurred_at=details.get("occurred_at"),
                key=details.get("key"),
            )
        existing = (
            self.open_need_like(community, settled.id, details["category"], details.get("need_id"))
            if duplicates is not None
            else None
        )
        if existing is not None and duplicates == REFUSE:
            logged = existing["logged_at"].astimezone(SHANGHAI).date().isoformat()
            raise PossibleDuplicateError(
                f"this household already has an open {details['category']} need, logged "
                f"{logged}: add a note to it instead, or send duplicate_ok to log this one too",
                UUID(existing["need_id"]),
            )
        return self.needs.log_need(
            community=community,
            block=block,
            household=Household(settled.id, settled.building, settled.unit, settled.room),
            actor=actor,
            duplicate_of=UUID(existing["need_id"]) if existing is not None else None,
            duplicate_confirmed=duplicates == CONFIRM,
            **details,
        )

    def open_need_like(
        self, community: str, household_id: UUID, category: str, need_id: UUID | None = None
    ) -> dict[str, Any] | None:
        """The household's oldest open need in the category (other than `need_id`), if any."""
        rows, _ = self.view.list_needs(
            community,
            household_id=household_id,
            category=category,
            statuses=("open", "in_progress"),
            limit=10,
        )
        others = [r for r in rows if need_id is None or r["need_id"] != str(need_id)]
        return min(others, key=lambda r: r["logged_at"]) if others else None

    def partner_terms(self, partner_id: UUID) -> PartnerTerms:
        """What a case needs to know of a partner to refer to it."""
        try:
            p = self.partners.get_partner(partner_id)
        except PartnerNotFoundError:
            raise UnknownPartnerError(partner_id) from None
        # A paused partner is refused new referrals as a suspended one is, until its pause ends.
        active = p.active and not p.paused_on(self.today())
        return PartnerTerms(
            p.partner_id, p.name, active, frozenset(p.categories), frozenset(p.blocks)
        )

    def today(self) -> date:
        """The community's calendar day now (Shanghai)."""
        return self.clock.now().astimezone(SHANGHAI).date()

    def refer(
        self, need_id: UUID, partner_id: UUID, note: str = "", *, actor: str, **opts: Any
    ) -> UUID:
        """Refer a need to a partner of the directory; returns the referral's id."""
        terms = self.partner_terms(partner_id)
        partner = self.partners.get_partner(partner_id)
        if partner.active and partner.paused_on(self.today()):
            raise PartnerPausedError(
                f"{partner.name} has paused new referrals until {partner.paused_until}: "
                f"{partner.pause_reason}"
            )
        return self.needs.refer(need_id, terms, note, actor=actor, **opts)

    def matches(self, need_id: UUID) -> list[Match]:
        """Partners ranked for the need, each with its reasons."""
        need = self.needs.load(need_id)
        community = self.needs.community(need.community)
        facts = NeedFacts(
            category=need.category,
            block=need.block,
            excluded_partner_ids=need.excluded_partner_ids,
            engaged_partner_ids=need.engaged_partner_ids,
            sla_hours=community.category(need.category).sla_hours,
            today=self.today(),
        )
        history = self.view.partner_history(need.community, week_start(self.clock.now()))
        stats = {pid: PartnerStats(**h) for pid, h in history.items()}
        return rank_partners(facts, self.partners.list_partners(need.community), stats)

    def locate_referral(self, referral_id: UUID) -> tuple[UUID, UUID]:
        """(need id, partner id) of a referral, or ReferralNotFoundError."""
        found = self.view.referral_need(referral_id)
        if found is None:
            # The read model may lag a save made by another process a moment ago.
            self.follower.catch_up()
            found = self.view.referral_need(referral_id)
        if found is None:
            raise ReferralNotFoundError(f"no referral {referral_id}")
        return found

    def get_referral(self, referral_id: UUID) -> dict[str, Any]:
        """One referral with the case facts its partner works from."""
        need_id, _ = self.locate_referral(referral_id)
        need = self.needs.load(need_id)
        return describe_referral(need, need.referral(referral_id))

    def act_on_referral(self, referral_id: UUID, action: str, *args: Any, **kwargs: Any) -> None:
        """Run a referral command (accept, decline, complete, withdraw, expire) by its id."""
        need_id, _ = self.locate_referral(referral_id)
        command = getattr(self.needs, f"{action}_referral")
        command(need_id, referral_id, *args, **kwargs)
