"""Configuration from the environment, and what production refuses."""

from __future__ import annotations

import json

import pytest

from kernel.community import DEMO_COMMUNITY
from web.config import ConfigurationError, load_settings

GOOD_SECRET = "s" * 40


def test_the_default_store_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    settings = load_settings(str(tmp_path), environ={})
    assert settings.store == "sqlite"
    assert settings.sqlite_path("needs") == str(tmp_path / "needs.sqlite")
    assert settings.sqlite_path("views") == str(tmp_path / "needs-views.sqlite")


def test_a_postgres_url_selects_postgres_with_its_parts(tmp_path):
    url = "postgresql://needs:p%40ss@db.example:6543/menu"
    settings = load_settings(str(tmp_path), environ={"DATABASE_URL": url})
    assert settings.store == "postgres"
    assert settings.postgres_params() == {
        "dbname": "menu",
        "host": "db.example",
        "port": "6543",
        "user": "needs",
        "password": "p@ss",
    }


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"CIPHER_KEY": "k"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short", "CIPHER_KEY": "k"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": GOOD_SECRET}, "CIPHER_KEY must be set"),
        (
            {"SECRET_KEY": GOOD_SECRET, "CIPHER_KEY": "k", "DEMO_PASSWORD": "demo-password"},
            "DEMO_PASSWORD is set",
        ),
    ],
)
def test_production_refuses_to_start_without_its_secrets_or_with_a_demo_password(
    tmp_path, environ, complaint
):
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings(str(tmp_path), environ={"NEEDS_ENV": "production", **environ})


def test_production_starts_with_its_secrets(tmp_path):
    settings = load_settings(
        str(tmp_path),
        environ={"NEEDS_ENV": "production", "SECRET_KEY": GOOD_SECRET, "CIPHER_KEY": "k"},
    )
    assert (settings.env, settings.cipher_key) == ("production", "k")


def test_a_community_file_replaces_the_demo_and_may_change_the_clocks(tmp_path):
    path = tmp_path / "community.json"
    path.write_text(
        json.dumps(
            {
                "slug": "caoyang-xincun",
                "name": "曹杨新村",
                "blocks": [{"code": "A", "name": "甲块", "buildings": [1, 2, 3]}],
                "categories": [{"code": "emergency", "sla_hours": 1}, {"code": "mediation"}],
            }
        ),
        encoding="utf-8",
    )
    settings = load_settings(str(tmp_path), environ={"COMMUNITY_FILE": str(path)})
    (community,) = settings.communities
    assert community.name == "曹杨新村"
    assert community.id != DEMO_COMMUNITY.id
    assert community.building_in_block("A", "2号楼") == 2
    assert community.category("emergency").sla_hours == 1
    assert community.category("mediation").name_zh == "调解"
    assert [c.code for c in community.categories] == ["emergency", "mediation"]


def test_the_demo_community_has_seven_blocks_and_the_six_categories():
    assert [b.code for b in DEMO_COMMUNITY.blocks] == [f"B{i}" for i in range(1, 8)]
    assert DEMO_COMMUNITY.block("B6").buildings == frozenset(range(31, 36))
    assert [c.code for c in DEMO_COMMUNITY.categories] == [
        "poverty_relief",
        "hardship",
        "emergency",
        "study_aid",
        "worry_relief",
        "mediation",
    ]
    assert DEMO_COMMUNITY.category("emergency").sla_hours == 2


def test_every_process_finds_households_with_the_same_address_key(tmp_path):
    """Without SECRET_KEY each process makes up its own; the address key must not follow it."""
    first = load_settings(str(tmp_path), environ={})
    second = load_settings(str(tmp_path), environ={})
    assert first.secret_key != second.secret_key
    assert first.address_key == second.address_key
    keyed = load_settings(str(tmp_path), environ={"CIPHER_KEY": "k1"})
    assert keyed.address_key != first.address_key
