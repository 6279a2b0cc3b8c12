"""What a PostgreSQL database holds at rest, for the tests that look for personal data in it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg


def postgres_contents(database_url: str) -> tuple[set[str], bytes]:
    """The public tables' names, and every row of them as bytes (text and binary columns)."""
    with psycopg.connect(database_url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        ]
        dump = b"".join(
            str(row).encode() + b"".join(v for v in row if isinstance(v, bytes))
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
        )
    return set(tables), dump


def postgres_table_files(database_url: str, tables: list[str]) -> bytes:
    """Every byte of these tables' files on disk — each segment of the table, of its TOAST
    table and of their indexes — after a CHECKPOINT has written every changed page out. A
    deleted row is in them until the table is rewritten: what `SELECT *` can never show. The
    tests run as root beside the server, so they can read its data directory."""
    checkpoint(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        data = data_directory(conn)
        relations = [
            r[0]
            for table in tables
            for r in conn.execute(
                "WITH rel AS (SELECT oid FROM pg_class WHERE relname = %(t)s UNION ALL "
                "SELECT reltoastrelid FROM pg_class WHERE relname = %(t)s AND reltoastrelid <> 0) "
                "SELECT pg_relation_filepath(oid) FROM rel UNION ALL "
                "SELECT pg_relation_filepath(indexrelid) FROM pg_index "
                "WHERE indrelid IN (SELECT oid FROM rel)",
                {"t": table},
            ).fetchall()
        ]
    assert len(relations) >= len(tables), (tables, relations)
    found = b""
    for relation in relations:
        main = data / relation
        for segment in [main, *sorted(main.parent.glob(f"{main.name}.*"))]:
            found += segment.read_bytes()
    return found


def checkpoint(database_url: str) -> None:
    """CHECKPOINT, as the tests' role if it may, else as the local server's superuser."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        try:
            conn.execute("CHECKPOINT")
            return
        except psycopg.errors.InsufficientPrivilege:
            port = str(conn.info.port)
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-XAtq", "-p", port, "-c", "CHECKPOINT"],
        check=True,
        capture_output=True,
    )


def data_directory(conn: psycopg.Connection[Any]) -> Path:
    """SHOW data_directory if the role may; else where the server's backend runs (its working
    directory is the data directory)."""
    try:
        return Path(conn.execute("SHOW data_directory").fetchone()[0])
    except psycopg.errors.InsufficientPrivilege:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        return Path(os.readlink(f"/proc/{pid}/cwd"))
