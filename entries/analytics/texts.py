"""Free-text answers to one question, newest first, searchable and in pages."""

from dataclasses import dataclass

from django.db.models import Func, TextField

from entries.analytics.scope import Scope
from entries.models import Answer

TEXT_KINDS = frozenset({"short_text", "long_text"})
MAX_QUERY = 200


class JsonText(Func):
    """A JSON string value as plain text (unescaped), so a search finds "café" as typed."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} #>> '{{}}')", params

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, '$')", params


@dataclass(frozen=True)
class TextAnswer:
    entry_id: int
    text: str
    answered_at: object


@dataclass(frozen=True)
class TextAnswers:
    key: str
    query: str
    page: int
    pages: int
    total: int
    rows: list[TextAnswer]

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def text_answers(scope: Scope, key: str, *, query: str = "", page: int = 1,
                 size: int = 10) -> TextAnswers:
    """The non-empty answers to `key` in scope containing `query` (any case), page `page`."""
    query = " ".join(query.split())[:MAX_QUERY]
    answers = (Answer.objects.filter(scope.entry_q("entry__"), question_key=key)
               .annotate(text=JsonText("value")).exclude(text__isnull=True).exclude(text=""))
    if query:
        answers = answers.filter(text__icontains=query)
    total = answers.count()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    rows = [TextAnswer(entry_id, text, at) for entry_id, text, at in
            answers.order_by("-answered_at", "-id")
            .values_list("entry_id", "text", "answered_at")[(page - 1) * size: page * size]]
    return TextAnswers(key=key, query=query, page=page, pages=pages, total=total, rows=rows)
