from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from partners.application import Partners
from partners.exceptions import InvalidPartnerError

Hospital = Callable[..., dict[str, Any]]

BAD_REGISTRATIONS = [
    pytest.param({"community": "  "}, "community", id="blank community"),
    pytest.param({"name": ""}, "name", id="empty name"),
    pytest.param({"name": "   "}, "name", id="blank name"),
    pytest.param({"name": "医" * 201}, "name", id="overlong name"),
    pytest.param({"name": None}, "name", id="name not text"),
    pytest.param({"kind": "school"}, "kind", id="unknown kind"),
    pytest.param({"kind": "HOSPITAL"}, "kind", id="kind by member name"),
    pytest.param({"categories": []}, "categories", id="no categories"),
    pytest.param({"categories": ["emergency", " "]}, "categories", id="blank category"),
    pytest.param({"categories": "emergency"}, "categories", id="categories as a string"),
    pytest.param({"blocks": []}, "blocks", id="no blocks"),
    pytest.param({"blocks": ["B1", ""]}, "blocks", id="blank block"),
    pytest.param({"blocks": ["*", "B1"]}, "blocks", id="all blocks mixed with one"),
    pytest.param({"weekly_capacity": -1}, "weekly_capacity", id="negative capacity"),
    pytest.param({"weekly_capacity": 2.5}, "weekly_capacity", id="fractional capacity"),
    pytest.param({"weekly_capacity": True}, "weekly_capacity", id="capacity as a bool"),
    pytest.param({"contact": "1" * 501}, "contact", id="overlong contact"),
    pytest.param({"actor": ""}, "actor", id="no actor"),
    pytest.param({"occurred_at": datetime(2026, 11, 2, 9)}, "occurred_at", id="naive time"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_REGISTRATIONS)
def test_an_invalid_registration_names_the_field_and_saves_nothing(
    partners: Partners, hospital: Hospital, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidPartnerError) as raised:
        partners.register_partner(**hospital(**overrides))

    assert raised.value.field == field
    assert str(raised.value) == raised.value.message
    assert field in raised.value.message
    assert partners.list_partners() == []


def test_an_unknown_kind_lists_the_kinds_there_are(partners: Partners, hospital: Hospital) -> None:
    with pytest.raises(InvalidPartnerError, match="owners_committee"):
        partners.register_partner(**hospital(kind="school"))


def test_zero_weekly_capacity_is_allowed(partners: Partners, hospital: Hospital) -> None:
    partner_id = partners.register_partner(**hospital(weekly_capacity=0))

    assert partners.get_partner(partner_id).weekly_capacity == 0


BAD_CHANGES = [
    pytest.param("change_services", {"categories": [], "blocks": ["*"]}, "categories"),
    pytest.param("change_services", {"categories": ["hardship"], "blocks": []}, "blocks"),
    pytest.param("change_capacity", {"weekly_capacity": -3}, "weekly_capacity"),
    pytest.param("change_contact", {"contact": 42}, "contact"),
    pytest.param("suspend_partner", {"reason": "x" * 501}, "reason"),
    pytest.param("change_contact", {"contact": "021", "actor": " "}, "actor"),
]


@pytest.mark.parametrize(("command", "arguments", "field"), BAD_CHANGES)
def test_an_invalid_change_names_the_field_and_changes_nothing(
    partners: Partners,
    register: Callable[..., UUID],
    command: str,
    arguments: dict[str, Any],
    field: str,
) -> None:
    partner_id = register()
    before = partners.get_partner(partner_id)

    with pytest.raises(InvalidPartnerError) as raised:
        getattr(partners, command)(partner_id, **{"actor": "secretary", **arguments})

    assert raised.value.field == field
    assert partners.get_partner(partner_id) == before
    assert partners.list_partners() == [before]
