"""Files visitors upload with a file question: what they are, where they are kept, how they go.

A file's type is decided from its bytes alone, never from the name or the type the browser claimed:
a picture must decode to its last pixel (Pillow), a PDF must start and end as one, an office
document must be the zip its format is, text must be text. The runtime recognises only the types
in `flow.FILE_TYPES`; anything else (a web page, SVG, a script, a program) is no type at all and is
refused by the question. A file carrying web page markup is refused whatever else it is, so a
picture that is also a page (a polyglot) never gets in.

Accepted files are kept in the private `uploads` storage (settings.UPLOADS_ROOT) under generated
names, one folder per entry; the visitor's file name is only metadata in the answer. Nothing there
has a URL: marketers download through the builder (builder.views.entry_files), as an attachment.
"""

import re
import secrets
import zipfile
from io import BytesIO

from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from campaigns import flow
from campaigns.services.images import ImageRefused, image_clean, image_decode
from entries.models import Entry

# What the browser shows the marketer when a file is an image: re-encoded, never the upload.
PREVIEW_BOX = (640, 640)
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg",
                  "GIF": "image/gif", "WEBP": "image/webp"}
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))
# The part of an office document's zip that says what it is.
_OOXML_PARTS = {
    "word/document.xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF_TYPES = {"application/vnd.oasis.opendocument.text",
              "application/vnd.oasis.opendocument.spreadsheet",
              "application/vnd.oasis.opendocument.presentation"}
# Tags a browser would run or draw if it ever took the file for a page. Case does not matter to
# HTML, and a tag name ends at a space, a slash or ">".
_MARKUP = re.compile(rb"<(?:script|html|svg|iframe|object|embed|body|!doctype\s+html)[\s/>]",
                     re.IGNORECASE)
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UploadRefused(ValueError):
    """The file claims a type it is not, or carries something we never keep; says why."""


def uploads_storage() -> Storage:
    return storages["uploads"]


def upload_type(data: bytes) -> str:
    """The type of the file in `data`, one of `flow.FILE_TYPES`, or "" when it is none of them.

    Raises UploadRefused when the bytes start as a type they do not hold to the end (a truncated
    picture, a damaged PDF), or carry web page markup.
    """
    if not data:
        raise UploadRefused(gettext("The file is empty. Choose the file again."))
    if _MARKUP.search(data):
        raise UploadRefused(gettext("This file contains web page code, which is not accepted. "
                                    "Upload the picture or document itself."))
    for magic, content_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return _image_type(data, content_type)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _image_type(data, "image/webp")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise UploadRefused(gettext("The PDF is damaged or incomplete. Save it again "
                                        "and retry."))
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _document_type(data)
    return "text/plain" if _is_text(data) else ""


def _image_type(data: bytes, content_type: str) -> str:
    try:
        picture = image_decode(data)
    except ImageRefused as refused:
        raise UploadRefused(str(refused)) from None
    if _IMAGE_FORMATS.get(picture.format) != content_type:
        raise UploadRefused(gettext("The image is damaged or incomplete. Export it again "
                                    "and retry."))
    return content_type


def _document_type(data: bytes) -> str:
    """An office document is a zip whose parts say which one it is. Only the small parts that
    name the type are read, so a zip bomb is never inflated."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            small_mimetype = "mimetype" in names and archive.getinfo("mimetype").file_size <= 100
            declared = archive.read("mimetype").decode("ascii", "replace").strip() \
                if small_mimetype else ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise UploadRefused(gettext("The document is damaged or incomplete. Save it again "
                                    "and retry.")) \
            from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRefused(gettext("Documents with macros are not accepted. "
                                    "Save it without macros (.docx, .xlsx, .pptx) and retry."))
    if declared:
        return declared if declared in _ODF_TYPES else ""
    if "[Content_Types].xml" in names:
        return next((kind for part, kind in _OOXML_PARTS.items() if part in names), "")
    return ""


def _is_text(data: bytes) -> bool:
    """UTF-8 (what browsers and most tools write) or Windows-1252 (Excel's CSV), without the
    control characters a text file never holds."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not _TEXT_CONTROLS.search(text)
    return False


def upload_path(entry: Entry, content_type: str) -> str:
    """A generated name in the entry's own folder: nothing of the visitor's file name."""
    extension = EXTENSIONS.get(content_type, "bin")
    return f"{entry_folder(entry.campaign_id, entry.pk)}/{secrets.token_hex(16)}.{extension}"


def entry_folder(campaign_id: int, entry_id: int) -> str:
    return f"{campaign_id}/{entry_id}"


def upload_store(*, path: str, upload: UploadedFile) -> str:
    """Write an accepted upload at the path its answer names; returns the path written."""
    upload.seek(0)
    return uploads_storage().save(path, upload)


def entry_uploads_delete(entries: list[tuple[int, int]]) -> int:
    """Remove every file kept for these (campaign id, entry id) pairs, including ones a visitor
    later replaced; returns how many were removed."""
    storage, removed = uploads_storage(), 0
    for campaign_id, entry_id in entries:
        folder = entry_folder(campaign_id, entry_id)
        if not storage.exists(folder):
            continue
        for name in storage.listdir(folder)[1]:
            storage.delete(f"{folder}/{name}")
            removed += 1
    return removed


def stored_upload(value) -> tuple[File, str, str] | None:
    """An answer's file, opened: (file, content type, download name); None if there is none.

    The content type is one the runtime decided from the bytes; an answer saved before it did
    (its type the browser's claim) is handed out as anonymous bytes. The name is the visitor's,
    cleaned, and always ends in the type's extension, so no saved copy opens as anything else.
    """
    path = value.get("path") if isinstance(value, dict) else None
    if not isinstance(path, str) or not path or not uploads_storage().exists(path):
        return None
    content_type = value.get("content_type")
    if content_type not in EXTENSIONS:
        content_type = "application/octet-stream"
    name = flow.file_display_name(str(value.get("name") or ""))
    extension = EXTENSIONS.get(content_type, "bin")
    if not name.lower().endswith(f".{extension}") and not (
            extension == "jpg" and name.lower().endswith(".jpeg")):
        name = f"{name}.{extension}"
    return uploads_storage().open(path), content_type, name


def upload_preview(value) -> tuple[bytes, str] | None:
    """An image answer re-encoded from its pixels for showing inline: (bytes, content type);
    None when the answer is not an image that decodes."""
    stored = stored_upload(value)
    if stored is None or not stored[1].startswith("image/"):
        return None
    with stored[0] as file:
        data = file.read()
    try:
        cleaned, extension = image_clean(data, box=PREVIEW_BOX)
    except ImageRefused:
        return None
    return cleaned, "image/png" if extension == "png" else "image/jpeg"
