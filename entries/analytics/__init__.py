"""Results of a campaign, computed with aggregate queries (GROUP BY, COUNT, window functions),
the same on SQLite and PostgreSQL. Builder views call `results(scope)`; each part is also its own
function for callers that need one figure.

A fixed number of queries whatever the number of entries: the results page of a campaign with
100,000 entries and 1,000,000 interactions is measured in bench/analytics.py.
"""

from dataclasses import dataclass

from entries.analytics.answers import QuestionFigures, questions
from entries.analytics.audience import (
    Day,
    Referrals,
    Row,
    Shares,
    daily,
    outcomes,
    referrals,
    shares,
    sources,
    utm_campaigns,
    utm_mediums,
)
from entries.analytics.funnel import StepFigures, Totals, steps, totals
from entries.analytics.scope import Scope

__all__ = ["Results", "Scope", "results"]


@dataclass(frozen=True)
class Results:
    totals: Totals
    steps: list[StepFigures]
    questions: list[QuestionFigures]
    outcomes: list[Row]
    daily: list[Day]
    sources: list[Row]
    utm_campaigns: list[Row]
    utm_mediums: list[Row]
    referrals: Referrals
    shares: list[Shares]

    @property
    def empty(self) -> bool:
        return not self.totals.starts and not self.totals.views


def results(scope: Scope) -> Results:
    return Results(
        totals=totals(scope),
        steps=steps(scope),
        questions=questions(scope),
        outcomes=outcomes(scope),
        daily=daily(scope),
        sources=sources(scope),
        utm_campaigns=utm_campaigns(scope),
        utm_mediums=utm_mediums(scope),
        referrals=referrals(scope),
        shares=shares(scope),
    )
