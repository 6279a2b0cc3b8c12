"""How the background work is configured: which broker, JSON only, and beat's schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from web.config import load_settings
from web.tasks.settings import NAMES, TaskSettings


@pytest.fixture
def settings_of(tmp_path, monkeypatch):
    for name in (*NAMES, "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)

    def build(**config: str) -> TaskSettings:
        app = Flask("needs-test")
        app.config["NEEDS_SETTINGS"] = load_settings(str(tmp_path), config, environ={})
        app.config.update(config)
        return TaskSettings.from_app(app)

    return build


def test_without_a_broker_configured_tasks_travel_in_files_under_the_instance_folder(
    settings_of, tmp_path
):
    settings = settings_of()
    config = settings.celery_config()
    assert config["broker_url"].startswith("filesystem://")
    options = config["broker_transport_options"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker/queue")
    assert options["processed_folder"] == str(tmp_path / "broker/processed")
    assert settings.broker_shown() == f"filesystem://{tmp_path / 'broker'}"


def test_redis_url_makes_redis_the_broker_and_celery_broker_url_wins_over_it(settings_of):
    assert settings_of(REDIS_URL="redis://127.0.0.1:6379/0").broker_url == (
        "redis://127.0.0.1:6379/0"
    )
    chosen = settings_of(
        REDIS_URL="redis://127.0.0.1:6379/0", CELERY_BROKER_URL="redis://:s3cret@broker:6379/1"
    )
    assert chosen.broker_url == "redis://:s3cret@broker:6379/1"
    assert chosen.broker_shown() == "redis://:***@broker:6379/1"
    assert "broker_transport_options" not in chosen.celery_config()


def test_tasks_are_json_only_and_keep_no_results(settings_of):
    config = settings_of().celery_config()
    assert config["task_serializer"] == config["result_serializer"] == "json"
    assert config["accept_content"] == ["json"]
    assert config["task_ignore_result"] is True


def test_beat_dispatches_every_ten_seconds_and_runs_the_clock_every_minute(settings_of):
    schedule = settings_of().celery_config()["beat_schedule"]
    assert schedule["dispatch-deliveries"]["task"] == "needs.dispatch_deliveries"
    assert schedule["dispatch-deliveries"]["schedule"] == timedelta(seconds=10)
    assert schedule["check-referral-clocks"]["task"] == "needs.check_referral_clocks"
    assert schedule["check-referral-clocks"]["schedule"] == timedelta(minutes=1)
    assert schedule["daily-digest"]["task"] == "needs.send_digests"
    assert schedule["daily-digest"]["schedule"].hour == {8}


def test_digest_recipients_are_read_as_username_address_pairs(settings_of):
    settings = settings_of(DIGEST_EMAILS="leader3=wang@example.cn, leader5 = zhao@example.cn,bad")
    assert settings.digest_recipients == {
        "leader3": "wang@example.cn",
        "leader5": "zhao@example.cn",
    }
