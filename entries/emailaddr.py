"""Email addresses as keys for one entry per person, and disposable-domain detection.

`normalise_email` gives the key that the unique constraint on (campaign, email) compares, so that
`A.B+x@GMail.com` and `ab@gmail.com` are one person. It is a key, not a better address: mail goes
to the address as typed, because not every server treats `+tag` as a sub-address.
"""

import re
import unicodedata

from .disposable_domains import DISPOSABLE_DOMAINS

# Gmail ignores dots in the local part, and googlemail.com is the same mailbox as gmail.com.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# RFC 5322 dot-atom characters; non-ASCII letters are allowed too (RFC 6531 addresses).
_ATOM_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_MAX_LOCAL = 64  # RFC 5321, in octets
_MAX_ADDRESS = 254  # RFC 5321's 256-octet path, less its angle brackets


def _check_local(local: str, raw: str) -> None:
    if not local:
        raise ValueError(f"{raw!r} is not an email address: nothing before the @")
    if len(local.encode()) > _MAX_LOCAL:
        raise ValueError(f"{raw!r} is not an email address: the part before the @ is too long")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError(f"{raw!r} is not an email address: misplaced dot before the @")
    for character in local:
        if character == "." or character in _ATOM_CHARACTERS:
            continue
        # Letters and marks of other scripts are fine; spaces, controls, quotes and @ are not.
        if not character.isascii() and unicodedata.category(character)[0] in "LMN":
            continue
        raise ValueError(f"{raw!r} is not an email address: {character!r} before the @")


def _ascii_domain(domain: str, raw: str) -> str:
    """The domain in its ASCII (IDNA 2003, the standard library's codec) form."""
    # One trailing dot is the DNS root ("example.com." is example.com).
    domain = domain.removesuffix(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        # The codec passes ASCII labels through unchecked; decoding proves any xn-- label is
        # valid punycode that round-trips.
        ascii_domain.encode("ascii").decode("idna")
    except UnicodeError:
        raise ValueError(
            f"{raw!r} is not an email address: {domain!r} is not a domain name"
        ) from None
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise ValueError(f"{raw!r} is not an email address: the domain needs a dot")
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise ValueError(f"{raw!r} is not an email address: {domain!r} is not a domain name")
    return ascii_domain


def normalise_email(raw: str) -> str:
    """The one-entry-per-person key of an email address; ValueError if `raw` is not one.

    Trimmed and lower-cased (after NFKC, so look-alike full-width characters collapse), any
    `+tag` dropped from the local part, dots dropped too on gmail.com (googlemail.com becomes
    gmail.com), and the domain in ASCII (IDNA) form.
    """
    if not isinstance(raw, str):
        raise ValueError(f"{raw!r} is not an email address")
    address = unicodedata.normalize("NFKC", raw).strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        raise ValueError(f"{raw!r} is not an email address: no @")
    _check_local(local, raw)
    domain = _ascii_domain(domain, raw)
    # "+tag@example.com" has nothing before its tag: that whole local part is the mailbox.
    local = local.partition("+")[0] or local
    if domain in _GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "")
    key = f"{local}@{domain}"
    if len(key.encode()) > _MAX_ADDRESS:
        raise ValueError(f"{raw!r} is not an email address: too long")
    return key


def is_disposable(email: str) -> bool:
    """True if the address (or a bare domain) is at a known disposable service or its subdomain."""
    domain = email.rpartition("@")[2].strip().lower().removesuffix(".")
    labels = domain.split(".")
    return any(".".join(labels[start:]) in DISPOSABLE_DOMAINS for start in range(len(labels)))
