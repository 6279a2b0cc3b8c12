"""The composition root: the one place that builds the applications, the read models and the
façade, and `services()`, the typed way from a request, a command or a task to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app

from accounts.application import Accounts
from accounts.demo import users_with_demo_password
from accounts.passwords import PasswordHasher
from accounts.tokens import Authenticator, TokenStore
from duties.application import Duties
from duties.exceptions import InvalidDutyInputError
from duties.rules import DutyRules
from duties.views import DutiesView
from kernel.clock import Clock, SystemClock
from needs.application import Needs
from needs.audit import Seals
from needs.board import Board
from needs.outbox import Outbox
from needs.views import NeedsView
from partners.application import Partners
from store.access_log import AccessLog
from store.follower import Follower
from store.idempotency import IdempotencyStore
from store.keystore import KeyStore
from store.sqlstore import PostgresStore, SQLiteStore, SqlStore
from web.config import CIPHER_TOPIC, ConfigurationError, Settings
from web.operations.casework import Casework
from web.operations.erasure import build_key_store, key_store_file_missing, require_key_store

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy


@dataclass(kw_only=True)
class Services:
    """Everything a request, a CLI command or a task works with, built once per process."""

    settings: Settings
    needs: Needs
    partners: Partners
    view: NeedsView
    follower: Follower
    casework: Casework
    accounts: Accounts
    authenticator: Authenticator
    idempotency: IdempotencyStore
    clock: Clock
    board: Board
    outbox: Outbox
    outbox_follower: Follower
    seals: Seals
    access_log: AccessLog
    duties: Duties
    duties_view: DutiesView
    duties_follower: Follower
    keys: KeyStore

    def followers(self) -> dict[str, Follower]:
        """Everything that follows the needs log, by name."""
        return {
            "read_models": self.follower,
            "outbox": self.outbox_follower,
            "duties": self.duties_follower,
        }

    def close(self) -> None:
        self.needs.close()
        self.duties.close()
        self.partners.close()
        self.accounts.close()
        self.view.store.close()
        if self.keys.store is not self.view.store:
            self.keys.store.close()


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
    else:
        path = settings.sqlite_path(app_name)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        env.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=path)
    return env


def view_store(settings: Settings) -> SqlStore:
    """Where the read models live: beside the event store."""
    if settings.store == "postgres":
        return PostgresStore(
            **settings.postgres_params(),
            pool_size=settings.postgres_pool_size,
            max_overflow=settings.postgres_max_overflow,
        )
    path = settings.sqlite_path("views")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(path)


def build_services(
    settings: Settings, *, clock: Clock | None = None, create_tables: bool = False
) -> Services:
    """Build the applications and read models; tables only when asked (init-db)."""
    clock = clock or SystemClock()
    view = NeedsView(view_store(settings))
    keys_missing = key_store_file_missing(settings)
    keys = build_key_store(settings, view.store)
    if create_tables:
        view.create_tables()
        keys.create_tables()
    duties, duties_view, duties_follower = build_duties(
        settings, view.store, clock, create_tables, keys
    )
    needs = Needs(
        event_store_env(settings, "needs", create_tables=create_tables),
        communities={c.id: c for c in settings.communities},
        clock=clock,
        keys=keys,
    )
    if not create_tables:
        require_key_store((needs, duties), keys, missing=keys_missing)
    partners = Partners(
        event_store_env(settings, "partners", create_tables=create_tables),
        clock=clock.now,
        webhook_policy=settings.webhook_policy,
    )
    follower = Follower(needs, view)
    needs.after_save.append(follower.follow)
    casework = Casework(
        needs=needs, partners=partners, view=view, follower=follower, clock=clock, duties=duties
    )
    accounts, authenticator = build_accounts(settings, view.store, clock, create_tables)
    idempotency = IdempotencyStore(view.store, settings.cipher_key, settings.cipher_keys_previous)
    outbox = Outbox(view.store, clock)
    seals = Seals(view.store)
    access_log = AccessLog(view.store)
    if create_tables:
        access_log.create_tables()
        idempotency.create_tables()
        outbox.create_tables()
        seals.create_tables()
    return Services(
        settings=settings,
        needs=needs,
        partners=partners,
        view=view,
        follower=follower,
        casework=casework,
        accounts=accounts,
        authenticator=authenticator,
        idempotency=idempotency,
        clock=clock,
        board=Board(view.store),
        outbox=outbox,
        outbox_follower=Follower(needs, outbox),
        seals=seals,
        access_log=access_log,
        duties=duties,
        duties_view=duties_view,
        duties_follower=duties_follower,
        keys=keys,
    )


def build_duties(
    settings: Settings,
    store: SqlStore,
    clock: Clock,
    create_tables: bool,
    keys: KeyStore | None = None,
) -> tuple[Duties, DutiesView, Follower]:
    """The three fives' application, its read models beside the others, and their follower."""
    extra = settings.extra
    try:
        rules = DutyRules.from_text(extra.get("DUTY_VISIT_DAYS"), extra.get("DUTY_ASK_DAYS"))
    except InvalidDutyInputError as error:
        raise ConfigurationError(error.message) from None
    view = DutiesView(store, settings.address_key, rules, settings.previous_address_keys)
    if create_tables:
        view.create_tables()
    duties = Duties(
        event_store_env(settings, "duties", create_tables=create_tables),
        communities={c.id: c for c in settings.communities},
        clock=clock,
        rules=rules,
        index=view,
        keys=keys,
    )
    follower = Follower(duties, view)

    def catch_up(_: object) -> None:  # it reads the log, not what the save recorded
        follower.catch_up()

    duties.after_save.append(catch_up)
    return duties, view, follower


