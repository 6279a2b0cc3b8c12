"""The secretary's people page: who signs in, with what role and which blocks; adding a block
leader, handing a block over, resetting a password, disabling and enabling an account. On the
secretary's blueprint (web/pages/secretary.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.domain import login_name
from accounts.exceptions import (
    AccountsError,
    InvalidAccountError,
    UsernameTakenError,
    WeakPasswordError,
)
from web.bootstrap import services
from web.operations.handover import hand_over_block, hand_over_needs
from web.pages import office_forms as f
from web.pages.access import roles
from web.pages.secretary import bp, own_community


def _block_choices() -> list[tuple[str, str]]:
    return [(b.code, f"{b.name} {b.code}") for b in own_community().blocks]


def _leaders() -> list[Any]:
    users = services().accounts.list_users(g.user.community)
    return [u for u in users if u.role == "block_leader" and u.active]


def people_forms() -> dict[str, Any]:
    add = f.AddLeaderForm(prefix="leader", formdata=None)
    add.blocks.choices = _block_choices()
    hand = f.HandOverForm(prefix="handover", formdata=None)
    hand.block.choices = _block_choices()
    hand.leader.choices = [(u.username, u.username) for u in _leaders()]
    return {"leader": add, "handover": hand}


def people_page(sent: dict[str, Any] | None = None, status: int = 200) -> Any:
    users = services().accounts.list_users(g.user.community)
    page_forms = people_forms()
    for user in users:
        if user.username == g.user.username:
            continue
        name = f"password-{user.username}"
        page_forms[name] = f.ResetPasswordForm(prefix=name, formdata=None)
        name = f"{'disable' if user.active else 'enable'}-{user.username}"
        form_class = f.DisableForm if user.active else f.EnableForm
        page_forms[name] = form_class(prefix=name, formdata=None)
    page_forms.update(sent or {})
    return render_template("pages/people.html", users=users, forms=page_forms), status


@bp.route("/people")
@roles("secretary")
def people() -> Any:
    """Who signs in, with what role and which blocks."""
    return people_page()


# Why a password was refused (accounts.exceptions.WeakPasswordError.reason), in the reader's words.
_PASSWORD_REFUSED = {
    "length": _l("A password is 8 to 128 characters long."),
    "common": _l("This password is too common: it is easily guessed. Choose another."),
    "personal": _l(
        "A password may not be the username or the community's name, "
        "or one of them with a few characters around it."
    ),
}


def _account_refused(form: Any, error: AccountsError) -> None:
    if isinstance(error, WeakPasswordError) and "password" in form:
        words = _PASSWORD_REFUSED.get(error.reason, _PASSWORD_REFUSED["length"])
        form.password.errors = [*form.password.errors, str(words)]
    elif isinstance(error, UsernameTakenError) and "username" in form:
        form.username.errors = [*form.username.errors, _("This username is taken.")]
    elif isinstance(error, InvalidAccountError) and error.field == "username":
        message = _("2 to 40 characters: small letters a–z, digits, “_”, “.” or “-”.")
        form.username.errors = [*form.username.errors, message]
    elif isinstance(error, InvalidAccountError) and error.field in form:
        form[error.field].errors = [*form[error.field].errors, _("Please check this field.")]
    else:
        form.form_errors.append(_("This could not be done."))


class HandOverRefusedError(Exception):
    """A block cannot be handed over; the form says why."""


def people_command(name: str, form: Any, run: Callable[[], str]) -> Any:
    """Run a change to people from its form; back to the list, or the form again."""
    if form.validate_on_submit():
        try:
            message = run()
        except HandOverRefusedError:
            pass
        except AccountsError as error:
            _account_refused(form, error)
        else:
            flash(message, "ok")
            return redirect(url_for(".people"))
    return people_page({name: form}, 422)


@bp.route("/people/leaders", methods=["POST"])
@roles("secretary")
def add_leader() -> Any:
    """Add a block leader for some blocks."""
    form = f.AddLeaderForm(prefix="leader")
    form.blocks.choices = _block_choices()

    def run() -> str:
        username = login_name(form.username.data or "")
        services().accounts.register_user(
            community=g.user.community,
            username=username,
            password=form.password.data or "",
            role="block_leader",
            blocks=form.blocks.data or [],
            actor=g.user.username,
        )
        return cast(str, _("%(name)s can sign in now.", name=username))

    return people_command("leader", form, run)


@bp.route("/people/handover", methods=["POST"])
@roles("secretary")
def hand_over() -> Any:
    """Give a block to another leader with its open cases (one `Assigned` each, reason
    "handover"); whoever led it before no longer does."""
    form = f.HandOverForm(prefix="handover")
    form.block.choices = _block_choices()
    form.leader.choices = [(u.username, u.username) for u in _leaders()]

    def run() -> str:
        block, leader = form.block.data, form.leader.data
        before = [u for u in _leaders() if block in u.blocks and u.username != leader]
        for user in before:
            if list(user.blocks) == [block]:
                form.form_errors.append(
                    _(
                        "%(name)s leads no other block. Disable that account first, "
                        "then hand the block over.",
                        name=user.username,
                    )
                )
                raise HandOverRefusedError
        moved = hand_over_block(
            services(),
            community=g.user.community,
            block=block,
            to_leader=leader,
            actor=g.user.username,
        )
        if moved.needs:
            flash(
                _(
                    "%(count)d open needs moved to %(leader)s.",
                    count=len(moved.needs),
                    leader=leader,
                ),
                "ok",
            )
        return cast(str, _("%(leader)s now leads block %(block)s.", leader=leader, block=block))

    return people_command("handover", form, run)


@bp.route("/needs/reassign", methods=["POST"])
@roles("secretary")
def reassign_ticked() -> Any:
    """The board's bulk reassignment: the needs ticked on the list go to one leader, one
    `Assigned` each (reason "handover")."""
    form = f.ReassignForm(prefix="reassign")
    form.leader.choices = [(u.username, u.username) for u in _leaders()]
    if not form.validate_on_submit() or not form.need.data:
        flash(_("Tick the needs to reassign and choose a leader."), "error")
        return redirect(url_for("pages.leader.needs"))
    try:
        need_ids = [UUID(value) for value in form.need.data]
    except ValueError:
        abort(404)
    moved = hand_over_needs(
        services(),
        community=g.user.community,
        need_ids=need_ids,
        to_leader=form.leader.data,
        actor=g.user.username,
    )
    flash(
        _(
            "%(count)d open needs moved to %(leader)s.",
            count=len(moved.needs),
            leader=form.leader.data,
        ),
        "ok",
    )
    return redirect(url_for("pages.leader.needs"))


def _other_user(username: str) -> Any:
    """A user of the secretary's community other than the secretary, or 404."""
    user = services().accounts.find_user(username)
    if user is None or user.community != g.user.community or user.username == g.user.username:
        abort(404)
    return user


