"""Every file the service writes is its own user's alone — mode 600, and every folder it makes
700 — whatever the umask it was started with: the SQLite stores with their -wal and -shm, the
key store, the embedded broker's folders and messages, beat's schedule, a key-store backup."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.beat import Service

from kernel.clock import ManualClock
from tests.integration.conftest import CHEAP_HASHING
from tests.integration.test_erasure import log_case, queue_a_referral_notice
from web import create_app, services


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask most systems start processes with: new files readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def modes(root: Path, kind: str) -> dict[str, str]:
    """Each file (or folder) under root, by its path there, with its mode."""
    found = [p for p in root.rglob("*") if (p.is_dir() if kind == "folder" else p.is_file())]
    return {str(p.relative_to(root)): oct(stat.S_IMODE(p.stat().st_mode)) for p in found}


def test_a_fresh_store_and_everything_beside_it_is_private_whatever_the_umask(
    open_umask, tmp_path: Path, clock: ManualClock
):
    stores, data = tmp_path / "var" / "needs", tmp_path / "celery"  # neither exists yet
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{stores}/needs.sqlite",
            "CELERY_DATA_FOLDER": str(data),
            "CLOCK": clock,
            **CHEAP_HASHING,
        }
    )
    cli = app.test_cli_runner()
    try:
        assert cli.invoke(args=["init-db"]).exit_code == 0
        with app.app_context():
            running = services()
            queue_a_referral_notice(app, running, log_case(running, notes=0))  # a message
        backup = cli.invoke(args=["keys", "backup", str(tmp_path / "backups" / "keys.json")])
        assert backup.exit_code == 0, backup.output
        beat = app.extensions["celery"].Beat()  # as `celery beat` opens (and makes) its schedule
        Service(
            beat.app, scheduler_cls=beat.scheduler_cls, schedule_filename=beat.schedule
        ).get_scheduler().close()
        files = modes(tmp_path, "file")  # while the stores are open, with their -wal and -shm
    finally:
        built = app.extensions.pop("needs.services", None)
        if built is not None:
            built.close()

    written = {Path(name).name for name in files}
    for store in ("needs", "needs-views", "needs-keys"):
        assert {f"{store}.sqlite", f"{store}.sqlite-wal", f"{store}.sqlite-shm"} <= written
    assert "keys.json" in written
    assert any(name.endswith(".msg") for name in written)  # the notice, in the broker
    assert any(name.startswith("celerybeat-schedule") for name in written)
    assert {name: mode for name, mode in files.items() if mode != "0o600"} == {}
    folders = modes(tmp_path, "folder")
    assert {"var", "var/needs", "celery/broker/queue", "backups"} <= folders.keys()
    assert {name: mode for name, mode in folders.items() if mode != "0o700"} == {}
