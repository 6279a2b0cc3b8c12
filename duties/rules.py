"""The codes of the three fives and the community's rules for them: how soon a life event must
be visited and how often each watched group must be asked after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

from duties.exceptions import InvalidDutyInputError

LIFE_EVENTS = ("moved_in", "hospitalised", "wedding_or_funeral", "disaster_or_theft", "new_tenant")
GROUPS = ("elderly_alone", "unemployed", "seriously_ill", "united_front", "special_care")
RECORD_KINDS = (
    "concern",
    "family_in_difficulty",
    "special_population",
    "good_deed",
    "suggestion",
)
# A resident's concern or suggestion may call for action; the other records are kept for the file.
TURNS_INTO_NEED = ("concern", "suggestion")
# What a list of duties may ask for: due by the end of today (with the overdue), overdue, all open.
DUE_FILTERS = ("today", "overdue", "all")
VISIT = "visit"
ASK = "ask"
# What a keyed command derives its life event's id from (a retry finds the one it recorded).
LIFE_EVENT = "life event"

_VISIT_DAYS = MappingProxyType(
    {
        "moved_in": 7,
        "hospitalised": 2,
        "wedding_or_funeral": 7,
        "disaster_or_theft": 2,
        "new_tenant": 7,
    }
)
_ASK_DAYS = MappingProxyType(
    {
        "elderly_alone": 7,
        "unemployed": 30,
        "seriously_ill": 7,
        "united_front": 30,
        "special_care": 30,
    }
)


def code(value: str, allowed: tuple[str, ...], field_name: str) -> str:
    """One of the allowed codes, or a field error that lists them."""
    if value not in allowed:
        raise InvalidDutyInputError(field_name, f"{field_name} must be one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class DutyRules:
    """Days within which each life event is visited, and between asks for each watched group."""

    visit_days: Mapping[str, int] = field(default_factory=lambda: _VISIT_DAYS)
    ask_days: Mapping[str, int] = field(default_factory=lambda: _ASK_DAYS)

    def visit_window(self, life_event: str) -> timedelta:
        return timedelta(days=self.visit_days[life_event])

    def ask_every(self, group: str) -> int:
        return self.ask_days[group]

    def rank(self, kind: str, reason: str) -> int:
        """Higher is more urgent: the shorter the rule's time, the sooner it matters."""
        if kind == VISIT:
            return 3 if self.visit_days[reason] <= 2 else 2
        return 1 if self.ask_days[reason] <= 7 else 0

    @classmethod
    def from_text(cls, visits: str | None = None, asks: str | None = None) -> DutyRules:
        """Rules from settings like "hospitalised=1,moved_in=5"; codes not named keep defaults."""
        return cls(
            {**_VISIT_DAYS, **_days(visits, LIFE_EVENTS, "DUTY_VISIT_DAYS")},
            {**_ASK_DAYS, **_days(asks, GROUPS, "DUTY_ASK_DAYS")},
        )


def _days(text: str | None, codes: tuple[str, ...], setting: str) -> dict[str, int]:
    days: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, number = part.partition("=")
        code(name.strip(), codes, setting)
        if not number.strip().isdigit() or int(number) <= 0:
            raise InvalidDutyInputError(setting, f"{setting}: {part!r} needs a positive number")
        days[name.strip()] = int(number)
    return days
