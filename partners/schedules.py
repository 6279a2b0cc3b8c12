"""When an offering is on: once, every week on a weekday, or every month on the nth weekday
(利群医院's doorstep clinic: the second Tuesday of each month). Plain values in and out; a
schedule is kept as a dict of text and numbers so events carry it as it is."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, time, timedelta
from typing import Any

from partners.exceptions import InvalidPartnerError

KINDS = ("once", "weekly", "monthly")
EPOCH = date(2000, 1, 1)  # where a schedule with no start is looked at from
LAST = -1  # the last such weekday of the month
HORIZON = timedelta(days=3 * 366)  # how far ahead a schedule without an end is looked at


def _refuse(message: str) -> InvalidPartnerError:
    return InvalidPartnerError("schedule", f"schedule: {message}")


def _day(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _refuse(f"{name} must be a date, YYYY-MM-DD") from None


def _clock_time(value: Any, name: str) -> str:
    try:
        return time.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        raise _refuse(f"{name} must be a time, HH:MM") from None


def _whole(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(f"{name} must be a whole number from {low} to {high}")
    return value


def schedule(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A checked schedule: `kind`, its day(s), `opens_at`/`closes_at` and an optional
    `starts_on`/`ends_on`; one that never occurs is refused (field `schedule`)."""
    if not isinstance(spec, Mapping):
        raise _refuse("must be an object")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise _refuse(f"kind must be one of {', '.join(KINDS)}")
    checked: dict[str, Any] = {"kind": kind}
    if kind == "once":
        checked["on"] = _day(spec.get("on"), "on").isoformat()
    else:
        checked["weekday"] = _whole(spec.get("weekday"), "weekday (1 Monday … 7 Sunday)", 1, 7)
        if kind == "monthly":
            nth = spec.get("nth")
            if nth != LAST:
                _whole(nth, "nth (1 … 5, or -1 for the last)", 1, 5)
            checked["nth"] = nth
    for name in ("starts_on", "ends_on"):
        if spec.get(name):
            checked[name] = _day(spec[name], name).isoformat()
    checked["opens_at"] = _clock_time(spec.get("opens_at", "09:00"), "opens_at")
    checked["closes_at"] = _clock_time(spec.get("closes_at", "11:00"), "closes_at")
    if checked["closes_at"] <= checked["opens_at"]:
        raise _refuse("closes_at must be after opens_at")
    if next(occurrences(checked), None) is None:
        raise _refuse("it never occurs")
    return checked


def occurs_on(spec: Mapping[str, Any], day: date) -> bool:
    """Whether the (checked) schedule has a session on this day."""
    if spec.get("starts_on") and day.isoformat() < spec["starts_on"]:
        return False
    if spec.get("ends_on") and day.isoformat() > spec["ends_on"]:
        return False
    if spec["kind"] == "once":
        return bool(day.isoformat() == spec["on"])
    if day.isoweekday() != spec["weekday"]:
        return False
    if spec["kind"] == "weekly":
        return True
    nth = (day.day - 1) // 7 + 1
    is_last = (day + timedelta(days=7)).month != day.month
    return bool(spec["nth"] == nth or (spec["nth"] == LAST and is_last))


def occurrences(spec: Mapping[str, Any], start: date | None = None) -> Iterator[date]:
    """The schedule's session days from `start` (or its own start), in order, within its end
    or the horizon."""
    if spec["kind"] == "once":
        first = _day(spec["on"], "on")
        if occurs_on(spec, first) and (start is None or first >= start):
            yield first
        return
    day = start or (_day(spec["starts_on"], "starts_on") if spec.get("starts_on") else None)
    if day is None:
        day = _day(spec["ends_on"], "ends_on") - HORIZON if spec.get("ends_on") else EPOCH
    last = _day(spec["ends_on"], "ends_on") if spec.get("ends_on") else day + HORIZON
    while day <= last:
        if occurs_on(spec, day):
            yield day
        day += timedelta(days=1)


def next_on(spec: Mapping[str, Any], today: date) -> date | None:
    """The first session day from today on, if there is one."""
    return next(occurrences(spec, today), None)
