import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from campaigns.services.images import MAX_UPLOAD_BYTES, ImageRefused, image_store

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def _image(fmt: str, size=(800, 600), mode="RGB", **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, (200, 40, 90) if mode == "RGB" else (200, 40, 90, 128)).save(
        out, fmt, **save)
    return out.getvalue()


def _stored(path: str) -> Image.Image:
    with default_storage.open(path) as stored:
        picture = Image.open(BytesIO(stored.read()))
        picture.load()
        return picture


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_real_images_are_stored_re_encoded_within_their_box(workspace, fmt):
    path = image_store(workspace=workspace, upload=_upload(_image(fmt, (3000, 1000))),
                       purpose="logo")
    assert path.startswith(f"images/{workspace.pk}/logo-")
    stored = _stored(path)
    assert stored.format in ("JPEG", "PNG")
    assert stored.size == (480, 160)


def test_transparency_is_kept_as_png(workspace):
    path = image_store(workspace=workspace, upload=_upload(_image("PNG", mode="RGBA")),
                       purpose="choice")
    stored = _stored(path)
    assert stored.format == "PNG"
    assert stored.mode == "RGBA"


def test_small_images_are_not_enlarged(workspace):
    path = image_store(workspace=workspace, upload=_upload(_image("PNG", (100, 50))),
                       purpose="cover")
    assert _stored(path).size == (100, 50)


def test_exif_with_gps_is_stripped_and_orientation_applied(workspace):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°: the stored pixels must come out upright
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    path = image_store(workspace=workspace,
                       upload=_upload(_image("JPEG", (400, 200), exif=exif.tobytes())),
                       purpose="outcome")
    stored = _stored(path)
    assert stored.size == (200, 400)
    assert not stored.getexif()


def test_a_file_that_only_claims_to_be_an_image_is_refused(workspace):
    with pytest.raises(ImageRefused, match="not an image"):
        image_store(workspace=workspace, upload=_upload(b"<svg onload=alert(1)>"),
                    purpose="logo")


def test_a_truncated_image_is_refused(workspace):
    data = _image("PNG", (500, 500), compress_level=0)
    with pytest.raises(ImageRefused, match="damaged"):
        image_store(workspace=workspace, upload=_upload(data[: len(data) // 2]),
                    purpose="logo")


def test_a_decompression_bomb_is_refused_before_decoding(workspace):
    # A valid PNG header declaring 100,000 x 100,000 pixels, in a few bytes.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))
    with pytest.raises(ImageRefused, match="megapixels|not an image"):
        image_store(workspace=workspace, upload=_upload(bomb), purpose="cover")


def test_formats_outside_the_allow_list_are_refused(workspace):
    with pytest.raises(ImageRefused, match="not accepted"):
        image_store(workspace=workspace, upload=_upload(_image("BMP"), "a.bmp"), purpose="logo")


def test_empty_and_oversized_files_are_refused(workspace):
    with pytest.raises(ImageRefused, match="empty"):
        image_store(workspace=workspace, upload=_upload(b""), purpose="logo")
    with pytest.raises(ImageRefused, match="over 8 MB"):
        image_store(workspace=workspace, upload=_upload(b"\0" * (MAX_UPLOAD_BYTES + 1)),
                    purpose="logo")


def test_animated_gifs_keep_their_first_frame(workspace):
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    path = image_store(workspace=workspace, upload=_upload(out.getvalue()), purpose="choice")
    stored = _stored(path)
    assert getattr(stored, "n_frames", 1) == 1
    assert stored.getpixel((10, 10))[0] > 200  # red


def test_phone_camera_jpegs_with_extra_frames_are_accepted(workspace):
    # Phones write MPO (a JPEG with a second picture appended); Pillow names it MPO, not JPEG.
    out = BytesIO()
    Image.new("RGB", (900, 600), "red").save(out, "MPO", save_all=True,
                                            append_images=[Image.new("RGB", (900, 600), "blue")])
    path = image_store(workspace=workspace, upload=_upload(out.getvalue(), "photo.jpg"),
                       purpose="choice")
    stored = _stored(path)
    assert stored.format == "JPEG"
    assert stored.size == (640, 427)
    assert stored.getpixel((10, 10))[0] > 200


def test_sixteen_bit_greyscale_keeps_its_tones(workspace):
    out = BytesIO()
    Image.new("I;16", (60, 60), 32768).save(out, "PNG")
    path = image_store(workspace=workspace, upload=_upload(out.getvalue()), purpose="logo")
    assert 120 <= _stored(path).convert("L").getpixel((5, 5)) <= 136


def test_cmyk_jpegs_are_stored_as_rgb(workspace):
    out = BytesIO()
    Image.new("CMYK", (100, 100), (0, 255, 255, 0)).save(out, "JPEG")
    stored = _stored(image_store(workspace=workspace, upload=_upload(out.getvalue()),
                                 purpose="cover"))
    assert stored.mode == "RGB"
    red, green, blue = stored.getpixel((50, 50))
    assert red > 200
    assert green < 60
    assert blue < 60


def test_malformed_exif_is_a_clear_refusal_not_a_crash(workspace):
    jpeg = _image("JPEG", (120, 80))
    # An APP1 Exif segment whose IFD claims far more entries than it holds.
    body = b"Exif\0\0" + b"II*\0" + b"\x08\0\0\0" + b"\xff\xff" + b"\x12\x01\x03\0"
    segment = b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    broken = jpeg[:2] + segment + jpeg[2:]
    try:
        path = image_store(workspace=workspace, upload=_upload(broken), purpose="logo")
    except ImageRefused as refused:
        reason = str(refused)
    else:
        assert _stored(path).size == (120, 80)
        return
    assert "damaged" in reason


def test_colour_profiles_are_applied_then_dropped(workspace):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile in (srgb, b"not an ICC profile at all"):
        out = BytesIO()
        Image.new("RGB", (80, 80), (200, 40, 90)).save(out, "JPEG", quality=95,
                                                        icc_profile=profile)
        stored = _stored(image_store(workspace=workspace, upload=_upload(out.getvalue()),
                                     purpose="logo"))
        assert "icc_profile" not in stored.info
        red, green, blue = stored.getpixel((40, 40))
        assert abs(red - 200) < 6
        assert abs(green - 40) < 6
        assert abs(blue - 90) < 6
