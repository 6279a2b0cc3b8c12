"""Codes with fixed values are declared in the OpenAPI document as enums — in what the API
answers as in what it is sent — with the values of the domain's own enums; URLs as `uri`."""

from __future__ import annotations

from enum import Enum
from typing import Any

import jsonschema
import pytest

from accounts.domain import Role
from duties.rules import ASK, GROUPS, LIFE_EVENTS, RECORD_KINDS, VISIT
from needs.values import (
    DeclineReason,
    NeedStatus,
    ReferralOutcome,
    ReferralStatus,
    Resolution,
    Urgency,
)
from partners.domain import PartnerKind

from .openapi_doc import API, OPENAPI, resolved

# (schema, property, its codes): the answers first, then what is sent.
CODES: tuple[tuple[str, str, type[Enum] | tuple[str, ...]], ...] = (
    ("Need", "urgency", Urgency),
    ("Need", "status", NeedStatus),
    ("Need", "resolution", Resolution),
    ("ReferralSummary", "status", ReferralStatus),
    ("ReferralSummary", "decline_reason", DeclineReason),
    ("ReferralSummary", "outcome", ReferralOutcome),
    ("Referral", "status", ReferralStatus),
    ("Referral", "urgency", Urgency),
    ("Referral", "decline_reason", DeclineReason),
    ("Referral", "outcome", ReferralOutcome),
    ("Partner", "kind", PartnerKind),
    ("PartnerWithSecret", "kind", PartnerKind),
    ("User", "role", Role),
    ("Reminder", "urgency", Urgency),
    ("GroupSpan", "group", GROUPS),
    ("LifeEvent", "type", LIFE_EVENTS),
    ("Duty", "kind", (VISIT, ASK)),
    ("Duty", "reason", LIFE_EVENTS + GROUPS),
    ("Record", "kind", RECORD_KINDS),
    ("LogNeed", "urgency", Urgency),
    ("ChangeUrgency", "urgency", Urgency),
    ("Resolve", "outcome", Resolution),
    ("Decline", "reason", DeclineReason),
    ("Complete", "outcome", ReferralOutcome),
    ("RegisterPartner", "kind", PartnerKind),
    ("NewLifeEvent", "type", LIFE_EVENTS),
    ("GroupChange", "group", GROUPS),
    ("NewRecord", "kind", RECORD_KINDS),
    ("ToNeed", "urgency", Urgency),
)


@pytest.fixture
def database_url(tmp_path):
    """The document is the same on either store."""
    return f"sqlite:///{tmp_path}/needs.sqlite"


@pytest.fixture
def document(client) -> dict[str, Any]:
    return dict(client.get(OPENAPI).json)


def values_of(codes: type[Enum] | tuple[str, ...]) -> set[str]:
    return {member.value for member in codes} if isinstance(codes, type) else set(codes)


def test_codes_with_fixed_values_are_declared_as_the_domains_enums(document):
    schemas = document["components"]["schemas"]
    wrong: list[str] = []
    for schema, name, codes in CODES:
        declared = resolved(document, schemas[schema]["properties"][name])
        enum = declared.get("enum")
        # A field that may be null says so, and then null is one of its values too.
        expected = values_of(codes) | ({None} if declared.get("nullable") else set())
        if enum is None or set(enum) != expected:
            wrong.append(f"{schema}.{name}: {enum} (want {sorted(map(str, expected))})")
    assert not wrong, "\n".join(wrong)


def test_a_webhook_url_is_declared_as_a_uri_and_no_field_with_the_nonstandard_url(document):
    schemas = document["components"]["schemas"]
    for schema in ("RegisterPartner", "Webhook"):
        assert schemas[schema]["properties"]["webhook_url"]["format"] == "uri"
    nonstandard = [
        f"{schema}.{name}"
        for schema, body in schemas.items()
        for name, field in body.get("properties", {}).items()
        if field.get("format") == "url"
    ]
    assert not nonstandard


HOUSEHOLD_ADDRESS = {"building": "15号楼", "unit": "1", "room": "101"}
NAMING_THE_HOUSEHOLD = (
    ({"household": HOUSEHOLD_ADDRESS}, True),
    ({"household_id": "00000000-0000-4000-8000-000000000001"}, True),
    (
        {"household": HOUSEHOLD_ADDRESS, "household_id": "00000000-0000-4000-8000-000000000002"},
        False,
    ),
    ({}, False),
)


@pytest.mark.parametrize(("naming", "valid"), NAMING_THE_HOUSEHOLD)
def test_a_new_need_names_its_household_one_way_as_the_document_says(
    document, client, as_user, naming, valid
):
    """A new need's household is named by address or by id, not both and not neither: the
    document's schema says so (a generated client or a fuzzer knows it), and the API holds to it."""
    body = {"category": "hardship", "block": "B3", "description": "漏水", "urgency": "normal"}
    body |= naming
    checker = jsonschema.Draft7Validator(
        {"allOf": [{"$ref": "#/components/schemas/LogNeed"}], "components": document["components"]}
    )
    assert checker.is_valid(body) is valid
    answer = client.post(f"{API}/needs", json=body, headers=as_user("secretary"))
    refused = answer.status_code == 422 and "household" in answer.json["errors"]["json"]
    assert refused is not valid, answer.json
