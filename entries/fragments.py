"""A published step's form, rendered once and reused for every visitor it looks the same to.

Rendering a step's form (entries/_step.html and its question templates) was most of what an
HTMX submit costs beyond a plain one. A published version never changes, so two visitors' forms
for one step differ only by what is theirs: the entry's token (in the form's URLs), the texts
that recall their answers, whether they may go back, their language, and what they typed or got
wrong. The key holds all of these but the token and the typed values: the first render for a
key is kept with a placeholder where the token goes, and later visitors get the kept text with
their own token put in. A form showing typed values, errors or a notice, the start form (no
entry yet) and the builder's preview of a draft have no key and are rendered every time.

Whatever _step.html shows that differs between visitors must be part of `step_key`;
tests/entries/test_fragments.py compares the kept forms with plain renders for every gallery
template, mode and language.
"""

import copy
import secrets
from typing import Any

from django.urls import get_script_prefix
from django.utils import translation

from entries.models import Entry

KEPT_MAX = 512  # forms kept per process; the oldest goes first
# Stands for the token while a form is rendered to be kept: the tokens' own alphabet, so URLs
# take it as they take a token, and random, so no text can hold it by chance.
PLACEHOLDER = secrets.token_urlsafe(24)

_kept: dict[tuple, str] = {}


def step_key(entry: Entry, parts: dict[str, Any], *, live: bool) -> tuple | None:
    """What a step's form depends on besides the entry's token, or None when it is not kept.
    `parts`: the step's own context (step, title, body, questions, errors, notice, can_go_back)."""
    questions = parts["questions"]
    if (not live or not entry.pk or parts["notice"] or parts["errors"]
            or any(q["values"] for q in questions)):
        return None
    return (entry.version_id, parts["step"].key, translation.get_language(),
            get_script_prefix(), entry.campaign.slug, parts["can_go_back"], parts["title"],
            parts["body"],
            tuple((q["q"].key, q["label"], q["help"]) for q in questions))


def render_step(key: tuple | None, context, render) -> str:
    """The form for `context`: `render(context)` itself, or the form kept under `key`."""
    if key is None:
        return render(context)
    entry = context["entry"]
    kept = _kept.get(key)
    if kept is None:
        stand_in = copy.copy(entry)
        stand_in.token = PLACEHOLDER
        with context.push(entry=stand_in,
                          form_url=context["form_url"].replace(entry.token, PLACEHOLDER)):
            kept = render(context)
        if len(_kept) >= KEPT_MAX:
            _kept.pop(next(iter(_kept)), None)  # another thread may have dropped it
        _kept[key] = kept
    return kept.replace(PLACEHOLDER, entry.token)


def forget_all() -> None:
    """Forget every kept form in this process (tests reuse version ids)."""
    _kept.clear()
