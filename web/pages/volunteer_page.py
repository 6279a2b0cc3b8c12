"""The block's volunteer groups on the phone (志愿者组团): each group with its volunteers (phone,
skills, availability), and for the block's leader the forms to form a group and add a volunteer.
The volunteers' names and phones are shown to the committee only, every read noted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Optional

from kernel.errors import InvalidInputError
from web.access import LEADERS, READERS, check_block_allowed, volunteer_group_in_scope
from web.bootstrap import services
from web.pages.access import roles
from web.pages.forms import Form, at_most
from web.pages.households import block_choices

bp = Blueprint("volunteer_page", __name__)


class FormGroupForm(Form):
    block = SelectField(_l("Block"), validate_choice=True)
    name = StringField(
        _l("Group name"), validators=[InputRequired(_l("Name the group.")), at_most(100)]
    )
    leader = StringField(
        _l("Group leader"), validators=[InputRequired(_l("Name its leader.")), at_most(150)]
    )


class AddVolunteerForm(Form):
    name = StringField(
        _l("Volunteer's name"), validators=[InputRequired(_l("Write the name.")), at_most(100)]
    )
    contact_phone = StringField(_l("Phone"), validators=[Optional(), at_most(30)])
    skills = StringField(_l("Skills, separated by commas"), validators=[Optional(), at_most(300)])
    availability = StringField(_l("When they can help"), validators=[Optional(), at_most(200)])


def group_form(**options: Any) -> FormGroupForm:
    form = FormGroupForm(prefix="group", **options)
    form.block.choices = block_choices(g.user, services().needs.community(g.user.community))
    return form


def show(status: int = 200, **forms: Any) -> Any:
    running = services()
    blocks = list(g.user.blocks) if g.user.role == "block_leader" else None
    groups = [
        volunteer_group_in_scope(x["id"])
        for x in running.duties.list_volunteer_groups(g.user.community)
        if blocks is None or x["block"] in blocks
    ]
    adding = {str(x["id"]): AddVolunteerForm(prefix=f"v-{x['id']}", formdata=None) for x in groups}
    adding.update(forms.get("adding", {}))
    return render_template(
        "pages/volunteers.html",
        groups=groups,
        adding=adding,
        new_group=forms.get("new_group") or group_form(formdata=None),
    ), status


@bp.route("/volunteer-groups")
@roles(*READERS)
def volunteer_groups() -> Any:
    """The volunteer groups of my blocks, with their volunteers."""
    return show()


@bp.route("/volunteer-groups", methods=["POST"])
@roles(*LEADERS)
def form_group() -> Any:
    """Form a volunteer group for a block of mine."""
    form = group_form()
    if form.validate_on_submit():
        check_block_allowed(form.block.data)
        services().duties.form_volunteer_group(
            community=g.user.community,
            block=form.block.data,
            name=form.name.data or "",
            leader=form.leader.data or "",
            actor=g.user.username,
        )
        flash(_("Saved."), "success")
        return redirect(url_for(".volunteer_groups"))
    return show(422, new_group=form)


@bp.route("/volunteer-groups/<uuid:group_id>/members", methods=["POST"])
@roles(*LEADERS)
def add_volunteer(group_id: UUID) -> Any:
    """Add a volunteer to the group."""
    group = volunteer_group_in_scope(group_id)
    check_block_allowed(group["block"])
    form = AddVolunteerForm(prefix=f"v-{group_id}")
    if form.validate_on_submit():
        skills = [s.strip() for s in (form.skills.data or "").replace("，", ",").split(",")]
        try:
            services().duties.add_volunteer(
                group_id,
                name=form.name.data or "",
                contact_phone=form.contact_phone.data or "",
                skills=[s for s in skills if s],
                availability=form.availability.data or "",
                actor=g.user.username,
            )
        except InvalidInputError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".volunteer_groups"))
    return show(422, adding={str(group_id): form})
