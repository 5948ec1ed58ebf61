"""The SVG chart functions on their own: well-formed, labelled, exact values, zero-safe."""

from datetime import date, timedelta
from xml.etree import ElementTree

import pytest

from builder import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    return root


def texts(root) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def hovers(root) -> list[str]:
    return [t.text for t in root.iter(f"{NS}title")][1:]


def test_bar_chart_labels_values_shares_and_lengths():
    root = parse(charts.bar_chart([("Coffee", 3), ("Tea", 1)], chart_id="c", title="Drinks",
                                  total=4))
    assert root.find(f"{NS}title").text == "Drinks"
    assert root.find(f"{NS}desc").text == "Coffee: 3 (75%); Tea: 1 (25%)."
    assert texts(root) == ["Coffee", "3 (75%)", "Tea", "1 (25%)"]
    assert hovers(root) == ["Coffee: 3 (75%)", "Tea: 1 (25%)"]
    bars = [float(r.get("width")) for r in root.iter(f"{NS}rect") if r.get("class") == "chart-bar"]
    assert bars[0] == pytest.approx(3 * bars[1], rel=0.01)


def test_labels_are_escaped():
    svg = charts.bar_chart([("<script>&", 1)], chart_id='x"y', title="A & <b>")
    root = parse(svg)
    assert "<script>" not in svg
    assert texts(root)[0] == "<script>&"
    assert root.get("id") == 'x"y'
    assert root.find(f"{NS}title").text == "A & <b>"


@pytest.mark.parametrize("draw", [charts.bar_chart, charts.funnel_chart, charts.column_chart])
def test_zero_and_empty_data_draw_a_frame(draw):
    empty = parse(draw([], chart_id="e", title="Nothing"))
    assert empty.find(f"{NS}desc").text == "No data yet."
    zeros = parse(draw([("A", 0), ("B", 0)], chart_id="z", title="Zeros"))
    widths = [float(r.get("width")) for r in zeros.iter(f"{NS}rect")
              if "chart-bar" in r.get("class")]
    heights = [float(r.get("height")) for r in zeros.iter(f"{NS}rect")
               if "chart-bar" in r.get("class")]
    assert all(w == 0 for w in widths) or all(h == 0 for h in heights)


def test_funnel_shares_are_of_the_first_stage():
    root = parse(charts.funnel_chart([("Views", 200), ("Starts", 50), ("Done", 10)],
                                     chart_id="f", title="Funnel"))
    assert texts(root)[1::2] == ["200 · 100%", "50 · 25%", "10 · 5%"]
    assert hovers(root)[2] == "Done: 10 (5% of views)"
    widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
    assert widths == sorted(widths, reverse=True)


def test_column_chart_heights_follow_values():
    root = parse(charts.column_chart([("1", 1), ("2", 4), ("3", 0)], chart_id="h",
                                     title="Ratings"))
    heights = [float(r.get("height")) for r in root.iter(f"{NS}rect")]
    assert heights[1] == pytest.approx(4 * heights[0])
    assert heights[2] == 0
    assert hovers(root) == ["1: 1", "2: 4", "3: 0"]


def test_line_chart_points_and_description():
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(3)]
    root = parse(charts.line_chart(days, [("Started", [2, 0, 5]), ("Completed", [1, 0, 3])],
                                   chart_id="l", title="Per day"))
    assert len(list(root.iter(f"{NS}polyline"))) == 2
    assert "Started, 3 Mar 2026: 5" in hovers(root)
    assert root.find(f"{NS}desc").text == ("From 1 Mar 2026 to 3 Mar 2026. Started: 7 in total, "
                                            "at most 5 a day; Completed: 4 in total, at most 3 "
                                            "a day.")
    ys = [float(c.get("cy")) for c in root.iter(f"{NS}circle")][:3]
    assert ys[2] < ys[0] < ys[1]  # higher values are drawn higher up


def test_line_chart_one_day_and_no_days():
    one = parse(charts.line_chart([date(2026, 3, 1)], [("Started", [0])], chart_id="o",
                                  title="One"))
    assert len(list(one.iter(f"{NS}circle"))) == 1
    none = parse(charts.line_chart([], [("Started", [])], chart_id="n", title="None"))
    assert none.find(f"{NS}desc").text == "No data yet."


@pytest.mark.parametrize("draw", [charts.bar_chart, charts.funnel_chart])
def test_a_long_label_is_cut_with_an_ellipsis_and_kept_whole_in_its_title(draw):
    """Labels end at the bars, anchored on their right: one longer than the label column once
    ran off the chart's left edge ("t's Saturday morning")."""
    long = "It's Saturday morning and the whole weekend is yours: where do you go first?"
    root = parse(draw([(long, 3), ("Short", 1)], chart_id="l", title="Steps"))
    shown = texts(root)[0]
    assert shown.startswith("It's Saturday")
    assert shown.endswith("…")
    assert len(shown) < len(long)
    assert charts._text_px(shown) <= charts.LABEL_WIDTH - 12
    assert hovers(root)[0].startswith(long)
    assert texts(root)[2] == "Short"


def test_wide_letters_are_cut_sooner_than_narrow_ones():
    assert len(charts._fit("W" * 60, 150)) < len(charts._fit("i" * 60, 150))
    assert charts._fit("Fits easily", 150) == "Fits easily"
