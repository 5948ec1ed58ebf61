"""Embed origins: only `scheme://host[:port]` in canonical form is ever stored or sent."""

import pytest

from campaigns.origins import NotAnOrigin, origin_canonical


@pytest.mark.parametrize(("typed", "canonical"), [
    ("https://shop.example.com", "https://shop.example.com"),
    ("HTTPS://Shop.EXAMPLE.com/", "https://shop.example.com"),
    ("https://shop.example.com:443", "https://shop.example.com"),
    ("http://shop.example.com:80", "http://shop.example.com"),
    ("https://shop.example.com:8443", "https://shop.example.com:8443"),
    ("http://localhost:3000", "http://localhost:3000"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("https://[::1]:8443", "https://[::1]:8443"),
    ("https://[0:0:0:0:0:0:0:1]", "https://[::1]"),
    ("https://Bücher.example", "https://xn--bcher-kva.example"),
    ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
])
def test_an_origin_is_stored_in_one_canonical_form(typed, canonical):
    assert origin_canonical(typed) == canonical
    assert origin_canonical(canonical) == canonical


@pytest.mark.parametrize(("typed", "problem"), [
    # Each of these, copied into the header, would have added a source or a directive.
    ("https://b.example evil.example", "no spaces"),
    ("https://a.example;frame-ancestors", "semicolons"),
    ("https://a.example; script-src *", "semicolons"),
    ("https://a.example,https://b.example", "commas"),
    ("https://a.example\tevil.example", "no spaces"),
    ("https://a.example'", "no spaces"),
    ("https://a.example/path", "has no path; use https://a.example"),
    ("https://a.example#frag", "has no path"),
    ("https://a.example?x", "has no path"),
    ("https://me@a.example", "user name"),
    ("https://a.example:99999", "not a web address"),
    ("https://a_b.example", "not a web address"),
    ("https://a..example", "not a web address"),
    ("https://-a.example", "not a web address"),
    ("https://[::1", "not a web address"),
    ("https://[zz::1]", "not a web address"),
    ("https://*.example.com", "wildcards"),
    ("data:text/html;base64", "semicolons"),
    ("javascript:alert(1)", "start it with https://"),
    ("'self'", "no spaces"),
    ("", "start it with https://"),
])
def test_anything_else_is_refused_saying_why(typed, problem):
    with pytest.raises(NotAnOrigin) as refused:
        origin_canonical(typed)
    assert problem in str(refused.value)
