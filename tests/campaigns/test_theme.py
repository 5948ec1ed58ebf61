import json

import pytest

from campaigns.blueprints import GALLERY_DIR
from campaigns.theme import (
    AA_TEXT,
    CARD_TEXT_SHARE,
    contrast_ratio,
    focus_ring,
    mix,
    relative_luminance,
    theme_contrast,
)


@pytest.mark.parametrize(("a", "b", "expected"), [
    # Reference values from the WCAG definition and WebAIM's contrast checker.
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),
    ("#767676", "#ffffff", 4.54),
    ("#595959", "#ffffff", 7.0),
    ("#ff0000", "#ffffff", 4.0),
    ("#0000ff", "#ffffff", 8.59),
    ("#4f46e5", "#ffffff", 6.29),
    ("#111827", "#ffffff", 17.74),
])
def test_contrast_ratio_matches_known_wcag_values(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(b, a) == contrast_ratio(a, b)


def test_luminance_ends_and_case():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        relative_luminance("red")


def test_theme_contrast_flags_each_failing_pair():
    good = theme_contrast(primary="#4f46e5", background="#ffffff", text="#111827")
    assert [c.passes for c in good] == [True, True, True]
    poor = theme_contrast(primary="#facc15", background="#ffffff", text="#aaaaaa")
    assert [(c.name, c.passes) for c in poor] == [("text", False), ("button", False),
                                                  ("link", False)]
    assert all(c.ratio < AA_TEXT for c in poor)
    # A dark background: white labels on a dark primary pass, but links in it do not.
    dark = theme_contrast(primary="#1d4ed8", background="#0f172a", text="#f8fafc")
    assert [(c.name, c.passes) for c in dark] == [("text", True), ("button", True),
                                                  ("link", False)]


def test_a_ratio_just_under_the_threshold_never_shows_as_passing():
    check = theme_contrast(primary="#777777", background="#ffffff", text="#111827")[1]
    assert not check.passes
    assert check.shown == "4.47:1"


GALLERY_THEMES = [json.loads(path.read_text())["theme"] for path in GALLERY_DIR.glob("*.json")]


@pytest.mark.parametrize("theme", [
    *GALLERY_THEMES,
    {"primary": "#fde68a", "background": "#ffffff", "text": "#111827"},  # pale primary
    {"primary": "#4f46e5", "background": "#111827", "text": "#f9fafb"},  # dark page
    {"primary": "#777777", "background": "#808080", "text": "#888888"},  # all mid-grey
], ids=lambda theme: f"{theme['primary']}-on-{theme['background']}")
def test_the_focus_ring_stands_out_3_to_1_from_the_page_and_its_cards(theme):
    colour = focus_ring(primary=theme["primary"], background=theme["background"],
                        text=theme["text"])
    card = mix(theme["background"], theme["text"], CARD_TEXT_SHARE)
    assert contrast_ratio(colour, theme["background"]) >= 3
    assert contrast_ratio(colour, card) >= 3


def test_the_focus_ring_is_the_primary_colour_when_that_stands_out_else_the_text():
    assert focus_ring(primary="#4f46e5", background="#ffffff", text="#111827") == "#4f46e5"
    assert focus_ring(primary="#fde68a", background="#ffffff", text="#111827") == "#111827"
    assert focus_ring(primary="#777777", background="#808080", text="#888888") == "#000000"


def test_mix_matches_css_color_mix_in_srgb():
    assert mix("#ffffff", "#000000", 0.04) == "#f5f5f5"
    assert mix("#fffaf3", "#2b1d14", 0.5) == "#958c84"
