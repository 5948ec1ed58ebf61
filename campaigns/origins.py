"""Web origins (`scheme://host[:port]`) as the embed allow-list stores them.

An allowed origin is copied into the runtime's `Content-Security-Policy: frame-ancestors` header
and compared with the `Origin` header of posts, so only the canonical form is ever stored or
emitted: lower-case ASCII host (internationalised names in punycode), no default port, nothing
else. Anything with a space, a semicolon or a path could smuggle other sources or directives
into the header.
"""

import ipaddress
import re
from urllib.parse import urlsplit

ANY = "*"
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SEPARATORS = re.compile(r"[\s;,'\"]")


class NotAnOrigin(ValueError):
    """The message says what is wrong, in words for the person who typed it."""


def origin_canonical(value: str) -> str:
    """The canonical form of one origin, or NotAnOrigin saying why it is not one."""
    if not isinstance(value, str):
        raise NotAnOrigin("this is not a web address.")
    if _SEPARATORS.search(value):
        raise NotAnOrigin("put one origin per line, with no spaces, commas or semicolons.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise NotAnOrigin("this is not a web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise NotAnOrigin("start it with https:// (or http://) followed by the site's host.")
    if parts.username is not None or parts.password is not None:
        raise NotAnOrigin("leave out the user name and password.")
    if "*" in parts.hostname:
        raise NotAnOrigin("wildcards only work alone: a line with just *.")
    host = _host(parts.hostname, bracketed=parts.netloc.rpartition("@")[2].startswith("["))
    bare = f"{scheme}://{host}" + (f":{port}" if port not in (None, DEFAULT_PORTS[scheme]) else "")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise NotAnOrigin(f"an origin has no path; use {bare}")
    return bare


def _host(hostname: str, *, bracketed: bool) -> str:
    if bracketed:
        try:
            return f"[{ipaddress.IPv6Address(hostname).compressed}]"
        except ValueError:
            raise NotAnOrigin("this is not a web address.") from None
    try:
        # IDNA 2003 (the codec Python ships): lower-cases and turns "bücher" into "xn--bcher-kva".
        ascii_host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise NotAnOrigin("this is not a web address.") from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise NotAnOrigin("this is not a web address.")
    return ascii_host
