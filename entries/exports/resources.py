"""The django-import-export Resource of entries: the export's columns, declared for the admin.

Its fields are the wide export's columns (entries.exports.columns), so the admin's export and the
builder's streaming export have the same headers and cells. The question columns depend on the
campaigns being exported: one pseudo-field, "Answers", stands for them in the admin's field
picker and expands into one field per question key once the queryset is known.

`Resource.export()` builds a whole `tablib.Dataset` in memory: fine for the admin's filtered
pages, not for a million rows. The builder streams with entries.exports.stream instead.
"""

from __future__ import annotations

from import_export import fields, resources

from entries.exports.columns import Column, row_from_entry, version_numbers, wide_columns
from entries.models import Entry

ANSWERS = "answers"


def _field(column: Column) -> fields.Field:
    return fields.Field(attribute=column.name, column_name=column.header,
                        dehydrate_method=column.value, readonly=True)


class EntryResource(resources.ModelResource):
    class Meta:
        model = Entry
        fields = ("id",)  # every column is declared in __init__ from the export's columns
        name = "Entries (one row per entry, one column per question)"

    def __init__(self, campaigns=None, **kwargs):
        super().__init__(**kwargs)
        self._set_columns(wide_columns(campaigns or []))

    def _set_columns(self, columns: list[Column]) -> None:
        self.question_fields = [c.name for c in columns if c.name.startswith("answer_")]
        self.fields = {c.name: _field(c) for c in columns if not c.name.startswith("answer_")}
        fixed = list(self.fields)
        # The pseudo-field sits where the question columns go, between entry and contest fields.
        at = fixed.index("consent")
        answer_fields = {c.name: _field(c) for c in columns if c.name.startswith("answer_")}
        self.fields = {
            **{name: self.fields[name] for name in fixed[:at]},
            ANSWERS: fields.Field(attribute=ANSWERS, column_name="Answers", readonly=True),
            **answer_fields,
            **{name: self.fields[name] for name in fixed[at:]},
        }

    def get_export_order(self):
        return tuple(name for name in self.fields if name not in self.question_fields)

    def get_export_fields(self, selected_fields=None):
        chosen = selected_fields or list(self.fields)
        names = []
        for name in self.fields:
            if name == ANSWERS:
                continue
            if name in self.question_fields:
                if ANSWERS in chosen or name in chosen:
                    names.append(name)
            elif name in chosen:
                names.append(name)
        return [self.fields[name] for name in names]

    def before_export(self, queryset, **kwargs):
        campaign_ids = list(queryset.order_by().values_list("campaign_id", flat=True).distinct())
        self._set_columns(wide_columns(campaign_ids, version_numbers(campaign_ids)))

    def export_resource(self, instance, selected_fields=None, **kwargs):
        row = row_from_entry(instance)
        row["answers"] = {a.question_key: a.value for a in instance.answers.all()}
        return [self.export_field(field, row, **kwargs)
                for field in self.get_export_fields(selected_fields)]

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("answers")
