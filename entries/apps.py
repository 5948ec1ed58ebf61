from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Entries, emails and contests"

    def ready(self) -> None:
        from entries import checks, signals  # noqa: F401, PLC0415  (ready() registers them)
