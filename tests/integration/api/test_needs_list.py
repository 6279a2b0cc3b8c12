"""GET /needs: the page and its total from one query, who looked written with it, and the
items as the single-need resource writes them."""

from __future__ import annotations


def log_three(log_need, clock) -> list[str]:
    ids = []
    for urgency in ("critical", "high", "normal"):
        clock.advance(minutes=5)
        ids.append(log_need(urgency=urgency, duplicate_ok=True).json["id"])
    return ids


def test_every_page_carries_the_total_even_one_past_the_end(log_need, client, as_user, clock):
    ids = log_three(log_need, clock)
    pages = [
        client.get(f"/api/v1/needs?block=B3&per_page=2&page={n}", headers=as_user("leader3")).json
        for n in (1, 2, 3)
    ]
    assert [p["total"] for p in pages] == [3, 3, 3]
    assert [[i["id"] for i in p["items"]] for p in pages] == [ids[:2], ids[2:], []]
    other = client.get("/api/v1/needs?status=resolved", headers=as_user("leader3")).json
    assert (other["total"], other["items"]) == (0, [])


def test_a_listing_records_one_read_of_each_case_on_its_page_and_none_of_the_others(
    log_need, client, as_user, clock
):
    ids = log_three(log_need, clock)
    clock.advance(minutes=1)
    listed = client.get("/api/v1/needs?block=B3&per_page=2", headers=as_user("leader3"))
    assert listed.status_code == 200

    def listing_reads(need_id: str) -> list[dict]:
        """The reads at the listing's moment (logging a need at POST /needs reads it too)."""
        reads = client.get(f"/api/v1/needs/{need_id}/reads", headers=as_user("auditor")).json
        return [r for r in reads["reads"] if r["read_at"] == "2026-11-30T09:16:00+08:00"]

    for need_id in ids[:2]:
        [read] = listing_reads(need_id)
        assert (read["username"], read["via"]) == ("leader3", "/api/v1/needs")
        assert {"resident_name", "contact_phone", "description"} <= set(read["fields"])
    assert listing_reads(ids[2]) == []


def test_listed_items_are_the_needs_as_the_api_writes_them(need, client, as_user):
    listed = client.get("/api/v1/needs?block=B3", headers=as_user("leader3"))
    [item] = listed.json["items"]
    assert item == client.get(f"/api/v1/needs/{need['id']}", headers=as_user("leader3")).json
    assert item["logged_at"].endswith("+08:00")
    assert "王秀英".encode() in listed.get_data()


def test_the_households_list_pages_with_its_total(client, as_user):
    for room in ("501", "502", "503"):
        household = {"block": "B3", "building": "15号楼", "unit": "2", "room": room}
        assert (
            client.post("/api/v1/households", json=household, headers=as_user("leader3"))
        ).status_code == 201
    pages = [
        client.get(f"/api/v1/households?per_page=2&page={n}", headers=as_user("leader3")).json
        for n in (1, 2, 3)
    ]
    assert [(p["total"], len(p["items"])) for p in pages] == [(3, 2), (3, 1), (3, 0)]
