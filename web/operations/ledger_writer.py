"""Writing a ledger's checked rows to the duties: each row's household found by its address (or
registered), then what the row adds — the head and the phone, a watched member, a past contact —
unless the household holds it already. Households are saved a batch at a time (one transaction
for many rows); should a batch clash with another writer, its rows are done again one by one,
each on a freshly loaded household. A dry run only says what it would do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from duties.domain import Household
from kernel.errors import DomainError

if TYPE_CHECKING:
    from web.bootstrap import Services

BATCH = 200  # households a transaction
# Households saved lately are kept, as saved, for the rows after them (a ledger lists a
# household's members apart): a copy another writer has since changed fails its batch's save,
# which is then done again on fresh copies.
KEPT = 20_000
Address = tuple[str, int, str, str]


@dataclass
class RowOutcome:
    """What became (or would become) of one row: created, added, unchanged or error."""

    row: int
    action: str
    detail: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, why)


@dataclass
class Planned:
    """A row read and checked: its address, its fields, what is wrong with it."""

    row: int
    block: str = ""
    building: int = 0
    unit: str = ""
    room: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


class LedgerWriter:
    """Applies checked rows to the duties in batches, or only says what it would do."""

    def __init__(self, running: Services, community: str, actor: str, *, write: bool) -> None:
        self.duties, self.keys, self.index = running.duties, running.keys, running.duties_view
        self.looked: set[Address] = set()  # addresses looked up together beforehand
        self.new: set[UUID] = set()  # households registered in the batch
        self.community, self.actor, self.write = community, actor, write
        self.known: dict[Address, UUID] = {}
        self.planned: set[Address] = set()  # households a dry run would make
        self.pending: dict[UUID, Household] = {}  # loaded, changed, not yet saved
        self.saved: dict[UUID, Household] = {}  # as this import saved them
        self.batch: list[tuple[str, Planned, RowOutcome]] = []
        self.batch_size = BATCH

    def apply(self, kind: str, plan: Planned) -> list[RowOutcome]:
        """The row's outcome, and those of a batch saved with it; a row's domain error is its
        own outcome."""
        try:
            outcome = self._apply(kind, plan)
        except DomainError as error:
            return [RowOutcome(plan.row, "error", errors=[("", error.message)])]
        if not self.write:
            return [outcome]
        self.batch.append((kind, plan, outcome))
        return self.flush() if len(self.pending) >= self.batch_size else []

    def flush(self) -> list[RowOutcome]:
        """Save the batch: its rows' outcomes, or, after a clash, each row done again alone."""
        batch, self.batch = self.batch, []
        pending, new = list(self.pending.values()), self.new & set(self.pending)
        self.pending, self.new = {}, set()
        try:
            if pending:
                # Their keys made in one transaction, not one each as their events are sealed.
                self.keys.make_keys(new)
                # The others' keys read together, not one each as their events are sealed.
                self.keys.keys_for(h.id for h in pending if h.id not in new)
                self.duties.save(*pending)
        except IntegrityError:
            self.saved.clear()
            return self._one_by_one(batch)  # on fresh copies: the failed ones are dropped
        self.saved.update((household.id, household) for household in pending)
        for stale in list(self.saved)[: max(0, len(self.saved) - KEPT)]:
            del self.saved[stale]
        return [outcome for _, _, outcome in batch]

    def _one_by_one(self, batch: list[tuple[str, Planned, RowOutcome]]) -> list[RowOutcome]:
        self.known.clear()  # what the failed batch registered was not saved
        self.looked.clear()
        size, self.batch_size = self.batch_size, 1
        try:
            return [o for kind, plan, _ in batch for o in self.apply(kind, plan)]
        finally:
            self.batch_size = size

    def look_up(self, plans: list[Planned]) -> None:
        """Find the rows' households a few hundred addresses to a statement, before writing."""
        addresses = {(p.block, p.building, p.unit, p.room) for p in plans if not p.errors}
        found = self.index.find_households(self.community, addresses)
        self.known.update(found)
        self.looked |= addresses
        # The households themselves, a few hundred to a statement, as if saved by this import:
        # one changed meanwhile by another writer fails its batch's save, done again afresh.
        wanted = [i for i in dict.fromkeys(found.values()) if i not in self.saved]
        self.saved.update(self.duties.load_households(wanted[:KEPT]))

    def _household(self, household_id: UUID) -> Household:
        found = self.pending.get(household_id) or self.saved.get(household_id)
        return found if found is not None else self.duties.load_household(household_id)

    def _apply(self, kind: str, plan: Planned) -> RowOutcome:
        address: Address = (plan.block, plan.building, plan.unit, plan.room)
        where = f"{plan.building}号楼 {plan.unit or '-'}单元 {plan.room or '-'}室 ({plan.block})"
        found = self.known.get(address)
        if found is None and address not in self.looked:
            found = self.duties.find_household(self.community, *address)
        if found is None and not self.write:
            again = address in self.planned
            self.planned.add(address)
            return RowOutcome(plan.row, "added" if again else "created", f"new household {where}")
        stamp = self.duties.stamp(self.actor, None)
        if found is None:
            household = Household.register(
                self.duties.community(self.community),
                block=plan.block,
                building=plan.building,
                unit=plan.unit,
                room=plan.room,
                stamp=stamp,
            )
            self.pending[household.id] = household
            self.new.add(household.id)
        else:
            household = self._household(found)
        self.known[address] = household.id
        created = found is None
        changed = self._fields(kind, household, plan)
        if changed:
            self.pending[household.id] = household
        action = "created" if created else ("added" if changed else "unchanged")
        return RowOutcome(
            plan.row, action, f"{'new household' if created else 'household'} {where}"
        )

    def _fields(self, kind: str, household: Household, plan: Planned) -> bool:
        """Whether the row adds anything to the household (and, writing, adds it)."""
        f = plan.fields
        stamp = self.duties.stamp(self.actor, None)
        if kind == "households":
            details = (f["head"], f["phone"], f["people"])
            if not any(details) or details == (household.head, household.phone, household.people):
                return False
            return not self.write or household.note_details(*details, stamp)
        if kind == "members":
            missing = [g for g in f["group"] if not _in_group(household, f["name"], g)]
            if self.write:
                for group in missing:
                    household.join_group(f["name"], group, f["since"], stamp)
            return bool(missing)
        contact = (f["date"], f["visitor"], f["notes"])
        if any((c["on"], c["visitor"], c["notes"]) == contact for c in household.contacts):
            return False
        return not self.write or household.record_past_contact(
            f["visitor"], f["notes"], f["date"], stamp
        )


def _in_group(household: Household, name: str, group: str) -> bool:
    membership = household.membership(household.member_id(name), group)
    return membership is not None and membership.ends_on is None
