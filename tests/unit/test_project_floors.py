"""The floor a room number names, as a project takes a building's registered households."""

from __future__ import annotations

import pytest

from web.operations.projects import floor_of


@pytest.mark.parametrize(
    ("room", "floor"), [("502", 5), ("1201", 12), ("101室", 1), ("B1", 1), ("", 1), ("0012", 1)]
)
def test_the_floor_is_the_room_numbers_digits_but_the_last_two(room: str, floor: int) -> None:
    assert floor_of(room) == floor
