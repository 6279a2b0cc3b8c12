"""The partner directory's changes to a partner: each a command on the Partner aggregate, run on
fresh state and retried when another writer wins the race (the Partners application takes them
in as a base class)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.retrying import retry_on_clash
from partners.domain import Partner
from partners.exceptions import VersionConflictError

# A concurrent writer can win the race between our read and our save; re-running the
# command on fresh state is safe because every command validates against current state.
SAVE_ATTEMPTS = 3


class PartnerChanges:
    """The commands that change a registered partner, with If-Match (`expected_version`)."""

    _clock: Callable[[], datetime]

    if TYPE_CHECKING:

        def _get(self, partner_id: UUID) -> Partner: ...

        def save(self, *objs: Any, **kwargs: Any) -> Any: ...

    def change_services(
        self,
        partner_id: UUID,
        *,
        categories: list[str],
        blocks: list[str],
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Change the categories a partner serves and the blocks it covers."""
        self._change(
            partner_id,
            expected_version,
            Partner.change_services,
            occurred_at,
            categories=categories,
            blocks=blocks,
            reason=reason,
            actor=actor,
        )

    def change_capacity(
        self,
        partner_id: UUID,
        *,
        weekly_capacity: int,
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Change how many referrals a week a partner takes."""
        self._change(
            partner_id,
            expected_version,
            Partner.change_capacity,
            occurred_at,
            weekly_capacity=weekly_capacity,
            reason=reason,
            actor=actor,
        )

    def set_week_capacity(
        self,
        partner_id: UUID,
        *,
        week: date,
        weekly_capacity: int,
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Say how many referrals a partner can take in the week starting on Monday `week`."""
        self._change(
            partner_id,
            expected_version,
            Partner.set_week_capacity,
            occurred_at,
            week=week,
            weekly_capacity=weekly_capacity,
            reason=reason,
            actor=actor,
        )

    def change_details(
        self,
        partner_id: UUID,
        *,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
        **details: Any,
    ) -> None:
        """Change a partner's name, kind and partnership mode (with a reason)."""
        self._change(
            partner_id,
            expected_version,
            Partner.change_details,
            occurred_at,
            actor=actor,
            **details,
        )

    def pause(
        self,
        partner_id: UUID,
        *,
        starts_on: date,
        ends_on: date,
        reason: str,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Take no new referrals for a period; the pause ends by itself after `ends_on`."""
        self._change(
            partner_id,
            expected_version,
            Partner.pause,
            occurred_at,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            actor=actor,
        )

    def end_pause(
        self,
        partner_id: UUID,
        *,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """End a partner's pause early."""
        self._change(partner_id, expected_version, Partner.end_pause, occurred_at, actor=actor)

    def change_contact(
        self,
        partner_id: UUID,
        *,
        contact: str,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
        **card: Any,
    ) -> None:
        """Change a partner's contact details (phone, email, address, named people, reason)."""
        self._change(
            partner_id,
            expected_version,
            Partner.change_contact,
            occurred_at,
            contact=contact,
            actor=actor,
            **card,
        )

    def suspend_partner(
        self,
        partner_id: UUID,
        *,
        reason: str = "",
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Stop new referrals to a partner."""
        self._change(
            partner_id, expected_version, Partner.suspend, occurred_at, reason=reason, actor=actor
        )

    def reactivate_partner(
        self,
        partner_id: UUID,
        *,
        actor: str,
        occurred_at: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Let a suspended partner receive new referrals again."""
        self._change(partner_id, expected_version, Partner.reactivate, occurred_at, actor=actor)

    def _change(
        self,
        partner_id: UUID,
        expected_version: int | None,
        command: Callable[..., None],
        occurred_at: datetime | None,
        **arguments: Any,
    ) -> None:
        read_versions: list[int] = []

        def load() -> Partner:
            partner = self._get(partner_id)
            if expected_version is not None and partner.version != expected_version:
                raise VersionConflictError(partner_id, expected_version, partner.version)
            read_versions.append(partner.version)
            return partner

        def run(partner: Partner) -> None:
            now = self._clock()
            command(partner, occurred_at=occurred_at or now, recorded_at=now, **arguments)

        retry_on_clash(
            load,
            run,
            self.save,
            commutes=True,  # a pinned version is checked again on the fresh copy
            attempts=SAVE_ATTEMPTS,
            patience=0,  # a change to the directory that keeps losing races says so at once
            clash=lambda: VersionConflictError(
                partner_id, read_versions[-1], self._get(partner_id).version
            ),
        )
