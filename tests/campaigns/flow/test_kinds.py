"""Every question kind: what it stores, what it refuses (and says), and how it displays."""

from __future__ import annotations

from typing import Any

import pytest

from campaigns.flow import (
    KINDS,
    OPERATORS,
    AnswerError,
    clean_answer,
    display,
    operators_for,
    visitor_input,
)
from campaigns.flow.kinds import kind_of

from .blueprints import single_question

UPLOAD = {"name": "cv.pdf", "size": 2048, "content_type": "application/pdf", "path": "up/1.pdf"}

# (kind, question fields, raw input, stored value)
VALID = [
    ("short_text", {}, ["  Ada  Lovelace "], "Ada Lovelace"),
    ("short_text", {}, ["line\r\nbreak"], "line break"),
    # A hidden value comes from the URL, where the visitor can't correct it: cleaned, not refused.
    ("hidden", {}, ["nul\x00byte\ud800"], "nulbyte"),
    ("short_text", {}, ["<script>alert(1)</script>"], "<script>alert(1)</script>"),
    ("long_text", {}, ["first\r\nsecond"], "first\nsecond"),
    ("email", {}, [" Ada@Example.COM "], "Ada@example.com"),
    ("email", {}, ["a.b+tag@sub.example.org"], "a.b+tag@sub.example.org"),
    ("phone", {}, ["+44 (0)20 7946-0958"], "+440207946" + "0958"),
    ("phone", {}, ["020 7946 0958"], "02079460958"),
    ("number", {}, ["42"], 42),
    ("number", {}, ["-3.25"], -3.25),
    ("number", {}, ["2.0"], 2),
    ("number", {}, ["1e3"], 1000),
    ("number", {"validation": {"min": 0, "max": 10}}, ["10"], 10),
    ("date", {}, ["2024-02-29"], "2024-02-29"),
    ("date", {"validation": {"min": "2024-01-01"}}, ["2024-01-01"], "2024-01-01"),
    ("single_choice", {}, ["b"], "b"),
    ("image_choice", {}, ["a"], "a"),
    ("dropdown", {}, ["c", ""], "c"),
    ("multiple_choice", {}, ["c", "a", "c"], ["a", "c"]),
    ("yes_no", {}, ["yes"], True),
    ("yes_no", {}, ["False"], False),
    ("rating", {}, ["5"], 5),
    ("rating", {"validation": {"min": 0, "max": 10}}, ["0"], 0),
    ("opinion_scale", {}, ["0"], 0),
    ("opinion_scale", {}, ["10"], 10),
    ("consent", {}, ["on"], True),
    ("consent", {}, [], False),
    ("hidden", {}, ["newsletter"], "newsletter"),
    ("hidden", {"validation": {"max_length": 3}}, ["abcdef"], "abc"),
    ("statement", {}, ["anything"], None),
    ("file_upload", {}, UPLOAD, UPLOAD),
    ("file_upload", {"validation": {"accept": ["application/*"]}}, UPLOAD, UPLOAD),
]

NOT_AN_ADDRESS = "That doesn't look like an email address: "
NOT_A_DOMAIN = NOT_AN_ADDRESS + "the part after the @ should be a domain name, like example.com."

