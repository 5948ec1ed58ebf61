"""What every editor view does: find the item, answer a save, a refusal or a confirmation.

After a write an HTMX request gets the changed fragment plus, out of band, the draft's status
(new revision, problem count) and any messages; a plain request is redirected to the editor at
the item. A refused write (invalid, or stale: someone saved in between) re-renders the form
with what was typed and the reason, as a fragment or as the whole page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from builder.editor.page import Editor
from builder.htmx import fragment, out_of_band_only, written
from campaigns.models import Campaign
from campaigns.services.content import Usage
from campaigns.services.drafts import StaleDraft, parse_revision

Pick = Callable[[Editor], dict]


def posted_revision(request: HttpRequest) -> int | None:
    return parse_revision(request.POST.get("revision"))


def posted_id(request: HttpRequest, name: str) -> int:
    """An id a form posted; 0 (found nowhere, so a 404) when it is not a number."""
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return 0


def editor_url(campaign: Campaign, anchor: str = "") -> str:
    url = reverse("builder:editor", args=[campaign.pk])
    return f"{url}#{anchor}" if anchor else url


def add_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError shown next to its fields (on the form if it has no field)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def move_position(request: HttpRequest, current: int) -> int:
    """Where a move goes: `direction` up/down (buttons) or `position` (drag and drop)."""
    direction = request.POST.get("direction")
    if direction == "up":
        return max(current - 1, 0)
    if direction == "down":
        return current + 1
    try:
        return max(int(request.POST.get("position", current)), 0)
    except ValueError:
        return current


def page(request: HttpRequest, editor: Editor) -> HttpResponse:
    return render(request, "builder/editor/page.html", {"ed": editor,
                                                       "campaign": editor.campaign})


def _status(context: dict) -> list[tuple[str, dict]]:
    """Out of band after every editor write: the draft's status and the messages."""
    return [("builder/editor/_status.html", {**context, "oob": True}),
            ("_messages.html", {"oob": True})]


def _fragment(request: HttpRequest, editor: Editor, template: str, pick: Pick,
              target: str = "") -> HttpResponse:
    context = {"ed": editor, "campaign": editor.campaign, **pick(editor)}
    return fragment(request, template, context, oob=_status(context), target=target)


def saved(request: HttpRequest, campaign: Campaign, *, anchor: str, template: str,
          pick: Pick, opened: str = "", retarget: str = "") -> HttpResponse:
    """After a write: the changed fragment (into `retarget` when the form aimed elsewhere,
    e.g. a delete form aimed at its item for the confirmation), or the editor at `anchor`."""
    def region() -> HttpResponse:
        campaign.refresh_from_db()
        editor = Editor(campaign, request.membership, opened=opened)
        return _fragment(request, editor, template, pick, target=retarget)

    return written(request, to=editor_url(campaign, anchor), region=region)


def refused(request: HttpRequest, campaign: Campaign, *, form: Form, anchor: str,
            template: str, pick: Pick, stale: Exception | None = None) -> HttpResponse:
    """The form again with what was typed and why it was not saved."""
    form.stale_message = str(stale) if stale else ""
    editor = Editor(campaign, request.membership, revision=posted_revision(request),
                    bound={form.prefix: form}, opened=anchor, stale=form.stale_message)
    if request.htmx:
        return _fragment(request, editor, template, pick)
    return page(request, editor)


def write_form(request: HttpRequest, campaign: Campaign, *, form: Form,
               write: Callable[[int | None], object], opened: Callable[[object], str],
               anchor: str, template: str, pick: Pick) -> HttpResponse:
    """The one flow of a form that adds or saves an item: valid, `write(revision)` calls the
    service and the item it returns opens at `opened(item)`; invalid or stale, the form comes
    back at `anchor` with what was typed and why."""
    if form.is_valid():
        try:
            item = write(posted_revision(request))
        except StaleDraft as stale:
            return refused(request, campaign, form=form, anchor=anchor, template=template,
                           pick=pick, stale=stale)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, campaign, anchor=opened(item), template=template, pick=pick,
                         opened=opened(item))
    return refused(request, campaign, form=form, anchor=anchor, template=template, pick=pick)


def item_fragment(request: HttpRequest, campaign: Campaign, *, anchor: str, template: str,
                  pick: Pick) -> HttpResponse:
    """GET of an item: its fragment (e.g. to cancel a delete), or the editor at it."""
    if not request.htmx:
        return redirect(editor_url(campaign, anchor))
    editor = Editor(campaign, request.membership)
    return render(request, template, {"ed": editor, "campaign": campaign, **pick(editor)})


def report_broken(request: HttpRequest, what: str, broken: list[Usage]) -> None:
    if broken:
        places = "; ".join(str(usage) for usage in broken[:8])
        more = f" and {len(broken) - 8} more" if len(broken) > 8 else ""
        messages.warning(request, f"Deleted {what}. These now refer to nothing and need "
                                  f"fixing: {places}{more}.")
    else:
        messages.success(request, f"Deleted {what}.")


def stale_or_error(request: HttpRequest, campaign: Campaign, error: Exception,
                   *, anchor: str) -> HttpResponse:
    """A refused action without a form of its own (move, duplicate, delete): say why."""
    is_stale = not isinstance(error, ValidationError)
    text = str(error) if is_stale else error.messages[0]
    messages.error(request, text)
    if request.htmx:
        editor = Editor(campaign, request.membership, revision=posted_revision(request),
                        stale=text if is_stale else "")
        return out_of_band_only(request, _status({"ed": editor, "campaign": campaign}))
    return redirect(editor_url(campaign, anchor))
