"""The Needs application: commands that log, route and close needs (its queries and the store
they read are needs.case_store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID, uuid5

from eventsourcing.persistence import IntegrityError

from kernel.checks import Stamp
from kernel.errors import NotFoundError
from needs.case_store import CaseStore
from needs.domain import Need
from needs.erasure import Erasure
from needs.referral_clock import Lapse, lapse
from needs.values import Household, NeedStatus, PartnerTerms
from store.commands import CommandKey
from store.shredding import forget_snapshots

HANDOVER = "handover"  # why a case was assigned when its block or the case was handed over


class Needs(CaseStore):
    """The casework application: every command loads a case, calls it and saves it."""

    # --- commands ----------------------------------------------------------------------

    def log_need(
        self,
        *,
        community: str,
        category: str,
        block: str,
        household: Household,
        description: str,
        urgency: str,
        resident_name: str | None = None,
        contact_phone: str | None = None,
        consent_to_share: bool = False,
        actor: str,
        occurred_at: datetime | None = None,
        need_id: UUID | None = None,
        key: CommandKey | None = None,
        duplicate_of: UUID | None = None,
        duplicate_confirmed: bool = False,
    ) -> UUID:
        """Log a need for the household it is given (found or registered by its address
        outside the cases); returns the need's id. A caller that retries may choose the id:
        a need already logged under it is kept. `duplicate_of`: the household's open need in
        the same category, noted in the same save (`duplicate_confirmed` when the leader
        logged it knowing)."""
        if need_id is not None and self._exists(need_id):
            if key is not None:
                key.ran_in(self.load(need_id))
            return need_id
        where = self.community(community)
        stamp = self.stamp(actor, occurred_at, key)
        need = Need.log(
            where,
            category=category,
            block=block,
            household=household,
            resident_name=resident_name,
            contact_phone=contact_phone,
            description=description,
            urgency=urgency,
            consent_to_share=consent_to_share,
            stamp=stamp,
            need_id=need_id,
        )
        if duplicate_of is not None:
            need.note_duplicate(duplicate_of, duplicate_confirmed, stamp)
        try:
            self.save(need)
        except IntegrityError:
            if need_id is None:
                raise
            # The same retry arrived twice at once; the first one logged it.
        return need.id

    def assign(self, need_id: UUID, assignee: str, *, actor: str, **opts: Any) -> None:
        """Set who owns the case."""
        self._update(need_id, lambda n, s: n.assign(assignee, s), actor, **opts)

    def assign_volunteer(
        self, need_id: UUID, group_id: UUID, member_id: UUID, *, actor: str, **opts: Any
    ) -> None:
        """Ask a volunteer (a member of the block's group, checked by the caller) to help."""
        self._update(
            need_id, lambda n, s: n.assign_volunteer(group_id, member_id, s), actor, **opts
        )

    def hand_over(self, need_id: UUID, leader: str, *, actor: str) -> bool:
        """Give an open case to the leader who takes it over (reason "handover"); a case that
        is resolved or is theirs already is left as it is. Whether it moved."""

        def command(need: Need, stamp: Stamp) -> bool:
            if need.status is NeedStatus.RESOLVED or need.assignee == leader:
                return False
            need.assign(leader, stamp, reason=HANDOVER)
            return True

        moved: bool = self._update(need_id, command, actor)
        return moved

    def record_visit(self, need_id: UUID, notes: str, *, actor: str, **opts: Any) -> None:
        """Record a visit; visits commute, so a clash with another command is retried."""
        self._update(need_id, lambda n, s: n.record_visit(notes, s), actor, commutes=True, **opts)

    def add_note(self, need_id: UUID, note: str, *, actor: str, **opts: Any) -> None:
        """Add a note; notes commute, so a clash with another command is retried."""
        self._update(need_id, lambda n, s: n.add_note(note, s), actor, commutes=True, **opts)

    def change_urgency(
        self, need_id: UUID, urgency: str, reason: str = "", *, actor: str, **opts: Any
    ) -> None:
        """Change the urgency, saying why."""
        self._update(need_id, lambda n, s: n.change_urgency(urgency, reason, s), actor, **opts)

    def record_consent(
        self, need_id: UUID, consent_to_share: bool, *, actor: str, **opts: Any
    ) -> None:
        """Record the resident's consent to share with partners, or its withdrawal."""
        self._update(need_id, lambda n, s: n.record_consent(consent_to_share, s), actor, **opts)

    def resolve(
        self, need_id: UUID, outcome: str, summary: str = "", *, actor: str, **opts: Any
    ) -> None:
        """Resolve the case."""
        self._update(need_id, lambda n, s: n.resolve(outcome, summary, s), actor, **opts)

    def reopen(self, need_id: UUID, reason: str, *, actor: str, **opts: Any) -> None:
        """Reopen a resolved case."""
        self._update(need_id, lambda n, s: n.reopen(reason, s), actor, **opts)

    def record_follow_up(
        self,
        need_id: UUID,
        verdict: str,
        note: str = "",
        *,
        reopen_reason: str | None = None,
        actor: str,
        **opts: Any,
    ) -> None:
        """Record the resident's verdict at the follow-up visit; with `reopen_reason`, reopen
        the need in the same save (the resident said it is not solved)."""

        def command(need: Need, stamp: Stamp) -> None:
            need.record_follow_up(verdict, note, stamp)
            if reopen_reason is not None:
                need.reopen(reopen_reason, stamp)

        self._update(need_id, command, actor, **opts)

    def refer(
        self,
        need_id: UUID,
        partner: PartnerTerms,
        note: str = "",
        *,
        actor: str,
        override_reason: str | None = None,
        may_override: bool = False,
        referral_id: UUID | None = None,
        **opts: Any,
    ) -> UUID:
        """Refer the case to a partner; returns the new referral's id (a retry's, its own)."""

        def command(need: Need, stamp: Stamp) -> UUID:
            sla = self.community(need.community).category(need.category).sla_hours
            return need.refer(
                partner,
                note,
                timedelta(hours=sla),
                stamp,
                override_reason=override_reason,
                may_override=may_override,
                referral_id=referral_id,
            )

        def repeated(need: Need) -> UUID:
            # The referral a command sent again made the first time: the API names it.
            return need.referral(cast(UUID, referral_id)).id

        return self._update(need_id, command, actor, repeated=repeated, **opts)

    def accept_referral(
        self, need_id: UUID, referral_id: UUID, note: str = "", *, actor: str, **opts: Any
    ) -> None:
        """The partner accepts."""
        self._referral_step(
            need_id,
            referral_id,
            lambda n, s: n.accept_referral(referral_id, note, s),
            actor,
            **opts,
        )

    def decline_referral(
        self,
        need_id: UUID,
        referral_id: UUID,
        reason: str | None,
        note: str = "",
        *,
        actor: str,
        **opts: Any,
    ) -> None:
        """The partner declines, with a reason code."""
        self._referral_step(
            need_id,
            referral_id,
            lambda n, s: n.decline_referral(referral_id, reason, note, s),
            actor,
            **opts,
        )

    def expire_referral(self, need_id: UUID, referral_id: UUID, *, actor: str, **opts: Any) -> None:
        """Nobody answered in time."""
        self._referral_step(
            need_id, referral_id, lambda n, s: n.expire_referral(referral_id, s), actor, **opts
        )

    def withdraw_referral(
        self, need_id: UUID, referral_id: UUID, reason: str = "", *, actor: str, **opts: Any
    ) -> None:
        """The committee takes the referral back."""
        self._referral_step(
            need_id,
            referral_id,
            lambda n, s: n.withdraw_referral(referral_id, reason, s),
            actor,
            **opts,
        )

    def complete_referral(
        self,
        need_id: UUID,
        referral_id: UUID,
        outcome: str,
        note: str = "",
        *,
        actor: str,
        **opts: Any,
    ) -> None:
        """The partner reports the outcome."""
        self._referral_step(
            need_id,
            referral_id,
            lambda n, s: n.complete_referral(referral_id, outcome, note, s),
            actor,
            **opts,
        )

    def lapse_referral(
        self,
        need_id: UUID,
        referral_id: UUID,
        candidates: Sequence[PartnerTerms],
        *,
        actor: str,
        **opts: Any,
    ) -> Lapse:
        """Expire an unanswered referral and move the case on to the first candidate that may
        take it, or escalate it; one save, so a crash leaves neither half done."""

        def command(need: Need, stamp: Stamp) -> Lapse:
            sla = self.community(need.community).category(need.category).sla_hours
            return lapse(
                need,
                referral_id,
                candidates,
                timedelta(hours=sla),
                stamp,
                next_referral_id=uuid5(referral_id, "re-offer"),
            )

        return self._referral_step(need_id, referral_id, command, actor, **opts)

    def record_delivery_failure(
        self,
        need_id: UUID,
        referral_id: UUID,
        delivery_id: UUID,
        attempts: int,
        last_error: str,
        *,
        actor: str,
        **opts: Any,
    ) -> None:
        """Record on the case that the partner could not be told of its referral."""
        self._update(
            need_id,
            lambda n, s: n.record_delivery_failure(
                referral_id, delivery_id, attempts, last_error, s
            ),
            actor,
            commutes=True,
            **opts,
        )

    def erase_household(self, household_id: UUID, *, actor: str) -> Erasure:
        """Erase a household's personal data: tombstone it, mark each of its cases erased,
        destroy its key and its cases' snapshots. Safe to run again after a crash."""
        keys = self._key_store()
        need_ids = self.list_household_needs(household_id)
        if not need_ids and keys.tombstone(household_id) is None:
            raise NotFoundError(f"no household {household_id}")
        tombstone = keys.begin_erasure(household_id, actor, self.clock.now())
        for need_id in need_ids:
            self._update(need_id, lambda n, s: n.erase_personal_data(s), actor, commutes=True)
        keys.destroy_key(household_id)
        forget_snapshots(self, need_ids, keys.store.purge_seconds)
        return Erasure(household_id, tombstone.erased_at, tombstone.erased_by, need_ids)
