"""The forms that keep a partner's entry current (the secretary's edits and the partner's own
staff's), and a leader's referral of a need to an offering."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from web.pages.forms import SHORT_LIMIT, Form, at_most
from web.pages.office_forms import Checkboxes

MODES = (("", _l("Not said")), ("联建", "联建"), ("共建", "共建"), ("帮建", "帮建"))


def count_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(min=0, max=10_000, message=_l("Enter a number from 0 to 10000.")),
        ],
    )


def reason_field(required: bool = False) -> StringField:
    needed = InputRequired(_l("Say why.")) if required else Optional()
    return StringField(_l("Why"), validators=[needed, at_most(SHORT_LIMIT)])


class DetailsForm(Form):
    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Enter the partner's name.")), at_most(200)]
    )
    kind = SelectField(_l("Kind"), validate_choice=True)
    mode = SelectField(_l("Partnership mode"), validate_choice=True)
    reason = reason_field()


class ServicesForm(Form):
    categories = Checkboxes(_l("Categories it takes"))
    blocks = Checkboxes(_l("Blocks it serves"))
    reason = reason_field()


class CapacityForm(Form):
    weekly_capacity = count_field(_l("Referrals a week it can take"))
    reason = reason_field()


class ThisWeekForm(Form):
    this_week = count_field(_l("Referrals we can still take this week"))
    reason = reason_field()


class PauseForm(Form):
    starts_on = DateField(_l("From"), validators=[InputRequired(_l("Enter a date."))])
    ends_on = DateField(_l("Until (included)"), validators=[InputRequired(_l("Enter a date."))])
    reason = reason_field(required=True)


class ResumeForm(Form):
    pass


class ContactForm(Form):
    contact = StringField(_l("Contact"), validators=[Optional(), at_most(SHORT_LIMIT)])
    phone = StringField(_l("Phone"), validators=[Optional(), at_most(40)])
    email = StringField(_l("E-mail"), validators=[Optional(), at_most(200)])
    address = StringField(_l("Address"), validators=[Optional(), at_most(SHORT_LIMIT)])
    person = StringField(_l("Contact person"), validators=[Optional(), at_most(200)])
    person_role = StringField(_l("Their role"), validators=[Optional(), at_most(200)])
    person_phone = StringField(_l("Their phone"), validators=[Optional(), at_most(40)])
    published = BooleanField(_l("They agree to be listed in the open directory"))
    reason = reason_field()


class ReferToOfferingForm(Form):
    need = SelectField(_l("Which need"), validate_choice=True)
    note = StringField(_l("Note for the partner"), validators=[Optional(), at_most(SHORT_LIMIT)])
