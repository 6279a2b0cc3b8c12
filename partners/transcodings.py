"""How partner values that JSON cannot hold are written into events and snapshots."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from partners.domain import PartnerKind


class PartnerKindAsValue(Transcoding):
    """Stores a PartnerKind as its code, so renaming a member never breaks old events."""

    type = PartnerKind
    name = "partner_kind"

    def encode(self, obj: PartnerKind) -> str:
        """Encode the kind as its code."""
        return obj.value

    def decode(self, data: Any) -> PartnerKind:
        """Decode a stored code back to the kind."""
        return PartnerKind(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Teach the transcoder every type the partner events and snapshots hold."""
    transcoder.register(PartnerKindAsValue())
