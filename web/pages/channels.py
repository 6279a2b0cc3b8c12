"""Where people are told, kept on a phone: a partner's channels (by the secretary), a block's
(by its leader or the secretary) and the secretary's own — WeCom and DingTalk group robots, SMS
gateways and, for a partner, email. Set one, send it a test message, remove it. What was set as
a secret (a robot's URL and token, a signing secret, a gateway's key, a phone) is never shown
again: a channel shows its kind, its name and its host."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from kernel.errors import DomainError, InvalidInputError
from partners.channel_book import block_owner, partner_owner, secretary_owner
from partners.channels import DINGTALK, EMAIL, SMS, WECOM, checked_channel
from web.access import may_see_block
from web.bootstrap import services
from web.operations.channel_senders import send_test
from web.pages.access import roles
from web.pages.forms import SHORT_LIMIT, Form, at_most

bp = Blueprint("channels", __name__)
KIND_NAMES = {
    WECOM: _l("WeCom group robot"),
    DINGTALK: _l("DingTalk group robot"),
    SMS: _l("SMS gateway"),
    EMAIL: _l("Email"),
}
SETTINGS = ("url", "secret", "address", "sender_id", "template", "phone", "key")


class ChannelForm(Form):
    kind = SelectField(_l("Kind"), validate_choice=True)
    name = StringField(_l("Name (for you)"), validators=[Optional(), at_most(100)])
    url = StringField(_l("Robot or gateway address"), validators=[Optional(), at_most(500)])
    secret = StringField(_l("DingTalk secret (SEC…)"), validators=[Optional(), at_most(500)])
    address = StringField(_l("Email address"), validators=[Optional(), at_most(500)])
    sender_id = StringField(_l("SMS sender id"), validators=[Optional(), at_most(500)])
    template = StringField(
        _l("SMS text, with {link} where the link goes"), validators=[Optional(), at_most(500)]
    )
    phone = StringField(_l("Phone to text"), validators=[Optional(), at_most(SHORT_LIMIT)])
    key = StringField(_l("SMS gateway key"), validators=[Optional(), at_most(500)])


@dataclass(frozen=True)
class Owner:
    """Whose channels a page keeps: its key in the channel book, its title and its kinds."""

    path: str
    key: str
    title: str
    kinds: tuple[str, ...]


def _owner(path: str) -> Owner:
    """The owner named in the address, if the signed-in user may keep its channels (else 404)."""
    user, running = g.user, services()
    team = (WECOM, DINGTALK, SMS)
    if path == "secretary" and user.role == "secretary":
        return Owner(path, secretary_owner(user.community), _("The secretary's channels"), team)
    if path.startswith("block-"):
        code = path.removeprefix("block-")
        community = running.needs.community(user.community)
        if code in {b.code for b in community.blocks} and may_see_block(code):
            return Owner(path, block_owner(code), _("Block %(code)s's channels", code=code), team)
    if path.startswith("partner-") and user.role == "secretary":
        try:
            partner_id = UUID(path.removeprefix("partner-"))
            record = running.partners.get_partner(partner_id)
        except (ValueError, DomainError):
            abort(404)
        if record.community == user.community:
            title = _("%(name)s's channels", name=record.name)
            return Owner(path, partner_owner(partner_id), title, (*team, EMAIL))
    abort(404)


def _form(owner: Owner, submitted: bool = False) -> ChannelForm:
    form = ChannelForm() if submitted else ChannelForm(formdata=None)
    form.kind.choices = [(kind, str(KIND_NAMES[kind])) for kind in owner.kinds]
    return form


def _page(owner: Owner, form: ChannelForm, status: int = 200) -> tuple[str, int]:
    channels = services().channels.list_channels(g.user.community, owner.key)
    html = render_template(
        "pages/channels.html", owner=owner, channels=channels, form=form, kinds=KIND_NAMES
    )
    return html, status


@bp.route("/channels")
@roles("secretary", "block_leader")
def overview() -> str:
    """Every owner whose channels the signed-in user keeps."""
    running = services()
    community = running.needs.community(g.user.community)
    blocks = [b.code for b in community.blocks if may_see_block(b.code)]
    partners = (
        running.partners.list_partners(g.user.community) if g.user.role == "secretary" else []
    )
    return render_template("pages/channel_owners.html", blocks=blocks, partners=partners)


@bp.route("/channels/<string:path>")
@roles("secretary", "block_leader")
def channels(path: str) -> tuple[str, int]:
    """One owner's channels, with the form to add one."""
    owner = _owner(path)
    return _page(owner, _form(owner))


@bp.route("/channels/<string:path>", methods=["POST"])
@roles("secretary", "block_leader")
def add_channel(path: str) -> Any:
    """Add a channel; settings that cannot work are shown again with the field named."""
    owner, running = _owner(path), services()
    form = _form(owner, submitted=True)
    if not form.validate_on_submit():
        return _page(owner, form, 422)
    given = {
        name: getattr(form, name).data.strip() for name in SETTINGS if getattr(form, name).data
    }
    try:
        settings = checked_channel(
            form.kind.data, form.name.data or "", given, running.settings.webhook_policy
        )
    except InvalidInputError as error:
        field = getattr(form, error.field, None) or form.kind
        field.errors = [*field.errors, error.message]
        return _page(owner, form, 422)
    running.channels.add(
        g.user.community, owner.key, settings, actor=g.user.username, now=running.clock.now()
    )
    flash(_("The channel is set. Send it a test message to see that it arrives."), "ok")
    return redirect(url_for(".channels", path=path))


@bp.route("/channels/<string:path>/<uuid:channel_id>/test", methods=["POST"])
@roles("secretary", "block_leader")
def test_channel(path: str, channel_id: UUID) -> Any:
    """Send a test message now and say how it went."""
    owner, running = _owner(path), services()
    _mine(owner, channel_id)
    base = running.settings.extra.get("PUBLIC_URL") or request.host_url
    outcome = send_test(running, g.user.community, channel_id, str(base))[1]
    if outcome.delivered:
        flash(_("The test message was delivered."), "ok")
    else:
        flash(_("The test message was not delivered: %(why)s", why=outcome.error or ""), "error")
    return redirect(url_for(".channels", path=path))


@bp.route("/channels/<string:path>/<uuid:channel_id>/remove", methods=["POST"])
@roles("secretary", "block_leader")
def remove_channel(path: str, channel_id: UUID) -> Any:
    """Remove a channel: nothing more goes to it."""
    owner = _owner(path)
    services().channels.remove(g.user.community, owner.key, channel_id)
    flash(_("The channel is removed."), "ok")
    return redirect(url_for(".channels", path=path))


def _mine(owner: Owner, channel_id: UUID) -> None:
    """404 unless the channel is the owner's."""
    kept = services().channels.list_channels(g.user.community, owner.key)
    if channel_id not in {channel.channel_id for channel in kept}:
        abort(404)


@bp.app_context_processor
def failing_channels() -> dict[str, Any]:
    """For the board: the community's channels whose last five attempts all failed, each with
    the path of the page that keeps it (red on the board, as in `worker-status`)."""

    def failing() -> list[dict[str, Any]]:
        running, shown = services(), []
        for channel_id, kind, error in running.channel_outbox.failing_channels():
            try:
                channel = running.channels.get(g.user.community, channel_id)
            except DomainError:
                continue  # removed, or another community's
            path = channel.owner.replace(":", "-", 1)
            if path.startswith("secretary-"):
                path = "secretary"
            shown.append({"path": path, "kind": kind, "name": channel.name, "error": error})
        return shown

    return {"failing_channels": failing, "channel_kind_names": KIND_NAMES}
