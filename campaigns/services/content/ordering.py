"""Positions of siblings (steps of a campaign, questions of a step, ...): always 0..n-1."""

from __future__ import annotations

from django.db.models import Model, QuerySet


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
