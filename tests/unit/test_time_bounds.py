"""A time sent in lies between 2000 and 2100, whatever its offset: one at the calendar's ends
is refused as a field error, never an overflow (a 500)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from web.operations.representation import Time


@pytest.mark.parametrize("value", ["0001-01-01T00:52:52+20:35", "9999-12-31T23:59:59-20:00"])
def test_a_time_at_the_calendars_ends_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        Time().deserialize(value)


def test_a_time_with_its_offset_is_taken() -> None:
    assert (
        Time().deserialize("2026-11-29T08:15:00+08:00").isoformat() == "2026-11-29T08:15:00+08:00"
    )
