"""Operator commands: `flask --app web <command>`, one module per group of commands."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every operator command on the app's CLI."""
    from web.cli import audit, directory, erasure, keys, ledger, operations, users

    for command in (
        audit.audit,
        keys.keys,
        erasure.erase_household_command,
        users.users,
        operations.init_db,
        operations.seed_demo,
        operations.catch_up,
        operations.rebuild_views,
        operations.replay,
        operations.list_needs,
        operations.follow,
        operations.worker_status,
        ledger.ledger,
        directory.directory,
    ):
        app.cli.add_command(command)
