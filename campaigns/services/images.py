"""Images marketers upload (logo, cover, choice and outcome pictures).

Nothing a browser sent is stored as it came: the file must decode as an image of an allowed format,
within a pixel budget (a small file can claim a gigantic canvas: a decompression bomb), and is then
re-encoded from its pixels alone, so EXIF (camera, GPS) and anything smuggled after the image data
are dropped. It is shrunk to the largest size the runtime shows for its purpose.
"""

import secrets
import warnings
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from campaigns.models import Workspace

ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
# Phone cameras write JPEGs with extra frames (depth, previews) that Pillow reads as MPO: to the
# person uploading it is a JPEG, and only its first frame is kept like any other.
READABLE_FORMATS = {*ALLOWED_FORMATS, "MPO"}
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# 40 megapixels: more than any phone camera, far less than a bomb's billions.
MAX_PIXELS = 40_000_000
# The largest box each purpose is shown in (2x for sharp screens).
SIZES = {
    "logo": (480, 160),
    "cover": (1600, 900),
    "choice": (640, 640),
    "outcome": (1200, 800),
    "avatar": (160, 160),  # chat mode's persona, shown 40 px round
    # Link previews are 1200×630 (1.91:1) on every big network.
    "share": (1200, 630),
}


class ImageRefused(ValueError):
    """The upload is not an image we store; the message says why, for the form field."""


def image_store(*, workspace: Workspace, upload, purpose: str) -> str:
    """Check, clean and store an uploaded image; returns the stored path (see `image_url`)."""
    if purpose not in SIZES:
        raise ValueError(f"unknown image purpose {purpose!r}")
    if isinstance(upload, str):
        # A kept image is its stored name: callers leave it as it is, never store it again.
        raise TypeError(f"image_store takes an uploaded file, not the stored name {upload!r}")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused(f"The file is over {MAX_UPLOAD_BYTES // 1024 // 1024} MB. "
                           "Save a smaller image and try again.")
    cleaned, extension = image_clean(data, box=SIZES[purpose])
    path = f"images/{workspace.pk}/{purpose}-{secrets.token_hex(8)}.{extension}"
    return default_storage.save(path, ContentFile(cleaned))


def image_clean(data: bytes, *, box: tuple[int, int]) -> tuple[bytes, str]:
    """The image in `data` re-encoded from its pixels alone within `box`: (bytes, "png" or "jpg").
    Raises ImageRefused, with the reason, for anything that is not a whole image we accept."""
    picture = image_decode(data)
    try:
        return _reencode(picture, box)
    except (OSError, SyntaxError, ValueError, TypeError):
        # Malformed metadata (an EXIF block that lies about its own length) surfaces only here.
        raise ImageRefused("The image is damaged or incomplete. Export it again and retry.") \
            from None


def image_decode(data: bytes) -> Image.Image:
    """`data` decoded to its last pixel, if it is an image of an allowed format within the pixel
    budget; raises ImageRefused otherwise."""
    if not data:
        raise ImageRefused(gettext("The file is empty."))
    allowed = ", ".join(sorted(ALLOWED_FORMATS.values()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(BytesIO(data))
            if picture.format not in READABLE_FORMATS:
                raise ImageRefused(gettext("{format} images are not accepted. Use {allowed}.")
                                   .format(format=picture.format, allowed=allowed))
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise ImageRefused(gettext(
                    "The image is {width}×{height} pixels, more than we accept ({megapixels} "
                    "megapixels). Resize it first.").format(
                        width=width, height=height, megapixels=MAX_PIXELS // 1_000_000))
            picture.load()  # decodes every pixel: a truncated or corrupt file fails here
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise ImageRefused(gettext("This file is not an image we can read. Use {allowed}.")
                           .format(allowed=allowed)) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRefused(gettext("The image is damaged or incomplete. Export it again and "
                                   "retry.")) from None
    return picture


def _reencode(picture: Image.Image, box: tuple[int, int]) -> tuple[bytes, str]:
    """Pixels only, upright, within `box`: PNG where there is transparency, JPEG otherwise."""
    # Only the first frame of an animation is kept: the runtime shows still pictures.
    picture.seek(0)
    upright = ImageOps.exif_transpose(picture)
    if upright.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale: scaled to 8 bits, where a plain convert would clip it to white.
        upright = upright.point(lambda value: value / 256).convert("L")
    transparent = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info)
    clean = _in_srgb(upright.convert("RGBA" if transparent else "RGB"),
                     picture.info.get("icc_profile"))
    clean.thumbnail(box, Image.Resampling.LANCZOS)
    out = BytesIO()
    if transparent:
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "jpg"


_SRGB = ImageCms.createProfile("sRGB")


def _in_srgb(picture: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels converted from their embedded colour profile to sRGB, which browsers assume for
    an untagged image: a phone photo in Display P3 keeps its colours once the profile is gone.
    A profile that cannot be read leaves the pixels as they are."""
    if not icc:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        return ImageCms.profileToProfile(picture, source, _SRGB, outputMode=picture.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return picture
