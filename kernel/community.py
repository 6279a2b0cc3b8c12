"""Reference data: a community, its blocks and the categories of its menu."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from kernel.errors import (
    BuildingNotInBlockError,
    InvalidInputError,
    UnknownBlockError,
    UnknownCategoryError,
)


@dataclass(frozen=True)
class Category:
    """One line of the menu, with its clocks: how long a partner has to answer a referral,
    how long a new need may wait for a first visit or referral, and how many days after its
    resolution a need is followed up with the resident (回访)."""

    code: str
    name_zh: str
    name_en: str
    sla_hours: float
    first_contact_hours: float
    follow_up_days: float = 7


@dataclass(frozen=True)
class Block:
    """A block (块) of the community, with the buildings it holds."""

    code: str
    name: str
    buildings: frozenset[int]


@dataclass(frozen=True)
class Community:
    """A residents' committee's area: its blocks and its menu."""

    id: str
    name: str
    blocks: tuple[Block, ...]
    categories: tuple[Category, ...]
    timezone: str = "Asia/Shanghai"
    _blocks_by_code: dict[str, Block] = field(init=False, repr=False, compare=False)
    _categories_by_code: dict[str, Category] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_blocks_by_code", {b.code: b for b in self.blocks})
        object.__setattr__(self, "_categories_by_code", {c.code: c for c in self.categories})

    def block(self, code: str) -> Block:
        """The block with this code, or UnknownBlockError."""
        try:
            return self._blocks_by_code[code]
        except KeyError:
            known = ", ".join(self._blocks_by_code)
            raise UnknownBlockError("block", f"unknown block {code!r}; one of: {known}") from None

    def category(self, code: str) -> Category:
        """The category with this code, or UnknownCategoryError."""
        try:
            return self._categories_by_code[code]
        except KeyError:
            known = ", ".join(self._categories_by_code)
            raise UnknownCategoryError(
                "category", f"unknown category {code!r}; one of: {known}"
            ) from None

    def building_in_block(self, block_code: str, building: str | int) -> int:
        """The building's number, checked to lie in the block."""
        number = parse_building(building)
        block = self.block(block_code)
        if number not in block.buildings:
            raise BuildingNotInBlockError(
                "household.building", f"building {number} is not in block {block_code}"
            )
        return number


_BUILDING = re.compile(r"^\s*(\d{1,4})\s*(?:号楼|号|幢|栋)?\s*$")


def parse_building(value: str | int) -> int:
    """Read a building as written on the street: 15, '15', '15号' and '15号楼' are all 15."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        match = _BUILDING.match(str(value))
        if match is None:
            raise InvalidInputError(
                "household.building", f"{value!r} is not a building number (e.g. 15 or 15号楼)"
            )
        number = int(match.group(1))
    if number <= 0:
        raise InvalidInputError("household.building", "a building number is positive")
    return number


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("poverty_relief", "扶贫", "Poverty relief", 72, 72),
    Category("hardship", "帮困", "Hardship", 48, 48),
    Category("emergency", "救急", "Emergency", 2, 2),
    Category("study_aid", "助学", "Study aid", 72, 120),
    Category("worry_relief", "解忧", "Easing worries", 48, 72),
    Category("mediation", "调解", "Mediation", 48, 72),
)

_DEMO_BLOCKS = (
    ("B1", "一块", range(1, 7)),
    ("B2", "二块", range(7, 13)),
    ("B3", "三块", range(13, 19)),
    ("B4", "四块", range(19, 25)),
    ("B5", "五块", range(25, 31)),
    ("B6", "六块", range(31, 36)),
    ("B7", "七块", range(36, 41)),
)


def community_id(slug: str) -> str:
    """A stable id for a community, so every deployment names the demo one alike."""
    return str(uuid5(NAMESPACE_URL, f"urn:needs:community:{slug}"))


DEMO_COMMUNITY = Community(
    id=community_id("nujiang-garden"),
    name="怒江苑",
    blocks=tuple(Block(code, name, frozenset(r)) for code, name, r in _DEMO_BLOCKS),
    categories=DEFAULT_CATEGORIES,
)


def community_from_dict(data: Mapping[str, Any]) -> Community:
    """Build a community from configuration (JSON): blocks with building lists, categories
    that default to the six of the menu and may override their clocks."""
    defaults = {c.code: c for c in DEFAULT_CATEGORIES}
    categories = []
    for item in data.get("categories", [{"code": c} for c in defaults]):
        base = defaults.get(item["code"])
        categories.append(
            Category(
                code=item["code"],
                name_zh=item.get("name_zh", base.name_zh if base else item["code"]),
                name_en=item.get("name_en", base.name_en if base else item["code"]),
                sla_hours=float(item.get("sla_hours", base.sla_hours if base else 48)),
                first_contact_hours=float(
                    item.get("first_contact_hours", base.first_contact_hours if base else 72)
                ),
                follow_up_days=float(
                    item.get("follow_up_days", base.follow_up_days if base else 7)
                ),
            )
        )
    blocks = tuple(
        Block(b["code"], b.get("name", b["code"]), frozenset(int(n) for n in b["buildings"]))
        for b in data["blocks"]
    )
    return Community(
        id=data.get("id") or community_id(data["slug"]),
        name=data["name"],
        blocks=blocks,
        categories=tuple(categories),
        timezone=data.get("timezone", "Asia/Shanghai"),
    )
