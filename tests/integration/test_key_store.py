"""The household key store: it survives a restart, its loss stops the service, a backup
restores it without bringing erased households back, and its keys re-wrap under a new key."""

from __future__ import annotations

import pytest

from kernel.community import DEMO_COMMUNITY
from store import key_maintenance
from tests.integration.test_erasure import (
    NAME,
    app_config,
    erase,
    household_of,
    log_case,
    restart,
)

__all__ = ["app_config"]


def test_keys_survive_a_restart(app, running, database_url, clock):
    need_id = log_case(running)
    again = restart(app, database_url, clock)
    from web import services

    with again.app_context():
        assert services(again).needs.get_need(need_id)["resident_name"] == NAME
        services(again).close()


def test_the_service_refuses_to_start_without_its_key_store(app, running, database_url, clock):
    from web.config import ConfigurationError

    log_case(running)
    with running.keys.store.write() as sql:
        sql.execute("DELETE FROM household_keys")
    again = restart(app, database_url, clock)
    from web import services

    with again.app_context(), pytest.raises(ConfigurationError, match="keys restore FILE"):
        services(again)


def test_a_backup_restores_every_key_but_never_an_erased_one(
    app, running, database_url, clock, tmp_path
):
    kept = log_case(running)
    erased = running.casework.log_need(
        community=DEMO_COMMUNITY.id,
        category="hardship",
        block="B3",
        building=16,
        unit="1",
        room="101",
        resident_name="张三丰",
        description="门锁坏了",
        urgency="normal",
        actor="leader3",
    )
    backup = tmp_path / "keys-backup.json"
    cli = app.test_cli_runner()
    made = cli.invoke(args=["keys", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "backed up 2 household key(s)" in made.output
    assert NAME.encode() not in backup.read_bytes()
    assert erase(app, household_of(running, erased)).exit_code == 0
    with running.keys.store.write() as sql:
        for table in ("household_keys", "erased_households"):
            sql.execute(f"DELETE FROM {table}")  # noqa: S608 - the key store is lost
    again = restart(app, database_url, clock)
    restored = again.test_cli_runner().invoke(args=["keys", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert restored.output.strip().endswith(f"restored 1 household key(s) from {backup}")
    from web import services

    with again.app_context():
        running_again = services(again)
        assert running_again.needs.get_need(kept)["resident_name"] == NAME
        assert running_again.needs.get_need(erased)["resident_name"] == "[erased]"
        running_again.close()


def test_household_keys_can_be_rewrapped_under_a_new_cipher_key(running):
    from web.config import key_encryption_key

    need_id = log_case(running)
    old, new = running.keys.kek, key_encryption_key("a rotated CIPHER_KEY " * 2)
    assert key_maintenance.rewrap(running.keys, old, new) == 1
    running.keys.forget_cached()
    assert running.needs.get_need(need_id, version=1)["resident_name"] == NAME


def test_keys_read_together_are_exactly_the_live_ones(running, monkeypatch):
    from uuid import uuid4

    from store.keystore import KeyStore

    monkeypatch.setattr("store.keystore._KEYS_A_QUERY", 2)  # several reads for one batch
    keys = running.keys
    live = {household: keys.key_for_new_case(household) for household in (uuid4(), uuid4())}
    erased = uuid4()
    keys.key_for_new_case(erased)
    keys.begin_erasure(erased, "admin", running.clock.now())
    keys.destroy_key(erased)
    fresh = KeyStore(keys.store, keys.kek)  # another process: nothing cached
    asked = [*live, erased, uuid4(), *live]
    assert fresh.keys_for(asked) == live
    assert keys.keys_for(asked) == live
    assert fresh.keys_for([]) == {}
    assert all(fresh.key(household) == key for household, key in live.items())


def test_a_households_one_key_is_made_once_found_again_and_refused_once_erased(running):
    from uuid import uuid4

    from store.errors import HouseholdErasedError
    from store.keystore import KeyStore

    keys, household = running.keys, uuid4()
    key = keys.key_for_new_case(household)
    # Other processes, nothing cached: the household's first key is the one they all get.
    assert KeyStore(keys.store, keys.kek).key_for_new_case(household) == key
    assert KeyStore(keys.store, keys.kek).key(household) == key
    keys.begin_erasure(household, "admin", running.clock.now())
    keys.destroy_key(household)
    with pytest.raises(HouseholdErasedError):
        KeyStore(keys.store, keys.kek).key_for_new_case(household)
    with pytest.raises(HouseholdErasedError):
        keys.key_for_new_case(household)  # even with the key still cached here


def test_the_key_store_waits_for_the_disk_as_the_events_it_opens_do(running):
    keys = running.keys
    with keys.store.read() as sql:
        if keys.store.dialect == "sqlite":
            # Its own file: a power cut must not take a key whose sealed events survived.
            assert sql.execute("PRAGMA synchronous").fetchone()["synchronous"] == 2
        else:
            # The tables beside the events: their own commits wait for the disk.
            assert sql.execute("SHOW synchronous_commit").fetchone()["synchronous_commit"] == "on"
