"""An in-memory Needs application and a few partners' terms, for the domain's rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import pytest

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from needs.application import Needs
from needs.values import Household, PartnerTerms

COMMUNITY = DEMO_COMMUNITY.id


@pytest.fixture
def needs(clock: ManualClock) -> Needs:
    return Needs({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


def terms(
    name: str, categories: set[str], blocks: set[str] | None = None, active: bool = True
) -> PartnerTerms:
    return PartnerTerms(uuid4(), name, active, frozenset(categories), frozenset(blocks or {"*"}))


@pytest.fixture
def hospital() -> PartnerTerms:
    return terms("利群医院", {"emergency", "hardship", "worry_relief"})


@pytest.fixture
def police() -> PartnerTerms:
    return terms("长征派出所", {"emergency", "mediation"})


@pytest.fixture
def log(needs: Needs) -> Callable[..., UUID]:
    """Log a need in block B3 with sensible defaults; keyword arguments override them (the
    household's building, unit and room, or the household itself)."""

    def log_need(**overrides: Any) -> UUID:
        address = {"building": 15, "unit": "2", "room": "502"}
        address.update((k, overrides.pop(k)) for k in list(address) if k in overrides)
        fields: dict[str, Any] = {
            "community": COMMUNITY,
            "category": "emergency",
            "block": "B3",
            "household": Household(uuid4(), **address),
            "description": "王阿姨在家摔倒，无法起身",
            "urgency": "high",
            "resident_name": "王秀英",
            "contact_phone": "139 1234 5678",
            "consent_to_share": True,
            "actor": "leader3",
        }
        fields.update(overrides)
        return needs.log_need(**fields)

    return log_need
