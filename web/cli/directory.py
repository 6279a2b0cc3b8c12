"""`flask --app web directory export-hsds DIR`: the partner directory as HSDS 3.0 JSON files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from web.bootstrap import services
from web.operations.hsds import directory_tables, write_tables


@click.group("directory")
def directory() -> None:
    """The partner directory in open formats."""


@directory.command("export-hsds")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--community", default=None, help="Community id (default: the first configured).")
@with_appcontext
def export_hsds(folder: Path, community: str | None) -> None:
    """Write the directory as Open Referral HSDS 3.0 JSON files, one per table, into FOLDER."""
    running = services()
    chosen = running.needs.community(community or running.settings.communities[0].id)
    tables = directory_tables(chosen, running.partners)
    for path in write_tables(tables, folder):
        click.echo(f"{path}: {len(tables[path.stem])} rows")
