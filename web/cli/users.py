"""Operator commands for users: `flask --app web users add|disable|enable|set-password|list`."""

from __future__ import annotations

import sys
from uuid import UUID

import click
from flask.cli import with_appcontext

from accounts.domain import Role, login_name
from accounts.exceptions import AccountsError
from kernel.errors import UnknownBlockError
from partners.exceptions import PartnerNotFoundError
from web.bootstrap import services

ACTOR = "cli"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("users")
def users() -> None:
    """Manage who can sign in (in production too while a demo account keeps its demo password:
    these commands are how it gets a password of its own)."""


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option(
    "--block",
    "blocks",
    multiple=True,
    help="A block leader's blocks (repeatable), or a volunteer's one block.",
)
@click.option("--partner", "partner_id", type=click.UUID, help="A partner user's partner id.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def add(
    username: str, role: str, blocks: tuple[str, ...], partner_id: UUID | None, password_stdin: bool
) -> None:
    """Add a user to the (first) community; asks for the password twice unless piped."""
    running = services(refuse_demo=False)
    community = running.settings.communities[0]
    try:
        for code in blocks:
            community.block(code)
        if partner_id is not None and running.partners.get_partner(partner_id).community != (
            community.id
        ):
            raise click.ClickException(f"partner {partner_id} is not in {community.name}")
        running.accounts.register_user(
            community=community.id,
            username=username,
            password=_password(password_stdin),
            role=role,
            blocks=list(blocks),
            partner_id=partner_id,
            actor=ACTOR,
        )
    except (AccountsError, UnknownBlockError) as error:
        raise click.ClickException(error.message) from None
    except PartnerNotFoundError as error:
        raise click.ClickException(str(error)) from None
    scope = " ".join(blocks) or (str(partner_id) if partner_id else community.name)
    click.echo(f"added {login_name(username)}: {role} of {scope}")


@users.command("disable")
@click.argument("username")
@click.option("--reason", default="", help="Why, for the record.")
@with_appcontext
def disable(username: str, reason: str) -> None:
    """Stop a user signing in and end their sessions."""
    try:
        services(refuse_demo=False).authenticator.disable(username, reason=reason, actor=ACTOR)
    except AccountsError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"disabled {login_name(username)}")


@users.command("enable")
@click.argument("username")
@with_appcontext
def enable(username: str) -> None:
    """Let a disabled user sign in again."""
    try:
        services(refuse_demo=False).accounts.enable_user(username, actor=ACTOR)
    except AccountsError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"enabled {login_name(username)}")


@users.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password(username: str, password_stdin: bool) -> None:
    """Give a user a new password and end their sessions."""
    running = services(refuse_demo=False)
    try:
        running.accounts.get_user(username)
        password = _password(password_stdin)
        running.authenticator.change_password(username, password=password, actor=ACTOR)
    except AccountsError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"password changed for {login_name(username)}")


@users.command("list")
@with_appcontext
def list_users() -> None:
    """List users: username, role, blocks, partner, active — by username."""
    records = services(refuse_demo=False).accounts.list_users()
    for user in records:
        click.echo(
            f"{user.username:<20} {user.role:<12} {','.join(user.blocks) or '-':<8} "
            f"{user.partner_id or '-'!s:<36} {'active' if user.active else 'disabled'}"
        )
    click.echo(f"{len(records)} users")
