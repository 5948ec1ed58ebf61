"""Positions of siblings (steps of a campaign, questions of a step, ...): always 0..n-1, and
the one move and the one delete of a draft item."""

from __future__ import annotations

from contextlib import contextmanager

from django.db.models import Model, QuerySet

from campaigns.services.drafts import draft_edit


def place(siblings: QuerySet, item: Model, position: int | None) -> None:
    """Put `item` at `position` among `siblings` (None or past the end: last) and renumber."""
    others = [sibling for sibling in siblings.order_by("position", "id") if sibling.pk != item.pk]
    index = len(others) if position is None else max(0, min(position, len(others)))
    others.insert(index, item)
    renumber(others)


def renumber(items: list[Model]) -> None:
    changed = []
    for index, sibling in enumerate(items):
        if sibling.position != index:
            sibling.position = index
            changed.append(sibling)
    if changed:
        type(items[0]).objects.bulk_update(changed, ["position"])


def after(siblings: QuerySet, item: Model) -> int:
    """The position just after `item`, for a copy inserted beside it."""
    ordered = list(siblings.order_by("position", "id").values_list("pk", flat=True))
    return ordered.index(item.pk) + 1


def draft_move(item: Model, *, siblings: QuerySet, campaign, by, revision: int | None,
               position: int, name: str) -> Model:
    """The one move of a draft item: to `position` (0-based) among `siblings`, one edit."""
    with draft_edit(campaign=campaign, by=by, revision=revision,
                    summary=f"moved {name} to position {position + 1}"):
        place(siblings, item, position)
    return item


@contextmanager
def draft_delete(item: Model, *, siblings: QuerySet, campaign, by, revision: int | None,
                 name: str):
    """The one delete of a draft item, one edit: the block tidies what points at `item`, then
    it goes and `siblings` close the gap."""
    with draft_edit(campaign=campaign, by=by, revision=revision, summary=f"deleted {name}"):
        yield
        item.delete()
        renumber(list(siblings))
