"""The household page's forms: register a household, record a life event, put a member in a
watched group, make a record, and the secretary's confirmed erasure (each with its CSRF
token; every message translated)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from duties.rules import GROUPS, LIFE_EVENTS, RECORD_KINDS
from web.pages.forms import TEXT_LIMIT, Choice, Form, at_most

RECORD_KINDS_SHOWN = {
    "concern": _l("Concern or mood"),
    "family_in_difficulty": _l("Family in difficulty"),
    "special_population": _l("Special population"),
    "good_deed": _l("Good deed"),
    "suggestion": _l("Suggestion"),
}


class RegisterHouseholdForm(Form):
    block = SelectField(_l("Block"), validate_choice=True)
    building = StringField(
        _l("Building"), validators=[InputRequired(_l("Enter the building.")), at_most(10)]
    )
    unit = StringField(_l("Unit"), validators=[Optional(), at_most(10)])
    room = StringField(_l("Room"), validators=[Optional(), at_most(10)])


class LifeEventForm(Form):
    type = Choice(_l("What happened"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])


class GroupForm(Form):
    member = StringField(
        _l("Member's name"), validators=[InputRequired(_l("Enter the name.")), at_most(100)]
    )
    group = Choice(_l("Group"))


class ToNeedForm(Form):
    category = SelectField(_l("Category"), validate_choice=True)
    urgency = SelectField(_l("Urgency"), validate_choice=True)


class RecordForm(Form):
    kind = Choice(_l("Kind of record"))
    text = TextAreaField(
        _l("What to record"),
        validators=[InputRequired(_l("Write what to record.")), at_most(TEXT_LIMIT)],
    )


def life_event_form() -> LifeEventForm:
    form = LifeEventForm(prefix="life")
    form.type.choices = [(code, code) for code in LIFE_EVENTS]
    return form


def group_form() -> GroupForm:
    form = GroupForm(prefix="group")
    form.group.choices = [(code, code) for code in GROUPS]
    return form


def record_form() -> RecordForm:
    form = RecordForm(prefix="record")
    form.kind.choices = [(code, code) for code in RECORD_KINDS]
    return form


class EraseHouseholdForm(Form):
    confirm = BooleanField(
        _l("I understand: its address, members' names and every note read [erased] for good."),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


def erase_form() -> EraseHouseholdForm:
    return EraseHouseholdForm(prefix="erase")
