"""The picture a shared link shows: a 1200×630 card per published version, outcome and language.

Drawn with Pillow in the campaign's colours and font: its logo, the campaign's name, the outcome's
title (the campaign's description on the landing card) and the outcome's picture (the cover on the
landing card). Text of any length and script fits the safe area: a short title stays on one line at
a large size, a longer one wraps at the largest size where it fits, the longest is cut with an
ellipsis at the smallest size. Every text colour contrasts at least 4.5:1 (WCAG AA) with the
background: the theme's text colour, else that colour moved towards black or white until it does.

Right-to-left text (Arabic, Hebrew) is shaped and ordered by libraqm, which Pillow's wheels
bundle. Where Pillow was built without it (`RTL_SHAPING` False), a right-to-left line is drawn
with its characters reversed: read in the right order, though unjoined.
"""

import logging
import threading
import unicodedata
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError, features

from campaigns.theme import AA_TEXT, contrast_ratio, mix

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
# Networks crop the edges of a preview; no text is drawn within MARGIN of them.
MARGIN = 60
PICTURE_WIDTH = 460
LOGO_BOX = (240, 64)
ACCENT_HEIGHT = 14
TITLE_SIZES = (76, 36)  # largest, smallest
# Below this a title wraps rather than shrinks further: two lines of 56 read better than one of 36.
ONE_LINE_FLOOR = 56
SUBTITLE_SIZES = (32, 24)
SUBTITLE_LINES = 2
FOOTER_SIZE = 24
LINE_HEIGHT = 1.2
SIZE_STEP = 4
ELLIPSIS = "…"
RTL_SHAPING = features.check("raqm")
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
# Theme font → (regular, bold). DejaVu Sans is the only one with Arabic: RTL text always uses it.
FONT_FILES = {
    "system": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "rounded": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "mono": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
}
RTL_FONT = "system"
RTL_CLASSES = {"R", "AL"}
JPEG_QUALITY = 90

if not RTL_SHAPING:
    logger.warning("Pillow has no libraqm: share images draw right-to-left text unshaped.")


@dataclass(frozen=True)
class Card:
    """What one share image says. Colours are `#rrggbb`; pictures are stored paths."""

    title: str
    subtitle: str
    footer: str  # the site's host
    background: str
    text: str
    accent: str
    font: str = "system"
    picture: str = ""
    logo: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Line:
    text: str  # in logical order, as the font's layout engine takes it
    xy: tuple[int, int]
    size: int
    bold: bool
    font: str
    rtl: bool

    def typeface(self) -> ImageFont.FreeTypeFont:
        return font_at(self.font, self.size, self.bold)


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]
    ink: str  # every line's colour, AA on the background
    text_box: tuple[int, int, int, int]  # the safe area the lines stay in


def readable(colour: str, background: str) -> str:
    """`colour`, or it moved towards black or white (whichever contrasts more with `background`)
    just far enough for 4.5:1. Black or white itself always reaches it (at least 4.58:1)."""
    target = max(("#000000", "#ffffff"), key=lambda end: contrast_ratio(end, background))
    for step in range(11):
        candidate = mix(colour, target, step / 10)
        if contrast_ratio(candidate, background) >= AA_TEXT:
            return candidate
    return target


_loaded = threading.local()


