"""Where a partner's webhook may point. The notifier POSTs to it from inside the deployment, so
an address into the server's own network — loopback, private ranges, link-local (where cloud
metadata services answer), however the address is written — would turn the worker into a probe
of that network for whoever can set a webhook. Such addresses are refused unless the deployment
allows them (`WebhookPolicy.allow_private`: tests, and partners inside a private network).

Always refused: schemes other than http and https, and a user or password in the address (the
directory shows the address to every user; a partner checks our signature, not a password of
ours). Production also requires https, unless private addresses are allowed.

The directory checks the address as written when a webhook is set (no name is resolved there:
the domain does no I/O); the notifier checks again at each delivery, after resolving the name,
every address it resolves to (`address_refusal`). Plain Python, no I/O."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
# Names that mean this very machine, whatever a resolver says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
INWARD = "webhooks may not reach the server's own network"


@dataclass(frozen=True)
class WebhookPolicy:
    """Which webhook addresses this deployment allows."""

    allow_private: bool = False
    require_https: bool = False


def url_refusal(url: str, policy: WebhookPolicy) -> str | None:
    """Why the webhook may not be `url`, as written (no name is resolved), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing it is the check: a bad port raises ValueError
    except ValueError:
        return f"{url!r} is not a valid address"
    if parts.scheme not in SCHEMES or not parts.hostname:
        return f"{url!r} is not an http(s) address"
    if parts.username is not None or parts.password is not None:
        return (
            "the address may not hold a user name or password: every user sees it in the "
            "directory, and partners check the signature instead"
        )
    if policy.require_https and parts.scheme != "https":
        return "the address must start with https:// in production"
    if policy.allow_private:
        return None
    return _host_refusal(parts)


def _host_refusal(parts: SplitResult) -> str | None:
    host = (parts.hostname or "").rstrip(".")
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} is this server itself; {INWARD}"
    address = literal_address(host)
    return address_refusal(address) if address is not None else None


def literal_address(host: str) -> IPAddress | None:
    """The address a host names by itself — `10.0.0.1`, `::1`, but also the forms resolvers
    accept for IPv4 (`127.1`, `2130706433`, `0x7f000001`) — or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def address_refusal(address: IPAddress | str) -> str | None:
    """Why a webhook may not reach `address` (unless private addresses are allowed), or None."""
    kind = address_kind(address)
    return None if kind is None else f"{address} is {kind}; {INWARD}"


def address_kind(address: IPAddress | str) -> str | None:
    """What kind of inward address `address` is ("a loopback address ..."), or None for an
    address on the public internet."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address inside IPv6 reaches that IPv4 address.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_loopback or ip.is_unspecified:
        return "a loopback address (this server itself)"
    if ip.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if ip.is_private:
        return "an address in a private network"
    if ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "not an address on the public internet"
    return None
