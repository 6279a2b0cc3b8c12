"""A case's history for the record: every event with its hash and what it changed, the chain's
verification, and who exported it when. One document for the JSON, the page and the PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from needs.audit import CaseCheck, verify_case
from needs.reading import describe_event

if TYPE_CHECKING:
    from web.bootstrap import Services

# Lists whose items carry an id are compared item by item under that id.
_KEYED = ("referrals",)
# A referral repeats the case's facts for its partner; the case's own fields show their changes.
_CASE_FACTS = frozenset(
    {
        "need_id",
        "community",
        "category",
        "urgency",
        "block",
        "building",
        "consent_to_share",
        "resident_name",
        "contact_phone",
        "household",
        "description",
    }
)
_NOT_CHANGES = frozenset({"version", "updated_at"})


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """A case as {dotted path: value}: referrals by id, other lists by position."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for i, item in enumerate(value):
            if path in _KEYED and isinstance(item, dict):
                own = {k: v for k, v in item.items() if k not in _CASE_FACTS}
                flat.update(flatten(own, f"{path}[{str(item['id'])[:8]}]"))
            else:
                flat.update(flatten(item, f"{path}[{i + 1}]"))
        return flat
    return {path: value}


def field_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each field whose value differs between two states of a case, in the later one's order;
    a field that did not exist before (or no longer does) is None on that side."""
    old = flatten(before or {})
    new = flatten(after)
    return [
        {"field": path, "before": old.get(path), "after": new.get(path)}
        for path in [*new, *(p for p in old if p not in new)]
        if path not in _NOT_CHANGES and old.get(path) != new.get(path)
    ]


def export_case(running: Services, need: dict[str, Any], exported_by: str) -> dict[str, Any]:
    """The case now, each event with its hash and changes, its verification, who and when."""
    need_id = UUID(str(need["id"]))
    check = verify_case(running.needs, need_id)
    events = []
    previous: dict[str, Any] | None = None
    for event in _readable_events(running, need_id, check):
        state = running.needs.get_need(need_id, version=event["version"])
        events.append({**event, "changes": field_changes(previous, state)})
        previous = state
    return {
        "need": need,
        "events": events,
        "verification": verification(running, need_id, check),
        "exported_at": running.clock.now(),
        "exported_by": exported_by,
    }


def _readable_events(running: Services, need_id: UUID, check: CaseCheck) -> list[dict[str, Any]]:
    """Every event; when one cannot be read (altered ciphertext), those before the break."""
    try:
        return list(running.needs.get_history(need_id))
    except Exception:
        stored = running.needs.events.get(need_id, lte=check.versions)
        return [describe_event(event) for event in stored]


def verification(running: Services, need_id: UUID, check: CaseCheck) -> dict[str, Any]:
    """The case's chain check: intact, or the first version where it breaks."""
    return {
        "need_id": need_id,
        "intact": check.intact,
        "checked_versions": check.versions,
        "head": check.head,
        "first_broken_version": check.problems[0].version if check.problems else None,
        "problems": [{"version": p.version, "problem": p.what} for p in check.problems],
        "sealed": running.seals.covering(need_id),
    }
