"""What goes into one CSV cell: text made safe for spreadsheets, numbers and times as themselves."""

from datetime import UTC, datetime

# A spreadsheet reads a cell starting with one of these as a formula (or strips the control
# character and reads what follows as one): CSV injection, OWASP's list.
FORMULA_STARTS = "=+-@\t\r\0"


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it; shown as typed."""
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def number(value: float | int | None) -> str:
    """A number we computed (never visitor text): plain digits, no neutralising needed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def moment(value: datetime | str | None) -> str:
    """A timestamp in UTC, in the form spreadsheets parse as a date and time. A string is the
    database's own text of a UTC timestamp ("2026-05-01 12:00:00.123+00"): its first 19
    characters are that form already."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:19]
    return value.astimezone(UTC).isoformat(" ", "seconds")[:19]
