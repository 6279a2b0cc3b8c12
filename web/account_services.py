"""The users' side of the composition root: the accounts, their tokens and page sessions, the
password hasher at the configured cost, and the refusal of demo passwords in production."""

from __future__ import annotations

import logging
from datetime import timedelta

from eventsourcing.persistence import OperationalError, ProgrammingError

from accounts.application import Accounts
from accounts.demo import users_with_demo_password
from accounts.passwords import PasswordHasher
from accounts.tokens import PAGE_SESSIONS, Authenticator, TokenStore
from kernel.clock import Clock, SystemClock
from store.sqlstore import SqlStore
from web.config import ConfigurationError, Settings
from web.stores import event_store_env, extra_int

log = logging.getLogger(__name__)


def build_accounts(
    settings: Settings, store: SqlStore, clock: Clock, create_tables: bool
) -> tuple[Accounts, Authenticator]:
    """The users' application, and their tokens and page sessions beside the read models."""
    accounts = Accounts(
        event_store_env(settings, "accounts", create_tables=create_tables),
        clock=clock.now,
        hasher=build_hasher(settings),
        community_names={c.id: c.name for c in settings.communities},
    )
    users_at = users_log_position(accounts)
    tokens = TokenStore(store, users_at)
    sessions = TokenStore(store, users_at, table=PAGE_SESSIONS)
    if create_tables:
        tokens.create_tables()
        sessions.create_tables()
    ttl = timedelta(hours=extra_int(settings, "TOKEN_TTL_HOURS") or 12)
    return accounts, Authenticator(accounts, tokens, clock.now, ttl, sessions)


def build_hasher(settings: Settings) -> PasswordHasher:
    """argon2id at the configured cost (PASSWORD_TIME_COST, _MEMORY_KIB, _PARALLELISM)."""
    costs = {
        "time_cost": extra_int(settings, "PASSWORD_TIME_COST"),
        "memory_cost": extra_int(settings, "PASSWORD_MEMORY_KIB"),
        "parallelism": extra_int(settings, "PASSWORD_PARALLELISM"),
    }
    return PasswordHasher(**{k: v for k, v in costs.items() if v is not None})


def users_log_position(accounts: Accounts) -> str | None:
    """The query for the users' last notification id, when the tokens share its database."""
    statement = getattr(accounts.recorder, "max_notification_id_statement", None)
    return None if statement is None else str(statement.as_string())


def refuse_demo_passwords(accounts: Accounts) -> None:
    """Production never runs with a demo account that still has its demo password."""
    exposed = users_with_demo_password(accounts)
    if exposed:
        raise ConfigurationError(
            "refusing to start in production: these accounts still have the demo password: "
            + ", ".join(exposed)
            + " (give each a password of its own with `flask --app web users set-password`, "
            "or disable it)"
        )


def check_demo_accounts(settings: Settings) -> None:
    """At start, before anything is served: refuse production while a demo account keeps its
    demo password. Only the users' store is opened, and closed again (nothing crosses a fork)."""
    if settings.env != "production":
        return
    accounts = Accounts(
        event_store_env(settings, "accounts", create_tables=False),
        clock=SystemClock().now,
        hasher=build_hasher(settings),
    )
    try:
        refuse_demo_passwords(accounts)
    except (OperationalError, ProgrammingError) as error:
        # No users' table yet (init-db has not run): no demo account either. The services
        # check again when they are built.
        log.warning("demo accounts not checked at start: the users cannot be read (%s)", error)
    finally:
        accounts.close()
