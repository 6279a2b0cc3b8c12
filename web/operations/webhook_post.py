"""One POST to a partner's webhook, to an address that was checked: the URL is checked again
against the deployment's webhook policy (partners/webhooks.py), its host name is resolved once,
every address it resolves to is checked — one address inward refuses the delivery — and the
connection is made to a checked address, never to the name resolved again, so a name whose
answer changes in between (DNS rebinding) cannot turn the POST inward. TLS still verifies the
certificate against the name, and Host names it. Redirects are not followed: the webhook's
answer is the one that counts."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from partners.webhooks import INWARD, WebhookPolicy, address_kind, literal_address, url_refusal

Resolver = Callable[[str, int], list[str]]
# The most of an answer's body read: a webhook's status counts, a robot's errcode too.
ANSWER_LIMIT = 64 * 1024


class RefusedAddressError(Exception):
    """The webhook's address is one this deployment does not post to; nothing was sent."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system's resolver gives for `host`, each once, in its order."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to `host`, connected to one of the checked `addresses` (never resolving `host`)."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to `host`, connected to a checked address; the certificate is checked for `host`."""

    def __init__(
        self, host: str, port: int, addresses: list[str], timeout: float, tls: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self.addresses = addresses
        self.tls = tls

    def connect(self) -> None:
        raw = _connect(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def _connect(addresses: list[str], port: int, timeout: float | None) -> socket.socket:
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failed:
            error = failed
    raise error


@dataclass
class WebhookClient:
    """POSTs to webhooks under one policy; `resolve` is the system's resolver but in tests."""

    policy: WebhookPolicy
    timeout: float
    resolve: Resolver = system_resolver
    tls: ssl.SSLContext = field(default_factory=ssl.create_default_context)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body` to `url`; the answer's status. Raises RefusedAddressError before sending
        anything to an address the policy refuses, OSError when the webhook cannot be reached."""
        return self.exchange(url, body, headers)[0]

    def exchange(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST as `post` does; the answer's status and (the first 64 KiB of) its body, which
        a robot's answer needs (WeCom and DingTalk answer 200 with an errcode)."""
        refusal = url_refusal(url, self.policy)
        if refusal is not None:
            raise RefusedAddressError(refusal)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = self._addresses(host, port)
        connection = (
            _PinnedHTTPS(host, port, addresses, self.timeout, self.tls)
            if parts.scheme == "https"
            else _PinnedHTTP(host, port, addresses, self.timeout)
        )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            return int(response.status), response.read(ANSWER_LIMIT)
        finally:
            connection.close()

    def _addresses(self, host: str, port: int) -> list[str]:
        """Where `host` is: itself when it is an address, else every address it resolves to,
        each checked against the policy."""
        literal = literal_address(host)
        addresses = [str(literal)] if literal is not None else self.resolve(host, port)
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        if not self.policy.allow_private:
            for address in addresses:
                kind = address_kind(address)
                if kind is not None:
                    raise RefusedAddressError(f"{host} resolves to {address}, {kind}; {INWARD}")
        return addresses
