"""The case page: the need, its timeline, the ranked partners and a form for each thing a
block leader can do next — any of them shown again, as sent, when it was refused."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from flask import g
from flask_wtf import FlaskForm

from kernel.errors import DomainError
from web.access import LEADERS
from web.bootstrap import services
from web.pages import forms, office_forms
from web.pages.matching import ranked_partners
from web.pages.problems import explain
from web.presentation import labels
from web.presentation.timeline import timeline

# What a case form shows as refused, in the user's words: any refusal of the contexts.
REFUSALS = DomainError
_FORMS: dict[str, type[FlaskForm]] = {
    "visit": forms.VisitForm,
    "note": forms.NoteForm,
    "refer": forms.ReferForm,
    "resolve": forms.ResolveForm,
    "reopen": forms.ReopenForm,
    "follow_up": forms.FollowUpForm,
    "withdraw": forms.WithdrawForm,
}


def make_form(name: str, partners: list[dict[str, Any]], *, submitted: bool = False) -> Any:
    """A case form by name ("withdraw-<referral id>" for a referral's); bound to the request
    only when it is the one being sent."""
    kind = name.partition("-")[0]
    options: dict[str, Any] = {"prefix": name}
    if not submitted:
        options["formdata"] = None
    form = _FORMS[kind](**options)
    if kind == "refer":
        form.partner_id.choices = [(str(p["partner_id"]), p["name"]) for p in partners]
        if not submitted and partners:
            form.partner_id.data = form.partner_id.choices[0][0]  # the best match, one tap saved
        form.key.data = form.key.data or uuid4().hex
    if kind == "resolve":
        form.outcome.choices = [(k, str(v)) for k, v in labels.RESOLUTIONS.items()]
    if kind == "follow_up":
        form.verdict.choices = [(k, str(v)) for k, v in labels.FOLLOW_UP_VERDICTS.items()]
    return form


def refuse(form: Any, error: Exception) -> int:
    """Show the context's refusal on the form, in the user's words; the HTTP status."""
    field, message, status = explain(error)
    if field is not None and field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        form.form_errors.append(message)
    return 422 if status == 404 else status


def context(need: dict[str, Any], sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the case page shows; `sent` holds a refused form to show as it was sent."""
    running = services()
    may_act = g.user.role in LEADERS
    resolved = need["status"] == "resolved"
    partners = ranked_partners(need) if may_act and not resolved else []
    names = ["note", "reopen"] if resolved else ["visit", "note", "refer", "resolve"]
    if resolved and need.get("follow_up") is None:
        names.insert(0, "follow_up")
    names += [
        f"withdraw-{r['id']}" for r in need["referrals"] if r["status"] in ("sent", "accepted")
    ]
    page_forms = {name: make_form(name, partners) for name in names} if may_act else {}
    if g.user.role == "secretary" and not resolved:
        page_forms["assign"] = assign_form(need)
    page_forms.update(sent or {})
    return {
        "need": need,
        "category": running.needs.community(need["community"]).category(need["category"]),
        "events": timeline(need, running.needs.get_history(need["id"])),
        "partners": partners,
        "forms": page_forms,
        "may_act": may_act,
    }


def referral_on(need: dict[str, Any], referral_id: UUID) -> dict[str, Any] | None:
    return next((r for r in need["referrals"] if r["id"] == referral_id), None)


def owners() -> list[tuple[str, str]]:
    """Who may own a case: the community's active block leaders and secretaries."""
    users = services().accounts.list_users(g.user.community)
    return [
        (u.username, f"{u.username} · {labels.label(labels.ROLES, u.role)}")
        for u in users
        if u.active and u.role in ("block_leader", "secretary")
    ]


def assign_form(need: dict[str, Any], *, submitted: bool = False) -> Any:
    form = office_forms.AssignForm(prefix="assign", **({} if submitted else {"formdata": None}))
    form.assignee.choices = owners()
    if not submitted:
        form.assignee.data = need.get("assignee")
    return form
