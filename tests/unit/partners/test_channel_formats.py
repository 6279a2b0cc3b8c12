"""The vendors' request and answer formats, as their documents give them: WeCom's and
DingTalk's markdown bodies, DingTalk's signed URL, the SMS gateway's signed body, and which
answers are failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

from web.operations.channel_senders import Message, answer_refusal, request_for

MESSAGE = Message(
    title="转介已发出", lines=("三块 B3", "救急 emergency"), link="https://n.example/x"
)


def test_a_wecom_message_is_markdown_content_posted_to_the_robots_own_url() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"
    request = request_for("wecom_robot", {}, {"url": url}, MESSAGE, 1_796_000_000_000)
    assert request.url == url
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("### 转介已发出")
    assert "https://n.example/x" in body["markdown"]["content"]


def test_a_dingtalk_url_carries_the_millisecond_timestamp_and_its_signature() -> None:
    secret = "SEC0123456789"
    url = "https://oapi.dingtalk.com/robot/send?access_token=t"
    request = request_for("dingtalk_robot", {}, {"url": url, "secret": secret}, MESSAGE, 1_700)
    query = parse_qs(urlsplit(request.url).query)
    digest = hmac.new(secret.encode(), b"1700\n" + secret.encode(), hashlib.sha256).digest()
    assert query == {
        "access_token": ["t"],
        "timestamp": ["1700"],
        "sign": [base64.b64encode(digest).decode()],
    }
    body = json.loads(request.body)
    assert body["markdown"]["title"] == "转介已发出"
    assert "> 三块 B3" in body["markdown"]["text"]


def test_an_sms_puts_the_link_where_the_template_says_and_signs_the_body() -> None:
    shown = {"sender_id": "NJ", "template": "{text} 详见 {link}"}
    sealed = {"url": "https://sms.example/send", "key": "k" * 16, "phone": "13900000000"}
    request = request_for("sms", shown, sealed, MESSAGE, 1_796_000_000_123)
    body = json.loads(request.body)
    assert body["text"] == "转介已发出 三块 B3 救急 emergency 详见 https://n.example/x"
    expected = hmac.new(b"k" * 16, b"1796000000." + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Needs-Signature"] == f"t=1796000000,v1={expected}"


def test_an_errcode_other_than_zero_is_a_refusal_though_the_status_is_200() -> None:
    ok = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
    limited = json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}).encode()
    assert answer_refusal("wecom_robot", 200, ok) is None
    assert answer_refusal("wecom_robot", 200, limited) == (
        "the wecom_robot answered errcode 45009: api freq out of limit"
    )
    assert answer_refusal("dingtalk_robot", 200, b"<html>") is not None
    assert answer_refusal("dingtalk_robot", 502, ok) == "the dingtalk_robot answered 502"
    assert answer_refusal("sms", 200, b"") is None
