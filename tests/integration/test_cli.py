"""The operator's commands: flask --app web init-db, catch-up, rebuild-views, replay, list-needs."""

from __future__ import annotations

import subprocess
import sys
from uuid import UUID

import pytest

from kernel.community import DEMO_COMMUNITY
from web import create_app, services


@pytest.fixture
def app(tmp_path, database_url, clock):
    flask_app = create_app({"DATABASE_URL": database_url, "CLOCK": clock})
    yield flask_app
    running = flask_app.extensions.get("needs.services")
    if running is not None:
        running.close()


@pytest.fixture
def runner(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    return app.test_cli_runner()


def log_needs(app, count: int, block: str = "B3", building: int = 15) -> list[UUID]:
    with app.app_context():
        return [
            services().casework.log_need(
                community=DEMO_COMMUNITY.id,
                category="hardship",
                block=block,
                building=building,
                description=f"第{i}件",
                urgency="normal",
                actor="leader3",
            )
            for i in range(count)
        ]


def test_init_db_creates_the_tables_and_says_on_which_store(app, database_url):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0
    store = "postgres" if database_url.startswith("postgres") else "sqlite"
    assert result.output.strip() == f"tables ready on {store}"


def test_list_needs_lists_id_block_category_and_status_within_a_block(app, runner):
    b3 = log_needs(app, 2)
    log_needs(app, 1, block="B5", building=27)
    result = runner.invoke(args=["list-needs", "--block", "B3"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "2 needs"
    assert {line.split()[0] for line in lines[:-1]} == {str(n) for n in b3}
    assert all(" B3 " in line and " hardship " in line and " open " in line for line in lines[:-1])


def test_replay_prints_the_timeline_one_event_a_line(app, runner):
    (need_id,) = log_needs(app, 1)
    with app.app_context():
        services().needs.add_note(need_id, "电话已通知家属", actor="leader3")
        services().needs.resolve(need_id, "helped", "已处理", actor="leader3")
    result = runner.invoke(args=["replay", str(need_id)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["v1", "v2", "v3"]
    assert "NeedLogged" in lines[0]
    assert "leader3" in lines[0]
    assert "NoteAdded text=电话已通知家属" in lines[1]
    assert lines[-1] == "3 events"


def test_replay_of_an_unknown_need_fails_with_a_message(runner):
    result = runner.invoke(args=["replay", "00000000-0000-0000-0000-000000000000"])
    assert result.exit_code != 0
    assert "no need" in result.output


def test_rebuild_views_replays_the_whole_log_and_reports_the_rate(app, runner):
    log_needs(app, 3)  # for one household: three needs and the household's registration
    result = runner.invoke(args=["rebuild-views"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("rebuilt read models from 4 events")
    assert runner.invoke(args=["list-needs"]).output.strip().endswith("3 needs")


def test_catch_up_applies_what_another_process_recorded(app, runner, settings, clock):
    from web.bootstrap import build_services

    other = build_services(settings, clock=clock)
    try:
        other.needs.after_save.clear()
        other.casework.log_need(
            community=DEMO_COMMUNITY.id,
            category="mediation",
            block="B3",
            building=15,
            description="邻里噪音",
            urgency="low",
            actor="leader3",
        )
    finally:
        other.close()
    result = runner.invoke(args=["catch-up"])
    assert result.exit_code == 0, result.output
    assert "caught up: 1 events applied" in result.output
    assert result.output.strip().endswith("lag 0")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_production_start_without_keys_is_refused(tmp_path, database_url):
    env = {"NEEDS_ENV": "production", "DATABASE_URL": database_url, "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "web", "init-db"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "CIPHER_KEY must be set" in result.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_production_refuses_a_store_whose_demo_accounts_keep_the_demo_password(
    tmp_path, database_url
):
    from eventsourcing.cryptography import AESCipher

    base = {
        "PATH": "",
        "DATABASE_URL": database_url,
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_KIB": "8",
        "PASSWORD_PARALLELISM": "1",
        "CIPHER_KEY": AESCipher.create_key(32),
    }

    def flask(*args, **env):
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "web", *args],
            env={**base, **env},
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )

    assert flask("init-db").returncode == 0
    assert flask("seed-demo").returncode == 0
    refused = flask("init-db", NEEDS_ENV="production", SECRET_KEY="s" * 40)
    assert refused.returncode != 0
    assert "still have the demo password: secretary, leader1" in refused.stderr
