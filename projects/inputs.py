"""The checks a project's commands make of what they are given, before any event: text within
its limit, dates, floors, the aftercare rota and a ledger entry's fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from kernel.checks import text
from projects import ledger
from projects.exceptions import InvalidProjectInputError, ProjectNotFoundError
from projects.values import Answer, EntryKind, LedgerEntry, parse


def field(value: str | None, name: str, *, required: bool = True, limit: int = 4000) -> str:
    """Text of a field, trimmed and within its limit."""
    return text(value, name, required=required, limit=limit, error=InvalidProjectInputError)


def day(value: str | date, name: str) -> str:
    """A date as ISO text, or a field error naming it."""
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise InvalidProjectInputError(name, f"{name} is a date like 2015-06-01") from None


def floor(value: object) -> int:
    """A floor: a whole number, basements down to −5."""
    if not isinstance(value, int) or isinstance(value, bool) or not -5 <= value <= 100:
        raise InvalidProjectInputError("floor", "floor is a whole number")
    return value


def rota(duties: list[dict[str, Any]], known: Callable[[UUID], object]) -> list[dict[str, Any]]:
    """The aftercare rota: each duty's task, how often, and households the project knows."""
    clean = []
    for i, duty in enumerate(duties):
        households = [UUID(str(h)) for h in duty.get("households", [])]
        for household_id in households:
            known(household_id)
        clean.append(
            {
                "task": field(duty.get("task"), f"rota[{i}].task", limit=100),
                "every": field(duty.get("every"), f"rota[{i}].every", limit=60),
                "households": [str(h) for h in households],
            }
        )
    return clean


def meeting(
    kind: str, held_on: str, attendees: str, minutes: str, decisions: str
) -> dict[str, str]:
    """A meeting's fields, checked."""
    return {
        "kind": field(kind, "kind", limit=60),
        "held_on": day(held_on, "held_on"),
        "attendees": field(attendees, "attendees", required=False, limit=1000),
        "minutes": field(minutes, "minutes", required=False),
        "decisions": field(decisions, "decisions", required=False),
    }


def entry(
    entry_id: UUID,
    kind: str,
    amount_fen: int,
    household_id: UUID | None,
    payee: str,
    receipt: str,
    on: str,
) -> LedgerEntry:
    """A ledger entry, its amount in fen and its fields checked."""
    return LedgerEntry(
        entry_id,
        parse(EntryKind, kind, "kind"),
        ledger.fen(amount_fen),
        household_id,
        field(payee, "payee", required=False, limit=200),
        field(receipt, "receipt", required=False, limit=200),
        date.fromisoformat(day(on, "on")),
    )


def consent(answer: str, collected_by: str, on_paper: bool, signatory: str) -> dict[str, Any]:
    """A household's answer and how it was collected, checked."""
    return {
        "answer": parse(Answer, answer, "answer").value,
        "collected_by": field(collected_by, "collected_by", limit=150),
        "on_paper": bool(on_paper),
        "signatory": field(signatory, "signatory", required=False, limit=100),
    }


def stamp(department: str, on: str, reference: str) -> dict[str, str]:
    """A stamp's department, date and reference, checked."""
    return {
        "department": field(department, "department", limit=100),
        "on": day(on, "on"),
        "reference": field(reference, "reference", required=False, limit=200),
    }


def entry_fields(entry: LedgerEntry) -> dict[str, Any]:
    """A ledger entry as an event's fields."""
    return {
        "entry_id": entry.entry_id,
        "kind": entry.kind.value,
        "amount_fen": entry.amount_fen,
        "household_id": entry.household_id,
        "payee": entry.payee,
        "receipt": entry.receipt,
        "on": entry.on.isoformat(),
    }


K = TypeVar("K")
V = TypeVar("V")


def found(items: Mapping[K, V], key: K, missing: str) -> V:
    """The item under key, or a not-found error naming it."""
    try:
        return items[key]
    except KeyError:
        raise ProjectNotFoundError(f"{missing} {key}") from None
