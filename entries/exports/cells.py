"""What goes into one CSV cell: text made safe for spreadsheets, numbers and times as themselves."""

from datetime import UTC, datetime

# A spreadsheet reads a cell starting with one of these as a formula (or strips the control
# character and reads what follows as one): CSV injection, OWASP's list.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it; shown as typed."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def number(value: float | int | None) -> str:
    """A number we computed (never visitor text): plain digits, no neutralising needed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def moment(value: datetime | None) -> str:
    """A timestamp in UTC, in the form spreadsheets parse as a date and time."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
