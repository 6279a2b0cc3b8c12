"""Communities stored apart (COMMUNITY_PARTITIONS): each partition is its own set of
applications and read models — on PostgreSQL in a schema of the one database, on SQLite in a
folder beside the default files — and a request works in its signed-in user's partition.

The default partition ("") is today's store; it also keeps the deployment's one accounts
store (sign-in, tokens, page sessions), which every partition's services share."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from flask import g, has_request_context
from psycopg.sql import SQL, Identifier

from store.private import private_folder
from web.config import Settings

if TYPE_CHECKING:
    from web.bootstrap import Services

# The partition a command or a task has chosen to work in (None: none chosen).
_chosen: ContextVar[str | None] = ContextVar("needs.partition", default=None)


def every_partition(settings: Settings) -> tuple[str, ...]:
    """The default partition, then every partition COMMUNITY_PARTITIONS names."""
    return ("", *sorted(set(settings.partitions.values())))


def partitions_to_work(settings: Settings) -> tuple[str, ...]:
    """The partitions an operator command that goes through them all works in: the one
    NEEDS_PARTITION names, else every one."""
    chosen = settings.extra.get("NEEDS_PARTITION")
    return (chosen,) if chosen else every_partition(settings)


def current_partition(settings: Settings) -> str:
    """Where this work belongs: the partition a command or task chose; in a request, the
    signed-in user's community's (the default before sign-in); elsewhere NEEDS_PARTITION's,
    else the default."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    if not settings.partitions:
        return ""
    if not has_request_context():
        return settings.extra.get("NEEDS_PARTITION", "")
    community = getattr(g.get("user"), "community", None)
    return settings.partitions.get(community, "") if isinstance(community, str) else ""


@contextmanager
def working_in(partition: str) -> Iterator[None]:
    """Within the block, `services()` hands out this partition's services."""
    token = _chosen.set(partition)
    try:
        yield
    finally:
        _chosen.reset(token)


def partition_kwargs() -> dict[str, str]:
    """What a task sent from here carries to work in the same partition (nothing from the
    default one, so its messages are as they always were)."""
    chosen = _chosen.get()
    return {"partition": chosen} if chosen else {}


def partition_settings(settings: Settings, partition: str) -> Settings:
    """The settings that build one partition: on SQLite its files in a folder of its own
    beside the default ones, with the same names."""
    if not partition:
        return settings
    if settings.store == "postgres":
        return dataclasses.replace(settings, partition=partition)
    main = Path(settings.sqlite_path("needs"))
    inside = main.parent / partition / main.name
    return dataclasses.replace(settings, partition=partition, database_url=f"sqlite:///{inside}")


def create_partition(settings: Settings) -> None:
    """Make the partition's place (init-db): its schema, or its private folder."""
    if not settings.partition:
        return
    if settings.store == "sqlite":
        private_folder(Path(settings.sqlite_path("needs")).parent)
        return
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(SQL("CREATE SCHEMA IF NOT EXISTS {0}").format(Identifier(settings.partition)))


def left_behind(default: Services) -> list[str]:
    """The communities named to a partition that still have cases, households or partners in
    the default one: naming them would hide those (their move is not written yet)."""
    settings = default.settings
    return [
        f"{community.name} ({community.id})"
        for community in settings.communities
        if community.id in settings.partitions
        and (
            default.view.counts(community.id)
            or default.duties_view.list_households(community.id, None, 1, 0)[1]
            or default.partners.list_partners(community.id)
        )
    ]
