"""The composition root: the one place that builds the applications, the read models and the
façade, and `services()`, the typed way from a request, a command or a task to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app

from accounts.application import Accounts
from accounts.tokens import Authenticator
from duties.application import Duties
from duties.exceptions import InvalidDutyInputError
from duties.rules import DutyRules
from duties.views import DutiesView
from kernel.clock import Clock, SystemClock
from needs.application import Needs
from needs.audit import Seals
from needs.board import Board
from needs.outbox import Outbox
from needs.team_notices import TeamNotices
from needs.views import NeedsView
from partners.application import Partners
from partners.channel_book import ChannelBook
from partners.channel_outbox import ChannelOutbox
from partners.notice_texts import NoticeTexts
from projects.application import Projects
from projects.exceptions import InvalidProjectInputError
from projects.rules import ProjectRules
from store.access_log import AccessLog
from store.counters import Counters
from store.follower import Follower
from store.idempotency import IdempotencyStore
from store.keystore import KeyStore
from store.sqlstore import SqlStore
from web.account_services import build_accounts, refuse_demo_passwords
from web.config import ConfigurationError, Settings, channel_key
from web.operations.casework import Casework
from web.operations.erasure import build_key_store, key_store_file_missing, require_key_store
from web.partitions import current_partition, partition_settings
from web.stores import event_store_env, view_store

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

# Built here by the other modules of the composition root; imported from here by their callers.


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
    counters: Counters
    channels: ChannelBook
    channel_outbox: ChannelOutbox
    notice_texts: NoticeTexts
    team_notices: TeamNotices
    team_notices_follower: Follower
    projects: Projects

    def followers(self) -> dict[str, Follower]:
        """Everything that follows the needs log, by name."""
        return {
            "read_models": self.follower,
            "outbox": self.outbox_follower,
            "team_notices": self.team_notices_follower,
            "duties": self.duties_follower,
        }

    def close(self) -> None:
        self.needs.close()
        self.duties.close()
        self.projects.close()
        self.partners.close()
        if not self.settings.partition:  # a partition's accounts are the default one's
            self.accounts.close()
        self.view.store.close()
        if self.keys.store is not self.view.store:
            self.keys.store.close()


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    create_tables: bool = False,
    accounts: tuple[Accounts, Authenticator] | None = None,
) -> Services:
    """Build the applications and read models; tables only when asked (init-db). A partition
    is given the default partition's `accounts` (and authenticator) to share."""
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
    projects = build_projects(settings, clock, create_tables, keys)
    if not create_tables:
        # The projects' log holds personal data once a project has households (the built-in
        # templates alone hold none).
        sealed = (needs, duties, *((projects,) if projects.holds_personal_data() else ()))
        require_key_store(sealed, keys, missing=keys_missing)
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
    users, authenticator = accounts or build_accounts(settings, view.store, clock, create_tables)
    idempotency = IdempotencyStore(view.store, settings.cipher_key, settings.cipher_keys_previous)
    outbox = Outbox(view.store, clock)
    seals = Seals(view.store)
    access_log = AccessLog(view.store)
    counters = Counters(view.store)
    channels = ChannelBook(
        view.store,
        channel_key(settings.cipher_key),
        tuple(channel_key(key) for key in settings.cipher_keys_previous),
    )
    channel_outbox = ChannelOutbox(view.store)
    notice_texts = NoticeTexts(view.store)
    team_notices = TeamNotices(view.store, clock)
    if create_tables:
        channels.create_tables()
        channel_outbox.create_tables()
        notice_texts.create_tables()
        team_notices.create_tables()
        access_log.create_tables()
        counters.create_tables()
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
        accounts=users,
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
        counters=counters,
        channels=channels,
        channel_outbox=channel_outbox,
        notice_texts=notice_texts,
        team_notices=team_notices,
        team_notices_follower=Follower(needs, team_notices),
        projects=projects,
    )


def build_projects(
    settings: Settings, clock: Clock, create_tables: bool, keys: KeyStore
) -> Projects:
    """Resident-led projects, with the community's consent threshold (PROJECT_CONSENT_THRESHOLD:
    "2/3" for every community, or "community=2/3,other=1"; 100 % when unset)."""
    try:
        rules = ProjectRules.from_text(settings.extra.get("PROJECT_CONSENT_THRESHOLD"))
    except InvalidProjectInputError as error:
        raise ConfigurationError(error.message) from None
    projects = Projects(
        event_store_env(settings, "projects", create_tables=create_tables),
        communities={c.id: c for c in settings.communities},
        clock=clock,
        keys=keys,
        rules=rules,
    )
    if create_tables:
        projects.ensure_builtin_templates()
    return projects


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


def services(app: Flask | None = None, *, refuse_demo: bool = True) -> Services:
    """This process's services, built on first use; in production, refused while a demo account
    keeps its demo password (unless `refuse_demo` is off: the `users` commands that fix it).
    With COMMUNITY_PARTITIONS, those of the partition the work belongs to (web/partitions.py)."""
    app = app or cast("LocalProxy[Flask]", current_app)._get_current_object()
    built: Services | None = app.extensions.get("needs.services")
    if built is None:
        settings = app.config["NEEDS_SETTINGS"]
        built = build_services(settings, clock=app.extensions["needs.clock"])
        if settings.env == "production" and refuse_demo:
            try:
                refuse_demo_passwords(built.accounts)
            except Exception:
                built.close()
                raise
        app.extensions["needs.services"] = built
    partition = current_partition(built.settings)
    return _partition_services(app, built, partition) if partition else built


def _partition_services(app: Flask, default: Services, partition: str) -> Services:
    built: dict[str, Services] = app.extensions.setdefault("needs.partitions", {})
    if partition not in built:
        built[partition] = build_services(
            partition_settings(default.settings, partition),
            clock=default.clock,
            accounts=(default.accounts, default.authenticator),
        )
    return built[partition]


def close_services(app: Flask) -> None:
    """Close every partition's services this process built, the default's last."""
    for built in app.extensions.pop("needs.partitions", {}).values():
        built.close()
    default: Services | None = app.extensions.pop("needs.services", None)
    if default is not None:
        default.close()
