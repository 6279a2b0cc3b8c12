"""Reading the values a committee types into its Excel ledgers (台账): full-width digits
(１５号楼), dates as text (2023.5.1, 2023年5月1日) or as Excel serial numbers, years, and the
watched groups by their Chinese names. Each reader returns the value or raises LedgerValueError
with what to fix."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

# The watched groups (五必问) as ledgers write them.
GROUP_NAMES = {
    "独居老人": "elderly_alone",
    "独居": "elderly_alone",
    "失业": "unemployed",
    "失业人员": "unemployed",
    "重病": "seriously_ill",
    "重大病患者": "seriously_ill",
    "重病患者": "seriously_ill",
    "大病": "seriously_ill",
    "统战": "united_front",
    "统战对象": "united_front",
    "优抚": "special_care",
    "优抚对象": "special_care",
}
_DATE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?$")
_YEAR = re.compile(r"^(\d{4})(?:\s*年)?(?:\s*[.\-/]?\s*\d{1,2}.*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_SPLIT = re.compile(r"[、,，;；/\s]+")


class LedgerValueError(ValueError):
    """A cell's value the ledger import cannot read; the message says what to write instead."""


def plain(value: Any) -> str:
    """A cell as text: full-width characters made ordinary, 2.0 written 2, None empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def unit_or_room(value: Any, suffixes: tuple[str, ...]) -> str:
    """A unit or a room as the service keeps it: '2单元' is 2, '502室' is 502."""
    found = plain(value)
    for suffix in suffixes:
        if found.endswith(suffix):
            found = found[: -len(suffix)].strip()
    return found


def day_of(value: Any, today: date) -> date:
    """A day from a date cell, an Excel serial number, or text like 2023.5.1 or 2023年5月1日."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = _serial(float(value))
    else:
        text = plain(value)
        if not text:
            raise LedgerValueError("the date is empty; write it like 2023-05-01")
        if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
            found = _serial(float(text))
        else:
            match = _DATE.match(text)
            if match is None:
                raise LedgerValueError(f"{text!r} is not a date; write it like 2023-05-01")
            try:
                found = date(*(int(part) for part in match.groups()))
            except ValueError as error:
                raise LedgerValueError(f"{text!r} is not a date: {error}") from None
    if not date(1950, 1, 1) <= found <= today:
        raise LedgerValueError(f"{found.isoformat()} is not a day between 1950 and today")
    return found


def _serial(number: float) -> date:
    if not 1 <= number < 80000:
        raise LedgerValueError(f"{number:g} is not an Excel date serial number")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def year_of(value: Any, today: date) -> int | None:
    """A birth year from 1950, '1950年', '1950.3' or a date; None when the cell is empty."""
    if value is None or plain(value) == "":
        return None
    if isinstance(value, datetime | date):
        year = value.year
    else:
        match = _YEAR.match(plain(value))
        if match is None:
            raise LedgerValueError(f"{plain(value)!r} is not a year; write it like 1950")
        year = int(match.group(1))
    if not 1900 <= year <= today.year:
        raise LedgerValueError(f"{year} is not a birth year between 1900 and {today.year}")
    return year


def people_of(value: Any) -> int | None:
    """How many live in the household: a whole number from 1 to 99, or None when empty."""
    text = plain(value).removesuffix("人").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 100:
        raise LedgerValueError(f"{text!r} is not a number of people (1 to 99)")
    return int(text)


def groups_of(value: Any) -> list[str]:
    """The watched groups a cell names (several may be listed: 独居老人、重病)."""
    names = [name for name in _SPLIT.split(plain(value)) if name]
    if not names:
        raise LedgerValueError("the category is empty; write 独居老人, 失业, 重病, 统战 or 优抚")
    groups = []
    for name in names:
        group = GROUP_NAMES.get(name) or GROUP_NAMES.get(name.removesuffix("人员"))
        if group is None:
            raise LedgerValueError(
                f"{name!r} is not a category: write 独居老人, 失业, 重病, 统战 or 优抚"
            )
        groups.append(group)
    return groups
