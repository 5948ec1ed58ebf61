"""One entry per person: email normalisation and disposable domains (entries/emailaddr.py)."""

import pytest

from entries.disposable_domains import DISPOSABLE_DOMAINS
from entries.emailaddr import is_disposable, normalise_email


@pytest.mark.parametrize(
    "raw, key",
    [
        ("A.B+x@GMail.com", "ab@gmail.com"),
        ("ab@gmail.com", "ab@gmail.com"),
        ("  a.b@googlemail.com\n", "ab@gmail.com"),
        ("a.b.c+one+two@gmail.com", "abc@gmail.com"),
        ("a.+x@gmail.com", "a@gmail.com"),
        # Dots matter outside Gmail; +tags are dropped everywhere.
        ("First.Last@Example.com", "first.last@example.com"),
        ("first.last+news@example.com", "first.last@example.com"),
        ("x+y@Example.COM.", "x@example.com"),
        ("+tag@example.com", "+tag@example.com"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("a_b-c!#$%&'*/=?^`{|}~@sub.example.co.uk", "a_b-c!#$%&'*/=?^`{|}~@sub.example.co.uk"),
        # Internationalised domains compare in their ASCII (punycode) form.
        ("user@bücher.de", "user@xn--bcher-kva.de"),
        ("user@XN--BCHER-KVA.DE", "user@xn--bcher-kva.de"),
        ("user@BÜCHER.de", "user@xn--bcher-kva.de"),
        ("user@例え.テスト", "user@xn--r8jz45g.xn--zckzah"),
        ("José@exämple.org", "josé@xn--exmple-cua.org"),
        # Full-width look-alikes collapse (NFKC) to the same key.
        ("ｕｓｅｒ＠ｅｘａｍｐｌｅ.com", "user@example.com"),
        ("AB@GMAIL.COM", "ab@gmail.com"),
    ],
)
def test_normalise(raw, key):
    assert normalise_email(raw) == key


def test_normalising_twice_changes_nothing():
    for raw in ("A.B+x@GMail.com", "user@bücher.de", "+tag@example.com", "x+y@Example.COM."):
        key = normalise_email(raw)
        assert normalise_email(key) == key


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("", "no @"),
        ("plain", "no @"),
        ("@example.com", "nothing before the @"),
        ("a@", "the domain needs a dot"),
        ("a@localhost", "the domain needs a dot"),
        ("a b@example.com", "' ' before the @"),
        ('"a"@example.com', "'\"' before the @"),
        ("a@b@example.com", "'@' before the @"),
        ("a\n@example.com", "'\\n' before the @"),
        ("a..b@example.com", "misplaced dot"),
        (".a@example.com", "misplaced dot"),
        ("a.@example.com", "misplaced dot"),
        ("x" * 65 + "@example.com", "too long"),
        ("a@-x.com", "is not a domain name"),
        ("a@x_y.com", "is not a domain name"),
        ("a@exa mple.com", "is not a domain name"),
        ("a@x..com", "is not a domain name"),
        ("a@1.2.3.4", "is not a domain name"),
        ("a@[192.0.2.1]", "is not a domain name"),
        ("a@xn--zz.com", "is not a domain name"),
        ("a@" + "b" * 64 + ".com", "is not a domain name"),
        ("a@" + ".".join(["b" * 60] * 5), "too long"),
        (None, "is not an email address"),
    ],
)
def test_not_an_address(raw, reason):
    with pytest.raises(ValueError, match="is not an email address") as error:
        normalise_email(raw)
    assert reason in str(error.value)


@pytest.mark.parametrize(
    "email, disposable",
    [
        ("someone@mailinator.com", True),
        ("someone@MAILINATOR.COM", True),
        ("someone@guerrillamail.com", True),
        ("someone@yopmail.fr", True),
        ("someone@10minutemail.com", True),
        ("someone@sharklasers.com", True),
        ("someone@inbox.mailinator.com", True),
        ("someone@a.b.trashmail.de.", True),
        ("mailinator.com", True),
        ("someone@gmail.com", False),
        ("someone@example.com", False),
        ("someone@notmailinator.com", True),  # itself a mailinator alias
        ("someone@amailinator.com", False),  # a suffix of a label is not a subdomain
        ("someone@mailinator.com.example", False),
        ("someone@com", False),
        ("", False),
    ],
)
def test_is_disposable(email, disposable):
    assert is_disposable(email) is disposable


def test_disposable_list_is_clean():
    assert 150 <= len(DISPOSABLE_DOMAINS) <= 250
    for domain in DISPOSABLE_DOMAINS:
        assert domain == domain.strip().lower() and "." in domain and "@" not in domain
        assert normalise_email(f"x@{domain}") == f"x@{domain}"
    # Big providers and long-lived forwarding services must never be flagged.
    for domain in ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "mozmail.com"):
        assert domain not in DISPOSABLE_DOMAINS
