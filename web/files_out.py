"""Sending an attachment's bytes: shown in place for images, downloaded for documents, never run as a page."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response


def file_response(name: str, data: bytes, content_type: str, *, download: bool = False) -> Response:
    inline = content_type.startswith("image/") and not download
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(content=data, media_type=content_type, headers={
        "Content-Disposition": disposition,
        "Cache-Control": "private, no-store",  # served only to readers of the case: no shared cache keeps a copy
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
    })


def human_size(size: int) -> str:
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
