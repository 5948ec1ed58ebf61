"""What a visitor may send for storage: refused with a reason, or read back safely."""

import pytest

from campaigns.flow.visitor_input import Unstorable, nesting, parse_json, printable


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert nesting('{"a": ["[[[{{", "\\"]]"], "b": {}}') == 2
    assert nesting('"[[[["') == 0


def test_a_deep_document_is_refused_before_the_parser_sees_it() -> None:
    with pytest.raises(Unstorable, match="nests deeper than 3 levels"):
        parse_json(b"[" * 100_000 + b"]" * 100_000, "The body", max_bytes=10**6, max_depth=3)


def test_the_first_bad_part_is_named_by_its_path() -> None:
    with pytest.raises(Unstorable, match=r"The body at a\[1\].b contains a NUL"):
        parse_json(b'{"a": [1, {"b": "\\u0000"}]}', "The body", max_bytes=100, max_depth=3)


def test_stored_lone_surrogates_read_back_as_replacement_characters() -> None:
    assert printable("a\ud800b😀") == "a\ufffdb😀"
    printable("a\ud800b").encode("utf-8")
