"""How account values that JSON cannot hold are written into events and snapshots."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from accounts.domain import Role


class RoleAsValue(Transcoding):
    """Stores a Role as its code, so renaming a member never breaks old events."""

    type = Role
    name = "user_role"

    def encode(self, obj: Role) -> str:
        """Encode the role as its code."""
        return obj.value

    def decode(self, data: Any) -> Role:
        """Decode a stored code back to the role."""
        return Role(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Teach the transcoder every type the user events and snapshots hold."""
    transcoder.register(RoleAsValue())
