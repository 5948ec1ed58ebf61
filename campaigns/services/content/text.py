"""Text fields as marketers type them."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_BLOCK = re.compile(r"<(p|ul|ol|li|h2|h3|blockquote|br)\b", re.IGNORECASE)


def rich_text(text: str) -> str:
    """Rich text is stored as HTML (sanitised when shown). Text typed without paragraphs (no
    toolbar, or only bold and links) gets them, so its blank lines and line breaks show as typed;
    text without any tag is escaped first, since a lone "<" is meant literally."""
    text = text.replace("\r\n", "\n").strip()
    if not text or _BLOCK.search(text):
        return text
    if not _TAG.search(text):
        text = html.escape(text, quote=False)
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


def one_line(text: str) -> str:
    return " ".join(text.split())
