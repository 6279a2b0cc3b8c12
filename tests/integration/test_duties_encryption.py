"""With CIPHER_KEY set, no personal data of the three fives — unit, room, a member's name, a
life event's note, a record's text, a discharge's notes — is readable anywhere on disk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher

from kernel.community import DEMO_COMMUNITY
from tests.integration.at_rest import postgres_contents
from web.bootstrap import build_services
from web.config import load_settings

UNIT, ROOM, MEMBER = "9单元", "7731室", "欧阳慧敏"
NOTE, TEXT, NOTES = "老伴突发脑梗住院", "楼道里堆放杂物有火灾隐患", "上门时情绪低落"
SECRETS = [UNIT, ROOM, MEMBER, NOTE, TEXT, NOTES]


def write_the_three_fives(settings, clock) -> None:
    services = build_services(settings, clock=clock, create_tables=True)
    try:
        duties = services.duties
        home = duties.register_household(
            community=DEMO_COMMUNITY.id, block="B3", building=15, unit=UNIT, room=ROOM, actor="w"
        )
        duties.join_group(home, MEMBER, "elderly_alone", date(2026, 11, 1), actor="w")
        duty = duties.record_life_event(home, "hospitalised", NOTE, actor="w")
        duties.discharge_duty(duty, NOTES, actor="w")
        duties.make_record(
            community=DEMO_COMMUNITY.id,
            kind="concern",
            block="B3",
            household_id=home,
            text=TEXT,
            actor="w",
        )
    finally:
        services.close()


def readable(directory: Path) -> list[str]:
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [s for s in SECRETS if s.encode() in data]
    return found


def sqlite_settings(tmp_path: Path, cipher_key: str | None):
    overrides = {"DATABASE_URL": f"sqlite:///{tmp_path}/needs.sqlite"}
    if cipher_key:
        overrides["CIPHER_KEY"] = cipher_key
    return load_settings(str(tmp_path), overrides, environ={})


def test_without_a_cipher_key_the_duties_personal_data_is_still_sealed_per_household(
    tmp_path, clock
):
    """The control: the search finds the values once they are opened with the household's
    key, and finds none in the files, which hold them sealed under that key."""
    settings = sqlite_settings(tmp_path, None)
    write_the_three_fives(settings, clock)
    assert readable(tmp_path) == []
    services = build_services(settings, clock=clock)
    try:
        stored = services.duties.recorder.select_notifications(0, 100, inclusive_of_start=False)
        opened = str([vars(services.duties.mapper.to_domain_event(n)) for n in stored])
    finally:
        services.close()
    assert [s for s in SECRETS if s in opened] == SECRETS


def test_with_a_cipher_key_no_sqlite_file_holds_the_duties_personal_data(tmp_path, clock):
    write_the_three_fives(sqlite_settings(tmp_path, AESCipher.create_key(32)), clock)
    assert "needs-duties.sqlite" in {p.name for p in tmp_path.iterdir()}
    assert readable(tmp_path) == []


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_with_a_cipher_key_no_postgres_table_holds_the_duties_personal_data(
    tmp_path, clock, database_url
):
    settings = load_settings(
        str(tmp_path),
        {"DATABASE_URL": database_url, "CIPHER_KEY": AESCipher.create_key(32)},
        environ={},
    )
    write_the_three_fives(settings, clock)
    tables, dump = postgres_contents(database_url)
    assert {"duties_events", "duty_households", "duties_view"} <= tables
    assert [s for s in SECRETS if s.encode() in dump or s in dump.decode("latin-1")] == []
