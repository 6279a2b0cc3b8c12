"""Where the applications keep their events and the read models their rows: the settings of
the event store library for one application, and the SQL store beside it."""

from __future__ import annotations

from store.pgstore import PostgresStore
from store.private import private_sqlite
from store.sqlstore import SQLiteStore, SqlStore
from web.config import CIPHER_TOPIC, ConfigurationError, Settings


def event_store_env(settings: Settings, app_name: str, *, create_tables: bool) -> dict[str, str]:
    """The eventsourcing settings for one application."""
    env = {
        "CREATE_TABLE": "y" if create_tables else "n",
        "AGGREGATE_CACHE_MAXSIZE": str(settings.cache_size),
    }
    if settings.cipher_key:
        env.update(
            CIPHER_TOPIC=CIPHER_TOPIC,
            CIPHER_KEY=settings.cipher_key,
            CIPHER_KEYS_PREVIOUS=",".join(settings.cipher_keys_previous),
        )
    if settings.store == "postgres":
        params = settings.postgres_params()
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=params["dbname"],
            POSTGRES_HOST=params["host"],
            POSTGRES_PORT=params["port"],
            POSTGRES_USER=params["user"],
            POSTGRES_PASSWORD=params["password"],
            POSTGRES_POOL_SIZE=str(settings.postgres_pool_size),
            POSTGRES_MAX_OVERFLOW=str(settings.postgres_max_overflow),
        )
        if settings.partition:  # its own stored_events tables, notification ids and lock
            env.update(POSTGRES_SCHEMA=settings.partition)
    else:
        path = settings.sqlite_path(app_name)
        private_sqlite(path)  # before the library opens it: mode 600, its -wal and -shm too
        env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=path)
    return env


def view_store(settings: Settings) -> SqlStore:
    """Where the read models live: beside the event store."""
    if settings.store == "postgres":
        return PostgresStore(
            **settings.postgres_params(),
            pool_size=settings.postgres_pool_size,
            max_overflow=settings.postgres_max_overflow,
            purge_seconds=settings.purge_seconds,
            schema=settings.partition,
        )
    return SQLiteStore(settings.sqlite_path("views"), purge_seconds=settings.purge_seconds)


def extra_int(settings: Settings, name: str) -> int | None:
    value = settings.extra.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise ConfigurationError(f"{name} must be positive, not {value!r}")
    return number
