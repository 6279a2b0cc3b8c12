"""Setting the scene for the HTTP benchmarks: the same users, tokens and seed needs in the
service and in the CRUD app."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from bench.stores import build
from kernel.community import DEMO_COMMUNITY

LEADER, SECRETARY, BLOCK = "leader3", "secretary", "B3"
LIST_PATH = f"/api/v1/needs?block={BLOCK}&status=open"
PAGE_PATH = "/needs"
NEEDS_PATH = "/api/v1/needs"


def blocks() -> dict[str, list[int]]:
    """Each block of the community with its buildings."""
    return {b.code: sorted(b.buildings) for b in DEMO_COMMUNITY.blocks}


def seed_bodies(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Needs across every block, as the secretary logs them."""
    known = blocks()
    bodies = []
    for _ in range(count):
        code = rng.choice(sorted(known))
        bodies.append(
            {
                "category": rng.choice(("hardship", "emergency", "study_aid", "mediation")),
                "block": code,
                "household": {
                    "building": rng.choice(known[code]),
                    "unit": str(rng.randint(1, 4)),
                    "room": f"{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                },
                "resident_name": "李大爷",
                "contact_phone": "139 0013 9000",
                "description": "腿脚不便，需要帮忙配药。",
                "urgency": rng.choice(("low", "normal", "normal", "high", "critical")),
                "consent_to_share": True,
                # The addresses recur: a leader who logs a second need of one household and
                # category has been told, and confirms (the service notes it on the case).
                "duplicate_ok": True,
            }
        )
    return bodies


def set_up_service(settings: dict[str, str], password: str) -> None:
    """init-db and the two users, as the release step and an operator would."""
    built = build(settings, create_tables=True)
    try:
        for username, role, scope in (
            (LEADER, "block_leader", [BLOCK]),
            (SECRETARY, "secretary", []),
        ):
            built.accounts.register_user(
                community=DEMO_COMMUNITY.id,
                username=username,
                password=password,
                role=role,
                blocks=scope,
                actor="bench",
            )
    finally:
        built.close()


def set_up_crud(database: Path | str) -> dict[str, str]:
    """The CRUD app's tables (a SQLite file, or a PostgreSQL URL) and a bearer token for each
    of the two users."""
    from bench.crud_app import create_app
    from bench.crud_db import add_token, init_db

    if isinstance(database, Path):
        database.parent.mkdir(parents=True, exist_ok=True)
    app = create_app({"DATABASE": str(database)})
    with app.app_context():
        init_db()
        return {
            LEADER: add_token(LEADER, "block_leader", BLOCK),
            SECRETARY: add_token(SECRETARY, "secretary", None),
        }


def crud_needs(database: Path | str) -> int:
    """How many needs the CRUD app holds."""
    from bench.crud_app import create_app
    from bench.crud_db import get_db

    with create_app({"DATABASE": str(database)}).app_context():
        return int(get_db().execute("SELECT COUNT(*) AS n FROM need").fetchone()["n"])
