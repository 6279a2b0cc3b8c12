"""Email over SMTP (the standard library's smtplib), when the deployment configures it."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_SENDER = "needs@localhost"
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def email_in(text: str) -> str | None:
    """The first email address in free text (a partner's contact), if there is one."""
    found = _ADDRESS.search(text or "")
    return found.group(0) if found else None


@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes out: host and port, login, TLS, and the sender's address."""

    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    ssl: bool = False
    starttls: bool = False
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, str | None]) -> SmtpSettings | None:
        """From SMTP_URL (smtp://user:password@host:587?starttls=1, or smtps://…) or from
        SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS; SMTP_FROM names the
        sender. None when neither is set: the service then sends no mail."""
        sender = config.get("SMTP_FROM") or DEFAULT_SENDER
        if config.get("SMTP_URL"):
            url = urlparse(str(config["SMTP_URL"]))
            if url.scheme not in ("smtp", "smtps") or not url.hostname:
                raise ValueError("SMTP_URL must look like smtp://user:password@host:587")
            query = parse_qs(url.query)
            secure = url.scheme == "smtps"
            return cls(
                host=url.hostname,
                port=url.port or (465 if secure else 25),
                username=unquote(url.username or ""),
                password=unquote(url.password or ""),
                ssl=secure,
                starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
                sender=sender,
            )
        if config.get("SMTP_HOST"):
            return cls(
                host=str(config["SMTP_HOST"]),
                port=int(config.get("SMTP_PORT") or 25),
                username=config.get("SMTP_USER") or "",
                password=config.get("SMTP_PASSWORD") or "",
                starttls=(config.get("SMTP_STARTTLS") or "") in ("1", "true", "yes"),
                sender=sender,
            )
        return None


class Mailer:
    """Sends plain-text mail, one connection per message (mail here is rare)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(
        self, to: str, subject: str, body: str, headers: Mapping[str, str] | None = None
    ) -> None:
        """Send one message; raises OSError or smtplib.SMTPException when it does not go."""
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
        s = self.settings
        context = ssl.create_default_context()
        if s.ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=context
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.starttls:
                client.starttls(context=context)
            if s.username:
                client.login(s.username, s.password)
            client.send_message(message)
