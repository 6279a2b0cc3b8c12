"""The committee's Excel ledgers (台账) from the command line:
`flask --app web ledger import FILE.xlsx --kind households|members|visits --user NAME
[--dry-run] [--all-or-nothing] [--map '户主=head']` and `ledger export FILE.xlsx --user NAME`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from web.bootstrap import services
from web.operations.ledger_import import ImportSummary, import_ledger
from web.operations.ledger_sheet import KINDS, LedgerFileError, parse_map


@click.group("ledger")
def ledger() -> None:
    """Import the committee's Excel ledgers, or export the household ledger."""


def _secretary(username: str) -> tuple[str, str]:
    """(username, community) of the secretary the work is done as; exits otherwise."""
    user = services().accounts.find_user(username)
    if user is None or user.role != "secretary" or not user.active:
        click.echo(f"error: {username!r} is not an active secretary", err=True)
        sys.exit(2)
    return user.username, user.community


def _report(summary: ImportSummary, every_row: bool) -> None:
    for outcome in summary.outcomes:
        if outcome.action == "error":
            for column, why in outcome.errors:
                where = f", column {column}" if column else ""
                click.echo(f"row {outcome.row}{where}: {why}", err=True)
        elif every_row:
            click.echo(f"row {outcome.row}: {outcome.action} — {outcome.detail}")


@ledger.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(KINDS))
@click.option("--user", "username", required=True, help="The secretary importing it.")
@click.option("--dry-run", is_flag=True, help="Say what each row would do; change nothing.")
@click.option("--all-or-nothing", is_flag=True, help="Import nothing if any row is wrong.")
@click.option("--map", "header_map", default="", help="Your own headers: '户主=head, 门牌=room'.")
@with_appcontext
def import_command(
    path: Path, kind: str, username: str, dry_run: bool, all_or_nothing: bool, header_map: str
) -> None:
    """Import a ledger sheet (the first sheet of an .xlsx): households, members or visits."""
    actor, community = _secretary(username)

    def progress(done: int, total: int) -> None:
        click.echo(f"… {done}/{total} rows", err=True)

    try:
        summary = import_ledger(
            services(),
            str(path),
            kind,
            community_id=community,
            actor=actor,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            header_map=parse_map(header_map),
            progress=progress,
        )
    except LedgerFileError as error:
        click.echo(f"error: {path.name}: {error}", err=True)
        sys.exit(1)
    _report(summary, every_row=dry_run)
    click.echo(summary.line())
    if summary.count("error") and (all_or_nothing or dry_run):
        sys.exit(1)


@ledger.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="The secretary exporting it.")
@with_appcontext
def export_command(path: Path, username: str) -> None:
    """Write the household ledger (台账) as XLSX in the committee's columns (recorded in who
    looked: it is personal data)."""
    from web.operations.ledger_export import export_households

    actor, community = _secretary(username)
    count = export_households(services(), community, actor, path)
    click.echo(f"households: {count} written to {path}")
