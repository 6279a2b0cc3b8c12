"""An enum in a stored event is written as {"_type_": <transcoding name>, "_data_": <code>}; a
stored history decodes only while each name it holds is still registered. The accounts' and the
partners' enums keep the names they were first stored under ("user_role", "partner_kind")."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from eventsourcing.persistence import JSONTranscoder

from accounts.application import Accounts
from accounts.domain import Role
from partners.application import Partners
from partners.domain import PartnerKind
from store.transcodings import EnumAsValue

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}

# As the accounts and the partners wrote them before they shared the store's transcoding.
STORED_ROLES = b'{"role":{"_type_":"user_role","_data_":"block_leader"},"roles":[{"_type_":"user_role","_data_":"secretary"}]}'  # noqa: E501
STORED_KIND = b'{"kind":{"_type_":"partner_kind","_data_":"ngo"}}'


def _now() -> datetime:
    return datetime(2026, 11, 2, tzinfo=UTC)


def _transcoder(app: Accounts | Partners) -> JSONTranscoder:
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, JSONTranscoder)
    return transcoder


def test_roles_are_written_and_read_as_they_were_stored() -> None:
    transcoder = _transcoder(Accounts(POPO, clock=_now))
    roles = {"role": Role.BLOCK_LEADER, "roles": [Role.SECRETARY]}
    assert transcoder.encode(roles) == STORED_ROLES
    assert transcoder.decode(STORED_ROLES) == roles


def test_partner_kinds_are_written_and_read_as_they_were_stored() -> None:
    transcoder = _transcoder(Partners(POPO, clock=_now))
    assert transcoder.encode({"kind": PartnerKind.NGO}) == STORED_KIND
    assert transcoder.decode(STORED_KIND) == {"kind": PartnerKind.NGO}


class Colour(Enum):
    RED = "red"


def test_an_enum_without_a_stored_name_goes_under_its_own() -> None:
    transcoder = JSONTranscoder()
    transcoder.register(EnumAsValue(Colour))
    stored = b'{"colour":{"_type_":"enum:Colour","_data_":"red"}}'
    assert transcoder.encode({"colour": Colour.RED}) == stored
    assert transcoder.decode(stored) == {"colour": Colour.RED}
