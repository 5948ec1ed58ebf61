"""Email addresses as keys for one entry per person, the form field every address form uses,
and disposable-domain detection. What counts as an address is `campaigns.flow.emailaddr`.

`normalise_email` gives the key that the unique constraint on (campaign, dedupe_key) compares,
so that `A.B+x@GMail.com` and `ab@gmail.com` are one person. It is a key, not a better address:
mail goes to the address as typed, because not every server treats `+tag` as a sub-address.
"""

from django import forms

from campaigns.flow.emailaddr import MAX_ADDRESS, EmailAddressError, parse_email

from .disposable_domains import DISPOSABLE_DOMAINS
from .i18n import translated

__all__ = ["EmailAddressError", "EmailAddressField", "is_disposable", "normalise_email",
           "parse_email"]

# Gmail ignores dots in the local part, and googlemail.com is the same mailbox as gmail.com.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def normalise_email(raw: str) -> str:
    """The one-entry-per-person key of an address; EmailAddressError (a ValueError) if `raw`
    is not one.

    Lower-cased, any `+tag` dropped from the local part, dots dropped too on gmail.com
    (googlemail.com becomes gmail.com), and the domain in ASCII (IDNA) form.
    """
    address = parse_email(raw)
    local, domain = address.local.lower(), address.ascii_domain
    # "+tag@example.com" has nothing before its tag: that whole local part is the mailbox.
    local = local.partition("+")[0] or local
    if domain in _GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


class EmailAddressField(forms.CharField):
    """An address typed into a form, checked as answers are; cleans to the address as typed."""

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_ADDRESS, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return str(parse_email(value))
        except EmailAddressError as error:
            raise forms.ValidationError(translated(error.text), code="invalid") from None


def is_disposable(email: str) -> bool:
    """True if the address (or a bare domain) is at a known disposable service or its subdomain."""
    domain = email.rpartition("@")[2].strip().lower().removesuffix(".")
    labels = domain.split(".")
    return any(".".join(labels[start:]) in DISPOSABLE_DOMAINS for start in range(len(labels)))
