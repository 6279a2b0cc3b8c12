"""Stand-ins for the partners' side, in the test's own process: a webhook receiver that answers
as it is told (and can hold a request open), and an SMTP server that keeps what it is sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import socketserver
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Post:
    """One POST the receiver saw."""

    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    def signed_with(self, secret: str) -> bool:
        """Whether X-Needs-Signature is the HMAC of "<t>.<raw body>" under the secret."""
        parts = dict(p.split("=", 1) for p in self.headers["X-Needs-Signature"].split(","))
        expected = hmac.new(
            secret.encode(), f"{parts['t']}.".encode() + self.body, hashlib.sha256
        ).hexdigest()
        return (
            hmac.compare_digest(parts["v1"], expected) and abs(time.time() - int(parts["t"])) < 600
        )


class Receiver:
    """A partner's webhook: answers each POST with the next scripted status (then 200); over
    HTTPS when given a server-side TLS context."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.posts: list[Post] = []
        self._answers: deque[int] = deque()
        self._hold: threading.Event | None = None
        self.holding = threading.Event()
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._arrived:
                    receiver.posts.append(Post(dict(self.headers.items()), body))
                    status = receiver._answers.popleft() if receiver._answers else 200
                    hold, receiver._hold = receiver._hold, None
                    receiver._arrived.notify_all()
                if hold is not None:
                    receiver.holding.set()
                    hold.wait(30)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender is gone (killed while we held its request)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:  # HTTPS, with the certificate the context holds
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}/hooks/needs"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def answer(self, *statuses: int) -> None:
        """Answer the next POSTs with these statuses, in order."""
        self._answers.extend(statuses)

    def hold_next(self) -> threading.Event:
        """Keep the next POST waiting (unanswered) until the returned event is set."""
        self._hold = threading.Event()
        return self._hold

    def release(self) -> None:
        if self._hold is not None:
            self._hold.set()

    def wait_for(self, count: int, timeout: float = 20) -> list[Post]:
        """Wait until `count` POSTs have arrived."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.posts) >= count, timeout)
        assert arrived, f"{len(self.posts)} POSTs arrived, not {count}, within {timeout} s"
        return list(self.posts)


class MailServer:
    """The smallest SMTP server smtplib will talk to; keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.reply("220 localhost test SMTP")
                data: list[bytes] | None = None
                for raw in self.rfile:
                    if data is not None:
                        if raw.rstrip(b"\r\n") == b".":
                            outer.messages.append(
                                message_from_bytes(b"".join(data), policy=policy.default)  # type: ignore[arg-type]
                            )
                            data = None
                            self.reply("250 queued")
                        else:
                            data.append(raw[1:] if raw.startswith(b"..") else raw)
                        continue
                    verb = raw.decode().strip().split(" ")[0].upper()
                    if verb == "DATA":
                        data = []
                        self.reply("354 go on")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> MailServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
