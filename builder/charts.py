"""Server-drawn SVG charts: pure functions from numbers to markup, no JavaScript, no CDN.

Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` that
states the figures in words; each mark carries its own `<title>` (the exact number on hover) and
the numbers are also written beside the marks, so nobody needs to hover or see colours. Pages
put a table of the same figures next to each chart. Zero or empty data draws an empty frame.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
WIDE = 960  # a chart across a whole card
ROW = 30  # height of one horizontal bar row
LABEL_WIDTH = 200
VALUE_WIDTH = 90


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


FONT_PX = 13  # .chart's font size in app.css
# Advance widths in em, rounded up from DejaVu Sans (the widest common sans-serif, Linux's
# default): a label that fits in it fits in Segoe UI, Roboto or Helvetica too.
_NARROW = set(" .,:;'!|ilIjtf()[]{}`\"/")
_WIDE = set("mwMW@%")


def _text_px(text: str) -> float:
    def em(char: str) -> float:
        if char in _NARROW:
            return 0.4
        if char in _WIDE or not char.isascii():
            return 1.0
        return 0.75 if char.isupper() else 0.64

    return sum(em(char) for char in text) * FONT_PX


def _fit(text: str, px: float) -> str:
    """The text, cut to fit `px` with an ellipsis: labels are anchored at an edge and one too
    long runs off the chart (the full text stays in the row's <title>)."""
    text = " ".join(text.split())
    if _text_px(text) <= px:
        return text
    room = px - _text_px("…")
    while text and _text_px(text) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, height: int, body: list[str],
         kind: str, width: int = WIDTH) -> SafeString:
    # Drawn at its natural size (width attribute) and only ever scaled down, so the text keeps
    # the page's size on a wide screen and the chart still fits a phone.
    cid = escape(chart_id)
    return mark_safe(
        f'<svg class="chart chart--{kind}" id="{cid}" role="img" width="{width}"'
        f' viewBox="0 0 {width} {height}"'
        f' aria-labelledby="{cid}-title" aria-describedby="{cid}-desc"'
        ' preserveAspectRatio="xMinYMin meet"'
        f' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def _describe(items: Sequence[tuple[str, float]], total: float | None = None) -> str:
    if not items:
        return "No data yet."
    parts = []
    for label, value in items:
        share = f" ({_percent(value, total)})" if total else ""
        parts.append(f"{label}: {_fmt(value)}{share}")
    return "; ".join(parts) + "."


def bar_chart(items: Sequence[tuple[str, float]], *, chart_id: str, title: str,
              total: float | None = None, width: int = WIDTH) -> SafeString:
    """Horizontal bars, one row per (label, value); `total` adds each value's share of it."""
    peak = max((value for _, value in items), default=0)
    label_width = LABEL_WIDTH if width >= WIDTH else LABEL_WIDTH * 3 // 4
    track = width - label_width - VALUE_WIDTH
    body = []
    for row, (label, value) in enumerate(items):
        y = row * ROW
        length = track * value / peak if peak else 0
        share = f" ({_percent(value, total)})" if total else ""
        body.append(
            f'<g class="chart-row"><title>{escape(label)}: {_fmt(value)}{share}</title>'
            f'<text class="chart-label" x="{label_width - 8}" y="{y + 19}" text-anchor="end">'
            f"{escape(_fit(label, label_width - 12))}</text>"
            f'<rect class="chart-track" x="{label_width}" y="{y + 6}" width="{track}"'
            f' height="{ROW - 12}" rx="3"/>'
            f'<rect class="chart-bar" x="{label_width}" y="{y + 6}" width="{length:.1f}"'
            f' height="{ROW - 12}" rx="3"/>'
            f'<text class="chart-value" x="{label_width + track + 8}" y="{y + 19}">'
            f"{_fmt(value)}{escape(share)}</text></g>"
        )
    height = max(len(items), 1) * ROW
    if not items:
        body.append(f'<text class="chart-empty" x="{width / 2}" y="{ROW / 2 + 5}"'
                    ' text-anchor="middle">No data yet</text>')
    return _svg(chart_id, title, _describe(items, total), height, body, "bars", width)


def funnel_chart(stages: Sequence[tuple[str, float]], *, chart_id: str, title: str,
                 width: int = WIDE) -> SafeString:
    """Stages as centred bars narrowing with their value, each with its share of the first."""
    first = stages[0][1] if stages else 0
    peak = max((value for _, value in stages), default=0)
    track = width - LABEL_WIDTH - VALUE_WIDTH
    centre = LABEL_WIDTH + track / 2
    body = []
    for row, (label, value) in enumerate(stages):
        y = row * ROW
        length = max(track * value / peak, 2 if value else 0) if peak else 0
        share = _percent(value, first)
        body.append(
            f'<g class="chart-row"><title>{escape(label)}: {_fmt(value)} ({share} of'
            f" {escape(stages[0][0].lower())})</title>"
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">'
            f"{escape(_fit(label, LABEL_WIDTH - 12))}</text>"
            f'<rect class="chart-bar chart-bar--{"lead" if row == 0 else "step"}"'
            f' x="{centre - length / 2:.1f}" y="{y + 4}" width="{length:.1f}"'
            f' height="{ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + track + 8}" y="{y + 19}">'
            f"{_fmt(value)} · {share}</text></g>"
        )
    desc = (_describe(stages, first) if stages else "No data yet.")
    return _svg(chart_id, title, desc, max(len(stages), 1) * ROW, body, "funnel", width)


def column_chart(items: Sequence[tuple[str, float]], *, chart_id: str, title: str,
                 width: int = WIDTH) -> SafeString:
    """Vertical columns (a histogram or a rating scale), labels below, values above."""
    height, top, bottom, left = 180, 20, 28, 10
    plot = height - top - bottom
    peak = max((value for _, value in items), default=0)
    slot = (width - 2 * left) / max(len(items), 1)
    bar = max(min(slot * 0.7, 60), 1)
    body = [f'<line class="chart-axis" x1="{left}" y1="{top + plot}" x2="{width - left}"'
            f' y2="{top + plot}"/>']
    for index, (label, value) in enumerate(items):
        h = plot * value / peak if peak else 0
        x = left + index * slot + (slot - bar) / 2
        cx = x + bar / 2
        body.append(
            f'<g class="chart-col"><title>{escape(label)}: {_fmt(value)}</title>'
            f'<rect class="chart-bar" x="{x:.1f}" y="{top + plot - h:.1f}" width="{bar:.1f}"'
            f' height="{h:.1f}" rx="2"/>'
            f'<text class="chart-value" x="{cx:.1f}" y="{top + plot - h - 5:.1f}"'
            f' text-anchor="middle">{_fmt(value)}</text>'
            f'<text class="chart-label" x="{cx:.1f}" y="{height - 9}" text-anchor="middle">'
            f"{escape(_fit(label, slot - 4))}</text></g>"
        )
    if not items:
        body.append(f'<text class="chart-empty" x="{width / 2}" y="{height / 2}"'
                    ' text-anchor="middle">No data yet</text>')
    return _svg(chart_id, title, _describe(items), height, body, "columns", width)


def line_chart(days: Sequence[date], series: Sequence[tuple[str, Sequence[float]]], *,
               chart_id: str, title: str, width: int = WIDE) -> SafeString:
    """One line per (name, values by day), a point per day with its exact value on hover."""
    height, top, bottom, left, right = 220, 16, 30, 44, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, values in series for v in values), default=0)
    floor = min([0, *(v for _, values in series for v in values)])  # below 0 for a score
    scale = (peak - floor) or 1
    step = plot_w / (len(days) - 1) if len(days) > 1 else 0

    def point(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(days) > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * (v - floor) / scale

    body = [
        f'<line class="chart-axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}"'
        f' y2="{top + plot_h}"/>',
        f'<text class="chart-label" x="{left - 6}" y="{top + 4}" text-anchor="end">'
        f"{_fmt(peak)}</text>",
        f'<text class="chart-label" x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end">'
        f"{_fmt(floor)}</text>",
    ]
    if days:
        for index in sorted({0, len(days) - 1}):
            x, _ = point(index, 0)
            anchor = "start" if index == 0 and len(days) > 1 else "end" if index else "middle"
            body.append(f'<text class="chart-label" x="{x:.1f}" y="{height - 8}"'
                        f' text-anchor="{anchor}">{days[index]:%-d %b %Y}</text>')
    descs = []
    for number, (name, values) in enumerate(series):
        points = [point(i, v) for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline class="chart-line chart-line--{number}" points="{path}"/>')
        for (x, y), day, value in zip(points, days, values, strict=True):
            body.append(f'<circle class="chart-dot chart-line--{number}" cx="{x:.1f}"'
                        f' cy="{y:.1f}" r="3"><title>{escape(name)}, {day:%-d %b %Y}:'
                        f" {_fmt(value)}</title></circle>")
        descs.append(f"{name}: {_fmt(sum(values))} in total, at most {_fmt(max(values, default=0))}"
                     " a day")
    if days:
        desc = f"From {days[0]:%-d %b %Y} to {days[-1]:%-d %b %Y}. " + "; ".join(descs) + "."
    else:
        desc = "No data yet."
        body.append(f'<text class="chart-empty" x="{width / 2}" y="{height / 2}"'
                    ' text-anchor="middle">No data yet</text>')
    return _svg(chart_id, title, desc, height, body, "line", width)
