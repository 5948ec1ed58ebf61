"""Where a webhook may be sent: a public HTTPS address, checked at the moment of sending.

An endpoint's host is resolved and every address it resolves to must be public: private,
loopback, link-local (cloud metadata services live at 169.254.169.254), multicast, reserved and
unspecified addresses are refused, as are IPv6 forms that embed one (IPv4-mapped, 6to4, NAT64's
well-known prefix). The sender then connects to the address that was checked, never resolving
again, so DNS cannot point the host elsewhere in between (rebinding). `WEBHOOKS_ALLOW_PRIVATE`
(tests and local development) lifts the address check and allows plain HTTP.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_URL = 2000
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Names that resolve to the metadata service on some clouds, refused even before resolving.
_METADATA_NAMES = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class AddressRefused(Exception):
    """The URL may not receive webhooks; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL: the Host header and the name TLS verifies
    port: int
    path: str  # path and query, as sent on the request line
    ip: str  # the checked address to connect to


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def url_check(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a well-formed webhook URL, or AddressRefused."""
    url = (url or "").strip()
    if not url:
        raise AddressRefused("Enter the URL that should receive the events.")
    if len(url) > MAX_URL:
        raise AddressRefused(f"Keep the URL under {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("That is not a valid URL.") from None
    if parts.scheme not in ("https", "http"):
        raise AddressRefused("The URL must start with https://.")
    if parts.scheme == "http" and not allow_private():
        raise AddressRefused("Use an https:// URL: events carry personal data and must be "
                             "encrypted on the way.")
    if not parts.hostname:
        raise AddressRefused("The URL has no host name.")
    if parts.username or parts.password:
        raise AddressRefused("Put no user name or password in the URL; check the signature "
                             "on your side instead.")
    if parts.hostname.rstrip(".").lower() in _METADATA_NAMES and not allow_private():
        raise AddressRefused("That host is a cloud metadata service; it cannot receive events.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:
            return is_public(str(embedded))
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local
                                 or ip.is_loopback or ip.is_private or ip.is_unspecified)


def resolve(url: str) -> Target:
    """The URL's parts and the first address of its host that may be connected to.

    Refuses the URL when ANY address of the host is not public: a host that mixes a public and
    a private address is an attempt to reach inside.
    """
    scheme, host, port, path = url_check(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"The host {host} could not be found.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise AddressRefused(f"The host {host} could not be found.")
    if not allow_private():
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {refused[0]}, a private, local or reserved address; "
                "webhooks are only sent to public addresses.")
    return Target(scheme, host, port, path, addresses[0])
