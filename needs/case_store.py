"""Where the cases are kept: saved with the read models following, cached as just saved, loaded
and read back; and the one way a command changes a case, retried on a clash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import JSONTranscoder, Mapper, Recording

from kernel.checks import Stamp
from kernel.errors import ConcurrentUpdateError, NotFoundError, VersionConflictError
from kernel.retrying import retry_on_clash
from needs.domain import Need
from needs.exceptions import NeedNotFoundError
from needs.reading import describe_event, describe_need
from needs.values import ENUMS, RECORDS
from store.commands import CommandKey, CommandRan
from store.keystore import KeyStore
from store.sealed_application import SealedApplication
from store.sealing import SealingMapper
from store.transcodings import register_all

T = TypeVar("T")


class CaseStore(SealedApplication):
    """The cases' event store, for the Needs application's commands and queries."""

    snapshotting_intervals = {Need: 50}  # noqa: RUF012 - the library reads a class attribute

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

    # --- queries -----------------------------------------------------------------------

    def get_need(
        self, need_id: UUID, *, version: int | None = None, as_saved: bool = False
    ) -> dict[str, Any]:
        """The case as it is now, or as it was after event `version`; `as_saved`: the newest
        state this process holds, with no trip to the store for later events (the answer to
        a command it has just saved)."""
        if as_saved and version is None and self.repository.cache is not None:
            try:
                # Only read, never changed, so the cached case itself serves.
                return describe_need(cast(Need, self.repository.cache.get(need_id)))
            except KeyError:
                pass
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

    def list_household_needs(self, household_id: UUID) -> list[UUID]:
        """Every case logged for the household, read from the log itself."""
        topic = f"{Need.NeedLogged.__module__}:{Need.NeedLogged.__qualname__}"
        found, start = [], 0
        while True:
            batch = self.recorder.select_notifications(
                start=start, limit=1000, topics=[topic], inclusive_of_start=False
            )
            for notification in batch:
                if cast(SealingMapper, self.mapper).household_in(notification) == household_id:
                    found.append(UUID(str(notification.originator_id)))
                start = notification.id
            if len(batch) < 1000:
                return found

    def _exists(self, need_id: UUID) -> bool:
        return any(True for _ in self.events.get(need_id, lte=1))

    def load(self, need_id: UUID, *, version: int | None = None) -> Need:
        """The aggregate itself, for the composition root's own use."""
        try:
            return cast(Need, self.repository.get(need_id, version=version))
        except AggregateNotFoundError:
            raise NeedNotFoundError(f"no need {need_id}") from None

    # --- changing a case -------------------------------------------------------------

    def _referral_step(
        self,
        need_id: UUID,
        referral_id: UUID,
        command: Callable[[Need, Stamp], T],
        actor: str,
        **opts: Any,
    ) -> T:
        # A referral step depends only on its referral, whose state and version a retry checks
        # again; so steps commute with other commands.
        done: T = self._update(
            need_id, command, actor, referral_id=referral_id, commutes=True, **opts
        )
        return done

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
        key: CommandKey | None = None,
        repeated: Callable[[Need], T] | None = None,
    ) -> T:
        # Notes, visits and referral steps commute; other commands depend on the whole case,
        # so a clash is reported. A command whose events the case holds already (sent again
        # after a crash) is not run again, nor held to the version it was sent against: it
        # answers `repeated(need)` (by default nothing).
        def load() -> Need:
            need = self.load(need_id)
            if key is not None:
                key.refuse_to_repeat(need)
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

        try:
            return retry_on_clash(
                load,
                lambda need: command(need, self.stamp(actor, occurred_at, key)),
                self.save,
                commutes=commutes,
                clash=lambda: ConcurrentUpdateError(
                    "someone else changed this case at the same moment; nothing was saved, "
                    "reload it and try again"
                ),
                overtaken=None if expected_version is None else overtaken,
            )
        except CommandRan as ran:
            return cast(T, None) if repeated is None else repeated(ran.aggregate)

    def _key_store(self) -> KeyStore:
        if self.keys is None:
            raise NotFoundError("this service keeps no household keys")
        return self.keys
