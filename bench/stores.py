"""Fresh stores for a run: a SQLite folder, or a new PostgreSQL database dropped afterwards;
and the production settings every benchmark runs the service with."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from eventsourcing.cryptography import AESCipher

from web.bootstrap import Services, build_services
from web.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
# Settings that would make the service run otherwise than in production.
NOT_PRODUCTION = ("DEMO_PASSWORD", "PASSWORD_TIME_COST", "PASSWORD_MEMORY_KIB", "TOKEN_TTL_HOURS")
_admin_url: str | None = None


def postgres_admin_url() -> str:
    """A server to create databases on: BENCH_DATABASE_URL, TEST_DATABASE_URL, or the one
    scripts/ensure-postgres starts (its last line of output)."""
    global _admin_url
    if _admin_url is None:
        _admin_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not _admin_url:
        out = subprocess.run(
            [str(ROOT / "scripts" / "ensure-postgres")], capture_output=True, text=True, check=True
        )
        _admin_url = out.stdout.strip().splitlines()[-1]
    return _admin_url


@contextmanager
def fresh_database_url(kind: str, folder: Path) -> Iterator[str]:
    """A DATABASE_URL on an empty store of that kind, removed when the block ends."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder}/needs.sqlite"
        return
    import psycopg

    admin = postgres_admin_url()
    name = f"needs_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(admin)._replace(path=f"/{name}"))
    finally:
        drop_database(admin, name)


def drop_database(admin: str, name: str) -> None:
    """Drop a test or bench database; autovacuum (a superuser's process) may hold it for a
    moment, and FORCE may not end that, so try again shortly."""
    import psycopg

    for attempt in range(50):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 49:
                raise
            time.sleep(0.1)


def production_env(database_url: str, folder: Path) -> dict[str, str]:
    """The service's settings as in production: secrets set, personal data encrypted."""
    return {
        "NEEDS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "CIPHER_KEY": AESCipher.create_key(32),
        "DATABASE_URL": database_url,
        "CELERY_DATA_FOLDER": str(folder),
    }


def process_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with the settings, less anything that is not production."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION}
    return {**env, **settings}


def build(settings: Mapping[str, str], *, create_tables: bool = False) -> Services:
    """The service's applications and read models in this process, built as a worker builds
    them (web.bootstrap.build_services) from the production settings."""
    loaded = load_settings(str(ROOT / "instance"), dict(settings), environ={})
    return build_services(loaded, create_tables=create_tables)
