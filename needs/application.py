"""The Needs application: commands that log, route and close needs, and queries on them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Recording

from needs.clock import Clock
from needs.community import Community
from needs.domain import Lapse, Need, Stamp
from needs.erasure import Erasure, household_need_ids
from needs.exceptions import (
    ConcurrentUpdateError,
    HouseholdNotFoundError,
    NeedNotFoundError,
    VersionConflictError,
)
from needs.households import HouseholdIndex, household_for
from needs.keystore import KeyStore
from needs.reading import describe_event, describe_need
from needs.retrying import retry_on_clash
from needs.sealed_application import SealedApplication
from needs.sealing import SealingMapper
from needs.shredding import forget_snapshots
from needs.transcodings import register_all
from needs.values import ENUMS, RECORDS, PartnerTerms

__all__ = ["Erasure", "HouseholdIndex", "Needs"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class Needs(SealedApplication):
    """The casework application: every command loads a case, calls it and saves it."""

    snapshotting_intervals = {Need: 50}  # noqa: RUF012 - the library reads a class attribute

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        communities: Mapping[str, Community] | None = None,
        clock: Clock | None = None,
        households: HouseholdIndex | None = None,
        keys: KeyStore | None = None,
    ) -> None:
        super().__init__(env, communities=communities, clock=clock, keys=keys)
        self.households = households
        # Each is given what a save recorded, once it is stored (a read model's follower).
        self.after_save: list[Callable[[list[Recording[UUID]]], object]] = []

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        recordings = super()._record(processing_event)
        if self.repository.cache is not None:
            # The case as just saved, so the answer to a command reads it without a replay; a
            # read from the cache still fast-forwards it past anything saved elsewhere since.
            for aggregate_id, aggregate in processing_event.aggregates.items():
                self.repository.cache.put(aggregate_id, aggregate)
        return recordings

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder, ENUMS, RECORDS)

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(super().construct_mapper(), self.keys)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        for follow in self.after_save:
            # The events are stored; a lagging read model catches up on the next save.
            try:
                follow(recordings)
            except Exception:
                log.exception("a read model failed to catch up after a save")
        return recordings

    # --- commands ----------------------------------------------------------------------

    def log_need(
        self,
        *,
        community: str,
        category: str,
        block: str,
        building: str | int | None = None,
        unit: str | None = None,
        room: str | None = None,
        household_id: UUID | None = None,
        registered_household: UUID | None = None,
        description: str,
        urgency: str,
        resident_name: str | None = None,
        contact_phone: str | None = None,
        consent_to_share: bool = False,
        actor: str,
        occurred_at: datetime | None = None,
        need_id: UUID | None = None,
    ) -> UUID:
        """Log a need for a household named by address or by id; returns the need's id.
        A caller that already found the household registered at the address names it in
        `registered_household`. A caller that retries may choose the id: a need already
        logged under it is kept."""
        if need_id is not None and self._exists(need_id):
            return need_id
        where = self.community(community)
        household = household_for(
            where,
            block,
            building,
            unit,
            room,
            household_id,
            registered_household,
            self.households,
            self.load,
        )
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
            stamp=self.stamp(actor, occurred_at),
            need_id=need_id,
        )
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
        """Refer the case to a partner; returns the new referral's id."""

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

        return self._update(need_id, command, actor, **opts)

    def accept_referral(
        self, need_id: UUID, referral_id: UUID, note: str = "", *, actor: str, **opts: Any
    ) -> None:
        """The partner accepts."""
        self._step(
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
        self._step(
            need_id,
            referral_id,
            lambda n, s: n.decline_referral(referral_id, reason, note, s),
            actor,
            **opts,
        )

    def expire_referral(self, need_id: UUID, referral_id: UUID, *, actor: str, **opts: Any) -> None:
        """Nobody answered in time."""
        self._step(
            need_id, referral_id, lambda n, s: n.expire_referral(referral_id, s), actor, **opts
        )

    def withdraw_referral(
        self, need_id: UUID, referral_id: UUID, reason: str = "", *, actor: str, **opts: Any
    ) -> None:
        """The committee takes the referral back."""
        self._step(
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
        self._step(
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
            return need.lapse_referral(
                referral_id,
                candidates,
                timedelta(hours=sla),
                stamp,
                next_referral_id=uuid5(referral_id, "re-offer"),
            )

        return self._step(need_id, referral_id, command, actor, **opts)

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
            raise HouseholdNotFoundError(f"no household {household_id}")
        tombstone = keys.begin_erasure(household_id, actor, self.clock.now())
        for need_id in need_ids:
            self._update(need_id, lambda n, s: n.erase_personal_data(s), actor, commutes=True)
        keys.destroy_key(household_id)
        forget_snapshots(self, need_ids)
        return Erasure(household_id, tombstone.erased_at, tombstone.erased_by, need_ids)

    def list_household_needs(self, household_id: UUID) -> list[UUID]:
        """Every case logged for the household, read from the log itself."""
        topic = f"{Need.NeedLogged.__module__}:{Need.NeedLogged.__qualname__}"
        mapper = cast(SealingMapper, self.mapper)
        return household_need_ids(self.recorder, mapper, topic, household_id)

    def _key_store(self) -> KeyStore:
        if self.keys is None:
            raise HouseholdNotFoundError("this service keeps no household keys")
        return self.keys

    # --- queries -----------------------------------------------------------------------

    def get_need(self, need_id: UUID, *, version: int | None = None) -> dict[str, Any]:
        """The case as it is now, or as it was after event `version`."""
        return describe_need(self.load(need_id, version=version))

    def get_need_as_of(self, need_id: UUID, moment: datetime) -> dict[str, Any]:
        """The case as the service had recorded it by that moment."""
        version = self.version_as_of(need_id, moment)
        if version is None:
            raise NeedNotFoundError(f"need {need_id} had not been logged by {moment.isoformat()}")
        return self.get_need(need_id, version=version)

    def version_as_of(self, need_id: UUID, moment: datetime) -> int | None:
        """The last version recorded at or before the moment."""
        last = None
        for event in self.events.get(need_id):
            if cast(Need.Event, event).timestamp > moment:
                break
            last = event.originator_version
        return last

    def get_history(self, need_id: UUID) -> list[dict[str, Any]]:
        """Every event of the case, oldest first."""
        events = [describe_event(e) for e in self.events.get(need_id)]
        if not events:
            raise NeedNotFoundError(f"no need {need_id}")
        return events

    def _exists(self, need_id: UUID) -> bool:
        return any(True for _ in self.events.get(need_id, lte=1))

    def load(self, need_id: UUID, *, version: int | None = None) -> Need:
        """The aggregate itself, for the composition root's own use."""
        try:
            return cast(Need, self.repository.get(need_id, version=version))
        except AggregateNotFoundError:
            raise NeedNotFoundError(f"no need {need_id}") from None

    # --- helpers -----------------------------------------------------------------------

    def _step(
        self,
        need_id: UUID,
        referral_id: UUID,
        command: Callable[[Need, Stamp], T],
        actor: str,
        **opts: Any,
    ) -> T:
        # A referral step depends only on its referral, whose state and version a retry checks
        # again; so steps commute with other commands.
        return self._update(need_id, command, actor, referral_id=referral_id, commutes=True, **opts)

    def _update(
        self,
        need_id: UUID,
        command: Callable[[Need, Stamp], T],
        actor: str,
        *,
        commutes: bool = False,
        expected_version: int | None = None,
        expected_referral_version: int | None = None,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> T:
        # Notes, visits and referral steps commute; other commands depend on the whole case,
        # so a clash is reported.
        def load() -> Need:
            need = self.load(need_id)
            if expected_version is not None and need.version != expected_version:
                raise VersionConflictError(expected_version, need.version)
            if expected_referral_version is not None and referral_id is not None:
                current = need.referral(referral_id).version
                if current != expected_referral_version:
                    raise VersionConflictError(expected_referral_version, current)
            return need

        def overtaken() -> VersionConflictError:
            # The version the client pinned was overtaken while this command ran.
            return VersionConflictError(cast(int, expected_version), self.load(need_id).version)

        return retry_on_clash(
            load,
            lambda need: command(need, self.stamp(actor, occurred_at)),
            self.save,
            commutes=commutes,
            clash=lambda: ConcurrentUpdateError(
                "someone else changed this case at the same moment; nothing was saved, "
                "reload it and try again"
            ),
            overtaken=None if expected_version is None else overtaken,
        )
