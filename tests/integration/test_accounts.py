"""Users, passwords and tokens on SQLite and PostgreSQL, across processes, and from the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest

from kernel.clock import ManualClock
from kernel.community import DEMO_COMMUNITY
from web import create_app, services
from web.bootstrap import Services, build_services
from web.config import Settings
from web.demo.accounts import create_demo_users

COMMUNITY = DEMO_COMMUNITY.id
PASSWORD = "correct horse"
# argon2id at its cheapest: the tests are about the flow, not the cost.
CHEAP_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_KIB": "8", "PASSWORD_PARALLELISM": "1"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, extra=CHEAP_HASHING)


def register_leader(services: Services, username: str = "leader3", **overrides: Any) -> None:
    arguments: dict[str, Any] = {
        "community": COMMUNITY,
        "username": username,
        "password": PASSWORD,
        "role": "block_leader",
        "blocks": ["B3"],
        "actor": "secretary",
    }
    services.accounts.register_user(**{**arguments, **overrides})


def token_rows(services: Services) -> list[dict[str, Any]]:
    with services.view.store.read() as sql:
        return sql.execute("SELECT * FROM auth_tokens").fetchall()


def test_logging_in_stores_the_tokens_digest_and_never_the_token(services: Services) -> None:
    register_leader(services)

    token, expires_at, user = services.authenticator.login("leader3", PASSWORD)

    rows = token_rows(services)
    assert [row["digest"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert not any(token in str(value) for value in rows[0].values())
    with services.view.store.read() as sql:
        found = sql.execute(
            "SELECT COUNT(*) AS n FROM auth_tokens WHERE digest=%(t)s OR username=%(t)s",
            {"t": token},
        ).fetchone()
    assert found == {"n": 0}
    assert services.view.store.from_db_time(rows[0]["expires_at"]) == expires_at
    assert (rows[0]["username"], rows[0]["epoch"], user.username) == ("leader3", 0, "leader3")


def test_a_token_works_until_it_expires_after_twelve_hours(
    services: Services, clock: ManualClock
) -> None:
    register_leader(services)
    token, expires_at, _ = services.authenticator.login("leader3", PASSWORD)

    assert expires_at == clock.now() + services.authenticator.ttl
    clock.advance(hours=11, minutes=59)
    assert services.authenticator.principal_for(token).username == "leader3"
    clock.advance(minutes=1)
    assert services.authenticator.principal_for(token) is None


def test_the_token_lifetime_comes_from_the_settings(settings: Settings, clock: ManualClock) -> None:
    short = dataclasses.replace(settings, extra={**CHEAP_HASHING, "TOKEN_TTL_HOURS": "2"})
    built = build_services(short, clock=clock, create_tables=True)
    try:
        register_leader(built)
        _, expires_at, _ = built.authenticator.login("leader3", PASSWORD)
    finally:
        built.close()
    assert expires_at == clock.now() + built.authenticator.ttl
    assert built.authenticator.ttl.total_seconds() == 2 * 3600


@pytest.mark.parametrize(
    ("change", "arguments"),
    [("disable", {"reason": "left"}), ("change_password", {"password": "a new password"})],
)
def test_disabling_or_a_new_password_kills_existing_tokens(
    services: Services, change: str, arguments: dict[str, str]
) -> None:
    register_leader(services)
    token, _, _ = services.authenticator.login("leader3", PASSWORD)

    getattr(services.authenticator, change)("leader3", actor="secretary", **arguments)

    assert services.authenticator.principal_for(token) is None
    assert token_rows(services) == []


@pytest.mark.parametrize(
    ("change", "arguments"),
    [("disable_user", {"reason": "left"}), ("change_password", {"password": "a new password"})],
)
def test_the_credentials_epoch_kills_old_tokens_even_if_they_were_not_revoked(
    services: Services, change: str, arguments: dict[str, str]
) -> None:
    register_leader(services)
    token, _, _ = services.authenticator.login("leader3", PASSWORD)

    getattr(services.accounts, change)("leader3", actor="secretary", **arguments)

    assert len(token_rows(services)) == 1
    assert services.authenticator.principal_for(token) is None


def test_a_token_is_seen_by_another_process_and_dies_there_when_the_user_is_disabled(
    services: Services, settings: Settings, clock: ManualClock
) -> None:
    register_leader(services)
    token, _, _ = services.authenticator.login("leader3", PASSWORD)
    other = build_services(settings, clock=clock)
    try:
        assert other.authenticator.principal_for(token).username == "leader3"
        services.accounts.disable_user("leader3", actor="secretary")
        assert other.authenticator.principal_for(token) is None
    finally:
        other.close()


def test_a_request_reads_the_users_log_only_when_it_has_moved(
    services: Services, settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_leader(services)
    token, _, _ = services.authenticator.login("leader3", PASSWORD)
    assert services.authenticator.principal_for(token).role == "block_leader"
    reads: list[int] = []
    select = services.accounts.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return select(*args, **kwargs)

    monkeypatch.setattr(services.accounts.recorder, "select_notifications", counted)
    assert services.authenticator.principal_for(token).username == "leader3"
    # PostgreSQL tells the log's end with the token; a SQLite file is read, cheaply, each time.
    assert len(reads) == (0 if settings.store == "postgres" else 1)

    other = build_services(settings, clock=clock)
    try:
        other.accounts.change_role(
            "leader3", role="block_leader", blocks=["B3", "B4"], actor="secretary"
        )
    finally:
        other.close()
    # A new role or scope ends the user's sessions: this process sees it at once.
    assert services.authenticator.principal_for(token) is None


def _register_in_child(settings: Settings, username: str, role: str, barrier: Any, queue: Any):
    from accounts.exceptions import UsernameTakenError

    built = build_services(settings)
    try:
        barrier.wait(timeout=60)
        try:
            built.accounts.register_user(
                community=COMMUNITY,
                username=username,
                password=PASSWORD,
                role=role,
                actor=f"process-{role}",
            )
        except UsernameTakenError:
            queue.put((role, "taken"))
        else:
            queue.put((role, "won"))
    finally:
        built.close()


def run_children(settings: Settings, *registrations: tuple[str, str]) -> list[tuple[str, str]]:
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(len(registrations)), context.Queue()
    children = [
        context.Process(target=_register_in_child, args=(settings, *r, barrier, queue))
        for r in registrations
    ]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    return sorted(results)


@pytest.mark.slow
def test_a_user_registered_in_another_process_is_seen_here(services: Services, settings) -> None:
    assert services.accounts.list_users() == []

    assert run_children(settings, ("auditor", "auditor")) == [("auditor", "won")]

    user = services.accounts.get_user("auditor")
    assert (user.role, user.community) == ("auditor", COMMUNITY)
    assert services.authenticator.login("auditor", PASSWORD)[2] == user


@pytest.mark.slow
def test_two_processes_registering_one_username_have_exactly_one_winner(
    services: Services, settings: Settings
) -> None:
    results = run_children(settings, ("same-name", "secretary"), ("same-name", "auditor"))

    outcomes = [outcome for _, outcome in results]
    assert sorted(outcomes) == ["taken", "won"]
    winner = next(role for role, outcome in results if outcome == "won")
    assert [(u.username, u.role) for u in services.accounts.list_users()] == [("same-name", winner)]


def test_the_demo_users_are_created_once_with_a_user_per_known_partner(
    services: Services,
) -> None:
    for name in ("利群医院", "新曹杨集团"):
        services.partners.register_partner(
            community=COMMUNITY,
            name=name,
            kind="other",
            categories=["hardship"],
            blocks=["*"],
            weekly_capacity=3,
            actor="secretary",
        )

    created = create_demo_users(services, PASSWORD)

    leaders = [f"leader{n}" for n in range(1, 8)]
    assert created == [
        "secretary",
        *leaders,
        "auditor",
        "treasurer22",
        "vol3",
        "vol5",
        "hospital",
        "enterprise",
    ]
    assert services.accounts.get_user("vol3").blocks == ("B3",)
    assert services.accounts.get_user("leader7").blocks == ("B7",)
    hospital = services.partners.find_by_name(COMMUNITY, "利群医院")
    assert services.accounts.get_user("hospital").partner_id == hospital.partner_id
    assert services.authenticator.login("secretary", PASSWORD)[2].role == "secretary"
    assert create_demo_users(services, PASSWORD) == []


# --- the `users` CLI ---------------------------------------------------------------------


@pytest.fixture
def app(database_url: str, clock: ManualClock) -> Iterator[Any]:
    flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock})
    settings = flask_app.config["NEEDS_SETTINGS"]
    flask_app.config["NEEDS_SETTINGS"] = dataclasses.replace(settings, extra=CHEAP_HASHING)
    yield flask_app
    running = flask_app.extensions.get("needs.services")
    if running is not None:
        running.close()


@pytest.fixture
def runner(app: Any) -> Any:
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    return app.test_cli_runner()


def add(runner: Any, *args: str, password: str = PASSWORD) -> Any:
    return runner.invoke(args=["users", "add", *args, "--password-stdin"], input=f"{password}\n")


def test_users_add_registers_a_block_leader_who_can_log_in(app: Any, runner: Any) -> None:
    result = add(runner, "leader3", "--role", "block_leader", "--block", "B3", "--block", "B4")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "added leader3: block_leader of B3 B4"
    with app.app_context():
        user = services().authenticator.login("leader3", PASSWORD)[2]
    assert (user.role, user.blocks, user.community) == ("block_leader", ("B3", "B4"), COMMUNITY)
    assert services(app).accounts.list_users()[0].username == "leader3"


def test_users_add_asks_for_the_password_twice_when_not_piped(app: Any, runner: Any) -> None:
    result = runner.invoke(
        args=["users", "add", "secretary", "--role", "secretary"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        assert services().accounts.authenticate("secretary", PASSWORD).role == "secretary"


def test_users_add_links_a_partner_user_to_a_partner_of_the_directory(
    app: Any, runner: Any
) -> None:
    with app.app_context():
        partner_id = services().partners.register_partner(
            community=COMMUNITY,
            name="利群医院",
            kind="hospital",
            categories=["emergency"],
            blocks=["*"],
            weekly_capacity=5,
            actor="secretary",
        )

    result = add(runner, "hospital", "--role", "partner", "--partner", str(partner_id))

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert services().accounts.get_user("hospital").partner_id == partner_id


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["leader9", "--role", "block_leader", "--block", "B9"], PASSWORD, "unknown block 'B9'"),
        (["leader3", "--role", "block_leader"], PASSWORD, "at least one block"),
        (
            ["hospital", "--role", "partner", "--partner", "00000000-0000-4000-8000-000000000001"],
            PASSWORD,
            "not found",
        ),
        (["Leader 3", "--role", "auditor"], PASSWORD, "a username is 2 to 40"),
        (["auditor", "--role", "auditor"], "short", "a password is 8 to 128"),
        (["auditor", "--role", "mayor"], PASSWORD, "'mayor' is not one of"),
    ],
)
def test_users_add_explains_what_is_wrong_and_exits_non_zero(
    runner: Any, args: list[str], password: str, message: str
) -> None:
    result = add(runner, *args, password=password)

    assert result.exit_code != 0
    assert message in result.output
    assert runner.invoke(args=["users", "list"]).output.strip() == "0 users"


def test_users_add_refuses_a_taken_username(runner: Any) -> None:
    add(runner, "auditor", "--role", "auditor")

    result = add(runner, "auditor", "--role", "secretary")

    assert result.exit_code == 1
    assert "username 'auditor' is taken" in result.output


def test_users_disable_stops_the_user_and_their_tokens(app: Any, runner: Any) -> None:
    add(runner, "leader3", "--role", "block_leader", "--block", "B3")
    with app.app_context():
        token, _, _ = services().authenticator.login("leader3", PASSWORD)

    result = runner.invoke(args=["users", "disable", "leader3", "--reason", "moved away"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "disabled leader3"
    with app.app_context():
        assert services().authenticator.principal_for(token) is None
    again = runner.invoke(args=["users", "disable", "leader3"])
    assert again.exit_code == 1
    assert "already disabled" in again.output
    unknown = runner.invoke(args=["users", "disable", "nobody"])
    assert unknown.exit_code == 1
    assert "no user 'nobody'" in unknown.output


def test_users_list_shows_role_blocks_partner_and_state_then_a_count(app: Any, runner: Any) -> None:
    add(runner, "leader3", "--role", "block_leader", "--block", "B3")
    add(runner, "auditor", "--role", "auditor")
    runner.invoke(args=["users", "disable", "auditor"])

    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.strip().splitlines()]
    assert lines == [
        ["auditor", "auditor", "-", "-", "disabled"],
        ["leader3", "block_leader", "B3", "-", "active"],
        ["2", "users"],
    ]


def test_users_enable_and_set_password_restore_a_user(app: Any, runner: Any) -> None:
    add(runner, "leader3", "--role", "block_leader", "--block", "B3")
    runner.invoke(args=["users", "disable", "leader3"])

    enabled = runner.invoke(args=["users", "enable", "leader3"])
    changed = runner.invoke(
        args=["users", "set-password", "leader3", "--password-stdin"], input="a new password\n"
    )

    assert (enabled.exit_code, changed.exit_code) == (0, 0), enabled.output + changed.output
    with app.app_context():
        assert services().accounts.authenticate("leader3", "a new password").active is True
