"""A condition value is read back from its picker's fields, or refused with what to fix."""

import pytest

from builder.logic.widgets import Widget


@pytest.mark.parametrize(("widget", "values", "value2", "parsed"), [
    (Widget("select"), ["b"], "", ("b", None)),
    (Widget("select"), [""], "", ("", "Choose an option.")),
    (Widget("checkboxes", integer=True), ["3", "", "x"], "", ([3, "x"], None)),
    (Widget("checkboxes"), [], "", ([], "Choose at least one option.")),
    (Widget("yesno"), ["false"], "", (False, None)),
    (Widget("yesno"), ["maybe"], "", (None, "Choose Yes or No.")),
    (Widget("number"), [" 2.5 "], "", (2.5, None)),
    (Widget("number_range"), ["1"], " 9 ", ([1, 9], None)),
    (Widget("number_range"), ["1"], "", ([1, None], "Enter a number.")),
    (Widget("date_range"), ["2026-01-01"], "2026-02-01 ", (["2026-01-01", "2026-02-01"], None)),
    (Widget("lines"), ["a\n\n b ", "c"], "", (["a", "b", "c"], None)),
    (Widget("lines"), ["\n"], "", ([], "Enter at least one value, one per line.")),
    (Widget("numbers"), ["1, 2.5,", "3"], "", ([1, 2.5, 3], None)),
    (Widget("numbers"), ["1, two"], "", ([], "“two” is not a number.")),
    (Widget("numbers"), [" , "], "", ([], "Enter at least one number, separated by commas.")),
    (Widget("date"), [" 2026-01-01 "], "", ("2026-01-01", None)),
    (Widget("text"), [], "", ("", None)),
])
def test_each_picker_reads_its_value_or_says_what_to_fix(widget, values, value2, parsed):
    assert widget.parse(values, value2) == parsed
