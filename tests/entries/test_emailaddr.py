"""Email addresses: what counts as one (campaigns/flow/emailaddr.py), the one-entry-per-person
key and disposable domains (entries/emailaddr.py)."""

import pytest

from builder.views.privacy import PersonForm
from campaigns.flow import AnswerError, clean_answer
from campaigns.flow.emailaddr import EmailAddressError, parse_email
from entries.disposable_domains import DISPOSABLE_DOMAINS
from entries.emailaddr import is_disposable, normalise_email
from tests.campaigns.flow.blueprints import single_question

EMAIL_QUESTION = single_question("email", required=True)


@pytest.mark.parametrize(
    ("raw", "key"),
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
        ("Jose@exämple.org", "jose@xn--exmple-cua.org"),
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
    ("raw", "reason"),
    [
        ("", "Enter your email address"),
        (None, "Enter your email address"),
        ("plain", "it needs an @"),
        ("@example.com", "add the part before the @"),
        ("a@", "the part after the @ needs a dot"),
        ("a@localhost", "the part after the @ needs a dot"),
        ("a b@example.com", "a space can't be used before the @"),
        ('"a"@example.com', "“\"” can't be used before the @"),
        ("a@b@example.com", "“@” can't be used before the @"),
        ("a\n@example.com", "a space can't be used before the @"),
        ("a..b@example.com", "two dots in a row"),
        (".a@example.com", "start or end with a dot"),
        ("a.@example.com", "start or end with a dot"),
        ("x" * 65 + "@example.com", "longer than 64 characters"),
        # Internationalised local parts cannot be sent (RFC 6531 needs SMTPUTF8).
        ("josé@example.com", "We can't send email to an address with “é” before the @"),
        ("用户@例子.广告", "We can't send email to an address with “用” before the @"),
        ("a@-x.com", "should be a domain name"),
        ("a@x_y.com", "should be a domain name"),
        ("a@exa mple.com", "should be a domain name"),
        ("a@x..com", "should be a domain name"),
        ("a@1.2.3.4", "should be a domain name"),
        ("a@[192.0.2.1]", "should be a domain name"),
        ("a@xn--zz.com", "should be a domain name"),
        ("a@" + "b" * 64 + ".com", "should be a domain name"),
        ("a@" + ".".join(["b" * 60] * 5), "longer than 254 characters"),
    ],
)
def test_not_an_address(raw, reason):
    with pytest.raises(EmailAddressError) as error:
        normalise_email(raw)
    assert reason in error.value.message
    # The same refusal, for the same reason, wherever an address is typed.
    with pytest.raises(AnswerError) as refused:
        clean_answer(EMAIL_QUESTION, [raw] if isinstance(raw, str) else raw)
    assert refused.value.message == error.value.message or not (raw or "").strip()
    form = PersonForm({"email": raw or ""})
    assert not form.is_valid()
    assert form.errors["email"] == [error.value.message] or not (raw or "").strip()


@pytest.mark.parametrize(("raw", "stored"), [
    (" Ada@Example.COM ", "Ada@example.com"),
    ("user@BÜCHER.de", "user@bücher.de"),
    ("ｕｓｅｒ＠ｅｘａｍｐｌｅ.com", "user@example.com"),
    ("x+y@Example.COM.", "x+y@example.com"),
])
def test_an_address_is_stored_as_typed_with_its_domain_lower_cased(raw, stored):
    assert str(parse_email(raw)) == stored
    assert clean_answer(EMAIL_QUESTION, [raw]) == stored
    form = PersonForm({"email": raw})
    assert form.is_valid()
    assert form.cleaned_data["email"] == stored


@pytest.mark.parametrize(
    ("email", "disposable"),
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
        assert domain == domain.strip().lower()
        assert "." in domain
        assert "@" not in domain
        assert normalise_email(f"x@{domain}") == f"x@{domain}"
    # Big providers and long-lived forwarding services must never be flagged.
    for domain in ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "mozmail.com"):
        assert domain not in DISPOSABLE_DOMAINS
