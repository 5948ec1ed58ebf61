"""A campaign's results: the funnel, time per step, answers, outcomes, days, sources, referrals.

One URL; the filter form (version, days) reloads the page without JavaScript and swaps only the
results region over HTMX. The figures come from entries.analytics; the pictures from
builder.charts.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from builder import charts
from builder.access import campaign_view
from builder.templatetags.results_format import plain_title
from campaigns import flow
from campaigns.models import Campaign
from campaigns.services.translations import language_name
from entries.analytics import Results, Scope, results
from entries.analytics.texts import TEXT_KINDS, text_answers

HALF = 440  # charts in a half-width card


class ResultsFilter(forms.Form):
    version = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                     label="Version")
    start = forms.DateField(required=False, label="From",
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To",
                          widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.TypedChoiceField(required=False, empty_value=None, label="Language")

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        versions = campaign.versions.order_by("-number").values_list("pk", "number")
        self.fields["version"].choices = [("", "All versions"),
                                          *((pk, f"v{number}") for pk, number in versions)]
        if len(campaign.languages) > 1:
            self.fields["language"].choices = [
                ("", "All languages"),
                *((code, language_name(code)) for code in campaign.languages)]
        else:  # one language: nothing to split by
            del self.fields["language"]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The last day must be on or after the first day.")
        return data

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_error"})


@require_GET
@campaign_view()
def campaign_results(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    form = ResultsFilter(request.GET or None, campaign=campaign)
    scope = Scope(campaign)
    if form.is_bound and form.is_valid():
        scope = Scope(campaign, version_id=form.cleaned_data["version"],
                      start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                      language=form.cleaned_data.get("language"))
    figures = results(scope)
    context = {"campaign": campaign, "form": form, "scope": scope, "results": figures,
               "charts": _charts(figures), "filtered": scope != Scope(campaign),
               "presets": _presets(request, scope),
               "texts": {q.key: text_answers(scope, q.key) for q in figures.questions
                         if q.kind in TEXT_KINDS},
               "scope_fields": _scope_fields(scope),
               "scope_query": urlencode(_scope_fields(scope))}
    template = "builder/_results.html" if request.htmx else "builder/results.html"
    return render(request, template, context)


def _presets(request: HttpRequest, scope: Scope) -> list[dict]:
    """Links for the usual ranges (today included), keeping the chosen version."""
    today = timezone.localdate()
    links = []
    for label, days in (("Last 7 days", 7), ("Last 30 days", 30), ("All time", None)):
        query = {"version": scope.version_id or ""}
        start = today - timedelta(days=days - 1) if days else None
        if start:
            query.update(start=start.isoformat(), end=today.isoformat())
        links.append({"label": label, "query": urlencode(query),
                      "current": (scope.start, scope.end) == ((start, today) if days else
                                                              (None, None))})
    return links


def _charts(figures: Results) -> dict:
    totals = figures.totals
    stages = [("Views", totals.views), ("Starts", totals.starts),
              *((plain_title(s.title), s.reached) for s in figures.steps),
              ("Completions", totals.completions)]
    return {
        "funnel": charts.funnel_chart(stages, chart_id="chart-funnel",
                                      title="Funnel: views, starts, each step, completions"),
        "daily": charts.line_chart(
            [d.day for d in figures.daily],
            [("Started", [d.started for d in figures.daily]),
             ("Completed", [d.completed for d in figures.daily])],
            chart_id="chart-daily", title="Entries per day"),
        "outcomes": charts.bar_chart([(r.label, r.entries) for r in figures.outcomes],
                                     chart_id="chart-outcomes", title="Outcomes",
                                     total=totals.completions, width=HALF),
        "sources": charts.bar_chart([(r.label, r.entries) for r in figures.sources],
                                    chart_id="chart-sources", title="Entries by source",
                                    total=totals.starts, width=HALF),
        "questions": {
            q.key: (charts.column_chart if q.chart == "histogram" else charts.bar_chart)(
                [(b.label, b.count) for b in q.bars], chart_id=f"chart-q-{q.key}",
                title=f"Answers to “{q.label}”", width=HALF,
                **({"total": q.answered} if q.chart == "bars" else {}))
            for q in figures.questions if q.chart != "count"
        },
        "nps": {
            q.key: charts.line_chart(
                [week for week, _ in q.nps_weeks],
                [("NPS", [nps.score for _, nps in q.nps_weeks])],
                chart_id=f"chart-nps-{q.key}", title=f"NPS per week for “{q.label}”",
                width=HALF)
            for q in figures.questions if q.nps is not None and q.nps_weeks
        },
    }


def _scope_fields(scope: Scope) -> list[tuple[str, str]]:
    """The filter of the results page, carried by the text answers' search and pages."""
    return [(name, str(value)) for name, value in (
        ("version", scope.version_id), ("start", scope.start), ("end", scope.end),
        ("language", scope.language)) if value]


@require_GET
@campaign_view()
def text_answers_view(request: HttpRequest, campaign: Campaign, question_key: str) -> HttpResponse:
    """One text question's answers: a page without JavaScript, the list alone over HTMX."""
    form = ResultsFilter(request.GET, campaign=campaign)
    scope = Scope(campaign)
    if form.is_valid():
        scope = Scope(campaign, version_id=form.cleaned_data["version"],
                      start=form.cleaned_data["start"], end=form.cleaned_data["end"],
                      language=form.cleaned_data.get("language"))
    question = next((q for _, definition in scope.definitions
                     for key, q in definition.questions_by_key.items()
                     if key == question_key and q.kind in TEXT_KINDS), None)
    if question is None:
        raise Http404("No text question with this key.")
    page = request.GET.get("page", "1")
    texts = text_answers(scope, question_key, query=request.GET.get("q", ""),
                         page=int(page) if page.isdigit() and len(page) < 7 else 1)
    context = {"campaign": campaign, "question": question, "texts": texts,
               "label": flow.untagged(question.label) or question.key,
               "scope_fields": _scope_fields(scope),
               "scope_query": urlencode(_scope_fields(scope))}
    template = "builder/_text_answer_list.html" if request.htmx else "builder/text_answers.html"
    return render(request, template, context)