def build_accounts(
    settings: Settings, store: SqlStore, clock: Clock, create_tables: bool
) -> tuple[Accounts, Authenticator]:
    """The users' application and the tokens beside the read models; costs from `extra`."""
    hasher_costs = {
        "time_cost": _extra_int(settings, "PASSWORD_TIME_COST"),
        "memory_cost": _extra_int(settings, "PASSWORD_MEMORY_KIB"),
        "parallelism": _extra_int(settings, "PASSWORD_PARALLELISM"),
    }
    accounts = Accounts(
        event_store_env(settings, "accounts", create_tables=create_tables),
        clock=clock.now,
        hasher=PasswordHasher(**{k: v for k, v in hasher_costs.items() if v is not None}),
    )
    tokens = TokenStore(store, users_log_position(accounts))
    if create_tables:
        tokens.create_tables()
    ttl = timedelta(hours=_extra_int(settings, "TOKEN_TTL_HOURS") or 12)
    return accounts, Authenticator(accounts, tokens, clock.now, ttl)


def users_log_position(accounts: Accounts) -> str | None:
    """The query for the users' last notification id, when the tokens share its database."""
    statement = getattr(accounts.recorder, "max_notification_id_statement", None)
    return None if statement is None else str(statement.as_string())


def _extra_int(settings: Settings, name: str) -> int | None:
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


def services(app: Flask | None = None) -> Services:
    """This process's services, built on first use."""
    app = app or cast("LocalProxy[Flask]", current_app)._get_current_object()
    built: Services | None = app.extensions.get("needs.services")
    if built is None:
        settings = app.config["NEEDS_SETTINGS"]
        built = build_services(settings, clock=app.extensions["needs.clock"])
        if settings.env == "production":
            try:
                refuse_demo_passwords(built)
            except Exception:
                built.close()
                raise
        app.extensions["needs.services"] = built
    return built


def refuse_demo_passwords(built: Services) -> None:
    """Production never runs with a demo account that still has the demo password."""
    exposed = users_with_demo_password(built.accounts)
    if exposed:
        raise ConfigurationError(
            "refusing to start in production: these accounts still have the demo password: "
            + ", ".join(exposed)
        )