# (kind, question fields, raw input, the message shown to the visitor)
INVALID = [
    ("short_text", {"validation": {"min_length": 3}}, ["ab"], "Enter at least 3 characters."),
    ("short_text", {}, ["x" * 256], "Enter at most 255 characters."),
    ("long_text", {"validation": {"max_length": 1}}, ["ab"], "Enter at most 1 character."),
    ("email", {}, ["ada"], NOT_AN_ADDRESS + "it needs an @, like name@example.com."),
    ("email", {}, ["ada@localhost"],
     NOT_AN_ADDRESS + "the part after the @ needs a dot, like example.com."),
    ("email", {}, ["a@b@example.com"], NOT_AN_ADDRESS + "“@” can't be used before the @."),
    ("email", {}, ["ada@exa mple.com"], NOT_A_DOMAIN),
    ("email", {}, ["ada@example.123"], NOT_A_DOMAIN),
    ("email", {}, ["x" * 65 + "@example.com"],
     NOT_AN_ADDRESS + "the part before the @ is longer than 64 characters."),
    # Django's SMTP backend cannot send a UTF-8 local part (no SMTPUTF8), so it is refused.
    ("email", {}, ["josé@example.com"], "We can't send email to an address with “é” before "
     "the @. Use an address with only Latin letters, digits and . _ + - before the @."),
    ("phone", {}, ["12345"], "Enter a valid phone number, using digits and an optional leading +."),
    (
        "phone",
        {},
        ["call me"],
        "Enter a valid phone number, using digits and an optional leading +.",
    ),
    ("number", {}, ["ten"], "Enter a number."),
    ("number", {}, ["nan"], "Enter a number."),
    ("number", {}, ["1e999"], "Enter a smaller number."),
    ("number", {}, ["-1e400"], "Enter a smaller number."),
    ("short_text", {}, ["nul\x00byte"], "This answer contains a NUL character (an invisible "
     "control character), which we can't store. Please type it again."),
    ("long_text", {}, ["half \ud800 a pair"], "This answer contains broken Unicode (a lone "
     "surrogate), which we can't store. Please type it again."),
    ("email", {}, ["ada\x00@example.com"], "This answer contains a NUL character (an invisible "
     "control character), which we can't store. Please type it again."),
    ("number", {"validation": {"integer": True}}, ["2.5"], "Enter a whole number."),
    ("number", {"validation": {"min": 1}}, ["0"], "Enter a number of at least 1."),
    ("number", {"validation": {"max": 9.5}}, ["10"], "Enter a number of at most 9.5."),
    ("date", {}, ["2023-02-29"], "Enter a valid date (YYYY-MM-DD)."),
    ("date", {}, ["29/02/2024"], "Enter a valid date (YYYY-MM-DD)."),
    (
        "date",
        {"validation": {"max": "2024-12-31"}},
        ["2025-01-01"],
        "Enter a date on or before 2024-12-31.",
    ),
    (
        "date",
        {"validation": {"min": "2024-01-01"}},
        ["2023-12-31"],
        "Enter a date on or after 2024-01-01.",
    ),
    ("single_choice", {}, ["zzz"], "Pick one of the options shown."),
    ("image_choice", {}, ["a", "b"], "Pick one of the options shown."),
    ("dropdown", {}, ["A"], "Pick one of the options shown."),
    ("multiple_choice", {}, ["a", "evil"], "Pick one of the options shown."),
    (
        "multiple_choice",
        {"validation": {"max_choices": 2}},
        ["a", "b", "c"],
        "Choose at most 2 options.",
    ),
    ("multiple_choice", {"validation": {"min_choices": 2}}, ["a"], "Choose at least 2 options."),
    ("yes_no", {}, ["maybe"], "Choose Yes or No."),
    ("rating", {}, ["6"], "Choose a rating from 1 to 5."),
    ("rating", {}, ["4.5"], "Choose a rating from 1 to 5."),
    ("opinion_scale", {}, ["11"], "Choose a number from 0 to 10."),
    ("consent", {}, ["please"], "Tick the box or leave it empty."),
    ("consent", {"required": True}, [], "Tick this box to continue."),
    ("file_upload", {}, {"name": "x"}, "The upload could not be read. Please try again."),
    ("file_upload", {}, ["not", "a", "dict"], "The upload could not be read. Please try again."),
    (
        "file_upload",
        {"validation": {"max_size_mb": 1}},
        {**UPLOAD, "size": 2 * 1024 * 1024},
        "The file is too big: at most 1 MB.",
    ),
    (
        "file_upload",
        {"validation": {"accept": ["image/*"]}},
        UPLOAD,
        "This type of file is not accepted. Upload PNG, JPEG, GIF or WebP.",
    ),
]

DEFAULT_TYPES = ("PNG, JPEG, GIF, WebP, PDF, text, CSV, Word, Excel, PowerPoint, "
                 "OpenDocument text, OpenDocument spreadsheet or OpenDocument presentation")

# Types the runtime never recognises in a file's bytes: whatever the accept list says, a file of
# one of these is refused (its content_type reaches the kind as "" or as something unknown).
NEVER_ACCEPTED = [
    ({}, "", f"This type of file is not accepted. Upload {DEFAULT_TYPES}."),
    ({"accept": ["image/*"]}, "image/svg+xml",
     "This type of file is not accepted. Upload PNG, JPEG, GIF or WebP."),
    ({"accept": ["text/html", "text/*"]}, "text/html",
     "This type of file is not accepted. Upload text or CSV."),
    ({"accept": ["application/x-msdownload"]}, "application/x-msdownload",
     "This question takes no file type that can be checked, so no file can be sent."),
    ({"accept": ["application/*"]}, "application/javascript",
     "This type of file is not accepted. Upload PDF, Word, Excel, PowerPoint, OpenDocument "
     "text, OpenDocument spreadsheet or OpenDocument presentation."),
]


@pytest.mark.parametrize(("validation", "content_type", "message"), NEVER_ACCEPTED)
def test_a_file_of_an_unrecognised_type_is_refused_whatever_the_accept_list(
        validation: dict, content_type: str, message: str) -> None:
    question = single_question("file_upload", validation=validation)
    with pytest.raises(AnswerError) as refused:
        clean_answer(question, {**UPLOAD, "content_type": content_type})
    assert refused.value.message == message


def test_a_csv_is_plain_text_to_the_accept_list() -> None:
    text = {**UPLOAD, "name": "scores.csv", "content_type": "text/plain"}
    assert clean_answer(single_question("file_upload", validation={"accept": ["text/csv"]}),
                        text) == text


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd", "etc passwd"),
    ("C:\\Users\\ada\\cv.pdf", "C Users ada cv.pdf"),
    ("photo\u202egnp.exe", "photo gnp.exe"),
    ("<img src=x onerror=alert(1)>.png", "img src=x onerror=alert(1) .png"),
    ("  tab\tand\nnewline\x00.txt ", "tab and newline .txt"),
    ("...", "upload"),
    ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
])
def test_a_file_name_is_kept_only_as_clean_text(name: str, kept: str) -> None:
    value = clean_answer(single_question("file_upload"), {**UPLOAD, "name": name})
    assert value["name"] == kept

