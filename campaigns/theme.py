"""Colour contrast of a campaign's theme, by WCAG 2.1's formulas (no Django, no ORM).

The builder's theme page shows the same figures live (static/builder/theme.js mirrors these two
functions); the server's answer is the one saved with the form.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA for normal-size text (1.4.3).
AA_TEXT = 4.5
# The runtime draws button labels in white on the primary colour (static/css/runtime.css).
BUTTON_TEXT = "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour, from 0 (black) to 1 (white)."""
    if not COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1.0 for equal colours, 21.0 at most."""
    a, b = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class ContrastCheck:
    name: str  # "text" or "button": which pair of the theme
    label: str
    foreground: str
    background: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= AA_TEXT

    @property
    def shown(self) -> str:
        # Truncated, not rounded: 4.499 must never read as a passing "4.5".
        return f"{int(self.ratio * 100) / 100:.2f}:1"


def theme_contrast(*, primary: str, background: str, text: str) -> list[ContrastCheck]:
    """The pairs visitors read: text on the background, button labels on the primary, and
    links, which the runtime draws in the primary colour on the background."""
    return [
        ContrastCheck("text", "Text on background", text, background,
                      contrast_ratio(text, background)),
        ContrastCheck("button", "Button text on primary", BUTTON_TEXT, primary,
                      contrast_ratio(BUTTON_TEXT, primary)),
        ContrastCheck("link", "Links on background", primary, background,
                      contrast_ratio(primary, background)),
    ]


# WCAG 2.2 (1.4.11, 2.4.13): a focus indicator contrasts at least 3:1 with what is next to it.
AA_FOCUS = 3.0
# The runtime's cards are the background mixed with 4% of the text colour (static/css/runtime.css,
# .rt-card); the focus ring is drawn on them, or on the page background just outside them.
CARD_TEXT_SHARE = 0.04


def mix(first: str, second: str, share_of_second: float) -> str:
    """CSS `color-mix(in srgb, first, second share)`, as `#rrggbb`."""
    channels = (round(int(first[i:i + 2], 16) * (1 - share_of_second)
                      + int(second[i:i + 2], 16) * share_of_second) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)


@lru_cache(maxsize=256)  # every runtime page asks it of a few themes
def focus_ring(*, primary: str, background: str, text: str) -> str:
    """The colour of the runtime's focus indicators: the primary colour where it stands out
    3:1 from both the page and the cards on it, else the text colour, else black or white (one
    of which always does). A small margin covers rounding: the browser mixes without it."""
    card = mix(background, text, CARD_TEXT_SHARE)
    candidates = (primary, text, "#000000", "#ffffff")

    def least(colour: str) -> float:
        return min(contrast_ratio(colour, background), contrast_ratio(colour, card))

    return next((c for c in candidates if least(c) >= AA_FOCUS + .05), max(candidates, key=least))
