"""What a file question takes: the file types the runtime recognises, and the visitor's file name
as it is kept. Which type a file is, the runtime decides from its bytes
(entries.services.uploaded_files); this module only says which of those types a question takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from .messages import Message, message

if TYPE_CHECKING:
    from .definition import Question

FILE_NAME_MAX_LENGTH = 255
# How an accept list names a type: "image/png", or a whole family as "image/*".
CONTENT_TYPE = re.compile(r"[a-z0-9.+-]+/(?:\*|[a-z0-9.+-]+)")

# Every file type a visitor can upload, with the name a visitor knows it by. The runtime decides a
# file's type from its bytes (entries.services.uploaded_files) and only ever recognises these:
# pictures, PDF, plain text and office documents. Web pages, SVG, scripts and programs are none of
# them, so no accept list, however it is written, lets one through.
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FILE_TYPES: Mapping[str, str] = MappingProxyType({
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/pdf": "PDF",
    "text/plain": "text",
    "text/csv": "CSV",
    _DOCX: "Word",
    _XLSX: "Excel",
    _PPTX: "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument presentation",
})
# A CSV's bytes are plain text: the two types take the same files.
_SAME_BYTES = {"text/plain": "text/csv", "text/csv": "text/plain"}
_NAME_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                        "\ud800-\udfff\\\\/\"<>:|?*]")


def accepts(accept: list[str], content_type: str) -> bool:
    if content_type not in FILE_TYPES:
        return False
    if not accept:
        return True
    family = content_type.partition("/")[0] + "/*"
    return bool({content_type, family, _SAME_BYTES.get(content_type)} & set(accept))


def file_types(question: Question) -> list[str]:
    """The types the question takes: its accept list (empty: all of FILE_TYPES), as far as the
    runtime recognises them. The runtime's file input offers these."""
    return [kind for kind in FILE_TYPES if accepts(question.validation["accept"], kind)]


def refused_type(question: Question) -> Message:
    names = list(dict.fromkeys(FILE_TYPES[kind] for kind in file_types(question)))
    if not names:
        return message("This question takes no file type that can be checked, so no file can "
                       "be sent.")
    if len(names) == 1:
        return message("This type of file is not accepted. Upload {type}.", type=names[0])
    return message("This type of file is not accepted. Upload {types} or {last}.",
                   types=", ".join(names[:-1]), last=names[-1])


def file_display_name(name: str) -> str:
    """A visitor's file name as it is kept and shown: its last part only, without control,
    direction-changing or path characters, at most FILE_NAME_MAX_LENGTH long."""
    shown = " ".join(_NAME_JUNK.sub(" ", name).split()).strip(" .")
    if len(shown) > FILE_NAME_MAX_LENGTH:
        stem, dot, extension = shown.rpartition(".")
        kept = f".{extension}" if dot and stem and len(extension) <= 10 else ""
        shown = shown[: FILE_NAME_MAX_LENGTH - len(kept)].rstrip() + kept
    return shown or "upload"
