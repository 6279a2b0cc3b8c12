"""The pages' forms (Flask-WTF: each carries its CSRF token); every message is translated."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, StopValidation

TEXT_LIMIT = 4000
SHORT_LIMIT = 500


def at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


class Choice(RadioField):
    """A group of large radio tiles; "pick one" is said in our words, not WTForms' own."""

    def __init__(self, label: Any, *, required: bool = True, **kwargs: Any) -> None:
        super().__init__(label, validate_choice=False, **kwargs)
        self.required = required

    def pre_validate(self, form: Any) -> None:
        if not self.data and not self.required:
            self.data = None
            return
        if self.data not in [str(choice[0]) for choice in self.choices or ()]:
            raise StopValidation(str(_l("Choose one of these.")))


class SignInForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[InputRequired(_l("Enter your username.")), at_most(40)]
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(_l("Enter your password.")), at_most(200)]
    )


class LogNeedForm(FlaskForm):
    """A need in four taps plus typing: category, household, urgency, description."""

    key = HiddenField()
    category = Choice(_l("What is needed"))
    block = Choice(_l("Block"))
    household_id = Choice(_l("Recent households"), required=False)
    building = StringField(_l("Building"), validators=[Optional(), at_most(10)])
    unit = StringField(_l("Unit"), validators=[Optional(), at_most(10)])
    room = StringField(_l("Room"), validators=[Optional(), at_most(10)])
    urgency = Choice(_l("Urgency"), default="normal")
    description = TextAreaField(
        _l("What happened"),
        validators=[InputRequired(_l("Describe the need.")), at_most(TEXT_LIMIT)],
    )
    resident_name = StringField(_l("Resident's name"), validators=[Optional(), at_most(100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), at_most(30)])
    consent_to_share = BooleanField(
        _l("The resident agrees that partners may see their name, phone, room and story")
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if not (self.building.data or "").strip() and not self.household_id.data:
            self.building.errors = [
                *self.building.errors,
                str(_l("Choose a recent household, or write the building.")),
            ]
            return False
        return valid


class VisitForm(FlaskForm):
    notes = TextAreaField(_l("What you found"), validators=[Optional(), at_most(TEXT_LIMIT)])


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Note"), validators=[InputRequired(_l("Write the note.")), at_most(TEXT_LIMIT)]
    )


class ReferForm(FlaskForm):
    key = HiddenField()
    partner_id = Choice(_l("Partner"))
    note = TextAreaField(_l("Note for the partner"), validators=[Optional(), at_most(TEXT_LIMIT)])


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Why"), validators=[Optional(), at_most(SHORT_LIMIT)])


class ResolveForm(FlaskForm):
    outcome = Choice(_l("Outcome"))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), at_most(TEXT_LIMIT)])


class ReopenForm(FlaskForm):
    reason = StringField(
        _l("Why reopen"), validators=[InputRequired(_l("Say why.")), at_most(SHORT_LIMIT)]
    )


class AcceptForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])


class DeclineForm(FlaskForm):
    reason = Choice(_l("Reason"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])


class CompleteForm(FlaskForm):
    outcome = Choice(_l("Outcome"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])
