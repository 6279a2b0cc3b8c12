"""The Partners application: commands and queries on the partner directory."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder

from partners.changes import PartnerChanges
from partners.domain import Partner, PartnerKind
from partners.exceptions import PartnerNotFoundError
from partners.offerings import OfferingBook
from partners.views import Directory, PartnerRecord, history_entry, record_of
from partners.webhooks import WebhookPolicy
from store.commands import CommandKey
from store.transcodings import EnumAsValue


def new_webhook_secret() -> str:
    """256 random bits, hex: the key partners verify our signatures with."""
    return secrets.token_hex(32)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Partners(PartnerChanges, Application[UUID]):
    """The partner directory: register partners, change what they offer, suspend and list them."""

    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Partner: 50}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        webhook_policy: WebhookPolicy | None = None,
    ) -> None:
        super().__init__(env)
        self._clock = clock or _utc_now
        self.webhook_policy = webhook_policy or WebhookPolicy()
        self._directory = Directory()
        self.offerings = OfferingBook(self, self._clock)  # the resource list, in this store

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Add the partner types to the library's default transcodings."""
        super().register_transcodings(transcoder)
        transcoder.register(EnumAsValue(PartnerKind, name="partner_kind"))  # as events carry it

    def register_partner(
        self,
        *,
        community: str,
        name: str,
        kind: str,
        categories: list[str],
        blocks: list[str],
        weekly_capacity: int,
        contact: str = "",
        mode: str = "",
        webhook_url: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        key: CommandKey | None = None,
    ) -> UUID:
        """Register a partner in a community's directory and return its id; a command sent
        again finds the partner it registered."""
        partner_id = None
        if key is not None:
            partner_id = key.makes("partner")
            if self._exists(partner_id):
                key.repeated = True
                return partner_id
        now = self._clock()
        partner = Partner.register(
            community=community,
            name=name,
            kind=kind,
            categories=categories,
            blocks=blocks,
            weekly_capacity=weekly_capacity,
            contact=contact,
            mode=mode,
            actor=actor,
            occurred_at=occurred_at or now,
            recorded_at=now,
            partner_id=partner_id,
        )
        if webhook_url:
            partner.set_webhook(
                url=webhook_url,
                secret=new_webhook_secret(),
                actor=actor,
                occurred_at=occurred_at or now,
                recorded_at=now,
                policy=self.webhook_policy,
            )
        self.save(partner)
        return partner.id

    def set_webhook(
        self,
        partner_id: UUID,
        *,
        webhook_url: str,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> str:
        """Set a partner's webhook; returns the new signing secret, shown only this once."""
        secret = new_webhook_secret()
        self._change(
            partner_id,
            expected_version,
            Partner.set_webhook,
            occurred_at=occurred_at,
            url=webhook_url,
            secret=secret,
            actor=actor,
            policy=self.webhook_policy,
        )
        return secret if webhook_url.strip() else ""

    def webhook_secret(self, partner_id: UUID) -> str:
        """The secret that signs deliveries to the partner's webhook (for the notifier only)."""
        return self._get(partner_id).webhook_secret

    def get_partner(self, partner_id: UUID) -> PartnerRecord:
        """One partner's current record."""
        return record_of(self._get(partner_id))

    def list_partners(
        self, community: str | None = None, *, active_only: bool = False
    ) -> list[PartnerRecord]:
        """The directory, optionally one community's and only active partners, by name."""
        records = [
            record
            for record in self._directory.records(self.recorder, self.mapper)
            if (community is None or record.community == community)
            and (record.active or not active_only)
        ]
        return sorted(records, key=lambda record: (record.name, record.partner_id))

    def get_history(self, partner_id: UUID) -> list[dict[str, Any]]:
        """A partner's events, oldest first: version, type, both clocks, actor and data."""
        self._get(partner_id)
        return [history_entry(event) for event in self.events.get(partner_id)]

    def find_by_name(self, community: str, name: str) -> PartnerRecord | None:
        """The community's partner with exactly this name, if there is one."""
        wanted = name.strip()
        for record in self.list_partners(community):
            if record.name == wanted:
                return record
        return None

    def _exists(self, partner_id: UUID) -> bool:
        return any(True for _ in self.events.get(partner_id, lte=1))

    def _get(self, partner_id: UUID) -> Partner:
        try:
            partner: Partner = self.repository.get(partner_id)
        except AggregateNotFoundError:
            raise PartnerNotFoundError(partner_id) from None
        return partner
