"""Sending one message through a channel, in each vendor's own request and answer formats:

- WeCom group robot: POST <robot url> `{"msgtype": "markdown", "markdown": {"content": …}}`.
- DingTalk custom robot: POST <robot url>&timestamp=<ms>&sign=<urlencoded base64
  HmacSHA256(secret, "<timestamp>\\n<secret>")> `{"msgtype": "markdown", "markdown": {"title",
  "text"}}`.
- SMS gateway: POST <gateway url> `{"sender_id", "phone", "text"}`, signed as our webhooks are
  (`X-Needs-Signature: t=<unix s>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`).

Both robots answer 200 with `{"errcode": 0, "errmsg": "ok"}`, and 200 with another errcode when
they refuse (a wrong token, a bad signature, too many messages): that is a failed attempt, as is
any status outside 2xx. A message carries no personal data — the group reads it — only what
happened, the block and category, and the link to the page. A channel's URL and secrets never
appear in an error, which is kept and shown."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus
from uuid import UUID

from kernel.errors import ConflictError
from partners.channel_book import Channel
from partners.channels import DINGTALK, LINK_PLACEHOLDER, SMS, WECOM
from partners.webhooks import INWARD
from web.operations.webhook_post import RefusedAddressError, WebhookClient

if TYPE_CHECKING:
    from web.bootstrap import Services

USER_AGENT = "urgent-needs-menu notices"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Message:
    """What a channel is told: a title, a few plain lines (block, category), and the link."""

    title: str
    lines: tuple[str, ...]
    link: str

    def markdown(self) -> str:
        body = "\n".join(f"> {line}" for line in self.lines)
        return f"### {self.title}\n{body}\n\n[{self.link}]({self.link})"

    def plain(self) -> str:
        return " ".join((self.title, *self.lines))


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: delivered or not, the status, and why not (no secrets in it)."""

    delivered: bool
    status_code: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Request:
    """One HTTP request to make: where, what, with which headers."""

    url: str
    body: bytes
    headers: dict[str, str]


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign`: base64 HmacSHA256 of "<timestamp>\\n<secret>" keyed with the secret,
    URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(digest.digest()).decode())


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def request_for(
    kind: str, shown: dict[str, str], sealed: dict[str, str], message: Message, now_ms: int
) -> Request:
    """The request that tells a channel of `kind` the message (ValueError for another kind)."""
    headers = {"Content-Type": JSON, "User-Agent": USER_AGENT}
    if kind == WECOM:
        body = {"msgtype": "markdown", "markdown": {"content": message.markdown()}}
        return Request(sealed["url"], _json(body), headers)
    if kind == DINGTALK:
        joiner = "&" if "?" in sealed["url"] else "?"
        sign = dingtalk_sign(sealed["secret"], now_ms)
        url = f"{sealed['url']}{joiner}timestamp={now_ms}&sign={sign}"
        body = {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": message.markdown()},
        }
        return Request(url, _json(body), headers)
    if kind == SMS:
        text = shown["template"].replace(LINK_PLACEHOLDER, message.link)
        text = text.replace("{text}", message.plain())
        payload = _json({"sender_id": shown["sender_id"], "phone": sealed["phone"], "text": text})
        signed = signature(sealed["key"], payload, now_ms // 1000)
        return Request(sealed["url"], payload, {**headers, "X-Needs-Signature": signed})
    raise ValueError(f"no request is made to a {kind} channel")


def answer_refusal(kind: str, status: int, body: bytes) -> str | None:
    """Why the vendor's answer means the message was not taken, or None when it was."""
    if not 200 <= status < 300:
        return f"the {kind} answered {status}"
    if kind not in (WECOM, DINGTALK, SMS):
        return None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return None if kind == SMS else f"the {kind} answered with no JSON"
    code = answer.get("errcode", answer.get("code", 0)) if isinstance(answer, dict) else 0
    if code in (0, "0", None):
        return None
    text = str(answer.get("errmsg") or answer.get("message") or "")[:200]
    return f"the {kind} answered errcode {code}: {text}"


class ChannelSender:
    """Sends messages to robot and SMS channels through the webhook client (its address
    checks, DNS pinning and TLS), and says how it went."""

    def __init__(self, client: WebhookClient, wall_clock_ms: Callable[[], int]) -> None:
        self.client = client
        self.wall_clock_ms = wall_clock_ms

    def send(
        self, kind: str, shown: dict[str, str], sealed: dict[str, str], message: Message
    ) -> Outcome:
        """One attempt; the outcome, whatever happened (nothing raises for the vendor)."""
        request = request_for(kind, shown, sealed, message, self.wall_clock_ms())
        try:
            status, body = self.client.exchange(request.url, request.body, request.headers)
        except RefusedAddressError:
            return Outcome(False, None, f"refused: the {kind}'s address is inward; {INWARD}")
        except (OSError, ValueError, http.client.HTTPException) as error:
            # The error names no URL (the token is in it): only what kind of failure it was.
            return Outcome(False, None, f"{type(error).__name__}: the {kind} could not be reached")
        refusal = answer_refusal(kind, status, body)
        return Outcome(refusal is None, status, refusal)


# A test message is sent while the person who asked waits.
TEST_TIMEOUT = 5.0


def test_message(base_url: str) -> Message:
    """The words of a test message: they say only that the channel works."""
    return Message(
        title="急难愁盼菜单：测试消息 (test message)",
        lines=("这条消息确认通知渠道可用。This message checks that the channel works.",),
        link=base_url.rstrip("/") + "/",
    )


def send_test(
    running: Services, community: str, channel_id: UUID, base_url: str
) -> tuple[Channel, Outcome]:
    """Send a test message through a robot or SMS channel now and remember how it went
    (ChannelNotFoundError for no such channel; ChannelNotTestableError for a kind tests skip)."""
    channel = running.channels.get(community, channel_id)
    if channel.kind not in (WECOM, DINGTALK, SMS):
        raise ChannelNotTestableError(channel.kind)
    sealed = running.channels.sealed(community, channel_id)
    sender = ChannelSender(
        WebhookClient(running.settings.webhook_policy, TEST_TIMEOUT),
        lambda: int(time.time() * 1000),
    )
    outcome = sender.send(channel.kind, channel.shown, sealed, test_message(base_url))
    running.channels.record_test(channel_id, running.clock.now(), outcome.delivered, outcome.error)
    return channel, outcome


class ChannelNotTestableError(ConflictError):
    """Test messages go to robots and SMS, not to email or a webhook."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"test messages go to robots and SMS, not to {kind}")
