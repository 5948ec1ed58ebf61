"""A visitor's file is what its bytes are: never what its name or the browser says."""

import pytest

from entries.services.uploaded_files import UploadRefused, upload_type
from tests.entries.upload_files import EXE, HTML_PAGE, SVG, docx, odt, pdf, picture, xlsx, zipped

WEB_PAGE = "This file contains web page code, which is not accepted. " \
    "Upload the picture or document itself."
DAMAGED_IMAGE = "The image is damaged or incomplete. Export it again and retry."


@pytest.mark.parametrize(("data", "content_type"), [
    (picture("PNG"), "image/png"),
    (picture("JPEG"), "image/jpeg"),
    (picture("GIF"), "image/gif"),
    (picture("WEBP"), "image/webp"),
    (pdf(), "application/pdf"),
    (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (odt(), "application/vnd.oasis.opendocument.text"),
    (b"name,score\r\nAda,3\r\n", "text/plain"),
    ("\ufeffcaf\u00e9;cr\u00e8me\n".encode(), "text/plain"),
    ("Zo\u00eb;\u20ac 3\r\n".encode("cp1252"), "text/plain"),  # Excel's CSV on Windows
])
def test_a_real_file_is_recognised_from_its_bytes(data, content_type):
    assert upload_type(data) == content_type


@pytest.mark.parametrize(("data", "message"), [
    (HTML_PAGE, WEB_PAGE),
    (SVG, WEB_PAGE),
    # A picture that is also a page: a browser sniffing it would run the script.
    (picture("PNG") + b"<script>alert(1)</script>", WEB_PAGE),
    (picture("GIF") + b"<HTML><body onload=alert(1)>", WEB_PAGE),
    (pdf() + b"<iframe src=//evil.example>", WEB_PAGE),
    (b"%PDF-1.4\n<html>\n%%EOF", WEB_PAGE),
    (picture("PNG")[:-40], DAMAGED_IMAGE),
    (picture("JPEG", (300, 300))[:300], DAMAGED_IMAGE),
    (b"\x89PNG\r\n\x1a\n" + b"hello", "This file is not an image we can read. "
                                       "Use GIF, JPEG, PNG, WebP."),
    (pdf()[:-30], "The PDF is damaged or incomplete. Save it again and retry."),
    (docx()[:-60], "The document is damaged or incomplete. Save it again and retry."),
    (docx(**{"word/vbaProject.bin": b"Attribute VB_Name"}),
     "Documents with macros are not accepted. Save it without macros (.docx, .xlsx, .pptx) "
     "and retry."),
    (b"", "The file is empty. Choose the file again."),
])
def test_a_file_that_lies_or_carries_a_page_is_refused_with_the_reason(data, message):
    with pytest.raises(UploadRefused) as refused:
        upload_type(data)
    assert str(refused.value) == message


@pytest.mark.parametrize("data", [
    EXE,
    b"\x7fELF\x02\x01\x01" + bytes(100),  # a Linux program
    b"#!/bin/sh\nrm -rf ~\n\x00",
    zipped({"payload.js": b"alert(1)"}),  # a zip, but no document
    "hello".encode("utf-16"),
    bytes(range(256)),
])
def test_a_file_of_no_type_we_take_is_not_recognised(data):
    assert upload_type(data) == ""
