"""The partner directory as Open Referral HSDS 3.0 (Human Services Data Specification): one
JSON file per table — organizations, services (one per offering), locations, schedules,
contacts, phones, service areas and services at locations. Ids are the partners' and offerings'
own, or made from them (uuid5), so an export made again names the same things the same way.

No personal data leaves: a partner's named contact people are exported only where the partner
agreed to publish them; residents and referrals are never part of the directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from kernel.community import Community
from partners.application import Partners
from partners.offerings import OfferingRecord
from partners.views import PartnerRecord
from store.private import private_folder, write_private

TABLES = (
    "organizations",
    "services",
    "locations",
    "service_at_locations",
    "schedules",
    "contacts",
    "phones",
    "service_areas",
)
SCHEMAS = {  # the HSDS schema file each table's rows validate against
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
    "schedules": "schedule.json",
    "contacts": "contact.json",
    "phones": "phone.json",
    "service_areas": "service_area.json",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MODES = {
    "联建": "joint building (联建)",
    "共建": "co-building (共建)",
    "帮建": "help-building (帮建)",
}
SHANGHAI_OFFSET = 8


def _id(namespace: UUID, name: str) -> str:
    return str(uuid5(namespace, name))


def directory_tables(community: Community, partners: Partners) -> dict[str, list[dict[str, Any]]]:
    """The community's directory as HSDS tables (lists of rows), each table by id."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    records = partners.list_partners(community.id)
    for partner in records:
        _organization(tables, partner)
    by_id = {p.partner_id: p for p in records}
    locations: dict[str, str] = {}
    for offering in partners.offerings.list_offerings(community.id):
        owner = by_id.get(offering.partner_id)
        if owner is not None:
            _service(tables, community, owner, offering, locations)
    return {name: sorted(rows, key=lambda row: str(row["id"])) for name, rows in tables.items()}


def _organization(tables: dict[str, list[dict[str, Any]]], partner: PartnerRecord) -> None:
    pid = str(partner.partner_id)
    mode = MODES.get(partner.mode, "")
    description = f"{partner.kind} partner of the residents' committee" + (
        f", {mode}" if mode else ""
    )
    organization: dict[str, Any] = {"id": pid, "name": partner.name, "description": description}
    if partner.email:
        organization["email"] = partner.email
    tables["organizations"].append(organization)
    if partner.phone:
        tables["phones"].append(
            {"id": _id(partner.partner_id, "phone"), "organization_id": pid,
             "number": partner.phone, "type": "voice"}
        )  # fmt: skip
    for index, person in enumerate(partner.people):
        if not person.get("published"):
            continue  # a named person leaves the service only with the partner's agreement
        contact_id = _id(partner.partner_id, f"contact:{index}:{person['name']}")
        contact = {"id": contact_id, "organization_id": pid, "name": person["name"]}
        if person.get("role"):
            contact["title"] = person["role"]
        tables["contacts"].append(contact)
        if person.get("phone"):
            tables["phones"].append(
                {"id": _id(UUID(contact_id), "phone"), "contact_id": contact_id,
                 "number": person["phone"], "type": "voice"}
            )  # fmt: skip


def _service(
    tables: dict[str, list[dict[str, Any]]],
    community: Community,
    partner: PartnerRecord,
    offering: OfferingRecord,
    locations: dict[str, str],
) -> None:
    sid = str(offering.offering_id)
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": str(partner.partner_id),
        "name": offering.title,
        "status": "active",
        "description": offering.description or offering.title,
        "application_process": offering.how_to_book,
        "eligibility_description": offering.eligibility,
        "alert": "" if partner.active else "the partner takes no new referrals for now",
        "last_modified": offering.updated_at.isoformat(),
    }
    tables["services"].append({k: v for k, v in service.items() if v != ""})
    tables["schedules"].append(_schedule(offering))
    for block in community.blocks:
        if offering.reaches(block.code):
            tables["service_areas"].append(
                {"id": _id(offering.offering_id, f"area:{block.code}"), "service_id": sid,
                 "name": f"{community.name} {block.name} ({block.code})",
                 "description": offering.category}
            )  # fmt: skip
    if offering.where:
        if offering.where not in locations:
            location_id = _id(partner.partner_id, f"location:{offering.where}")
            locations[offering.where] = location_id
            tables["locations"].append(
                {"id": location_id, "location_type": "physical", "name": offering.where,
                 "organization_id": str(partner.partner_id)}
            )  # fmt: skip
        tables["service_at_locations"].append(
            {"id": _id(offering.offering_id, "at"), "service_id": sid,
             "location_id": locations[offering.where]}
        )  # fmt: skip


def _schedule(offering: OfferingRecord) -> dict[str, Any]:
    """The offering's schedule as RFC 5545 terms, times in Shanghai (UTC+8)."""
    spec = offering.schedule
    row: dict[str, Any] = {
        "id": _id(offering.offering_id, "schedule"),
        "service_id": str(offering.offering_id),
        "opens_at": f"{spec['opens_at']}+08:00",
        "closes_at": f"{spec['closes_at']}+08:00",
        "timezone": SHANGHAI_OFFSET,
        "wkst": "MO",
    }
    if spec["kind"] == "once":
        row.update(valid_from=spec["on"], valid_to=spec["on"], dtstart=spec["on"], count=1)
        row["description"] = f"once, on {spec['on']}"
        return row
    day = WEEKDAYS[spec["weekday"] - 1]
    if spec["kind"] == "weekly":
        row.update(freq="WEEKLY", byday=day, description=f"every week on {day}")
    else:
        row.update(freq="MONTHLY", byday=f"{spec['nth']}{day}")
        row["description"] = f"every month on the {spec['nth']} {day} (-1: the last)"
    if spec.get("starts_on"):
        row["valid_from"] = row["dtstart"] = spec["starts_on"]
    if spec.get("ends_on"):
        row["valid_to"] = row["until"] = spec["ends_on"]
    return row


def write_tables(tables: dict[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    """Write each table as `<table>.json` in the folder (made private); returns the files."""
    private_folder(folder)
    written = []
    for name, rows in tables.items():
        path = folder / f"{name}.json"
        write_private(path, json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8"))
        written.append(path)
    return written
