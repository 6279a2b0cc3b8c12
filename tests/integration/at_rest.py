"""What a PostgreSQL database holds at rest, for the tests that look for personal data in it."""

from __future__ import annotations

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