@bp.route("/people/<username>/password", methods=["POST"])
@roles("secretary")
def reset_password(username: str) -> Any:
    """Set a new password; the person's sessions end."""
    user = _other_user(username)
    name = f"password-{user.username}"
    form = f.ResetPasswordForm(prefix=name)

    def run() -> str:
        services().authenticator.change_password(
            user.username, password=form.password.data or "", actor=g.user.username
        )
        return cast(
            str, _("New password set for %(name)s. Tell them in person.", name=user.username)
        )

    return people_command(name, form, run)


@bp.route("/people/<username>/disable", methods=["POST"])
@roles("secretary")
def disable(username: str) -> Any:
    """Stop someone signing in; their sessions end."""
    user = _other_user(username)
    name = f"disable-{user.username}"
    form = f.DisableForm(prefix=name)

    def run() -> str:
        services().authenticator.disable(
            user.username, reason=form.reason.data or "", actor=g.user.username
        )
        return cast(str, _("%(name)s can no longer sign in.", name=user.username))

    return people_command(name, form, run)


@bp.route("/people/<username>/enable", methods=["POST"])
@roles("secretary")
def enable(username: str) -> Any:
    """Let a disabled account sign in again."""
    user = _other_user(username)
    name = f"enable-{user.username}"
    form = f.EnableForm(prefix=name)

    def run() -> str:
        services().accounts.enable_user(user.username, actor=g.user.username)
        return cast(str, _("%(name)s can sign in again.", name=user.username))

    return people_command(name, form, run)
