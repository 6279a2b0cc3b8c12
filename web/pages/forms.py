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

from kernel.checks import unprintable, without_unprintable

TEXT_LIMIT = 4000
SHORT_LIMIT = 500
UNPRINTABLE = _l(
    "This text holds an invisible control character that cannot be kept; it has been taken "
    "out. Check the text and send it again."
)


def unprintable_refusal(value: str | None) -> str | None:
    """What to tell the person whose text holds a character no text may hold (the kernel's
    rule: a control character but tab and line breaks, or a lone surrogate), or None."""
    return str(UNPRINTABLE) if value and unprintable(value) is not None else None


class Form(FlaskForm):
    """Every page's form. Beyond each field's own checks, no text it takes may hold a control
    character (but tab and line breaks) or a lone surrogate: such a field is refused with a
    readable message and shown again without those characters — nothing invisible is echoed,
    nothing else the person wrote is lost."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        for field in self:
            refusal = unprintable_refusal(field.data) if isinstance(field.data, str) else None
            if refusal is None:
                continue
            field.data = without_unprintable(field.data)
            if field.type in ("HiddenField", "CSRFTokenField"):
                self.form_errors.append(refusal)
            else:
                field.errors = [*field.errors, refusal]
            valid = False
        return valid


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


class SignInForm(Form):
    username = StringField(
        _l("Username"), validators=[InputRequired(_l("Enter your username.")), at_most(40)]
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(_l("Enter your password.")), at_most(200)]
    )


class LogNeedForm(Form):
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
    duplicate_ok = BooleanField(_l("Log it anyway: it is a need of its own"))
    # The household's open need in the same category, when logging this one was refused.
    duplicate_of: dict[str, Any] | None = None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if not (self.building.data or "").strip() and not self.household_id.data:
            self.building.errors = [
                *self.building.errors,
                str(_l("Choose a recent household, or write the building.")),
            ]
            return False
        return valid


class VisitForm(Form):
    notes = TextAreaField(_l("What you found"), validators=[Optional(), at_most(TEXT_LIMIT)])


class NoteForm(Form):
    text = TextAreaField(
        _l("Note"), validators=[InputRequired(_l("Write the note.")), at_most(TEXT_LIMIT)]
    )


class ReferForm(Form):
    key = HiddenField()
    partner_id = Choice(_l("Partner"))
    note = TextAreaField(_l("Note for the partner"), validators=[Optional(), at_most(TEXT_LIMIT)])


class WithdrawForm(Form):
    reason = StringField(_l("Why"), validators=[Optional(), at_most(SHORT_LIMIT)])


class ResolveForm(Form):
    outcome = Choice(_l("Outcome"))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), at_most(TEXT_LIMIT)])


class FollowUpForm(Form):
    """The follow-up visit (回访): what the resident says now the need is resolved."""

    verdict = Choice(_l("What the resident says"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])
    reopen = BooleanField(_l("Not solved: reopen the need"))


class ReopenForm(Form):
    reason = StringField(
        _l("Why reopen"), validators=[InputRequired(_l("Say why.")), at_most(SHORT_LIMIT)]
    )


class AcceptForm(Form):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])


class DeclineForm(Form):
    reason = Choice(_l("Reason"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])


class CompleteForm(Form):
    outcome = Choice(_l("Outcome"))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(TEXT_LIMIT)])
