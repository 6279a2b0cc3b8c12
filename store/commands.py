"""Commands a client may send again. A request sent with an Idempotency-Key is one command, with
an id derived from its sender, the key and the request; the events it triggers carry that id,
and the aggregate they change keeps the ids it has seen. So a command sent again after a crash — its
events stored, its answer never remembered — finds itself in the stream and is not run twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import AggregateEvent

COMMAND_IDS = UUID("0c7f5a3e-2d4b-4f61-9a8e-5b3c1d7e9f20")


def command_id(username: str, key: str, request: str) -> UUID:
    """The id of the command a user sends with this Idempotency-Key, the same on every try of
    the same request (`request`: its digest) — and another for another request, should a key
    freed by a server error come back with one."""
    return uuid5(COMMAND_IDS, f"{username}:{key}:{request}")


def made_by(command: UUID | None, what: str) -> UUID:
    """The id of `what` a command makes: the same on every try of a command its sender named,
    so a retry finds what the first try made; else a new one."""
    return uuid4() if command is None else uuid5(command, what)


class CommandRan(Exception):  # noqa: N818 - not an error: the command is done
    """The command's events are in the stream already: it ran before."""

    def __init__(self, aggregate: Any) -> None:
        super().__init__("the command ran already")
        self.aggregate = aggregate


@dataclass
class CommandKey:
    """A command as its sender names it across tries; `repeated` once it was found done."""

    id: UUID
    repeated: bool = False

    def makes(self, what: str) -> UUID:
        """The id of `what` this command makes."""
        return made_by(self.id, what)

    def ran_in(self, aggregate: Any) -> bool:
        """Whether the aggregate's stream holds this command's events already."""
        if self.id in ran_commands(aggregate):
            self.repeated = True
        return self.repeated

    def refuse_to_repeat(self, aggregate: Any) -> None:
        """CommandRan when the aggregate's stream holds this command's events already."""
        if self.ran_in(aggregate):
            raise CommandRan(aggregate)


def ran_commands(aggregate: Any) -> tuple[UUID, ...]:
    """The commands whose events the aggregate's stream holds (none before commands had ids)."""
    return tuple(getattr(aggregate, "command_ids", ()))


class CommandEvent(AggregateEvent):
    """An event that names the command it came from: None for one given without an
    Idempotency-Key (the pages, the clock), or stored before events named their commands —
    class version 1, which the upcast brings forward."""

    class_version = 2
    command_id: UUID | None

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["command_id"] = None

    def mutate(self, aggregate: Any) -> Any:
        changed: Any = super().mutate(aggregate)
        if self.command_id is not None and self.command_id not in ran_commands(changed):
            changed.command_ids = (*ran_commands(changed), self.command_id)
        return changed
