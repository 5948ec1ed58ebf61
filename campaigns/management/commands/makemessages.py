"""Django's makemessages, also collecting the flow engine's texts: campaigns/flow/ builds them with
`message(...)` and `plural_message(...)` (campaigns/flow/messages.py), not Django's gettext."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options,
                        "--keyword=message:1", "--keyword=plural_message:1,2"]
