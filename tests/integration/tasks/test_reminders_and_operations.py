"""What needs a block leader (GET /api/v1/reminders and the daily digest by email), and what an
operator sees of the background work (worker-status, the health endpoint's lag)."""

from __future__ import annotations

from tests.integration.tasks.conftest import SQLITE_ONLY
from tests.integration.tasks.receivers import MailServer
from web.tasks.digest import send_digests
from web.tasks.mail import Mailer, SmtpSettings
from web.tasks.referral_clock import check_referral_clocks


def kinds(response):
    return [(item["kind"], item["need_id"]) for item in response.json["items"]]


def test_a_block_leader_is_reminded_of_overdue_needs_escalations_and_declines_in_their_blocks(
    running, partners, log_need, clock, client, as_user
):
    overdue = log_need(category="emergency")
    escalated = log_need(category="worry_relief", urgency="high")
    declined = log_need(category="hardship", urgency="normal")
    log_need(category="emergency", block="B5", building=27, actor="leader5")
    running.casework.refer(escalated, partners["hospital"].partner_id, actor="leader3")
    declined_referral = running.casework.refer(
        declined, partners["property"].partner_id, actor="leader3"
    )
    running.casework.act_on_referral(declined_referral, "decline", "no_capacity", actor="x")
    clock.advance(days=2, minutes=1)
    check_referral_clocks(running, clock.now())

    response = client.get("/api/v1/reminders", headers=as_user("leader3"))
    assert response.status_code == 200
    assert kinds(response) == [
        ("overdue", str(overdue)),
        ("escalated", str(escalated)),
        ("referral_declined", str(declined)),
    ]
    assert response.json["total"] == 3
    assert (response.json["page"], response.json["per_page"]) == (1, 50)
    item = response.json["items"][2]
    assert item["partner_name"] == "物业公司"
    assert item["detail"] == "no_capacity"
    assert item["referral_id"] == str(declined_referral)
    assert item["since"].endswith("+08:00")

    leader5 = client.get("/api/v1/reminders", headers=as_user("leader5"))
    assert [k for k, _ in kinds(leader5)] == ["overdue"]
    everyone = client.get("/api/v1/reminders", headers=as_user("secretary"))
    assert everyone.json["total"] == 4
    paged = client.get("/api/v1/reminders?per_page=1&page=2", headers=as_user("secretary"))
    assert paged.json["total"] == 4
    assert len(paged.json["items"]) == 1


@SQLITE_ONLY
def test_reminders_are_refused_outside_the_role_and_the_blocks(client, as_user):
    assert client.get("/api/v1/reminders").status_code == 401
    response = client.get("/api/v1/reminders", headers=as_user("hospital"))
    assert response.status_code == 403
    assert response.json["code"] == 403
    other = client.get("/api/v1/reminders?block=B5", headers=as_user("leader3"))
    assert other.status_code == 403
    bad = client.get("/api/v1/reminders?per_page=0", headers=as_user("leader3"))
    assert bad.status_code == 422
    assert "per_page" in bad.json["errors"]["query"]


@SQLITE_ONLY
def test_an_expired_referral_leaves_the_list_once_the_case_moves_on(
    running, partners, log_need, clock, client, as_user
):
    need_id = log_need(category="emergency")
    referral_id = running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    clock.advance(hours=3)
    running.casework.act_on_referral(referral_id, "expire", actor="clock")
    assert kinds(client.get("/api/v1/reminders", headers=as_user("leader3"))) == [
        ("referral_expired", str(need_id))
    ]
    running.casework.refer(need_id, partners["police"].partner_id, actor="leader3")
    assert kinds(client.get("/api/v1/reminders", headers=as_user("leader3"))) == []


@SQLITE_ONLY
def test_the_daily_digest_mails_each_leader_their_reminders_once_a_day(
    running, partners, log_need, clock
):
    log_need(category="emergency")
    clock.advance(hours=3)
    recipients = {"leader3": "wangli@example.cn", "leader5": "zhao@example.cn"}
    with MailServer() as mail:
        mailer = Mailer(SmtpSettings(host="127.0.0.1", port=mail.port, sender="menu@example.cn"))
        assert send_digests(running, mailer, recipients, clock.now()) == 1
        assert send_digests(running, mailer, recipients, clock.now()) == 0
        clock.advance(days=1)
        assert send_digests(running, mailer, recipients, clock.now()) == 1
    assert [m["To"] for m in mail.messages] == ["wangli@example.cn"] * 2
    first = mail.messages[0]
    assert first["From"] == "menu@example.cn"
    assert "2026-11-30" in first["Subject"]
    body = first.get_content()
    assert "逾期未联系 overdue" in body
    assert "B3 15号楼 emergency" in body


@SQLITE_ONLY
def test_worker_status_reports_the_broker_the_followers_lag_and_failed_deliveries(
    app, running, partners, log_need, clock
):
    need_id = log_need()
    running.casework.refer(need_id, partners["hospital"].partner_id, actor="leader3")
    result = app.test_cli_runner().invoke(args=["worker-status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("broker: filesystem://")
    assert "reachable" in lines[0]
    behind = running.needs.recorder.max_notification_id()
    assert lines[1:6] == [
        "followers (events behind the log):",
        "  read_models  0",
        f"  outbox       {behind}",
        f"  team_notices {behind}",
        "  duties       0",
    ]
    assert lines[6] == "deliveries: none yet"


@SQLITE_ONLY
def test_the_health_endpoint_reports_each_followers_lag(app, running, log_need):
    log_need()
    health = app.test_client().get("/api/v1/health").json
    assert health["status"] == "ok"
    assert health["lag"]["read_models"] == 0
    assert health["lag"]["outbox"] == running.needs.recorder.max_notification_id()
    running.outbox_follower.catch_up()
    running.team_notices_follower.catch_up()
    assert app.test_client().get("/api/v1/health").json["lag"] == {
        "read_models": 0,
        "outbox": 0,
        "team_notices": 0,
        "duties": 0,
    }


@SQLITE_ONLY
def test_the_clock_task_and_overdue_flags_agree_with_the_api(
    running, partners, log_need, clock, client, as_user
):
    need_id = log_need(category="emergency")
    clock.advance(hours=2, seconds=1)
    need = client.get(f"/api/v1/needs/{need_id}", headers=as_user("leader3")).json
    community = running.settings.communities[0]
    hours = {c.code: c.first_contact_hours for c in community.categories}
    listed = running.board.list_overdue_needs(community.id, hours, clock.now())
    assert need["overdue"] is True
    assert [row["need_id"] for row in listed] == [str(need_id)]
