"""The secretary's forms: reassign a case, the partner directory and the people who sign in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from web.pages.forms import SHORT_LIMIT, Form, at_most


class Checkboxes(SelectMultipleField):
    """Several choices as a list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        known = {str(choice[0]) for choice in self.choices or ()}
        if not self.data:
            raise StopValidation(str(_l("Choose at least one.")))
        if any(value not in known for value in self.data):
            raise StopValidation(str(_l("Choose one of these.")))


def password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(_l("Enter a password.")),
            Length(min=8, max=128, message=_l("A password is 8 to 128 characters long.")),
        ],
    )


class AssignForm(Form):
    assignee = SelectField(_l("New owner"), validate_choice=False)


class RegisterPartnerForm(Form):
    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Enter the partner's name.")), at_most(200)]
    )
    kind = SelectField(_l("Kind"), validate_choice=True)
    categories = Checkboxes(_l("Categories it takes"))
    blocks = Checkboxes(_l("Blocks it serves"))
    weekly_capacity = IntegerField(
        _l("Referrals a week it can take"),
        default=10,
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(min=0, max=10_000, message=_l("Enter a number from 0 to 10000.")),
        ],
    )
    contact = StringField(_l("Contact"), validators=[Optional(), at_most(SHORT_LIMIT)])


class SuspendPartnerForm(Form):
    reason = StringField(_l("Why"), validators=[Optional(), at_most(SHORT_LIMIT)])


class ReactivatePartnerForm(Form):
    pass


class AddLeaderForm(Form):
    username = StringField(
        _l("Username"), validators=[InputRequired(_l("Enter a username.")), at_most(40)]
    )
    password = password_field(_l("First password"))
    blocks = Checkboxes(_l("Blocks"))


class HandOverForm(Form):
    block = SelectField(_l("Block"), validate_choice=True)
    leader = SelectField(_l("To the leader"), validate_choice=True)


class ReassignForm(Form):
    """The board's bulk reassignment: the needs ticked on the list go to one leader."""

    need = SelectMultipleField(_l("Needs"), validate_choice=False)
    leader = SelectField(_l("To the leader"), validate_choice=True)


class ResetPasswordForm(Form):
    password = password_field(_l("New password"))


class DisableForm(Form):
    reason = StringField(_l("Why"), validators=[Optional(), at_most(SHORT_LIMIT)])


class EnableForm(Form):
    pass
