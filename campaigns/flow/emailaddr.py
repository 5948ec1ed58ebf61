"""Email addresses: the one check behind every address the app takes or sends to.

Answers to email questions, the one-entry-per-person key (`entries.emailaddr`), the "Continue
later" form, unsubscribe, personal-data requests and every send go through `parse_email`. It is
pure (no Django) so the flow engine's email kind can use it.

Accepted is what the app can deliver. An internationalised domain is fine (`user@bücher.de`):
Django's SMTP backend sends it in its ASCII (IDNA 2003) form, which is the form checked here.
A UTF-8 local part is refused (`josé@example.com`): Django never asks the server for SMTPUTF8
and writes such a local part as an RFC 2047 encoded word, which is another mailbox. Quoted local
parts and address literals are refused too, and a domain needs a dot (no `localhost`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .messages import Message, message

# RFC 5322 atext: what may stand between the dots of a local part without quotes.
_ATEXT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                   "!#$%&'*+-/=?^_`{|}~")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_LOCAL = 64  # RFC 5321, in octets
MAX_ADDRESS = 254  # RFC 5321's 256-octet path, less its angle brackets


class EmailAddressError(ValueError):
    """Not an address the app can send to; `text` says why, for the person who typed it
    (translated by the entries layer); `message` is its English."""

    def __init__(self, text: Message) -> None:
        super().__init__(str(text))
        self.text = text
        self.message = str(text)


@dataclass(frozen=True, slots=True)
class EmailAddress:
    local: str  # ASCII, case kept: only the receiving server may fold it
    domain: str  # lower case, as typed (an internationalised domain stays readable)
    ascii_domain: str  # the same domain in IDNA form, as it is sent and compared

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


def _check_local(local: str) -> None:
    if not local:
        raise EmailAddressError(message("That doesn't look like an email address: add the part "
                                        "before the @, like name@example.com."))
    for character in local:
        if character == "." or character in _ATEXT:
            continue
        if not character.isascii() and unicodedata.category(character)[0] in "LMN":
            raise EmailAddressError(message(
                "We can't send email to an address with “{character}” before the @. Use an "
                "address with only Latin letters, digits and . _ + - before the @.",
                character=character))
        if character.isspace():
            raise EmailAddressError(message("That doesn't look like an email address: a space "
                                            "can't be used before the @."))
        raise EmailAddressError(message("That doesn't look like an email address: “{character}” "
                                        "can't be used before the @.", character=character))
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise EmailAddressError(message(
            "That doesn't look like an email address: the part before the @ can't start or end "
            "with a dot or have two dots in a row."))
    if len(local) > MAX_LOCAL:
        raise EmailAddressError(message("That doesn't look like an email address: the part "
                                        "before the @ is longer than {count} characters.",
                                        count=MAX_LOCAL))


def _ascii_domain(domain: str) -> str:
    not_a_domain = EmailAddressError(message("That doesn't look like an email address: the part "
                                             "after the @ should be a domain name, like "
                                             "example.com."))
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        # The codec passes ASCII labels through unchecked; decoding proves an xn-- label is
        # valid punycode that round-trips.
        ascii_domain.encode("ascii").decode("idna")
    except UnicodeError:
        raise not_a_domain from None
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise EmailAddressError(message("That doesn't look like an email address: the part "
                                        "after the @ needs a dot, like example.com."))
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise not_a_domain
    return ascii_domain


def parse_email(raw: object) -> EmailAddress:
    """The address in `raw`, trimmed, the domain lower-cased; EmailAddressError says why not.

    Full-width look-alikes collapse first (NFKC), so `ａｄａ＠example.com` is ada@example.com.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise EmailAddressError(message("Enter your email address, like name@example.com."))
    address = unicodedata.normalize("NFKC", raw).strip()
    local, at, domain = address.rpartition("@")
    if not at:
        raise EmailAddressError(message("That doesn't look like an email address: it needs an "
                                        "@, like name@example.com."))
    _check_local(local)
    # One trailing dot is the DNS root ("example.com." is example.com).
    domain = domain.lower().removesuffix(".")
    ascii_domain = _ascii_domain(domain)
    if len(f"{local}@{ascii_domain}") > MAX_ADDRESS:
        raise EmailAddressError(message("That doesn't look like an email address: it is longer "
                                        "than {count} characters.", count=MAX_ADDRESS))
    return EmailAddress(local, domain, ascii_domain)
