"""Stand-ins for the vendors, in the test's own process: a WeCom group robot, a DingTalk custom
robot and an SMS gateway, each a real HTTP server that checks a request as the vendor does
(its body's shape; DingTalk's timestamp and sign; the gateway's HMAC signature) and answers in
the vendor's format — `{"errcode": 0, "errmsg": "ok"}`, or the errcode it is told to give."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

WECOM_TOKEN = "wecom-robot-key-0123456789"
DINGTALK_TOKEN = "dingtalk-access-token-0123456789"
DINGTALK_SECRET = "SECa1b2c3d4e5f60718293a4b5c6d7e8f90"
SMS_KEY = "sms-gateway-key-0123456789abcdef"
# DingTalk refuses a timestamp more than an hour away from its own clock.
DINGTALK_WINDOW_MS = 3_600_000


@dataclass(frozen=True)
class Arrival:
    """One request a vendor saw, and whether it passed the vendor's checks."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    refusal: str | None
    errcode: int  # what it answered: 0 when it took the message

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


def _wecom_refusal(query: dict[str, str], body: dict[str, Any], _: dict[str, str]) -> str | None:
    if query.get("key") != WECOM_TOKEN:
        return "93000: invalid webhook url"
    if body.get("msgtype") != "markdown" or not isinstance(body.get("markdown"), dict):
        return "40008: invalid message type"
    if not body["markdown"].get("content"):
        return "44004: empty content"
    return None


def _dingtalk_refusal(query: dict[str, str], body: dict[str, Any], _: dict[str, str]) -> str | None:
    if query.get("access_token") != DINGTALK_TOKEN:
        return "300001: token is not exist"
    stamp = query.get("timestamp", "")
    if not stamp.isdigit() or abs(time.time() * 1000 - int(stamp)) > DINGTALK_WINDOW_MS:
        return "310000: invalid timestamp"
    digest = hmac.new(
        DINGTALK_SECRET.encode(), f"{stamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
    ).digest()
    if query.get("sign") != base64.b64encode(digest).decode():
        return "310000: sign not match"
    markdown = body.get("markdown")
    if body.get("msgtype") != "markdown" or not isinstance(markdown, dict):
        return "40035: invalid msgtype"
    if not markdown.get("title") or not markdown.get("text"):
        return "40035: markdown needs title and text"
    return None


def sms_signed(headers: dict[str, str], body: bytes) -> bool:
    """Whether X-Needs-Signature is the HMAC of "<t>.<raw body>" under the gateway's key."""
    header = headers.get("X-Needs-Signature", "")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    if "t" not in parts or "v1" not in parts:
        return False
    expected = hmac.new(SMS_KEY.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(parts["v1"], expected.hexdigest())


def _sms_refusal(_: dict[str, str], body: dict[str, Any], headers: dict[str, str]) -> str | None:
    if set(body) != {"sender_id", "phone", "text"}:
        return "1: sender_id, phone and text expected"
    return None


_CHECKS = {"wecom": _wecom_refusal, "dingtalk": _dingtalk_refusal, "sms": _sms_refusal}


class VendorReceiver:
    """One vendor's endpoint on 127.0.0.1: checks each request, answers 200 with an errcode
    (0 unless told otherwise or the request fails the vendor's checks)."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.arrivals: list[Arrival] = []
        self._errcodes: deque[int] = deque()
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                headers = dict(self.headers.items())
                refusal = receiver._check(query, raw, headers)
                with receiver._arrived:
                    scripted = receiver._errcodes.popleft() if receiver._errcodes else 0
                    code, message = (scripted, "scripted failure") if scripted else (0, "ok")
                    if refusal is not None:
                        code, message = int(refusal.split(":")[0]), refusal
                    arrival = Arrival(parts.path, query, headers, raw, refusal, code)
                    receiver.arrivals.append(arrival)
                    receiver._arrived.notify_all()
                answer = json.dumps({"errcode": code, "errmsg": message}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = {
            "wecom": f"{base}/cgi-bin/webhook/send?key={WECOM_TOKEN}",
            "dingtalk": f"{base}/robot/send?access_token={DINGTALK_TOKEN}",
            "sms": f"{base}/sms/send",
        }[vendor]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _check(self, query: dict[str, str], raw: bytes, headers: dict[str, str]) -> str | None:
        if self.vendor == "sms" and not sms_signed(headers, raw):
            return "2: signature does not verify"
        try:
            body = json.loads(raw)
        except ValueError:
            return "40001: body is not JSON"
        return _CHECKS[self.vendor](query, body, headers)

    def __enter__(self) -> VendorReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def fail_next(self, *errcodes: int) -> None:
        """Answer the next requests with these errcodes (still status 200, as vendors do)."""
        self._errcodes.extend(errcodes)

    def taken(self) -> list[Arrival]:
        """The requests it took (answered errcode 0)."""
        with self._arrived:
            return [arrival for arrival in self.arrivals if arrival.errcode == 0]

    def wait_for(self, count: int, timeout: float = 20) -> list[Arrival]:
        """Wait until `count` requests have arrived."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.arrivals) >= count, timeout)
        assert arrived, f"{len(self.arrivals)} requests arrived, not {count}, within {timeout} s"
        return list(self.arrivals)