def font_at(name: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """Loaded once per thread: a FreeType face must not be used by two threads at once."""
    faces = _loaded.__dict__.setdefault("faces", {})
    key = (name, size, bold)
    if key not in faces:
        regular, heavy = FONT_FILES.get(name, FONT_FILES["system"])
        engine = ImageFont.Layout.RAQM if RTL_SHAPING else ImageFont.Layout.BASIC
        faces[key] = ImageFont.truetype(str(FONT_DIR / (heavy if bold else regular)), size,
                                        layout_engine=engine)
    return faces[key]


def is_rtl(text: str) -> bool:
    """True when the first strong character is right-to-left, as a paragraph's base direction."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


def _ink(text: str, font: ImageFont.FreeTypeFont, rtl: bool) -> tuple[float, float]:
    """(left, right) of the ink from the pen's start: a glyph may overhang its advance."""
    left, _, right, _ = font.getbbox(text, direction="rtl" if rtl and RTL_SHAPING else None)
    return min(0, left), max(right, font.getlength(text))


def _width(text: str, font: ImageFont.FreeTypeFont, rtl: bool) -> float:
    left, right = _ink(text, font, rtl)
    return right - left


def _pieces(word: str, font, rtl: bool, width: int) -> list[str]:
    """A word wider than the line broken between characters (long URLs, scripts without spaces)."""
    if _width(word, font, rtl) <= width:
        return [word]
    pieces, current = [], ""
    for char in word:
        if current and _width(current + char, font, rtl) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, rtl: bool,
         limit: int | None = None) -> list[str]:
    """Greedy word wrap within `width` pixels; past `limit` lines the rest is left out (the
    caller only asks to know the text does not fit)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _pieces(word, font, rtl, width):
            candidate = f"{current} {piece}" if current else piece
            if not current or _width(candidate, font, rtl) <= width:
                current = candidate
                continue
            lines.append(current)
            current = piece
            if limit is not None and len(lines) >= limit:
                return [*lines, current]
    return [*lines, current] if current else lines


def _with_ellipsis(line: str, font, width: int, rtl: bool) -> str:
    while line and _width(line + ELLIPSIS, font, rtl) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit(text: str, *, font: str, bold: bool, sizes: tuple[int, int], width: int, height: int,
        max_lines: int | None = None, one_line_floor: int | None = None) -> tuple[int, list[str]]:
    """(size, lines) for `text` in a `width`×`height` box: one line, shrinking down to
    `one_line_floor`; else wrapped at the largest size whose lines fit; else the smallest size's
    lines that fit, the last cut with an ellipsis."""
    rtl = is_rtl(text)
    largest, smallest = sizes
    steps = range(largest, smallest - 1, -SIZE_STEP)
    floor = one_line_floor or largest
    for size in (s for s in steps if s >= floor):
        if _width(text, font_at(font, size, bold), rtl) <= width:
            return size, [text]
    for size in steps:
        typeface = font_at(font, size, bold)
        room = _room(size, height, max_lines)
        # Wrapped lines hold no more than one long line: skip the sizes that cannot fit.
        if _width(text, typeface, rtl) > room * width:
            continue
        lines = wrap(text, typeface, width, rtl, limit=room)
        if len(lines) <= room:
            return size, lines
    typeface = font_at(font, smallest, bold)
    room = _room(smallest, height, max_lines)
    lines = wrap(text, typeface, width, rtl, limit=room)
    if len(lines) > room:
        lines = [*lines[:room - 1], _with_ellipsis(lines[room - 1], typeface, width, rtl)]
    return smallest, lines


def _room(size: int, height: int, max_lines: int | None) -> int:
    """How many lines of `size` fit in `height` (at least one, at most `max_lines`)."""
    room = max(1, int(height // (size * LINE_HEIGHT)))
    return room if max_lines is None else min(room, max_lines)


def _place(lines: list[str], *, size: int, bold: bool, font: str, box, top: int) -> list[Line]:
    left, _, right, _ = box
    placed = []
    for index, text in enumerate(lines):
        rtl = is_rtl(text)
        ink_left, ink_right = _ink(text, font_at(font, size, bold), rtl)
        x = right - ink_right if rtl else left - ink_left
        placed.append(Line(text=text, xy=(round(x), round(top + index * size * LINE_HEIGHT)),
                           size=size, bold=bold, font=font, rtl=rtl))
    return placed


def card_layout(card: Card, *, has_picture: bool, has_logo: bool) -> Layout:
    """Where each line of text goes. Pure: the same card always lays out the same."""
    right = WIDTH - MARGIN - (PICTURE_WIDTH if has_picture else 0)
    top = MARGIN + (LOGO_BOX[1] + 28 if has_logo else 0)
    bottom = HEIGHT - MARGIN - ACCENT_HEIGHT - round(FOOTER_SIZE * LINE_HEIGHT) - 16
    box = (MARGIN, top, right, bottom)
    width = right - MARGIN
    lines: list[Line] = []
    y = top

    def font_for(text: str) -> str:
        return RTL_FONT if is_rtl(text) else card.font

    if card.subtitle:
        face = font_for(card.subtitle)
        size, wrapped = fit(card.subtitle, font=face, bold=False, sizes=SUBTITLE_SIZES,
                            width=width, height=bottom - y, max_lines=SUBTITLE_LINES)
        lines += _place(wrapped, size=size, bold=False, font=face, box=box, top=y)
        y += round(len(wrapped) * size * LINE_HEIGHT) + 20
    face = font_for(card.title)
    size, wrapped = fit(card.title, font=face, bold=True, sizes=TITLE_SIZES, width=width,
                        height=bottom - y, one_line_floor=ONE_LINE_FLOOR)
    lines += _place(wrapped, size=size, bold=True, font=face, box=box, top=y)
    # The block of name and title sits in the middle of the room it has, not at its top.
    spare = (bottom - y - round(len(wrapped) * size * LINE_HEIGHT)) // 2
    lines = [replace(line, xy=(line.xy[0], line.xy[1] + spare)) for line in lines]
    footer_face = font_for(card.footer)
    footer_top = HEIGHT - MARGIN - ACCENT_HEIGHT - round(FOOTER_SIZE * LINE_HEIGHT)
    footer = fit(card.footer, font=footer_face, bold=False, sizes=(FOOTER_SIZE, FOOTER_SIZE),
                 width=width, height=round(FOOTER_SIZE * LINE_HEIGHT), max_lines=1)[1]
    lines += _place(footer, size=FOOTER_SIZE, bold=False, font=footer_face,
                    box=(MARGIN, footer_top, right, HEIGHT - MARGIN), top=footer_top)
    return Layout(lines=tuple(lines), ink=readable(card.text, card.background),
                  text_box=(MARGIN, MARGIN, right, HEIGHT - MARGIN))


def open_picture(path: str) -> Image.Image | None:
    """A stored upload or a gallery image (a static file), or None: a web address is never
    fetched, and a missing or unreadable file leaves the card without it."""
    if not path or path.startswith(("http://", "https://")):
        return None
    try:
        if path.startswith("gallery/"):
            found = finders.find(path)
            if not found:
                return None
            picture = Image.open(found)
        else:
            with default_storage.open(path) as stored:
                picture = Image.open(BytesIO(stored.read()))
        picture.load()
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("share image: cannot read picture %r", path)
        return None
    return picture


def _draw_text(draw: ImageDraw.ImageDraw, line: Line, ink: str, language: str) -> None:
    if line.rtl and not RTL_SHAPING:
        draw.text(line.xy, line.text[::-1], font=line.typeface(), fill=ink)
        return
    options = {"direction": "rtl", "language": language} if line.rtl else {}
    draw.text(line.xy, line.text, font=line.typeface(), fill=ink, **options)


def card_render(card: Card) -> bytes:
    """The card as a JPEG (4:4:4, so the text's edges stay sharp)."""
    picture, logo = open_picture(card.picture), open_picture(card.logo)
    layout = card_layout(card, has_picture=picture is not None, has_logo=logo is not None)
    image = Image.new("RGB", (WIDTH, HEIGHT), card.background)
    if picture is not None:
        fitted = ImageOps.fit(picture.convert("RGB"), (PICTURE_WIDTH, HEIGHT),
                              Image.Resampling.LANCZOS)
        image.paste(fitted, (WIDTH - PICTURE_WIDTH, 0))
    if logo is not None:
        logo = logo.convert("RGBA")
        logo.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
        image.paste(logo, (MARGIN, MARGIN), logo)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - ACCENT_HEIGHT, WIDTH, HEIGHT), fill=card.accent)
    for line in layout.lines:
        _draw_text(draw, line, layout.ink, card.language)
    out = BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue()
