"""The resource list (资源清单): the partners' offerings, kept in the partners' own store, with
their commands and the queries the phone pages, the API and the open export ask."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ApplicationRecorder, Mapper

from kernel.retrying import retry_on_clash
from partners.domain import Partner
from partners.exceptions import (
    InvalidPartnerError,
    OfferingNotFoundError,
    OfferingVersionConflictError,
    PartnerNotFoundError,
)
from partners.offering import Offering
from partners.schedules import next_on, occurs_on
from partners.views import history_entry
from store import directory


@dataclass(frozen=True)
class OfferingRecord:
    """An offering as the resource list shows it: plain values."""

    offering_id: UUID
    version: int
    community: str
    partner_id: UUID
    title: str
    category: str
    block: str
    description: str
    eligibility: str
    where: str
    how_to_book: str
    schedule: dict[str, Any]
    capacity: int
    withdrawn: bool
    listed_at: datetime
    updated_at: datetime
    referral_ids: tuple[str, ...] = ()

    def on(self, day: date) -> bool:
        """Whether a session is held on this day."""
        return not self.withdrawn and occurs_on(self.schedule, day)

    def next_session(self, today: date) -> date | None:
        """The next session day from today, if any."""
        return None if self.withdrawn else next_on(self.schedule, today)

    def reaches(self, block: str) -> bool:
        """Whether residents of this block are meant (an offering for all blocks reaches all)."""
        return self.block in ("*", block)


def record_of(offering: Offering) -> OfferingRecord:
    """The plain record of an offering aggregate."""
    return OfferingRecord(
        offering_id=offering.id,
        version=offering.version,
        community=offering.community,
        partner_id=offering.partner_id,
        title=offering.title,
        category=offering.category,
        block=offering.block,
        description=offering.description,
        eligibility=offering.eligibility,
        where=offering.where,
        how_to_book=offering.how_to_book,
        schedule=dict(offering.schedule),
        capacity=offering.capacity,
        withdrawn=offering.withdrawn,
        listed_at=offering.created_on,
        updated_at=offering.modified_on,
        referral_ids=tuple(r["referral_id"] for r in offering.referrals),
    )


class OfferingDirectory(directory.Directory):
    """Every offering in the partners' store, kept current by following its log."""

    def __init__(self) -> None:
        super().__init__()
        self._offerings: dict[UUID, Offering] = {}
        self._records: dict[UUID, OfferingRecord] = {}

    def records(self, recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> list[OfferingRecord]:
        """Catch up with the store, then return every offering's record."""
        with self.lock:
            self.catch_up(recorder, mapper)
            return list(self._records.values())

    def apply(self, event: object) -> None:
        if isinstance(event, Offering.Listed):
            offering = cast(Offering, event.mutate(None))
        elif isinstance(event, Offering.Event) and event.originator_id in self._offerings:
            offering = cast(Offering, event.mutate(self._offerings[event.originator_id]))
        else:
            return
        self._offerings[offering.id] = offering
        self._records[offering.id] = record_of(offering)


class OfferingBook:
    """The partners' offerings: list, change, withdraw, note a referral; find by day and place."""

    def __init__(self, app: Application[UUID], clock: Callable[[], datetime]) -> None:
        self._app = app
        self._clock = clock
        self._directory = OfferingDirectory()

    def offer(
        self,
        *,
        community: str,
        partner_id: UUID,
        actor: str,
        occurred_at: datetime | None = None,
        offering_id: UUID | None = None,
        **details: Any,
    ) -> UUID:
        """List an offering of a partner of the community; returns its id."""
        if offering_id is not None and self._exists(offering_id):
            return offering_id
        self._check_partner(community, partner_id, details)
        now = self._clock()
        offering = Offering.offer(
            community=community,
            partner_id=partner_id,
            details=details,
            actor=actor,
            occurred_at=occurred_at or now,
            recorded_at=now,
            offering_id=offering_id,
        )
        self._app.save(offering)
        return offering.id

    def change(
        self,
        offering_id: UUID,
        *,
        details: Mapping[str, Any],
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Change an offering; the partner must serve its category."""
        current = self.get(offering_id)
        merged = {"category": current.category, "block": current.block, **details}
        self._check_partner(current.community, current.partner_id, merged)
        self._run(
            offering_id, expected_version, Offering.change, occurred_at,
            details=details, reason=reason, actor=actor,
        )  # fmt: skip

    def withdraw(
        self,
        offering_id: UUID,
        *,
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Take an offering off the list."""
        self._run(
            offering_id,
            expected_version,
            Offering.withdraw,
            occurred_at,
            reason=reason,
            actor=actor,
        )

    def note_referral(self, offering_id: UUID, referral_id: UUID, on: str, *, actor: str) -> None:
        """Keep on the offering that a referral named it."""
        self._run(
            offering_id, None, Offering.note_referral, None,
            referral_id=referral_id, on=on, actor=actor,
        )  # fmt: skip

    def get(self, offering_id: UUID) -> OfferingRecord:
        """One offering's record."""
        return record_of(self._load(offering_id))

    def list_offerings(
        self,
        community: str,
        *,
        partner_id: UUID | None = None,
        category: str | None = None,
        block: str | None = None,
        on: date | None = None,
        include_withdrawn: bool = False,
    ) -> list[OfferingRecord]:
        """The community's offerings, filtered, by category, then title."""
        found = [
            r
            for r in self._directory.records(self._app.recorder, self._app.mapper)
            if r.community == community
            and (include_withdrawn or not r.withdrawn)
            and (partner_id is None or r.partner_id == partner_id)
            and (category is None or r.category == category)
            and (block is None or r.reaches(block))
            and (on is None or r.on(on))
        ]
        return sorted(found, key=lambda r: (r.category, r.title, r.offering_id))

    def get_history(self, offering_id: UUID) -> list[dict[str, Any]]:
        """An offering's events, oldest first: version, type, both clocks, actor and data."""
        self._load(offering_id)
        return [history_entry(event) for event in self._app.events.get(offering_id)]

    def offering_of_referral(self, community: str, referral_id: UUID) -> OfferingRecord | None:
        """The offering a referral named, if it named one."""
        wanted = str(referral_id)
        for record in self.list_offerings(community, include_withdrawn=True):
            if wanted in record.referral_ids:
                return record
        return None

    def _check_partner(self, community: str, partner_id: UUID, details: Mapping[str, Any]) -> None:
        try:
            partner: Partner = self._app.repository.get(partner_id)
        except AggregateNotFoundError:
            raise PartnerNotFoundError(partner_id) from None
        if not isinstance(partner, Partner) or partner.community != community:
            raise PartnerNotFoundError(partner_id)
        category = details.get("category", "")
        if category and not partner.serves(category):
            message = f"{partner.name} does not serve {category}"
            raise InvalidPartnerError("category", message)
        block = details.get("block") or "*"
        if block != "*" and not partner.covers(block):
            raise InvalidPartnerError("block", f"{partner.name} does not work in block {block}")

    def _exists(self, offering_id: UUID) -> bool:
        return any(True for _ in self._app.events.get(offering_id, lte=1))

    def _load(self, offering_id: UUID) -> Offering:
        try:
            offering: object = self._app.repository.get(offering_id)
        except AggregateNotFoundError:
            raise OfferingNotFoundError(offering_id) from None
        if not isinstance(offering, Offering):
            raise OfferingNotFoundError(offering_id)
        return offering

    def _run(
        self,
        offering_id: UUID,
        expected_version: int | None,
        command: Callable[..., None],
        occurred_at: datetime | None,
        **arguments: Any,
    ) -> None:
        def load() -> Offering:
            offering = self._load(offering_id)
            if expected_version is not None and offering.version != expected_version:
                raise OfferingVersionConflictError(offering_id, expected_version, offering.version)
            return offering

        def run(offering: Offering) -> None:
            now = self._clock()
            command(offering, occurred_at=occurred_at or now, recorded_at=now, **arguments)

        retry_on_clash(
            load,
            run,
            self._app.save,
            commutes=True,
            attempts=3,
            patience=0,
            clash=lambda: OfferingVersionConflictError(
                offering_id, expected_version or 0, self._load(offering_id).version
            ),
        )