# (kind, message when required and left empty); None: the kind never refuses an empty answer.
REQUIRED = [
    ("short_text", "This field is required."),
    ("long_text", "This field is required."),
    ("email", "This field is required."),
    ("phone", "This field is required."),
    ("number", "This field is required."),
    ("date", "This field is required."),
    ("single_choice", "Choose an option."),
    ("image_choice", "Choose an option."),
    ("dropdown", "Choose an option."),
    ("multiple_choice", "Choose at least one option."),
    ("yes_no", "Choose Yes or No."),
    ("rating", "Choose a rating."),
    ("opinion_scale", "Choose a number."),
    ("consent", "Tick this box to continue."),
    ("hidden", None),  # comes from the URL: the visitor could not fix it
    ("statement", None),
    ("file_upload", "Choose a file to upload."),
]


def test_tables_cover_every_kind() -> None:
    for table in (VALID, INVALID, REQUIRED):
        assert {row[0] for row in table} >= set(KINDS) - {"statement", "hidden"}
    assert {row[0] for row in REQUIRED} == set(KINDS)


@pytest.mark.parametrize(("kind", "fields", "raw", "expected"), VALID)
def test_valid_answer_is_typed(kind: str, fields: dict, raw: Any, expected: Any) -> None:
    assert clean_answer(single_question(kind, **fields), raw) == expected


@pytest.mark.parametrize(("kind", "fields", "raw", "message"), INVALID)
def test_invalid_answer_says_why(kind: str, fields: dict, raw: Any, message: str) -> None:
    with pytest.raises(AnswerError) as refused:
        clean_answer(single_question(kind, **fields), raw)
    assert refused.value.message == message


@pytest.mark.parametrize(("kind", "message"), REQUIRED)
@pytest.mark.parametrize("empty", [[], [""], ["   "], None])
def test_empty_answer(kind: str, message: str | None, empty: Any) -> None:
    optional = single_question(kind)
    expected_optional = False if kind == "consent" else None
    assert clean_answer(optional, empty) == expected_optional
    required = single_question(kind, required=True)
    if message is None:
        assert clean_answer(required, empty) is None
    else:
        with pytest.raises(AnswerError, match=message):
            clean_answer(required, empty)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("raw", [[1, 2], 5, {"a": "b"}, ["\ud800"], ["x" * 100_000]])
def test_odd_input_is_refused_politely(kind: str, raw: Any) -> None:
    try:
        clean_answer(single_question(kind), raw)
    except AnswerError as error:
        message = error.message
    else:
        return  # taken as it is
    assert message.endswith(".")


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("raw", [["a\x00b"], ["\x00"], ["\ud800"], ["1e400"], ["-1e400"],
                                 ["9" * 40], ["NaN"], ["Infinity"], ["a", "b\x00"]])
def test_every_kind_stores_only_what_the_database_can_hold(kind: str, raw: Any) -> None:
    try:
        value = clean_answer(single_question(kind), raw)
    except AnswerError as error:
        message = error.message
    else:
        visitor_input.check_json(value, "The answer")
        return
    assert message.endswith(".")


def test_unknown_kind_fails_loudly() -> None:
    with pytest.raises(LookupError, match="Unknown question kind 'slider'"):
        kind_of("slider")


# (kind, stored value, displayed text)
DISPLAYED = [
    ("short_text", "Ada", "Ada"),
    ("number", 2.5, "2.5"),
    ("number", 3, "3"),
    ("single_choice", "b", "B"),
    ("single_choice", "gone", "gone"),
    ("multiple_choice", ["a", "c"], "A, C"),
    ("yes_no", True, "Yes"),
    ("consent", False, "No"),
    ("rating", 4, "4"),
    ("date", "2024-01-31", "2024-01-31"),
    ("file_upload", UPLOAD, "cv.pdf"),
    ("statement", None, ""),
    ("short_text", None, ""),
    ("number", "not a number", ""),
    ("multiple_choice", "a", ""),
]


@pytest.mark.parametrize(("kind", "value", "text"), DISPLAYED)
def test_display(kind: str, value: Any, text: str) -> None:
    assert display(single_question(kind), value) == text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_operators_for_kind_are_known_operators(kind: str) -> None:
    assert set(operators_for(kind)) <= set(OPERATORS)


@pytest.mark.parametrize(
    ("kind", "fits", "does_not_fit"),
    [
        ("number", "gt", "contains"),
        ("multiple_choice", "all_of", "gt"),
        ("date", "before", "matches"),
        ("short_text", "matches", "between"),
        ("yes_no", "equals", "any_of"),
        ("file_upload", "is_empty", "equals"),
    ],
)
def test_operators_for(kind: str, fits: str, does_not_fit: str) -> None:
    assert fits in operators_for(kind)
    assert does_not_fit not in operators_for(kind)


def test_statement_has_no_operators() -> None:
    assert operators_for("statement") == ()
