"""The forms a project's page takes (Flask-WTF, each with its CSRF token): a consent recorded
at the door, a meeting, a stamp and a payment. Money is typed in yuan and kept in fen."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4, uuid5

from flask import g
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from store.commands import CommandKey
from web.pages.forms import SHORT_LIMIT, TEXT_LIMIT, Choice, Form, at_most


class ConsentForm(Form):
    """A household's answer, collected at its door (it works with no signal)."""

    key = HiddenField()
    household_id = Choice(_l("Household"))
    answer = Choice(_l("Answer"))
    on_paper = BooleanField(_l("Signed on paper"))
    signatory = StringField(_l("Who signed"), validators=[Optional(), at_most(100)])


class MeetingForm(Form):
    key = HiddenField()
    kind = SelectField(_l("Meeting"), validate_choice=True)
    held_on = DateField(_l("Held on"), validators=[InputRequired(_l("Give the day."))])
    attendees = StringField(_l("Who came"), validators=[Optional(), at_most(1000)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), at_most(TEXT_LIMIT)])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), at_most(TEXT_LIMIT)])


class StampForm(Form):
    key = HiddenField()
    step_id = SelectField(_l("Step"), validate_choice=True)
    on = DateField(_l("Stamped on"), validators=[InputRequired(_l("Give the day."))])
    reference = StringField(_l("Reference"), validators=[Optional(), at_most(200)])


YUAN = re.compile(r"\d{1,10}(\.\d{1,2})?")


def yuan_to_fen(value: str | None) -> int:
    """Yuan as typed ("1500", "1,500" or "1500.50") in whole fen; refused unless a positive
    amount with at most two decimals."""
    typed = (value or "").strip().replace(",", "").replace("，", "")
    if not YUAN.fullmatch(typed) or Decimal(typed) <= 0:
        raise ValidationError(str(_l("Give the amount in yuan, like 1500 or 1500.50.")))
    return int(Decimal(typed) * 100)


class PaymentForm(Form):
    """A household's pledge, payment or refund, as the treasurer records it."""

    key = HiddenField()
    household_id = SelectField(_l("Household"), validate_choice=True)
    kind = Choice(_l("What"))
    amount = StringField(
        _l("Amount (yuan)"), validators=[InputRequired(_l("Give the amount.")), at_most(20)]
    )
    on = DateField(_l("Paid on"), validators=[InputRequired(_l("Give the day."))])
    receipt = StringField(_l("Receipt number"), validators=[Optional(), at_most(SHORT_LIMIT)])

    def validate_amount(self, field: Any) -> None:
        self.fen = yuan_to_fen(field.data)


def meeting_kinds() -> dict[str, str]:
    return {
        "joint": str(_l("Joint meeting")),
        "residents": str(_l("Residents' meeting")),
        "project_team": str(_l("Project team meeting")),
        "owners_committee": str(_l("Owners' committee meeting")),
        "on_site": str(_l("On-site meeting")),
    }


def answers() -> dict[str, str]:
    return {"yes": str(_l("Agrees")), "no": str(_l("Disagrees")), "abstain": str(_l("Abstains"))}


def entry_kinds() -> dict[str, str]:
    return {"pledge": str(_l("Pledge")), "payment": str(_l("Payment")), "refund": str(_l("Refund"))}


def home_name(home: dict[str, Any]) -> str:
    return str(_l("Floor %(floor)d · %(label)s", floor=home["floor"], label=home["label"] or "—"))


def homes(project: dict[str, Any]) -> list[tuple[str, str]]:
    """The project's households, top floor first, as (id, what the tile says)."""
    rows = sorted(project["households"], key=lambda h: (-h["floor"], str(h["label"] or "")))
    return [(str(h["household_id"]), home_name(h)) for h in rows]


def consent_form(project: dict[str, Any], **options: Any) -> ConsentForm:
    form = ConsentForm(**options)
    form.household_id.choices = homes(project)
    form.answer.choices = list(answers().items())
    form.key.data = form.key.data or uuid4().hex
    return form


def work_forms(
    project: dict[str, Any], steps: list[dict[str, Any]], formdata: Any = None
) -> dict[str, Form]:
    """The meeting, stamp and payment forms of a project's page (each with its own prefix)."""
    meeting = MeetingForm(prefix="meeting", formdata=formdata)
    meeting.kind.choices = list(meeting_kinds().items())
    stamp = StampForm(prefix="stamp", formdata=formdata)
    stamp.step_id.choices = [
        (s["step_id"], f"{s['title']} · {s['department']}")
        for s in steps
        if s["state"] != "completed"
    ]
    payment = PaymentForm(prefix="payment", formdata=formdata)
    payment.household_id.choices = homes(project)
    payment.kind.choices = list(entry_kinds().items())
    forms: dict[str, Form] = {"meeting": meeting, "stamp": stamp, "payment": payment}
    for form in forms.values():
        form.key.data = form.key.data or uuid4().hex
    return forms


# A form sent twice (a double tap, a retry after no answer) runs once: its command's id is
# derived from the user and the key the form was rendered with.
PAGE_COMMANDS = UUID("3b0c7c55-1f7e-4d51-a8f4-2f9e6a1d7c10")


def page_key(key: str | None, username: str | None = None) -> CommandKey:
    """The command a form (or a phone's queued consent) names by its key."""
    user = username or g.user.username
    return CommandKey(uuid5(PAGE_COMMANDS, f"{user}:{key or uuid4().hex}"))
