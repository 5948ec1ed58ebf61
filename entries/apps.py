from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Entries, emails and contests"

    def ready(self) -> None:
        from entries import signals  # noqa: F401  (connects the contest receivers)
