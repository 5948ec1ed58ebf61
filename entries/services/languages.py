"""The language an entry is answered in."""

from entries.models import Entry


def entry_language_set(*, entry: Entry, language: str) -> Entry:
    """The visitor switched language: later pages and emails use it; the answers stay."""
    entry.language = language
    Entry.objects.filter(pk=entry.pk).update(language=language)
    return entry
