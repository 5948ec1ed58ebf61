import pytest

from campaigns.theme import AA_TEXT, contrast_ratio, relative_luminance, theme_contrast


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
    with pytest.raises(ValueError):
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
