"""Where a webhook may go: http(s) URLs on public addresses only.

A URL whose host resolves to a private, loopback, link-local, shared, reserved, multicast or
otherwise non-global address is refused, at registration and again at every delivery (a name
that resolved to a public address yesterday may point inside today: DNS rebinding). Delivery
then connects to the very address that was checked (`Target.address`), so a second lookup
cannot swap it. `STUURBOORD_WEBHOOK_ALLOW_PRIVATE=1` lifts the address rule (tests, closed
networks); the scheme rule stays.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

MAX_URL_LENGTH = 2000

Resolver = Callable[[str, int], list[str]]


class AddressRefused(ValueError):
    """The URL is not one a webhook may be sent to; the message says why, `reason` is a code
    (empty, too_long, characters, scheme, host, credentials, fragment, port, unresolvable,
    private) that a user interface can put in its own words."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`, `port`) and what to ask for."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: str) -> bool:
    """True for a global unicast address; IPv4-mapped IPv6 addresses are judged as IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def parse(url: str) -> SplitResult:
    """The URL's parts, or AddressRefused for anything but a plain http(s) URL."""
    if not isinstance(url, str) or not url.strip():
        raise AddressRefused("empty", "the URL is empty")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise AddressRefused("too_long", f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise AddressRefused("characters", "the URL contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("scheme", "only http:// and https:// URLs are allowed")
    if not parts.hostname:
        raise AddressRefused("host", "the URL has no host name")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("credentials", "the URL must not contain a user name or password")
    if parts.fragment:
        raise AddressRefused("fragment", "the URL must not contain a #fragment")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise AddressRefused("port", "the URL has an invalid port") from None
    return parts


def check(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> Target:
    """Parse and resolve `url`; refuse it (AddressRefused) unless every address it resolves
    to is public, or `allow_private` is set. The target pins the first address."""
    parts = parse(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError) as error:
        raise AddressRefused("unresolvable", f"the host {host} cannot be found ({error})") from None
    if not addresses:
        raise AddressRefused("unresolvable", f"the host {host} cannot be found")
    if not allow_private:
        inside = [a for a in addresses if not is_public(a)]
        if inside:
            raise AddressRefused(
                "private",
                f"the host {host} is on a private or local address ({inside[0]}); "
                "set STUURBOORD_WEBHOOK_ALLOW_PRIVATE=1 to allow that"
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(url.strip(), parts.scheme, host, port, addresses[0], path)
