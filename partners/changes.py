"""The partner directory's changes to a partner: each a command on the Partner aggregate, run on
fresh state and retried when another writer wins the race (the Partners application takes them
in as a base class)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from kernel.retrying import retry_on_clash
from partners.domain import Partner
from partners.exceptions import VersionConflictError

# A concurrent writer can win the race between our read and our save; re-running the
# command on fresh state is safe because every command validates against current state.
SAVE_ATTEMPTS = 3


class PartnerChanges:
    """The commands that change a registered partner, with If-Match (`expected_version`). Each
    takes the fields of the Partner command it runs, as keywords, with its `actor` and, when it
    happened earlier than it is recorded, `occurred_at`; the command checks them."""

    _clock: Callable[[], datetime]

    if TYPE_CHECKING:

        def _get(self, partner_id: UUID) -> Partner: ...

        def save(self, *objs: Any, **kwargs: Any) -> Any: ...

    def change_services(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Change the categories a partner serves and the blocks it covers
        (`categories`, `blocks`, `reason`)."""
        self._change(partner_id, expected_version, Partner.change_services, **change)

    def change_capacity(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Change how many referrals a week a partner takes (`weekly_capacity`, `reason`)."""
        self._change(partner_id, expected_version, Partner.change_capacity, **change)

    def set_week_capacity(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Say how many referrals a partner can take in the week starting on Monday `week`
        (`weekly_capacity`, `reason`)."""
        self._change(partner_id, expected_version, Partner.set_week_capacity, **change)

    def change_details(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Change a partner's name, kind and partnership mode (with a `reason`)."""
        self._change(partner_id, expected_version, Partner.change_details, **change)

    def pause(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Take no new referrals from `starts_on` to `ends_on`, for a `reason`; the pause ends by
        itself after `ends_on`."""
        self._change(partner_id, expected_version, Partner.pause, **change)

    def end_pause(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """End a partner's pause early."""
        self._change(partner_id, expected_version, Partner.end_pause, **change)

    def change_contact(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Change a partner's contact details (`contact`, phone, email, address, named people,
        reason)."""
        self._change(partner_id, expected_version, Partner.change_contact, **change)

    def suspend_partner(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Stop new referrals to a partner (with a `reason`)."""
        self._change(partner_id, expected_version, Partner.suspend, **change)

    def reactivate_partner(
        self, partner_id: UUID, *, expected_version: int | None = None, **change: Any
    ) -> None:
        """Let a suspended partner receive new referrals again."""
        self._change(partner_id, expected_version, Partner.reactivate, **change)

    def _change(
        self,
        partner_id: UUID,
        expected_version: int | None,
        command: Callable[..., None],
        *,
        occurred_at: datetime | None = None,
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
