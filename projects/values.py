"""The codes and records of a project: phases, answers, team roles, steps and their stamps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from fractions import Fraction
from typing import TypeVar
from uuid import UUID

from projects.exceptions import InvalidProjectInputError, StepStateError


class Phase(StrEnum):
    CONSENTING = "consenting"
    APPLYING = "applying"
    APPROVED = "approved"
    BUILDING = "building"
    ACCEPTED = "accepted"
    IN_OPERATION = "in_operation"
    CLOSED = "closed"


PHASES = tuple(Phase)


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class TeamRole(StrEnum):
    LEADER = "leader"
    TREASURER = "treasurer"
    TECHNICAL_ADVISER = "technical_adviser"
    FIELD_OFFICER = "field_officer"
    ADVISER = "adviser"


class StepState(StrEnum):
    PENDING = "pending"
    STARTED = "started"
    COMPLETED = "completed"
    BLOCKED = "blocked"


class EntryKind(StrEnum):
    PLEDGE = "pledge"
    PAYMENT = "payment"
    EXPENSE = "expense"
    REFUND = "refund"


class ShareKind(StrEnum):
    EQUAL = "equal"
    BY_FLOOR = "by_floor"


E = TypeVar("E", bound=Enum)


def parse(kind: type[E], value: object, field_name: str) -> E:
    """One of the enum's codes, or a field error that lists them."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise InvalidProjectInputError(
            field_name, f"{field_name} must be one of {allowed}"
        ) from None


def parse_threshold(value: str | Fraction | None) -> Fraction:
    """A share of households, like "1", "2/3" or "0.75": more than 0, at most 1."""
    try:
        share = Fraction(value if value not in (None, "") else "1")
    except (ValueError, ZeroDivisionError, TypeError):
        raise InvalidProjectInputError("threshold", "threshold must be a share like 2/3") from None
    if not 0 < share <= 1:
        raise InvalidProjectInputError("threshold", "threshold must be above 0 and at most 1")
    return share


@dataclass(frozen=True)
class StepSpec:
    """A step of a template: its phase, the department that signs, what it needs."""

    step_id: str
    phase: str
    department: str
    title: str
    stamps: int
    evidence: str
    days: int | None = None  # what it took, in a template made from a finished project


@dataclass(frozen=True)
class PhaseSpec:
    """A phase of a template, and the project phase it must be complete before."""

    code: str
    title: str
    title_en: str
    before: str


@dataclass
class ProjectHousehold:
    household_id: UUID
    floor: int
    label: str  # personal: unit and room
    name: str  # personal: who speaks for the household


@dataclass
class Consent:
    round: int
    answer: Answer
    collected_by: str
    on_paper: bool
    signatory: str  # personal
    at: datetime


@dataclass
class StampRecord:
    stamp_id: UUID
    department: str
    on: date
    reference: str


@dataclass
class Step:
    spec: StepSpec
    state: StepState = StepState.PENDING
    stamps: list[StampRecord] = field(default_factory=list)
    started_on: date | None = None
    completed_on: date | None = None
    blocked_reason: str = ""

    def check_can_start(self) -> None:
        if self.state in (StepState.STARTED, StepState.COMPLETED):
            raise StepStateError(f"step {self.spec.step_id} is {self.state.value} already")

    def check_can_stamp(self, stamp_id: UUID) -> bool:
        """Whether it has this stamp already; a completed step takes no more."""
        if self.state is StepState.COMPLETED:
            raise StepStateError(f"step {self.spec.step_id} is completed; it takes no more stamps")
        return any(s.stamp_id == stamp_id for s in self.stamps)

    def check_can_complete(self) -> None:
        if self.state is StepState.COMPLETED:
            raise StepStateError(f"step {self.spec.step_id} is completed already")
        if len(self.stamps) < self.spec.stamps:
            raise StepStateError(
                f"step {self.spec.step_id} needs {self.spec.stamps} stamps "
                f"and has {len(self.stamps)}"
            )

    def check_can_block(self) -> None:
        if self.state is StepState.COMPLETED:
            raise StepStateError(f"step {self.spec.step_id} is completed; it cannot be blocked")


@dataclass
class TeamMember:
    member_id: UUID
    role: TeamRole
    name: str
    household_id: UUID | None
    account: str | None
    active: bool = True


@dataclass
class Meeting:
    meeting_id: UUID
    kind: str
    held_on: date
    households_present: list[UUID]
    attendees: str
    minutes: str
    decisions: str


@dataclass
class LedgerEntry:
    entry_id: UUID
    kind: EntryKind
    amount_fen: int
    household_id: UUID | None
    payee: str
    receipt: str
    on: date
