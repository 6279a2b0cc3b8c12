"""The steps the demo's stories share, each at a plausible moment on the hand-moved clock."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

from kernel.clock import SHANGHAI, ManualClock
from kernel.community import DEMO_COMMUNITY
from web.bootstrap import Services
from web.demo.data import (
    LEADER_PICKS,
    LOCAL_PICK,
    MIN_TIME_LEFT,
    ONLY_WHEN_CALLED_FOR,
    PREFERRED_PARTNERS,
    DemoPartner,
)
from web.demo.plan import NeedPlan
from web.demo.texts import (
    NO_PARTNER_NOTE,
    OTHER_DECLINE_NOTE,
    PROGRESS_NOTES,
    REFERRAL_NOTES,
    RETURN_VISIT,
    SUMMARIES,
    URGENCY_RAISE_REASON,
    VISIT_NOTES,
    WITHDRAW_REASONS,
)


class Steps:
    """Assigning, visiting, referring, answering and closing a case, as its story asks."""

    def __init__(
        self,
        services: Services,
        clock: ManualClock,
        partners: dict[UUID, DemoPartner],
        now: datetime,
        echo: Callable[[str], None],
    ) -> None:
        self.needs = services.needs
        self.casework = services.casework
        self.clock = clock
        self.partners = partners
        self.now = now
        self.echo = echo
        self.need_ids: dict[int, UUID] = {}
        self.referrals = 0
        self.total = 0

    def take_on(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Assign the case and visit the household, taking consent there if not given."""
        yield self.after(plan, 0.5, 6, urgent=(0.1, 0.3))
        assigner = "secretary" if plan.rng.random() < 0.15 else plan.leader
        self.needs.assign(need, plan.leader, actor=assigner)
        yield self.after(plan, 2, 30, urgent=(0.1, 0.4))
        # A visit is sometimes recorded later, from a phone that was offline in the stairwell.
        visited_at = self.clock.now() - timedelta(minutes=plan.rng.choice((0, 0, 0, 40, 90)))
        self.needs.record_visit(
            need, VISIT_NOTES[plan.category], actor=plan.leader, occurred_at=visited_at
        )
        if not plan.consent and plan.rng.random() < 0.6:
            self.needs.record_consent(need, True, actor=plan.leader)
        if not plan.urgent and plan.urgency == "normal" and plan.rng.random() < 0.15:
            self.needs.change_urgency(need, "high", URGENCY_RAISE_REASON, actor=plan.leader)

    def refer_through(
        self,
        plan: NeedPlan,
        need: UUID,
        *,
        declines: int = 0,
        stall: bool = False,
        withdraw: bool = False,
        unanswered: bool = False,
    ) -> Generator[datetime, None, bool]:
        """Refer to the best match until one accepts, then see it through; True if resolved."""
        yield (
            self.after(plan, 0.2, 2) if unanswered else self.after(plan, 1, 24, urgent=(0.05, 0.2))
        )
        for attempt in range(declines + 1):
            sent = self.refer(plan, need)
            if sent is None:
                self.needs.add_note(need, NO_PARTNER_NOTE, actor=plan.leader)
                return False
            referral, partner = sent
            yield self.answer_moment(plan, partner, unanswered=unanswered)
            if withdraw and plan.rng.random() < 0.5:
                return (yield from self.withdraw(plan, need, referral))
            if attempt < declines:
                reason, note = (
                    (partner.decline_reason, partner.decline_note)
                    if plan.rng.random() < 0.8
                    else ("other", OTHER_DECLINE_NOTE)
                )
                self.casework.act_on_referral(referral, "decline", reason, note, actor=partner.user)
                yield self.after(plan, 0.5, 8, urgent=(0.05, 0.2))
                continue
            self.casework.act_on_referral(
                referral, "accept", partner.accept_note, actor=partner.user
            )
            if stall:
                yield self.after(plan, 72, 168)
                self.needs.add_note(need, plan.rng.choice(PROGRESS_NOTES), actor=plan.leader)
                return False
            if withdraw:
                yield self.after(plan, 12, 72)
                return (yield from self.withdraw(plan, need, referral))
            return (yield from self.complete(plan, need, referral, partner))
        return False

    def complete(
        self, plan: NeedPlan, need: UUID, referral: UUID, partner: DemoPartner
    ) -> Generator[datetime, None, bool]:
        """The partner does the work and reports; the leader checks back and resolves."""
        work_days = {
            "emergency": (0.05, 0.4),
            "hardship": (1, 5),
            "worry_relief": (2, 10),
            "mediation": (3, 14),
            "poverty_relief": (7, 21),
            "study_aid": (5, 20),
        }
        low, high = work_days[plan.category]
        yield self.after(plan, 24 * low, 24 * high, urgent=(1, 8))
        outcome = plan.rng.choices(("helped", "not_helped", "unreachable"), (85, 10, 5))[0]
        note = (
            partner.done_note if outcome == "helped" else "已尽力，未能完全解决，请块长继续跟进。"
        )
        self.casework.act_on_referral(referral, "complete", outcome, note, actor=partner.user)
        yield self.after(plan, 4, 36)
        self.needs.record_visit(need, RETURN_VISIT, actor=plan.leader)
        resolution = "helped" if outcome == "helped" else "partly_helped"
        self.needs.resolve(need, resolution, SUMMARIES[plan.category], actor=plan.leader)
        return True

    def withdraw(
        self, plan: NeedPlan, need: UUID, referral: UUID
    ) -> Generator[datetime, None, bool]:
        """Take the referral back and close the case: no longer needed."""
        reason = plan.rng.choice(WITHDRAW_REASONS)
        self.casework.act_on_referral(referral, "withdraw", reason, actor=plan.leader)
        yield self.after(plan, 2, 24)
        self.needs.resolve(need, "no_longer_needed", reason, actor=plan.leader)
        return True

    def refer(self, plan: NeedPlan, need: UUID) -> tuple[UUID, DemoPartner] | None:
        """Refer to one of the matching policy's best demo partners, if any may take the need."""
        called_for = {name for word, name in PREFERRED_PARTNERS.items() if word in plan.description}
        matches = [
            m
            for m in self.casework.matches(need)
            if m.partner_id in self.partners
            and (m.name not in ONLY_WHEN_CALLED_FOR or m.name in called_for)
        ]
        if not matches:
            return None
        # Leaders mostly take the policy's first offer, sometimes one they know better:
        # a unit that works only in a few blocks is their neighbour, and some needs call
        # for one partner (the leader knows who trims trees).
        choice = plan.rng.choices(matches[:3], LEADER_PICKS[: len(matches[:3])])[0]
        local = [m for m in matches if "*" not in self.partners[m.partner_id].blocks]
        if local and plan.rng.random() < LOCAL_PICK:
            choice = local[0]
        choice = next((m for m in matches if m.name in called_for), choice)
        referral = self.casework.refer(
            need, choice.partner_id, REFERRAL_NOTES[plan.category], actor=plan.leader
        )
        self.referrals += 1
        return referral, self.partners[choice.partner_id]

    # --- time --------------------------------------------------------------------------

    def after(
        self, plan: NeedPlan, low: float, high: float, *, urgent: tuple[float, float] | None = None
    ) -> datetime:
        """A moment some hours on; an emergency moves at its own pace, the rest in daytime."""
        if plan.urgent and urgent is not None:
            return self.clock.now() + timedelta(hours=plan.rng.uniform(*urgent))
        return _daytime(plan.rng, self.clock.now() + timedelta(hours=plan.rng.uniform(low, high)))

    def answer_moment(
        self, plan: NeedPlan, partner: DemoPartner, *, unanswered: bool = False
    ) -> datetime:
        """When the partner answers a referral sent now: at its usual pace, always before the
        deadline, and before `now` unless the deadline is still comfortably far off."""
        sent = self.clock.now()
        sla = timedelta(hours=DEMO_COMMUNITY.category(plan.category).sla_hours)
        if unanswered and sent + sla >= self.now + MIN_TIME_LEFT:
            return self.now + sla  # after today: still waiting in the partner's inbox
        if plan.urgent:
            moment = sent + timedelta(minutes=plan.rng.uniform(*partner.urgent_minutes))
        else:
            moment = _daytime(
                plan.rng, sent + timedelta(hours=plan.rng.uniform(*partner.answer_hours))
            )
        moment = min(moment, sent + sla * 0.9)
        if sent + sla < self.now + MIN_TIME_LEFT and moment > self.now:
            moment = sent + (self.now - sent) * plan.rng.uniform(0.2, 0.9)
        return moment


def _daytime(rng: random.Random, moment: datetime) -> datetime:
    """The moment, or the next morning if it falls at night in Shanghai."""
    hour, minute = rng.randint(8, 10), rng.randint(0, 59)
    local = moment.astimezone(SHANGHAI)
    if local.hour >= 21:
        local += timedelta(days=1)
    elif local.hour >= 8:
        return moment
    return local.replace(hour=hour, minute=minute).astimezone(UTC)
