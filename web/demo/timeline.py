"""The `Timeline` that runs every demo need's story, command by command, in time order."""

from __future__ import annotations

import heapq
from collections.abc import Generator, Iterator
from datetime import datetime
from uuid import UUID

from kernel.community import DEMO_COMMUNITY
from web.demo.plan import NeedPlan
from web.demo.steps import Steps
from web.demo.texts import (
    FIRST_NOTES,
    FOLLOW_UP_VISIT,
    HANDLED_NOTES,
    REOPEN_REASONS,
    SUMMARIES,
    VISIT_NOTES,
)
from web.operations.casework import CONFIRM


class Timeline(Steps):
    """Runs every need's story, one step at a time, in time order across all needs.

    Every command runs on a hand-moved clock set to the moment it "happened", in time order across
    all cases, so the recorded history, the charts and the partners' answer times look real. A
    referral still waiting for its partner at the end was sent recently enough that its deadline
    lies well in the future, and nothing is recorded after `now`.
    """

    def run(self, plans: list[NeedPlan]) -> None:
        """Step through the stories until each ends or would step past `now`."""
        self.total = len(plans)
        queue: list[tuple[datetime, int, Generator[datetime, None, None]]] = [
            (plan.logged_at, plan.number, self.story(plan)) for plan in plans
        ]
        heapq.heapify(queue)
        while queue:
            moment, number, steps = heapq.heappop(queue)
            self.clock.set(moment)
            following = next(steps, None)
            if following is None:
                continue
            if following > self.now:
                steps.close()  # the story has got as far as today
                continue
            heapq.heappush(queue, (max(following, moment), number, steps))
        self.echo(f"needs: {len(self.need_ids)} logged, {self.referrals} referrals")

    def story(self, plan: NeedPlan) -> Generator[datetime, None, None]:
        """Log the need, then live its story; yields the moment of each next step."""
        self.log(plan)
        yield from getattr(self, plan.story)(plan, self.need_ids[plan.number])

    def log(self, plan: NeedPlan) -> None:
        """Log the need by address, or by the household of its earlier need."""
        first = plan.same_household_as
        where = (
            {"household_id": self.needs.load(self.need_ids[first]).household.id}
            if first is not None
            else {"building": plan.building, "unit": plan.unit, "room": plan.room}
        )
        self.need_ids[plan.number] = self.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category=plan.category,
            block=plan.block,
            description=plan.description,
            urgency=plan.urgency,
            resident_name=plan.resident_name,
            contact_phone=plan.phone,
            consent_to_share=plan.consent,
            actor=plan.leader,
            duplicates=CONFIRM,  # the demo's cases are each meant, whatever else is open
            **where,
        )
        if len(self.need_ids) % 20 == 0:
            self.echo(f"needs: {len(self.need_ids)}/{self.total} logged …")

    # --- the stories -------------------------------------------------------------------

    def logged(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Only logged so far; perhaps a first phone call noted."""
        if plan.rng.random() < 0.5:
            yield self.after(plan, 2, 20)
            self.needs.add_note(need, plan.rng.choice(FIRST_NOTES), actor=plan.leader)

    def noted(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Phoned twice, not yet visited: still open."""
        yield self.after(plan, 3, 20)
        self.needs.add_note(need, FIRST_NOTES[1], actor=plan.leader)
        yield self.after(plan, 24, 60)
        self.needs.add_note(need, "已联系上家属，约好下周上门。", actor=plan.leader)

    def visited(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """The block looks after it itself, with regular visits."""
        yield from self.take_on(plan, need)
        for _ in range(plan.rng.randint(0, 2)):
            yield self.after(plan, 72, 200)
            self.needs.record_visit(need, FOLLOW_UP_VISIT, actor=plan.leader)

    def handled(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Solved within the block, without a partner."""
        yield from self.take_on(plan, need)
        yield self.after(plan, 12, 72, urgent=(0.5, 3))
        self.needs.add_note(need, HANDLED_NOTES[plan.category], actor=plan.leader)
        yield self.after(plan, 4, 48, urgent=(1, 6))
        self.needs.resolve(need, "helped", SUMMARIES[plan.category], actor=plan.leader)

    def referred(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Referred to the best match, which takes it on and reports back."""
        yield from self.take_on(plan, need)
        yield from self.refer_through(plan, need)

    def awaiting(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Referred the same day; the partner has not answered yet."""
        yield self.after(plan, 0.2, 1)
        self.needs.assign(need, plan.leader, actor=plan.leader)
        yield self.after(plan, 0.5, 3)
        self.needs.record_visit(need, VISIT_NOTES[plan.category], actor=plan.leader)
        yield from self.refer_through(plan, need, unanswered=True)

    def declined(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """The first partner declines; the next match takes it."""
        yield from self.take_on(plan, need)
        yield from self.refer_through(plan, need, declines=1)

    def stalled(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Accepted and still being worked on by the partner."""
        yield from self.take_on(plan, need)
        yield from self.refer_through(plan, need, stall=True)

    def withdrawn(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """The committee takes the referral back: the need went away."""
        yield from self.take_on(plan, need)
        yield from self.refer_through(plan, need, withdraw=True)

    def reopened(self, plan: NeedPlan, need: UUID) -> Iterator[datetime]:
        """Resolved, then the trouble came back."""
        yield from self.take_on(plan, need)
        resolved = yield from self.refer_through(plan, need)
        if not resolved:
            return
        yield self.after(plan, 72, 240)
        self.needs.reopen(need, plan.rng.choice(REOPEN_REASONS), actor=plan.leader)
        yield self.after(plan, 2, 24)
        self.needs.record_visit(need, VISIT_NOTES[plan.category], actor=plan.leader)
        yield from self.refer_through(plan, need, stall=plan.rng.random() < 0.5)
