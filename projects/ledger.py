"""The project's money, to the fen: shares by the project's rule (equal, or by floor with
weights) that always add up to the total, and a ledger that never goes negative and always
balances: paid − refunded = spent + balance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from projects.exceptions import InvalidProjectInputError, LedgerError
from projects.values import EntryKind, LedgerEntry, ProjectHousehold, ShareKind

MAX_FEN = 10**12  # ten billion yuan: more is a typing mistake


def fen(value: object, field_name: str = "amount_fen") -> int:
    """A positive whole number of fen: never a float, never a bool."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_FEN:
        raise InvalidProjectInputError(field_name, f"{field_name} is a whole number of fen above 0")
    return value


def shares(
    households: Mapping[UUID, ProjectHousehold],
    kind: ShareKind,
    weights: Mapping[str, int],
    total_fen: int,
) -> dict[UUID, int]:
    """Each household's share of the total: by weight (1 each when equal, the floor's weight
    by floor), the fen left by rounding down given to the largest remainders (ties: by id)."""
    if not households or total_fen <= 0:
        return {h: 0 for h in households}
    weight = {
        h: 1 if kind is ShareKind.EQUAL else int(weights.get(str(p.floor), 0))
        for h, p in households.items()
    }
    whole = sum(weight.values())
    if whole <= 0:
        raise InvalidProjectInputError("weights", "the floors' weights add up to nothing")
    base = {h: total_fen * w // whole for h, w in weight.items()}
    left = total_fen - sum(base.values())
    by_remainder = sorted(weight, key=lambda h: (-(total_fen * weight[h] % whole), str(h)))
    for h in by_remainder[:left]:
        base[h] += 1
    return base


def check_weights(kind: ShareKind, weights: Mapping[str, Any]) -> dict[str, int]:
    clean = {}
    for floor, w in weights.items():
        if (
            not str(floor).lstrip("-").isdigit()
            or not isinstance(w, int)
            or isinstance(w, bool)
            or w < 0
        ):
            raise InvalidProjectInputError("weights", "weights map a floor to a whole number ≥ 0")
        clean[str(int(floor))] = w
    if kind is ShareKind.BY_FLOOR and not clean:
        raise InvalidProjectInputError("weights", "a share by floor needs the floors' weights")
    return clean


def totals(entries: Sequence[LedgerEntry], owed_shares: Mapping[UUID, int]) -> dict[str, Any]:
    """Pledged, paid, refunded and owed per household; spent and balance for the project."""
    per: dict[UUID, dict[str, int]] = {
        h: {"share": s, "pledged": 0, "paid": 0, "refunded": 0} for h, s in owed_shares.items()
    }
    spent = 0
    for entry in entries:
        if entry.kind is EntryKind.EXPENSE:
            spent += entry.amount_fen
            continue
        assert entry.household_id is not None
        row = per.setdefault(
            entry.household_id, {"share": 0, "pledged": 0, "paid": 0, "refunded": 0}
        )
        row[{"pledge": "pledged", "payment": "paid", "refund": "refunded"}[entry.kind.value]] += (
            entry.amount_fen
        )
    for row in per.values():
        row["owed"] = max(row["share"] - (row["paid"] - row["refunded"]), 0)
    paid = sum(r["paid"] for r in per.values())
    refunded = sum(r["refunded"] for r in per.values())
    return {
        "households": {str(h): r for h, r in per.items()},
        "pledged": sum(r["pledged"] for r in per.values()),
        "paid": paid,
        "refunded": refunded,
        "spent": spent,
        "balance": paid - refunded - spent,
        "owed": sum(r["owed"] for r in per.values()),
        "share_total": sum(owed_shares.values()),
    }


def check_entry(entries: Sequence[LedgerEntry], entry: LedgerEntry) -> None:
    """An expense within the balance, a refund within what the household paid."""
    if entry.kind is EntryKind.EXPENSE:
        if not entry.payee or not entry.receipt:
            raise InvalidProjectInputError("receipt", "an expense names its payee and receipt")
        balance = totals(entries, {})["balance"]
        if entry.amount_fen > balance:
            raise LedgerError(
                f"the expense of {entry.amount_fen} fen exceeds the balance of {balance} fen"
            )
        return
    if entry.household_id is None:
        raise InvalidProjectInputError("household_id", f"a {entry.kind.value} names its household")
    if entry.kind is EntryKind.REFUND:
        row = totals(entries, {})["households"].get(str(entry.household_id), {})
        net = row.get("paid", 0) - row.get("refunded", 0)
        if entry.amount_fen > net:
            raise LedgerError(f"the refund of {entry.amount_fen} fen exceeds the {net} fen paid")
        balance = totals(entries, {})["balance"]
        if entry.amount_fen > balance:
            raise LedgerError(f"the refund exceeds the balance of {balance} fen")


def rule(
    households: Mapping[UUID, ProjectHousehold],
    kind: ShareKind,
    weights: Mapping[str, Any],
    total: object,
) -> dict[str, Any]:
    """A share rule, checked: its weights, its total in fen, and that it shares among these
    households (weights of floors no household lives on are refused)."""
    clean = check_weights(kind, weights)
    total_fen = fen(total, "total_fen")
    shares(households, kind, clean, total_fen)
    return {"kind": kind.value, "weights": clean, "total_fen": total_fen}
