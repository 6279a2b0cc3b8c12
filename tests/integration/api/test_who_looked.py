"""Who looked: every read of a case's personal data is recorded and shown to auditors."""

from __future__ import annotations


def test_reading_a_need_is_recorded_with_who_when_and_which_fields(need, client, as_user, clock):
    clock.advance(minutes=5)
    assert client.get(f"/api/v1/needs/{need['id']}", headers=as_user("leader3")).status_code == 200
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    looked = [r for r in reads["reads"] if r["via"] == f"/api/v1/needs/{need['id']}"]
    assert [r["username"] for r in looked] == ["leader3"]
    assert looked[0]["read_at"] == "2026-11-30T09:05:00+08:00"
    assert "resident_name" in looked[0]["fields"]
    assert "contact_phone" in looked[0]["fields"]


def test_a_list_records_a_read_for_each_case_it_showed(log_need, client, as_user):
    first, second = log_need().json, log_need(household={"building": 16}).json
    client.get("/api/v1/needs?block=B3", headers=as_user("secretary"))
    for need in (first, second):
        reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
        assert any(
            r["via"] == "/api/v1/needs" and r["username"] == "secretary" for r in reads["reads"]
        )


def test_a_partner_without_consent_is_recorded_as_seeing_no_personal_data(
    need, referral, client, as_user
):
    client.post(
        f"/api/v1/needs/{need['id']}/consent",
        json={"consent_to_share": False},
        headers=as_user("leader3"),
    )
    client.get(f"/api/v1/referrals/{referral['id']}", headers=as_user("hospital"))
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    assert not [r for r in reads["reads"] if r["username"] == "hospital"]
    client.post(
        f"/api/v1/needs/{need['id']}/consent",
        json={"consent_to_share": True},
        headers=as_user("leader3"),
    )
    client.get(f"/api/v1/referrals/{referral['id']}", headers=as_user("hospital"))
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    (seen,) = [r for r in reads["reads"] if r["username"] == "hospital"]
    assert set(seen["fields"]) == {"resident_name", "contact_phone", "household", "description"}


def test_only_the_secretary_and_auditors_see_who_looked(need, client, as_user):
    url = f"/api/v1/needs/{need['id']}/reads"
    assert client.get(url, headers=as_user("leader3")).status_code == 403
    assert client.get(url, headers=as_user("hospital")).status_code == 403
    assert client.get(url, headers=as_user("secretary")).status_code == 200


def test_an_export_holds_the_case_its_events_and_its_verification_and_is_recorded(
    need, referral, client, as_user
):
    export = client.get(f"/api/v1/needs/{need['id']}/export", headers=as_user("auditor"))
    assert export.status_code == 200
    body = export.json
    assert body["need"]["id"] == need["id"]
    assert [e["type"] for e in body["events"]] == ["NeedLogged", "Referred"]
    assert body["verification"]["intact"] is True
    assert body["exported_by"] == "auditor"
    reads = client.get(f"/api/v1/needs/{need['id']}/reads", headers=as_user("auditor")).json
    assert any(r["via"].endswith("/export") for r in reads["reads"])
    assert (
        client.get(f"/api/v1/needs/{need['id']}/export", headers=as_user("leader3")).status_code
        == 403
    )
