"""What an uploaded file is, judged by its bytes: its type, a clean name, and a thumbnail for images.

The type comes from the file's first bytes (its signature), never from the
name or the browser's word alone: a page or a script renamed ``photo.jpg`` is
refused, and the name's extension must agree with what the bytes are.
Accepted: photos (JPEG, PNG, GIF, WebP, HEIC from iPhones), PDF scans, Word and
Excel documents — what a mediator attaches as 证据材料 (local practice).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import NamedTuple

from disputeflow.workflow.errors import ValidationError

# type → (extensions it may carry, the one given to a name without any, label)
TYPES = {
    "image/jpeg": ((".jpg", ".jpeg", ".jfif"), ".jpg"),
    "image/png": ((".png",), ".png"),
    "image/gif": ((".gif",), ".gif"),
    "image/webp": ((".webp",), ".webp"),
    "image/heic": ((".heic", ".heif"), ".heic"),
    "application/pdf": ((".pdf",), ".pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ((".docx",), ".docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ((".xlsx",), ".xlsx"),
    "application/msword": ((".doc",), ".doc"),
    "application/vnd.ms-excel": ((".xls",), ".xls"),
}
ACCEPT = ",".join(["image/*", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".heic"])  # the upload input's accept
THUMBNAILED = ("image/jpeg", "image/png", "image/gif", "image/webp")
THUMB_SIZE = (320, 320)
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is past any phone's; more is a decompression bomb (guess)
DEFAULT_MAX_MB = 20  # a phone photo is 2–8 MB, a scanned agreement a few MB (local practice)
NAME_MAX = 200
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class Checked(NamedTuple):
    name: str
    content_type: str
    thumbnail: bytes | None


def _refuse(zh: str, en: str) -> ValidationError:
    return ValidationError.one("file", zh, en)


def sniff(data: bytes, name: str) -> str | None:
    """The type the bytes are, or None if they are none of the accepted ones."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    if head.startswith(_OLE):
        return "application/vnd.ms-excel" if name.lower().endswith(".xls") else "application/msword"
    return None


def _office_zip(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def clean_name(name: str) -> str:
    """The last part of the name the browser or shell gave, without control or path characters."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[-NAME_MAX:] if base else ""


def check(data: bytes, name: str, max_bytes: int) -> Checked:
    """Refuse what is empty, too large, of a type not accepted, or named as something else; thumbnail images."""
    if not data:
        raise _refuse("文件是空的", "the file is empty")
    if len(data) > max_bytes:
        raise _refuse(f"文件过大：{len(data) / 1048576:.1f} MB，上限 {max_bytes // 1048576} MB",
                      f"file too large: {len(data) / 1048576:.1f} MB, the limit is {max_bytes // 1048576} MB")
    name = clean_name(name)
    kind = sniff(data, name)
    if kind is None:
        raise _refuse("只能上传照片（JPG、PNG、GIF、WebP、HEIC）、PDF、Word 或 Excel 文件",
                      "only photos (JPG, PNG, GIF, WebP, HEIC), PDF, Word or Excel files may be attached")
    exts, default_ext = TYPES[kind]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        name = (name or "附件") + default_ext
    elif "." + ext.lower() not in exts:
        raise _refuse(f"文件内容与扩展名不符：内容是 {default_ext[1:].upper()} 文件，名称却是 .{ext}",
                      f"the file's content is {default_ext[1:].upper()} but its name ends in .{ext}")
    if len(name) > NAME_MAX:
        name = name[-NAME_MAX:]
    return Checked(name, kind, thumbnail(data) if kind in THUMBNAILED else None)


def thumbnail(data: bytes) -> bytes:
    """A JPEG at most 320 px on its longer side, turned upright as the phone held it (EXIF orientation)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise _refuse("图片像素过多，无法处理", "the image has too many pixels")
            img.seek(0)
            small = ImageOps.exif_transpose(img)
            small.thumbnail(THUMB_SIZE)
            if small.mode not in ("RGB", "L"):
                small = small.convert("RGBA")
                canvas = Image.new("RGB", small.size, (255, 255, 255))
                canvas.paste(small, mask=small.getchannel("A"))
                small = canvas
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80)
            return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise _refuse("图片已损坏或无法识别", "the image is damaged or cannot be read") from None
